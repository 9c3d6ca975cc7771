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
}

# Names not yet moved to the scheme (issue 11); each domain's move empties its entries.
LEGACY = {
    # analyses that still return words or display tables
    "workbench.analyses.competitors.choice.iia_note", "workbench.analyses.competitors.choice.change_phrase",
    "workbench.analyses.competitors.choice.column_label", "workbench.analyses.competitors.pricing.reference_label",
    "workbench.analyses.customers.clv.lifetime_value_sentences", "workbench.analyses.customers.clv.holdout_sentence",
    "workbench.analyses.customers.clv.value_sentence", "workbench.analyses.customers.clv.column_label",
    "workbench.analyses.customers.personas.persona_sentence", "workbench.analyses.customers.rfm.rfm_table",
    "workbench.analyses.customers.rfm.rfm_headline", "workbench.analyses.demand.forecast.demand_sentences",
    "workbench.analyses.experiments.abtest.decision_markdown", "workbench.analyses.experiments.abtest.metrics_table",
    "workbench.analyses.experiments.abtest.cuped_table", "workbench.analyses.experiments.abtest.cuped_markdown",
    "workbench.analyses.experiments.abtest.method_notes", "workbench.analyses.experiments.abtest.summary_view",
    "workbench.analyses.experiments.funnel.funnel_markdown", "workbench.analyses.experiments.funnel.funnel_view",
    "workbench.analyses.experiments.planning.sample_size_table",
    "workbench.analyses.experiments.planning.plan_markdown", "workbench.analyses.experiments.planning.sample_size_view",
    "workbench.analyses.experiments.planning.mde_view", "workbench.analyses.salaries.bands.bands_sentence",
    "workbench.analyses.salaries.bands.offer_sentence", "workbench.analyses.salaries.bands.offer_table",
    "workbench.analyses.salaries.bands.answer_text", "workbench.analyses.salaries.bands.article_sentence",
    "workbench.analyses.salaries.bands.article_explanation", "workbench.analyses.salaries.market.distribution_table",
    "workbench.analyses.salaries.market.wage_text", "workbench.analyses.salaries.market.location_table",
    "workbench.analyses.salaries.market.industry_table", "workbench.analyses.salaries.market.unranked_table",
    "workbench.analyses.salaries.roles.role_text", "workbench.analyses.sales.cohorts.cohort_table",
    "workbench.analyses.sales.cohorts.cohort_headline", "workbench.analyses.sales.kpis.monday_page",
    "workbench.analyses.sales.kpis.kpi_headline", "workbench.analyses.sales.report.data_note",
    "workbench.analyses.sales.report.products_note", "workbench.analyses.sales.report.segment_display",
    # more than one positional parameter
    "workbench.analyses.competitors.choice.pick_brand", "workbench.analyses.customers.clv.choose_calibration_end",
    "workbench.analyses.customers.clv.holdout_check", "workbench.analyses.customers.clv.repeat_purchase_tracking",
    "workbench.analyses.customers.clv.customer_value", "workbench.analyses.customers.clv.value_by_group",
    "workbench.analyses.customers.rfm.rfm_segment_of", "workbench.analyses.demand.forecast.forecast_errors",
    "workbench.analyses.experiments.abtest.bootstrap_mean_diff",
    "workbench.analyses.experiments.planning.revenue_sample_size", "workbench.analyses.experiments.planning.revenue_mde",
    "workbench.analyses.salaries.bands.wage_at_percentile", "workbench.analyses.salaries.bands.offer_position",
    "workbench.analyses.salaries.bands.record_benchmark", "workbench.analyses.salaries.market.resolve_areas",
    "workbench.analyses.salaries.market.market_distribution", "workbench.analyses.salaries.market.location_comparison",
    "workbench.analyses.salaries.market.industry_comparison", "workbench.analyses.salaries.market.focus_row",
    "workbench.analyses.salaries.market.national_row", "workbench.analyses.salaries.own_data.own_vs_market",
    "workbench.analyses.salaries.own_data.own_data_summary", "workbench.analyses.salaries.own_data.rows_for_role",
    "workbench.analyses.salaries.roles.find_occupations", "workbench.analyses.salaries.roles.resolve_role",
    "workbench.data.events.load_experiment", "workbench.data.oews.write_bls_oews",
    # models fitted by a function
    "workbench.analyses.competitors.choice.fit_choice_logit", "workbench.analyses.demand.forecast.fit_ets",
    # charts not yet named plot_<what>
    "workbench.plots.competitors.choice_share_bars", "workbench.plots.competitors.brand_price_boxes",
    "workbench.plots.competitors.elasticity_heatmap", "workbench.plots.competitors.what_if_bars",
    "workbench.plots.competitors.price_index_bars", "workbench.plots.competitors.price_index_trend_chart",
    "workbench.plots.customers.persona_k_plot", "workbench.plots.customers.persona_profile_heatmap",
    "workbench.plots.customers.value_share_bars", "workbench.plots.customers.clv_holdout_plot",
    "workbench.plots.customers.clv_tracking_plot", "workbench.plots.customers.clv_concentration_plot",
    "workbench.plots.customers.clv_by_group_bars", "workbench.plots.demand.demand_trend_plot",
    "workbench.plots.demand.demand_season_plot", "workbench.plots.demand.demand_forecast_plot",
    "workbench.plots.experiments.funnel_bars", "workbench.plots.experiments.funnel_segment_dropoff",
    "workbench.plots.experiments.ab_lift_forest", "workbench.plots.experiments.ab_revenue_distribution",
    "workbench.plots.experiments.ab_power_curve", "workbench.plots.salaries.salary_range_plot",
    "workbench.plots.salaries.salary_location_plot", "workbench.plots.salaries.salary_bands_plot",
    "workbench.plots.salaries.salary_experience_plot", "workbench.plots.sales.kpi_trend_chart",
    "workbench.plots.sales.new_vs_returning_chart", "workbench.plots.sales.cohort_heatmap",
    "workbench.plots.sales.cohort_revenue_chart", "workbench.plots.sales.rfm_segment_chart",
    "workbench.plots.sales.top_products_chart",
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
    problems = [p for p in problems if p.split(":")[0] not in LEGACY]
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


def test_legacy_names_still_exist():
    """An entry of LEGACY whose name has gone (renamed to the scheme) is removed from the list."""
    gone = []
    for q in sorted(LEGACY):
        mod, name = q.rsplit(".", 1)
        if not hasattr(importlib.import_module(mod), name):
            gone.append(q)
    assert not gone, f"remove from LEGACY: {gone}"
