"""The naming scheme of CONTRIBUTING.md ("Names"), checked on every public name of the package.

- analyses return numbers and frames: no public name ends in a word of presentation (``_md``, ``_table``, ...);
- charts are ``plot_<what>(data, *, ..., ax=None, **kwargs)`` and name the column to draw ``column=``;
- a report module's public functions end in ``_md`` (Markdown) or ``_table`` (a display table), or are its one
  ``record_headlines``; its other public names are UPPER_CASE specs;
- frame first, options keyword-only: at most one positional parameter (a few functions of two inputs are listed
  with their reason);
- one way to fit a model: ``Model(options).fit(data)`` returning the model, fitted values ending in ``_``; no
  ``fit_*`` functions.
"""
from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

import workbench

PKG = Path(workbench.__file__).parent
PRESENTATION_SUFFIXES = ("_md", "_markdown", "_text", "_sentence", "_sentences", "_note", "_notes", "_phrase",
                         "_label", "_view", "_display", "_headline", "_table", "_chart", "_plot", "_bars",
                         "_heatmap", "_page", "_explanation")

# Functions whose two first parameters are both data (no option among them), with the reason.
TWO_INPUTS = {
    "workbench.analyses.periods.period_start": "a column expression and its period",
    "workbench.analyses.experiments.bootstrap.bootstrap_mean_diff":
        "two independent samples (control, treatment) resampled separately, as scipy.stats.ttest_ind(a, b)",
    "workbench.analyses.customers.clv.choose_calibration_end": "the first and the last day of a history (a span)",
    "workbench.analyses.customers.clv.value_by_group": "customer values and each customer's group, joined on the "
                                                       "customer id (like pandas.merge)",
    "workbench.analyses.demand.forecast.forecast_errors": "actual and forecast values (scikit-learn's y_true, y_pred)",
    "workbench.analyses.salaries.own_data.own_vs_market": "own pay data and the OEWS market table",
    "workbench.analyses.salaries.own_data.rows_for_role": "own pay data and the OEWS table its titles resolve in",
    "workbench.analyses.salaries.own_data.own_data_summary": "own pay data and the OEWS market table",
}

def _modules(layer: str) -> list[str]:
    out = []
    for path in sorted((PKG / layer).rglob("*.py")):
        if path.name.startswith("_") and path.name != "__init__.py" or path.name == "__init__.py":
            continue
        out.append("workbench." + ".".join(path.relative_to(PKG).with_suffix("").parts))
    return out


def _public(layer: str):
    """(qualified name, object) for every name a module of ``layer`` lists in ``__all__`` and defines itself."""
    for mod in _modules(layer):
        module = importlib.import_module(mod)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if getattr(obj, "__module__", mod) == mod:
                yield f"{mod}.{name}", name, obj


def _positional(func) -> list[str]:
    return [p.name for p in inspect.signature(func).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name not in ("self", "cls")]


def _report(problems: list[str]) -> None:
    assert not problems, "\n".join(problems)


def test_analyses_return_numbers_not_words():
    _report([f"{q}: a presentation name in analyses (words and display tables live in workbench/reports/)"
             for q, name, obj in _public("analyses") if callable(obj) and name.endswith(PRESENTATION_SUFFIXES)])


def test_charts_are_plot_what_with_ax_and_kwargs():
    problems = []
    for q, name, obj in _public("plots"):
        if not inspect.isfunction(obj):
            continue
        params = inspect.signature(obj).parameters
        if not name.startswith("plot_"):
            problems.append(f"{q}: a chart is named plot_<what>")
        ax = params.get("ax")
        if ax is None or ax.kind is not ax.KEYWORD_ONLY or ax.default is not None:
            problems.append(f"{q}: a chart takes ax=None, keyword-only")
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            problems.append(f"{q}: a chart passes **kwargs on to matplotlib")
        if {"metric", "value", "y"} & set(params):
            problems.append(f"{q}: the column to draw is column=")
    _report(problems)


@pytest.mark.parametrize("report", importlib.import_module("workbench.reports").REPORTS)
def test_report_modules_hold_sentences_tables_and_headlines(report):
    module = importlib.import_module(f"workbench.reports.{report}")
    problems = []
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isfunction(obj):
            if not (name.endswith(("_md", "_table")) or name == "record_headlines"):
                problems.append(f"{report}.{name}: report functions end in _md or _table, or are record_headlines")
        elif not name.isupper():
            problems.append(f"{report}.{name}: other public names of a report are UPPER_CASE specs")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("layer", ["analyses", "data", "plots", "reports"])
def test_frame_first_options_keyword_only(layer):
    problems = []
    for q, _, obj in _public(layer):
        if inspect.isfunction(obj) and len(_positional(obj)) > 1 and q not in TWO_INPUTS:
            problems.append(f"{q}: only the first parameter is positional ({_positional(obj)})")
    _report(problems)


def test_models_are_fitted_one_way():
    problems = []
    for q, name, obj in _public("analyses"):
        if inspect.isfunction(obj) and name.startswith("fit_"):
            problems.append(f"{q}: models are fitted with Model(...).fit(data), not a fit_ function")
        if inspect.isclass(obj) and hasattr(obj, "fit"):
            returns = inspect.signature(obj.fit).return_annotation
            if returns not in (obj.__name__, "Self", obj):
                problems.append(f"{q}.fit: returns the fitted model (annotated -> {obj.__name__})")
    _report(problems)
