"""The look of report charts, applied once per kernel by the notebook's setup cell.

Nothing here runs on import: changing global plotting state is the notebook's explicit choice
(``wb.report_setup()``), never a side effect of ``import workbench``.
"""
from __future__ import annotations

PALETTE = ["#1f5a96", "#e0822b", "#3a9a5b", "#c23b3b", "#7b5aa6", "#8c6d4f", "#d16ba5", "#6f6f6f"]


def report_setup() -> None:
    """Apply the report chart style (seaborn whitegrid, readable sizes, PNG output) to this kernel."""
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
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
    except ImportError:  # pragma: no cover - IPython is a dependency
        pass
