"""The look of report charts, applied once per kernel by the notebook's setup cell.

Nothing here runs on import: changing global plotting state is the notebook's explicit choice
(``wb.report_setup()``), never a side effect of ``import workbench``.
"""
from __future__ import annotations

PALETTE = ["#1f5a96", "#e0822b", "#3a9a5b", "#c23b3b", "#7b5aa6", "#8c6d4f", "#d16ba5", "#6f6f6f"]


# seaborn's ``set_theme(style="whitegrid", context="notebook")``, written out: importing seaborn (and scipy.stats
# through it) costs every report about a second of CPU before its first cell. tests/present/test_style.py checks
# these values against seaborn itself. Not copied: ``image.cmap`` ("rocket", a colour map seaborn registers on
# import); every workbench chart names its own colour map, so matplotlib's default (viridis) stays.
SEABORN_WHITEGRID_NOTEBOOK = {
    "axes.axisbelow": True, "axes.edgecolor": ".8", "axes.grid": True, "axes.labelcolor": ".15",
    "axes.labelsize": 12.0, "axes.linewidth": 1.25, "axes.titlesize": 12.0,
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "font.size": 12.0, "grid.color": ".8", "grid.linewidth": 1.0, "legend.fontsize": 11.0,
    "legend.title_fontsize": 12.0, "lines.solid_capstyle": "round", "patch.edgecolor": "w",
    "patch.force_edgecolor": True, "text.color": ".15", "xtick.bottom": False, "xtick.color": ".15",
    "xtick.labelsize": 11.0, "xtick.major.size": 6.0, "xtick.major.width": 1.25, "xtick.minor.size": 4.0,
    "xtick.minor.width": 1.0, "ytick.color": ".15", "ytick.labelsize": 11.0, "ytick.left": False,
    "ytick.major.size": 6.0, "ytick.major.width": 1.25, "ytick.minor.size": 4.0, "ytick.minor.width": 1.0,
}


def report_setup() -> None:
    """Apply the report chart style (seaborn's whitegrid look, readable sizes, PNG output) to this kernel."""
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(SEABORN_WHITEGRID_NOTEBOOK)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=[mpl.colors.to_rgb(c) for c in PALETTE])
    mpl.rcParams.update({
        "figure.figsize": (9.0, 4.6),
        "figure.dpi": 100,
        "savefig.dpi": 110,
        "savefig.bbox": "tight",
        "axes.titlesize": 13,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
    })
    try:  # inline PNG (embedded as base64 in the HTML report); no-op outside IPython
        from IPython import get_ipython

        ip = get_ipython()
        if ip is not None:
            ip.run_line_magic("config", "InlineBackend.figure_formats = ['png']")
            _draw_each_figure_once()
    except ImportError:  # pragma: no cover - IPython is a dependency
        pass


def _draw_each_figure_once() -> None:
    """With the inline backend, pyplot's own post-execute hook redraws every new figure on the Agg canvas,
    and then the backend renders it again for the PNG it displays: a third of each chart's cost, for pixels
    nobody sees (the PNG is drawn afresh). Load the backend now and remove pyplot's hook (its public
    ``uninstall_repl_displayhook``); the backend's own hook still displays every figure."""
    import matplotlib as mpl

    backend = mpl.get_backend()
    if backend not in ("inline", "module://matplotlib_inline.backend_inline"):
        return
    import matplotlib.pyplot as plt

    plt.switch_backend(backend)  # loading it later would install the hook again
    plt.uninstall_repl_displayhook()
