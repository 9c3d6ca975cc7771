"""report_setup() gives the charts seaborn's whitegrid look without importing seaborn."""
from __future__ import annotations

import subprocess
import sys

import matplotlib as mpl
import pytest

from workbench.present.style import PALETTE, SEABORN_WHITEGRID_NOTEBOOK, report_setup

OURS = {"figure.figsize", "figure.dpi", "savefig.dpi", "savefig.bbox", "axes.titlesize", "axes.titleweight",
        "axes.titlelocation", "axes.labelsize", "axes.spines.top", "axes.spines.right", "legend.frameon"}


@pytest.fixture
def restore_rc():
    saved = mpl.rcParams.copy()
    yield
    mpl.rcParams.update(saved)


def test_same_style_as_seaborn_set_theme(restore_rc):
    sns = pytest.importorskip("seaborn")
    mpl.rcdefaults()
    report_setup()
    ours = dict(mpl.rcParams)
    mpl.rcdefaults()
    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
    theirs = dict(mpl.rcParams)
    differing = {k for k in theirs if str(theirs[k]) != str(ours[k])}
    # only the report's own sizes and seaborn's registered colour map (every chart names its own) differ
    assert differing - OURS == {"image.cmap"}
    assert theirs["image.cmap"] == "rocket" and ours["image.cmap"] == "viridis"
    assert set(SEABORN_WHITEGRID_NOTEBOOK) - OURS <= set(theirs)


def test_palette_is_the_colour_cycle(restore_rc):
    report_setup()
    colours = [mpl.colors.to_hex(c) for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert colours == PALETTE


def test_setup_does_not_import_seaborn_or_scipy_stats():
    code = ("import sys, workbench as wb; wb.report_setup(); "
            "print(sorted(m for m in ('seaborn', 'scipy.stats') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_each_inline_figure_is_drawn_once_for_its_png():
    """In IPython with the inline backend: two draws per figure (the tight bounding box, then the PNG), not three
    (pyplot's post-execute hook drew every new figure once more on the canvas)."""
    code = (
        "import os\n"
        "os.environ['MPLBACKEND'] = 'module://matplotlib_inline.backend_inline'\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "ip = InteractiveShell.instance()\n"
        "ip.run_cell('import workbench as wb; wb.report_setup()')\n"
        "ip.run_cell('import matplotlib.figure as mf\\nn = [0]\\norig = mf.Figure.draw\\n"
        "def counting(self, r):\\n    n[0] += 1\\n    return orig(self, r)\\nmf.Figure.draw = counting')\n"
        "ip.run_cell(\"import matplotlib.pyplot as plt\\nplt.plot([1, 2]); plt.title('x');\")\n"
        "print('DRAWS', ip.user_ns['n'][0], len(ip.display_formatter.formatters['image/png'].type_printers) > 0)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "DRAWS 2 True"
