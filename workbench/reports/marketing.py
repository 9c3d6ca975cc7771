"""The marketing report's words: its sentences, display tables and headline metrics.

Every sentence, caption and label built on data that is not a real shop's says so: Meta's Robyn demo data is
"SIMULATED by its authors", the sample shop is "GENERATED" (:func:`origin_suffix`). Intervals are named by their
coverage (a model fitted with ``level=0.8`` has "80% intervals"). A channel the model cannot tell apart gets the
reason instead of a number, in every table and sentence.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.analyses.demand.forecast import against_naive
from workbench.analyses.marketing.efficiency import ltv_to_cac
from workbench.present import fmt
from workbench.present.narrative import Markdown, bullets
from workbench.present.tables import Col, TableSpec, table
from workbench.reports.common import GENERATED_WORD, Headline, record_metrics
from workbench.sections import Skipped, is_skipped, skippable

__all__ = ["answer_md", "data_md", "contribution_md", "spend_md", "model_md", "identification_md",
           "curves_md", "plan_md", "quarter_md", "acquisition_md", "payback_md", "method_md",
           "channel_spend_table", "campaign_table", "period_table", "channel_table", "plan_table",
           "scenarios_table", "quarter_table", "acquisition_table", "cac_channel_table", "payback_table",
           "record_headlines", "HEADLINES", "CHANNEL_SPEND", "CAMPAIGNS", "PERIODS", "CHANNELS", "PLAN",
           "SCENARIOS", "QUARTER", "ACQUISITION", "CAC_BY_CHANNEL", "PAYBACK", "REASONS"]

SIMULATED_WORD = "SIMULATED"

# why a channel cannot be told apart, in a manager's words (keys: workbench.analyses.marketing.identify.REASONS)
REASONS = {
    "few_active_weeks": "spent in only {active_weeks} weeks: too few to measure",
    "little_variation": "its weekly spend hardly changes (varies by {variation:.0%}), so its effect cannot be told "
                        "from the baseline",
    "correlated": "its spend moves together with {correlated_with} (correlation {correlation:.2f}): the model cannot "
                  "split their effect",
    "follows_base": "its spend follows the season and trend so closely (R² {base_r2:.2f}) that their effects cannot "
                    "be told apart",
}


def origin_suffix(origin: str) -> str:
    """`` (SIMULATED data)`` / `` (GENERATED sample)`` for titles and captions, ``""`` for real data."""
    return {"simulated": f" ({SIMULATED_WORD} data)", "generated": f" ({GENERATED_WORD} sample)"}.get(origin, "")


def origin_note(origin: str) -> str:
    """A closing sentence for prose built on data that is not a real shop's (``""`` for real data)."""
    return {"simulated": f" (These figures come from {SIMULATED_WORD} data.)",
            "generated": f" (These figures come from a {GENERATED_WORD} sample.)"}.get(origin, "")


def _quiet(func):
    """For a table that follows a section's sentences: nothing (the sentences said why) when a section is skipped."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if any(isinstance(v, Skipped) for v in (*args, *kwargs.values())):
            return Markdown("")
        return func(*args, **kwargs)

    return wrapper


def _origin(*results: Any) -> str:
    for r in results:
        if r is None or is_skipped(r):
            continue
        for attr in ("origin",):
            value = getattr(r, attr, None)
            if value in ("simulated", "generated"):
                return value
        weeks = getattr(r, "weeks_", None)
        if weeks is not None and getattr(weeks, "origin", "real") != "real":
            return weeks.origin
    return "real"


def _level(mmm) -> str:
    return f"{fmt.pct(mmm.level, 0)} interval"


def _reason(row: pd.Series) -> str:
    return REASONS[row["reason"]].format(**row.to_dict())


def _tidy(x: float) -> float:
    """A change too small to show as anything but 0 is 0 (no "-0%")."""
    return 0.0 if abs(x) < 5e-4 else x


def _x(value: float) -> str:
    """A return per dollar: ``4.6`` -> ``"4.60"``."""
    return fmt.num(value, 2)


# ------------------------------------------------------------------------------------------------- headlines
HEADLINES = {
    "data_origin": Headline("Data", "text"),
    "total_spend": Headline("Marketing spend, {span}", "money", key=True),
    "mer": Headline("MER: revenue per unit of marketing spend", "ratio", good="up", key=True),
    "best_channel": Headline("Channel returning most on the next dollar{best_basis}", "text", key=True),
    "best_mroas": Headline("Best channel's revenue from the next dollar (marginal ROAS)", "ratio", good="up"),
    "unidentified_channels": Headline("Channels the model cannot tell apart", "count", good="down"),
    "mmm_r2": Headline("Mix model fit (R²)", "number", good="up"),
    "mmm_holdout_mape": Headline("Mix model error on held-out weeks (MAPE)", "percent", good="down"),
    "plan_revenue_gain": Headline("Revenue the planned split adds, next {weeks} weeks (model)", "money", good="up",
                                  key=True),
    "plan_revenue_gain_share": Headline("The same, as a share of what paid media brings at today's split", "change",
                                        good="up"),
    "plan_channels_outside_range": Headline("Channels planned outside the spend the model has seen", "count",
                                            good="down"),
    "new_customers": Headline("New customers, {acq_span}", "count", good="up"),
    "blended_cac": Headline("Blended CAC (spend / new customers)", "money", good="down", key=True),
    "ltv": Headline("Lifetime value of a new customer, contribution over {horizon} weeks", "money", good="up"),
    "ltv_to_cac": Headline("LTV:CAC", "ratio", good="up"),
    "payback_months": Headline("Months until a new customer pays back the CAC", "count", good="down"),
}


def record_headlines(spend, *, weeks=None, mmm=None, plan=None, acquisition=None, value=None, payback=None,
                     currency: str = "USD") -> dict:
    """Record the report's headline metrics (what a section could not compute is left out)."""
    origin = spend.origin
    values: dict[str, Any] = {
        "data_origin": {"simulated": "SIMULATED (Robyn demo data)", "generated": "GENERATED sample"}.get(origin,
                                                                                                      "real"),
        "total_spend": round(float(spend.frame["spend"].sum()), 2)}
    fields = {"span": f"{spend.start:%d %b %Y} to {spend.end:%d %b %Y}", "weeks": 13, "acq_span": "",
              "horizon": 52, "best_basis": ""}
    if weeks is not None and not is_skipped(weeks) and len(weeks):
        total = float(weeks.spend.to_numpy().sum())
        if total > 0:
            values["mer"] = float(weeks.revenue.sum()) / total
    if mmm is not None and not is_skipped(mmm):
        ch = mmm.channels_
        ok = ch[ch["identified"]]
        values["unidentified_channels"] = int((~ch["identified"]).sum())
        values["mmm_r2"] = round(float(mmm.r2_), 4)
        if np.isfinite(mmm.holdout_mape_):
            values["mmm_holdout_mape"] = float(mmm.holdout_mape_)
        sure = ok[~_may_be_zero(ok)]
        if len(sure) and len(sure) < len(ok):        # a channel whose interval reaches zero is not the answer
            ok, fields["best_basis"] = sure, " (interval above zero)"
        if len(ok):
            best = ok["mroas"].idxmax()
            values["best_channel"], values["best_mroas"] = str(best), float(ok.loc[best, "mroas"])
    if plan is not None and not is_skipped(plan):
        t = plan.totals
        fields["weeks"] = plan.weeks
        values["plan_revenue_gain"] = round(float(t["revenue_gain"]), 2)
        if t["today_revenue"] > 0:
            values["plan_revenue_gain_share"] = float(t["revenue_gain"] / t["today_revenue"])
        values["plan_channels_outside_range"] = int(plan.table["outside_range"].notna().sum())
    if acquisition is not None and not is_skipped(acquisition):
        t = acquisition.totals
        fields["acq_span"] = _period_span(t["first_period"], t["last_period"], acquisition.period)
        values["new_customers"] = int(t["new_customers"])
        if np.isfinite(t["cac"]):
            values["blended_cac"] = round(float(t["cac"]), 2)
        if value is not None and not is_skipped(value):
            fields["horizon"] = value.horizon_weeks
            values["ltv"] = round(float(value.ltv), 2)
            ratio = ltv_to_cac(value, acquisition=acquisition)
            if np.isfinite(ratio):
                values["ltv_to_cac"] = round(float(ratio), 4)     # the LTV fit varies in its last bits
    if payback is not None and not is_skipped(payback) and np.isfinite(payback.totals["payback_month"]):
        values["payback_months"] = int(payback.totals["payback_month"])
    return record_metrics(values, specs=HEADLINES, currency=currency, **fields)


def _period_label(start, period: str) -> str:
    start = pd.Timestamp(start)
    return {"month": f"{start:%b %Y}", "quarter": f"{start.year} Q{start.quarter}", "year": f"{start.year}"}.get(
        period, f"week of {start:%d %b %Y}")


def _period_span(first, last, period: str) -> str:
    if period == "month":
        return f"{pd.Timestamp(first):%b %Y} to {pd.Timestamp(last):%b %Y}"
    return f"{pd.Timestamp(first):%d %b %Y} to {pd.Timestamp(last):%d %b %Y}"


# ------------------------------------------------------------------------------------------------- the answer
def answer_md(spend, *, mmm=None, plan=None, scenarios=None, acquisition=None, value=None, payback=None,
              margin: float | None = None, currency: str = "USD") -> Markdown:
    """The report's answer, first: which channels return most per extra dollar, what the planner would move and
    what it expects, what a customer costs and when they pay back; each point says why it is missing if it is."""
    origin = spend.origin
    items = []
    if origin != "real":
        items.append(f"**These data are {spend.origin_note}.** Every figure below shows what the method does, not "
                     "what any real shop earns.")
    if mmm is None or is_skipped(mmm):
        items.append(f"**Return on the next dollar:** not computed. {_why(mmm)}")
    else:
        ch = mmm.channels_
        ok = ch[ch["identified"]].sort_values("mroas", ascending=False)
        if len(ok):
            items.append(f"**Return on the next dollar** (revenue per extra {fmt.money(1, currency)} at today's "
                         f"spend, {_level(mmm)}): {_ranked(ok)}" + _breakeven(margin, ok))
        bad = ch[~ch["identified"]]
        if len(bad):
            items.append("**Cannot be told apart:** " + "; ".join(f"{name}: {_reason(r)}" for name, r in bad.iterrows())
                         + ". No return is given for " + ("it" if len(bad) == 1 else "them") + ".")
    if plan is not None and not is_skipped(plan):
        items.append(_plan_sentence(plan, currency, mmm=mmm))
        if scenarios is not None and not is_skipped(scenarios) and len(scenarios):
            up = scenarios[scenarios["change"] > 0]
            same = scenarios[scenarios["change"] == 0]
            if len(up) and len(same):
                r = up.iloc[0]
                more = r["budget"] - same["budget"].iloc[0]
                per = r["extra_revenue_per_extra_spend"]
                pays = ""
                if margin and np.isfinite(per):
                    pays = (f", {'above' if per * margin >= 1 else 'below'} the {_x(1 / margin)} a dollar needs to pay "
                            f"for itself at a {fmt.pct(margin, 0)} margin")
                items.append(f"**Another {fmt.pct(r['change'], 0)} of budget** ({fmt.money(more, currency)} more over "
                             f"{plan.weeks} weeks), well split, would bring about {_x(per)} of revenue per extra "
                             f"dollar{pays}.")
    elif plan is not None:
        items.append(f"**Budget plan:** not computed. {_why(plan)}")
    items.append(_customers_sentence(acquisition, value, payback, currency))
    return Markdown(bullets(items))


def _may_be_zero(ch: pd.DataFrame) -> pd.Series:
    """Channels whose interval of the return on the next dollar reaches zero (the data cannot rule out nothing)."""
    return ch["mroas_lower"] <= 0


def _ranked(ok: pd.DataFrame) -> str:
    """Channels by return on the next dollar, those whose interval stays above zero first; the others after,
    with what their interval means."""
    def one(name, r):
        return f"{name} {_x(r.mroas)} ({_x(r.mroas_lower)}-{_x(r.mroas_upper)})"

    zero = _may_be_zero(ok)
    sure, unsure = ok[~zero], ok[zero]
    text = "; ".join(one(name, r) for name, r in sure.iterrows())
    if len(unsure):
        names = [one(name, r) for name, r in unsure.iterrows()]
        higher = len(sure) and unsure["mroas"].max() > sure["mroas"].max()
        text += (". " if text else "") + (
            f"{_join(names)} {'is' if len(names) == 1 else 'are'} "
            + ("higher on the central estimate, but " if higher else "")
            + f"{'its' if len(names) == 1 else 'their'} interval reaches zero: the data cannot rule out that "
            + f"{'it brings' if len(names) == 1 else 'they bring'} nothing")
    return text + "."


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _breakeven(margin: float | None, ok: pd.DataFrame | None = None) -> str:
    """What the next dollar must bring back to pay for itself at this margin, and which channels' next dollar does
    (central estimates)."""
    if not margin:
        return ""
    text = (f" At a {fmt.pct(margin, 0)} margin the next dollar pays for itself only above {_x(1 / margin)} of "
            "revenue.")
    if ok is None or not len(ok):
        return text
    pays = [str(n) for n in ok.index[ok["mroas"] * margin >= 1]]
    if not pays:
        return text + (" No channel's next dollar does (central estimates): by the model, less spend would leave "
                       "more contribution.")
    if len(pays) == len(ok):
        return text + " Every channel's next dollar does (central estimates)."
    short = [str(n) for n in ok.index if n not in pays]
    return text + (f" {_join(pays)} {'clears' if len(pays) == 1 else 'clear'} it, {_join(short)} "
                   f"{'does' if len(short) == 1 else 'do'} not (central estimates).")


def _why(result) -> str:
    return result.sentence if isinstance(result, Skipped) else ""


def _plan_sentence(plan, currency: str, *, mmm=None) -> str:
    t = plan.table
    moves = t[(t["change"].abs() > 0.05) & ~t["fixed"]].sort_values("change")
    parts = [f"{name} {fmt.pct(r['change'], 0, signed=True)}" for name, r in moves.iterrows()]
    gain = plan.totals["revenue_gain"]
    share = gain / plan.totals["today_revenue"] if plan.totals["today_revenue"] else float("nan")
    text = (f"**The planner** would move {'; '.join(parts) if parts else 'nothing worth mentioning'} over the next "
            f"{plan.weeks} weeks ({fmt.money(plan.totals['budget'], currency)} in all), and expects "
            f"{fmt.money(gain, currency)} more revenue than today's split ({fmt.pct(share, 1, signed=True)} on the "
            "revenue the model puts down to paid media; the model's estimate).")
    if mmm is not None and not is_skipped(mmm):
        ch = mmm.channels_.reindex(moves.index)
        unsure = [str(n) for n in moves.index[(moves["change"] > 0) & ch["identified"] & _may_be_zero(ch)]]
        if unsure:
            text += (f" It adds to {_join(unsure)}, whose {_level(mmm)} of the next dollar's return reaches zero: "
                     "that part of the plan is the least certain.")
    outside = t[t["outside_range"].notna()]
    if len(outside):
        text += " Planned spend outside what the model has seen (an extrapolation): " + ", ".join(
            f"{name} ({'above' if r['outside_range'] == 'above' else 'below'} the "
            f"{fmt.money(r['seen_high'] if r['outside_range'] == 'above' else r['seen_low'], currency)} a week seen)"
            for name, r in outside.iterrows()) + "."
    return text


def _customers_sentence(acquisition, value, payback, currency: str) -> str:
    if acquisition is None or is_skipped(acquisition):
        return f"**Acquisition cost, lifetime value and payback:** not computed. {_why(acquisition)}"
    t = acquisition.totals
    text = (f"**A new customer costs {fmt.money(t['cac'], currency)}** on average (blended CAC: "
            f"{fmt.money(t['spend'], currency)} of spend / {fmt.num(t['new_customers'])} new customers, "
            f"{_period_span(t['first_period'], t['last_period'], acquisition.period)}).")
    if value is not None and not is_skipped(value):
        ratio = ltv_to_cac(value, acquisition=acquisition)
        text += (f" Over {value.horizon_weeks} weeks one is worth {fmt.money(value.ltv, currency)} of contribution, "
                 f"so LTV:CAC is {_x(ratio)} ({'above' if ratio >= 3 else 'below'} the usual 3:1).")
    else:
        text += f" Lifetime value: not computed. {_why(value)}"
    if payback is not None and not is_skipped(payback):
        m = payback.totals["payback_month"]
        text += (f" Acquired customers pay back their CAC in month {fmt.num(m)} after their first order on average."
                 if np.isfinite(m) else
                 f" They have not paid back their CAC within the {payback.totals['months_observed']} months observed.")
    else:
        text += f" Payback: not computed. {_why(payback)}"
    return text


# ------------------------------------------------------------------------------------------------- the data
def data_md(spend, *, weeks=None, orders=None) -> Markdown:
    """What was read: spend files, weeks analysed, where revenue comes from, whether orders were given."""
    parts = [f"Spend from {len(spend.summaries)} file{'s' if len(spend.summaries) != 1 else ''}, "
             f"{spend.start:%d %b %Y} to {spend.end:%d %b %Y}, {'daily' if spend.grain == 'day' else 'weekly'} rows, "
             f"channels {', '.join(spend.channels)}."]
    if weeks is not None and not is_skipped(weeks):
        parts.append(f"The model and the trend charts use {len(weeks)} complete weeks "
                     f"({weeks.weeks[0]:%d %b %Y} to {(weeks.weeks[-1] + pd.Timedelta(days=6)):%d %b %Y}); revenue "
                     f"comes from {weeks.revenue_source}"
                     + (f", with controls: {', '.join(weeks.controls.columns)}." if weeks.controls.shape[1] else "."))
        parts += weeks.notes
    elif isinstance(weeks, Skipped):
        parts.append(f"No weekly table for the model and the trend charts: {weeks.reason}")
    if orders is None:
        parts.append("No orders were given, so new customers, acquisition cost, lifetime value and payback are left "
                     "out (pass orders_source to see them).")
    return Markdown(" ".join(parts))


@skippable
def contribution_md(lines, *, currency: str = "USD") -> Markdown:
    """How revenue became contribution, and how many lines had no cost."""
    c = lines.counts
    text = (f"Contribution = revenue - cost of goods - shipping cost: {fmt.pct(lines.contribution_margin)} of "
            f"{fmt.money(c['revenue'], currency)} net revenue over {fmt.num(c['lines'])} order lines. ")
    if not lines.costs_given:
        text += (f"No product costs were given: every line's cost is estimated at {fmt.pct(1 - lines.margin, 0)} of "
                 f"its revenue (the margin parameter, {fmt.pct(lines.margin, 0)}). ")
    elif c["lines_without_cost"]:
        text += (f"{fmt.num(c['lines_without_cost'])} lines ({fmt.pct(lines.share_without_cost)} of revenue) have no "
                 f"cost in the costs file: their cost is estimated from the {fmt.pct(lines.margin, 0)} margin "
                 "parameter, not taken as zero. ")
    else:
        text += "Every line's sku has a cost. "
    text += (f"Shipping: {fmt.money(lines.shipping_cost, currency, 2)} per order deducted."
             if lines.shipping_cost else "Shipping cost per order not known: not deducted.")
    return Markdown(text)


# ------------------------------------------------------------------------------------------------- spend tables
CHANNEL_SPEND = TableSpec({
    "channel": "Channel", "spend": Col("Spend", "money"), "share_of_spend": Col("Share of spend", "percent"),
    "impressions": Col("Impressions", "count", optional=True), "clicks": Col("Clicks", "count", optional=True),
    "cpc": Col("Cost per click", "money", 2, optional=True),
    "cpm": Col("Cost per 1,000 impressions", "money", 2, optional=True),
    "conversions": Col("Conversions the platform claims", "count", optional=True),
    "conversion_value": Col("Revenue the platform claims", "money", optional=True),
    "platform_roas": Col("Platform-reported ROAS", "ratio", optional=True),
}, caption="Spend by channel, with what each platform reports about itself")
CAMPAIGNS = TableSpec({"channel": "Channel", "campaign": "Campaign", **{k: v for k, v in CHANNEL_SPEND.columns.items()
                                                                        if k != "channel"}},
                      caption="Spend by campaign")
PERIODS = TableSpec({"period_name": Col("Period", "text"), "spend": Col("Spend", "money"),
                     "revenue": Col("Revenue", "money", optional=True), "mer": Col("MER", "ratio", optional=True),
                     "conversion_value": Col("Revenue the platforms claim", "money", optional=True),
                     "platform_roas": Col("Platform-reported ROAS", "ratio", optional=True)},
                    caption="Spend and return by period")


def _present(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Leave out optional columns with no value at all (a source without clicks or conversions)."""
    drop = [c for c, col in spec.cols.items() if col.optional and c in frame and frame[c].isna().all()]
    return frame.drop(columns=drop)


def channel_spend_table(channels: pd.DataFrame, *, origin: str = "real", currency: str = "USD"):
    """Spend by channel with the platforms' own figures."""
    return table(_present(channels, CHANNEL_SPEND), CHANNEL_SPEND, currency=currency,
                 caption=CHANNEL_SPEND.caption + origin_suffix(origin))


def campaign_table(campaigns: pd.DataFrame, *, origin: str = "real", currency: str = "USD", top: int = 15):
    """The ``top`` campaigns by spend (a note when the sources name no campaign)."""
    if (campaigns["campaign"] == "(no campaign)").all():
        return Markdown("*The spend files name no campaigns: spend is shown by channel only.*")
    shown = campaigns.head(top)
    more = f" (the {top} largest of {len(campaigns)})" if len(campaigns) > top else ""
    return table(_present(shown, CAMPAIGNS), CAMPAIGNS, currency=currency,
                 caption=CAMPAIGNS.caption + more + origin_suffix(origin))


@skippable
def period_table(periods: pd.DataFrame, *, origin: str = "real", currency: str = "USD", last: int = 12):
    """Spend, revenue and MER for the last ``last`` periods (a sentence when no period is complete)."""
    unit = periods.attrs.get("period", "period")
    if periods.empty:
        shorter = {"quarter": "month", "year": "quarter", "month": "week"}.get(unit)
        span = (f" (the spend runs from {periods.attrs['start']:%d %b %Y} to {periods.attrs['end']:%d %b %Y})"
                if "start" in periods.attrs else "")
        how = f"a shorter period (period='{shorter}') or a longer export" if shorter else "a longer export"
        return Markdown(f"*No complete {unit} of spend{' with revenue' if 'revenue' in periods else ''} yet{span}: "
                        f"the table by {unit} needs one. Use {how}.*")
    shown = periods.tail(last).reset_index()
    shown.insert(0, "period_name", [_period_label(p, unit) for p in shown["period"]])
    return table(_present(shown, PERIODS), PERIODS, currency=currency,
                 caption=f"Spend and return by {unit}, the last {len(shown)} (MER = revenue / all marketing spend)"
                         + origin_suffix(origin))


def spend_md(periods: pd.DataFrame, *, channels: pd.DataFrame, weeks=None, origin: str = "real",
             currency: str = "USD") -> Markdown:
    """Where the money went and what the shop and the platforms saw for it.

    MER is taken over the complete weeks of ``weeks`` when given (the same figure as the headline), otherwise over
    the periods of ``periods`` that have revenue.
    """
    total = channels["spend"].sum()
    top = channels.iloc[0]
    text = (f"{fmt.money(total, currency)} was spent; {top['channel']} took the most "
            f"({fmt.pct(top['share_of_spend'], 0)}).")
    weekly_spend = (float(weeks.spend.to_numpy().sum())
                    if weeks is not None and not is_skipped(weeks) and len(weeks) else 0.0)
    if weekly_spend > 0:
        mer = float(weeks.revenue.sum()) / weekly_spend
        text += (f" Over the {len(weeks)} complete weeks with revenue, every {fmt.money(1, currency)} of marketing "
                 f"came with {fmt.money(mer, currency, 2)} of revenue (MER): all revenue, not only what marketing "
                 "caused.")
    elif not is_skipped(periods) and "mer" in periods:
        mer = periods["revenue"].sum() / periods["spend"].sum()
        text += (f" Over the {len(periods)} {periods.attrs.get('period', 'period')}s with revenue, every "
                 f"{fmt.money(1, currency)} of marketing came with {fmt.money(mer, currency, 2)} of revenue (MER): "
                 "all revenue, not only what marketing caused.")
    claimed = channels.dropna(subset=["platform_roas"])
    if len(claimed):
        text += (" The platforms claim " + ", ".join(f"{r['channel']} {_x(r['platform_roas'])}"
                                                     for _, r in claimed.iterrows())
                 + " of revenue per dollar (their own attribution, which counts views and overlaps between "
                   "platforms: usually more than the ads caused).")
    return Markdown(text + origin_note(origin))


# ------------------------------------------------------------------------------------------------- the model
CHANNELS = TableSpec({
    "channel": "Channel", "spend": Col("Spend in the weeks analysed", "money"),
    "share_of_spend": Col("Share of spend", "percent"), "share_of_effect": Col("Share of the effect", "text"),
    "roas_text": Col("ROAS", "text"), "mroas_text": Col("Revenue from the next dollar", "text"),
    "today_spend": Col("Spend per week today", "money"), "note": Col("Note", "text"),
}, caption="What each channel brought")


@_quiet
def channel_table(mmm, *, currency: str = "USD"):
    """ROAS and marginal ROAS per channel with their intervals, or why a channel cannot be told apart."""
    ch = mmm.channels_.reset_index()
    lvl = _level(mmm)
    shown = []
    for _, r in ch.iterrows():
        ok = bool(r["identified"])
        shown.append({
            "channel": r["channel"], "spend": r["spend"], "share_of_spend": r["share_of_spend"],
            "share_of_effect": fmt.pct(r["share_of_effect"], 0) if ok else "cannot be told apart",
            "roas_text": f"{_x(r['roas'])} ({_x(r['roas_lower'])}-{_x(r['roas_upper'])})" if ok
            else "cannot be told apart",
            "mroas_text": f"{_x(r['mroas'])} ({_x(r['mroas_lower'])}-{_x(r['mroas_upper'])})" if ok
            else "cannot be told apart",
            "today_spend": r["today_spend"],
            "note": (_reason(r) if not ok else "interval includes zero: no effect cannot be ruled out"
                     if r["roas_lower"] <= 0 else ""),
        })
    frame = pd.DataFrame(shown)
    caption = (f"What each channel brought: ROAS = modelled revenue / spend over the {len(mmm.weeks_)} weeks; revenue "
               f"from the next dollar = marginal ROAS at today's spend (last {mmm.reference_[2]} weeks); "
               f"{lvl}s in brackets" + origin_suffix(_origin(mmm)))
    return table(frame, CHANNELS, currency=currency, caption=caption)


@skippable
def model_md(mmm) -> Markdown:
    """How well the model fits and forecasts, in words."""
    folds = mmm.folds_
    chooser = folds[folds.role != "held-out check"]
    text = (f"The model explains {fmt.pct(mmm.r2_, 0)} of the week-to-week variation in revenue (R²) over "
            f"{len(mmm.weeks_)} weeks. Asked to forecast the last {int(folds.weeks_forecast.iloc[-1])} weeks from the "
            f"weeks before them, with settings chosen without looking at them, it missed by "
            f"{fmt.pct(mmm.holdout_mape_)} on average (MAPE); on the {len(chooser)} earlier blocks that chose the "
            f"settings, by {fmt.pct(mmm.cv_mape_)}.")
    base = mmm.decomposition_
    media = base[list(mmm.channels_.index)].sum().sum()
    text += (f" Of the revenue, {fmt.pct(media / base['fitted'].sum(), 0)} is put down to paid media and the rest to "
             "the baseline, the season and the controls.")
    return Markdown(text + origin_note(_origin(mmm)))


@skippable
def identification_md(mmm) -> Markdown:
    """What a model of observational data can and cannot say, and which channels it cannot tell apart."""
    ch = mmm.channels_
    bad = ch[~ch["identified"]]
    text = ("The model learns a channel's effect from weeks when its spend changed and the others' did not. "
            "Channels whose spend moves together, follows the season or barely changes cannot be told apart; for "
            "those the report gives the reason instead of a number, and the planner leaves their budget as it is. ")
    if len(bad):
        text += "Here: " + "; ".join(f"**{name}**: {_reason(r)}" for name, r in bad.iterrows()) + ". "
    else:
        text += (f"Here every channel's spend varied on its own enough to be measured (no two channels' weekly spend "
                 f"correlate above {fmt.num(mmm.limits['correlation'], 2)}). ")
    zero = ch[ch["identified"] & (ch["roas_lower"] <= 0)]
    if len(zero):
        text += (f"For {', '.join(zero.index)} the {_level(mmm)} reaches zero: the data cannot rule out that "
                 f"{'it brings' if len(zero) == 1 else 'they bring'} nothing. ")
    text += ("A lift test (pausing a channel in some regions or weeks) is the way to measure what the model cannot.")
    return Markdown(text + origin_note(_origin(mmm)))


@skippable
def curves_md(curves, *, plan=None, currency: str = "USD") -> Markdown:
    """How to read the response curves."""
    m = curves.marks
    steep = m[m["identified"]].copy()
    text = ("Each curve is the revenue a channel is expected to bring per week at each average weekly spend, "
            "keeping today's pattern of weeks on and off. The dot is today's spend; the shaded band is the range "
            "of 13-week average spend the model has seen: beyond it the curve is extrapolated. Where a curve "
            "flattens, more spend buys little.")
    if plan is not None and not is_skipped(plan):
        text += " The cross is the planned spend."
    return Markdown(text + ("" if len(steep) else " No channel could be told apart."))


# ------------------------------------------------------------------------------------------------- the plan
PLAN = TableSpec({
    "channel": "Channel", "today_spend": Col("Spend at today's rate", "money"),
    "planned_spend": Col("Planned spend", "money"), "change_text": Col("Change", "text"),
    "today_revenue": Col("Revenue, today's split (model)", "money"),
    "planned_revenue": Col("Revenue, planned split (model)", "money"),
    "mroas_move": Col("Revenue from the next dollar: today -> planned", "text"), "note": Col("Note", "text"),
}, caption="Budget plan")
SCENARIOS = TableSpec({
    "change": Col("Budget change", "change", 0), "budget": Col("Budget", "money"),
    "revenue": Col("Revenue, best split (model)", "money"),
    "revenue_today_split": Col("Revenue, today's split scaled (model)", "money"),
    "revenue_vs_today": Col("Revenue vs today's budget and split", "money"),
    "extra_revenue_per_extra_spend": Col("Revenue per dollar of budget added or cut", "ratio"),
    "contribution": Col("Contribution after spend (model)", "money", optional=True),
}, caption="Budget scenarios")


@_quiet
def plan_table(plan, *, currency: str = "USD"):
    """Today's and the planned spend and revenue per channel over the horizon."""
    rows = []
    for name, r in plan.table.iterrows():
        note = ("kept at today's spend: the model cannot tell it apart" if r["fixed"] else
                f"above the highest 13-week average seen ({fmt.money(r['seen_high'], currency)} a week)"
                if r["outside_range"] == "above" else
                f"below the lowest 13-week average seen ({fmt.money(r['seen_low'], currency)} a week)"
                if r["outside_range"] == "below" else "")
        rows.append({"channel": name, "today_spend": r["today_spend"], "planned_spend": r["planned_spend"],
                     "change_text": fmt.pct(_tidy(r["change"]), 0, signed=True), "today_revenue": r["today_revenue"],
                     "planned_revenue": r["planned_revenue"],
                     "mroas_move": f"{_x(r['mroas_today'])} -> {_x(r['mroas_planned'])}", "note": note})
    t = plan.totals
    rows.append({"channel": "All channels", "today_spend": t["today_spend"], "planned_spend": t["planned_spend"],
                 "change_text": fmt.pct(_tidy(t["planned_spend"] / t["today_spend"] - 1), 0, signed=True),
                 "today_revenue": t["today_revenue"], "planned_revenue": t["planned_revenue"], "mroas_move": "",
                 "note": ""})
    caption = (f"Budget plan for the next {plan.weeks} weeks: each channel between {fmt.pct(plan.bounds[0], 0)} and "
               f"{fmt.pct(plan.bounds[1], 0)} of its spend today; revenue is what the model attributes to paid media"
               + origin_suffix(plan.origin))
    return table(pd.DataFrame(rows), PLAN, currency=currency, caption=caption)


@_quiet
def scenarios_table(scenarios: pd.DataFrame, *, currency: str = "USD"):
    """The best split of a few budgets and what each would bring."""
    weeks = scenarios.attrs.get("weeks", 13)
    caption = (f"Budget scenarios over the next {weeks} weeks: the best split of each budget, against today's "
               "proportions; revenue is what the model puts down to paid media"
               + ("; contribution = margin x that revenue - spend (below zero: the spend costs more than the margin it "
                  "brings)" if "contribution" in scenarios else "")
               + origin_suffix(scenarios.attrs.get("origin", "real")))
    return table(scenarios, SCENARIOS, currency=currency, caption=caption)


@skippable
def plan_md(plan, *, mmm=None, scenarios=None, currency: str = "USD") -> Markdown:
    """The plan in words: what moves, what it is expected to bring, what is uncertain (with ``mmm``: which channels
    it adds to although their interval reaches zero)."""
    text = _plan_sentence(plan, currency, mmm=mmm).replace("**The planner**", "The planner")
    text += (f" It maximises the model's predicted {'revenue, spending the whole budget' if plan.objective == 'revenue' else 'contribution (margin x revenue - spend), and may leave budget unspent'},"
             f" with each channel kept between {fmt.pct(plan.bounds[0], 0)} and {fmt.pct(plan.bounds[1], 0)} of "
             "today's spend. The gains are the model's point estimate: the channel table shows how uncertain each "
             "channel's return is, and a plan that moves much money is best tried on part of the budget first.")
    text += " " + " ".join(plan.notes)
    return Markdown(text.strip() + origin_note(plan.origin))


QUARTER = TableSpec({
    "week": Col("Week from", "date"), "forecast": Col("Forecast, today's split", "money"),
    "planned": Col("Forecast with the planned split", "money"), "planned_lower": Col("Interval from", "money"),
    "planned_upper": Col("Interval to", "money"),
}, caption="Next quarter", index=True)


@_quiet
def quarter_table(quarter, *, currency: str = "USD"):
    """Week by week: forecast revenue at today's split and with the planned split."""
    caption = (f"The next {quarter.totals['weeks']} weeks: revenue forecast (demand forecast, {quarter.model}) and "
               f"with the planned split; {fmt.pct(quarter.level, 0)} prediction interval"
               + origin_suffix(quarter.origin))
    return table(quarter.weeks, QUARTER, currency=currency, caption=caption)


@skippable
def quarter_md(quarter, *, currency: str = "USD") -> Markdown:
    """The next-quarter plan in words."""
    t = quarter.totals
    text = (f"The demand forecast expects {fmt.money(t['forecast'], currency)} of revenue over the next {t['weeks']} "
            f"weeks if marketing goes on as it is (its method missed by {fmt.pct(quarter.backtest_mape)} on the last "
            f"weeks held out{_naive_clause(quarter)}). With the planned split the model adds "
            f"{fmt.money(t['change'], currency)}, for {fmt.money(t['planned'], currency)}, spending "
            f"{fmt.money(t['planned_spend'], currency)}.")
    if against_naive(quarter.backtest_mape, naive_mape=quarter.naive_mape) == "worse":
        text += (" The forecast did worse than the naive one on those weeks: read its total as rough; the planned "
                 "split's difference does not depend on it.")
    return Markdown(text + origin_note(quarter.origin))


def _naive_clause(quarter) -> str:
    if not np.isfinite(quarter.naive_mape):
        return ""
    naive = "the last season" if quarter.naive_seasonal else "the last week"
    return f"; repeating {naive} missed by {fmt.pct(quarter.naive_mape)}"


# ------------------------------------------------------------------------------------------------- customers
ACQUISITION = TableSpec({"period_name": Col("Period", "text"), "spend": Col("Spend", "money"),
                         "new_customers": Col("New customers", "count"), "cac": Col("Blended CAC", "money", 2)},
                        caption="New customers and what they cost")
CAC_BY_CHANNEL = TableSpec({"channel": "First-order channel", "new_customers": Col("New customers", "count"),
                            "share_of_new": Col("Share of new customers", "percent"), "spend": Col("Spend", "money"),
                            "cac": Col("CAC", "money", 2)}, caption="CAC by first-order channel")
PAYBACK = TableSpec({"cohort_name": Col("Cohort (month of first order)", "text"), "customers": Col("Customers", "count"),
                     "cac": Col("CAC", "money", 2), "contribution_to_date": Col("Contribution per customer so far",
                                                                                "money", 2),
                     "payback_text": Col("Paid back in month", "text")}, caption="Payback by cohort")


@skippable
def acquisition_md(acquisition, *, value=None, currency: str = "USD") -> Markdown:
    """New customers, blended CAC, CAC by channel and LTV:CAC in words."""
    text = _customers_sentence(acquisition, value, None, currency).split(" Payback:")[0]
    text = text.replace("**", "")
    note = origin_note(acquisition.origin)
    if acquisition.channel_note:
        text += f" Note: {acquisition.channel_note}."
    elif acquisition.by_channel is not None:
        paid = acquisition.by_channel.dropna(subset=["cac"])
        if len(paid):
            text += (" By the channel of their first order: " + ", ".join(
                f"{r['channel']} {fmt.money(r['cac'], currency)}" for _, r in paid.iterrows())
                     + " per new customer (orders record the last click, so this credits the channel that closed "
                       "the sale).")
    if value is not None and not is_skipped(value):
        text += (f" The lifetime value is the first purchase's contribution ({fmt.money(value.first_purchase, currency)}"
                 f") plus {fmt.num(value.repeat_purchases, 2)} expected repeat purchases of "
                 f"{fmt.money(value.value_per_purchase, currency)} at a {fmt.pct(value.margin, 0)} contribution margin, "
                 f"discounted at {fmt.pct(value.discount_rate, 0)} a year (BG/NBD and Gamma-Gamma models of the market "
                 "research report).")
    return Markdown(text + note)


@_quiet
def acquisition_table(acquisition, *, currency: str = "USD", last: int = 12):
    """Spend, new customers and blended CAC by period (the last ``last``)."""
    shown = acquisition.by_period.tail(last).reset_index()
    shown.insert(0, "period_name", [_period_label(p, acquisition.period) for p in shown["period"]])
    return table(shown, ACQUISITION, currency=currency,
                 caption=f"New customers and blended CAC by {acquisition.period}, the last {len(shown)}"
                         + origin_suffix(acquisition.origin))


@_quiet
def cac_channel_table(acquisition, *, currency: str = "USD"):
    """CAC by first-order channel (or why it is not shown)."""
    if acquisition.by_channel is None:
        return Markdown(f"*CAC by channel not shown: {acquisition.channel_note}.*")
    return table(acquisition.by_channel, CAC_BY_CHANNEL, currency=currency,
                 caption="CAC by the channel of the first order (channels without spend have no CAC)"
                         + origin_suffix(acquisition.origin))


@_quiet
def payback_table(payback, *, currency: str = "USD"):
    """Each cohort's CAC, contribution so far and payback month."""
    frame = payback.cohorts.copy()
    frame.insert(0, "cohort_name", [f"{pd.Timestamp(c):%b %Y}" for c in frame["cohort"]])
    frame["payback_text"] = [fmt.num(m) if np.isfinite(m) else f"not yet ({n} months)"
                             for m, n in zip(frame["payback_month"], frame["months_observed"])]
    return table(frame, PAYBACK, currency=currency,
                 caption="Payback by monthly cohort: month 0 is the month of the first order"
                         + origin_suffix(payback.origin))


@skippable
def payback_md(payback, *, currency: str = "USD") -> Markdown:
    """Payback in words."""
    t = payback.totals
    m = t["payback_month"]
    text = (f"Across {t['cohorts']} monthly cohorts ({fmt.num(t['customers'])} customers), the blended CAC was "
            f"{fmt.money(t['cac'], currency, 2)}; ")
    text += (f"the contribution per customer passed it in month {fmt.num(m)} after the first order."
             if np.isfinite(m) else f"contribution per customer has not reached it in {t['months_observed']} months.")
    text += f" {t['paid_back_cohorts']} of the {t['cohorts']} cohorts have paid back so far."
    return Markdown(text + origin_note(payback.origin))


# ------------------------------------------------------------------------------------------------- method
def method_md(mmm=None, *, plan=None) -> Markdown:
    """The method and its assumptions, with this run's settings."""
    items = ["**Spend** is read from the platforms' exports; platform figures (conversions, their value, platform "
             "ROAS) are each platform's own attribution and are shown as such, never added up as revenue."]
    if mmm is not None and not is_skipped(mmm):
        items.append(
            f"**Marketing mix model**: weekly revenue = baseline (intercept, linear trend"
            f"{', yearly season with ' + str(mmm.harmonics_used_) + ' Fourier pairs' if mmm.harmonics_used_ else ''}"
            f"{', controls' if mmm.weeks_.controls.shape[1] else ''}) + each channel's spend carried over "
            "(geometric adstock) and saturating (Hill curve), with channel effects that cannot be negative. The "
            "carry-over and saturation of each channel are chosen on a grid by rolling-origin cross-validation: "
            f"{len(mmm.folds_) - 1} blocks of {int(mmm.folds_.weeks_forecast.iloc[0])} weeks forecast from the weeks "
            "before them; the last block is kept out of every choice and gives the held-out error. "
            f"{_level(mmm).capitalize()}s come from {fmt.num(mmm.n_bootstrap)} moving-block bootstrap replications "
            f"(blocks of {mmm.block_weeks} weeks) that choose the settings again; they do not cover what an "
            "observational model cannot know (channels that move together, effects outside the spend seen).")
    if plan is not None and not is_skipped(plan):
        items.append(f"**Planner**: SciPy's SLSQP from three starting splits, {plan.objective} maximised over the next "
                     f"{plan.weeks} weeks; response curves keep each channel's weekly pattern of today.")
    items.append("**CAC, LTV and payback** use the shop's orders: a customer is new in the month of their first "
                 "sale; lifetime value comes from the market-research report's BG/NBD and Gamma-Gamma models; "
                 "payback from the sales report's acquisition cohorts, computed on contribution.")
    return Markdown(bullets(items))
