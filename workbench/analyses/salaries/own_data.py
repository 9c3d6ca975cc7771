"""Own pay data: an experience curve by quantile regression, bands by level, pay compression, market position.

Input: the table from ``wb.load_pay_survey(path)`` (one row per employee or survey answer: ``title``,
``base_pay`` and ``years_experience`` or ``level``; optionally ``tenure_years`` and ``location``).

**Experience curve.** Pay against years of experience at the 25th, 50th and 75th percentiles, fitted with
statsmodels' ``QuantReg`` (Koenker & Bassett 1978: minimises the check loss, so each line is a conditional
percentile, robust to a few very high or low salaries, unlike a mean regression). The default specification
is ``pay ~ 1 + log(1 + years)``: pay rises fastest early in a career and keeps rising more slowly later, with
two coefficients per line, which small teams can support. ``spec="quadratic"`` (``1 + years + years^2``, the
classic Mincer earnings profile) bends down again at long experience and needs more people; ``"linear"`` is
also available. The three quantile lines are fitted separately and can cross where data are thin; the curve
table sorts the predictions at each point so p25 <= p50 <= p75 (Chernozhukov, Fernandez-Val & Galichon 2010,
"rearrangement"), and says when it had to.

**Bands from own data.** Per level (when the file has levels), the 25th, 50th and 75th percentile of base
pay, pandas' default linear interpolation (Hyndman & Fan type 7).

**Pay compression.** Within a role, a new hire (``tenure_years`` < 1 by default) paid at or above 95% of the
median pay of tenured colleagues in the same role (``tenure_years`` >= 3) is flagged: the market rate for
new hires has caught up with what long-serving staff earn, a common reason for attrition.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.errors import DataError

__all__ = ["ExperienceCurve", "experience_curve", "own_pay_bands", "pay_compression", "own_vs_market",
           "OwnDataSummary", "own_data_summary", "rows_for_role"]

_SPECS = {
    "quadratic": lambda x: np.column_stack([np.ones_like(x), x, x ** 2]),
    "linear": lambda x: np.column_stack([np.ones_like(x), x]),
    "log": lambda x: np.column_stack([np.ones_like(x), np.log1p(x)]),
}
_LEVEL_ORDER = ("Intern", "Entry", "Junior", "Associate", "Mid", "Intermediate", "Senior", "Lead", "Staff",
                "Principal", "Manager", "Head", "Director")
_TERMS = {"quadratic": ["intercept", "years", "years^2"], "linear": ["intercept", "years"],
          "log": ["intercept", "log(1+years)"]}


@dataclass
class ExperienceCurve:
    """Quantile regression fits of pay on experience. ``params_`` has one column per quantile."""

    spec: str
    quantiles: tuple[float, ...]
    params_: pd.DataFrame
    curve_: pd.DataFrame
    n_: int
    rearranged_: bool = False
    title: str | None = None
    data_: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def predict(self, years: Sequence[float] | np.ndarray | float) -> pd.DataFrame:
        """Predicted pay at each quantile for the given years of experience (rearranged to be ordered)."""
        x = np.atleast_1d(np.asarray(years, dtype=float))
        X = _SPECS[self.spec](x)
        pred = np.sort(X @ self.params_.to_numpy(), axis=1)
        return pd.DataFrame(pred, columns=[_qname(q) for q in self.quantiles]).assign(years_experience=x)[
            ["years_experience", *[_qname(q) for q in self.quantiles]]]

    def __repr__(self) -> str:
        mid = self.params_.iloc[:, len(self.quantiles) // 2]
        coefs = ", ".join(f"{k}: {v:,.0f}" for k, v in mid.items())
        return (f"<ExperienceCurve: {self.spec}, fitted on {self.n_} people, quantiles "
                f"{list(self.quantiles)}; median line {coefs}>")


def _qname(q: float) -> str:
    return f"p{int(round(q * 100))}"


def experience_curve(pay: pd.DataFrame, *, title: str | None = None, quantiles: Sequence[float] = (0.25, 0.5, 0.75),
                     spec: str = "log", years: str = "years_experience", amount: str = "base_pay",
                     grid: Sequence[float] | None = None) -> ExperienceCurve:
    """Fit pay against years of experience at several quantiles (statsmodels ``QuantReg``).

    Parameters
    ----------
    pay : DataFrame
        Own pay data (``wb.load_pay_survey``).
    title : str, optional
        Keep only rows with this title (case-insensitive); default all rows.
    quantiles : sequence of float
        Quantiles in (0, 1), default 25th, 50th, 75th percentile.
    spec : {"log", "quadratic", "linear"}
        Shape of the curve in years (see the module docstring).
    years, amount : str
        Column names.
    grid : sequence of float, optional
        Years at which to tabulate the curve; default 0 to the largest observed, in steps of 1.

    Returns
    -------
    ExperienceCurve with ``params_`` (coefficients, one column per quantile) and ``curve_`` (predicted pay
    per year of experience and quantile).

    Raises
    ------
    DataError
        Missing columns, fewer than 10 usable rows, or fewer than 3 distinct experience values.
    """
    from statsmodels.regression.quantile_regression import QuantReg

    if spec not in _SPECS:
        raise DataError(f"spec {spec!r} not recognised", source="spec", fix=f"Use one of {list(_SPECS)}")
    for col in (years, amount):
        if col not in pay.columns:
            raise DataError(f"column `{col}` not found", source=pay.attrs.get("source", "pay data"), column=col,
                            fix="The experience curve needs years of experience and base pay per person "
                                f"(columns present: {list(pay.columns)})")
    qs = tuple(float(q) for q in quantiles)
    if not qs or any(not 0 < q < 1 for q in qs):
        raise DataError(f"quantiles must lie strictly between 0 and 1, got {list(quantiles)}", source="quantiles",
                        fix="e.g. (0.25, 0.5, 0.75)")
    df = pay
    if title is not None:
        df = df[df["title"].str.casefold() == title.casefold()]
    df = df[[years, amount]].dropna()
    if len(df) < 10:
        raise DataError(f"only {len(df)} people with both years of experience and pay"
                        + (f" for title {title!r}" if title else ""), source=pay.attrs.get("source", "pay data"),
                        column=years, rows=len(df), fix="Quantile regression needs at least 10 people; pool related "
                                                        "titles or use bands by level instead")
    x = df[years].to_numpy(dtype=float)
    y = df[amount].to_numpy(dtype=float)
    if len(np.unique(x)) < 3:
        raise DataError("fewer than 3 distinct experience values", source=pay.attrs.get("source", "pay data"),
                        column=years, rows=len(df), example=sorted(np.unique(x)),
                        fix="The curve needs a spread of experience; use bands by level instead")
    X = _SPECS[spec](x)
    params = {}
    with warnings.catch_warnings():
        # QuantReg warns on exact fits of tiny samples ("The sparsity ... ") - irrelevant to point estimates.
        warnings.filterwarnings("ignore", message=".*sparsity.*")
        for q in qs:
            params[_qname(q)] = QuantReg(y, X).fit(q=q, max_iter=5000).params
    params_df = pd.DataFrame(params, index=_TERMS[spec])
    xs = np.asarray(grid if grid is not None else np.arange(0, np.ceil(x.max()) + 1), dtype=float)
    raw = _SPECS[spec](xs) @ params_df.to_numpy()
    rearranged = bool((np.diff(raw, axis=1) < 0).any())
    curve = pd.DataFrame(np.sort(raw, axis=1), columns=list(params_df.columns))
    curve.insert(0, "years_experience", xs)
    return ExperienceCurve(spec=spec, quantiles=qs, params_=params_df, curve_=curve, n_=len(df),
                           rearranged_=rearranged, title=title, data_=df.reset_index(drop=True))


def own_pay_bands(pay: pd.DataFrame, *, by: str = "level", amount: str = "base_pay",
                  quantiles: Sequence[float] = (0.25, 0.5, 0.75), title: str | None = None) -> pd.DataFrame:
    """Percentiles of own base pay per level (or any column ``by``), with head counts.

    Returns one row per group: ``by``, ``people``, and ``p25``/``p50``/``p75`` (pandas' linear interpolation).
    """
    if by not in pay.columns:
        raise DataError(f"column `{by}` not found", source=pay.attrs.get("source", "pay data"), column=by,
                        fix=f"Bands need a level column; columns present: {list(pay.columns)}")
    df = pay if title is None else pay[pay["title"].str.casefold() == title.casefold()]
    df = df.dropna(subset=[by, amount])
    g = df.groupby(by, sort=True)[amount]
    out = g.quantile(list(quantiles)).unstack()
    out.columns = [_qname(q) for q in quantiles]
    out.insert(0, "people", g.size())
    out = out.reset_index()
    known = [lvl.casefold() for lvl in _LEVEL_ORDER]
    if out[by].astype(str).str.casefold().isin(known).all():  # Entry, Mid, Senior, Lead rather than A-Z
        out = out.sort_values(by, key=lambda s: s.astype(str).str.casefold().map(known.index)).reset_index(drop=True)
    return out


def pay_compression(pay: pd.DataFrame, *, role: str = "title", tenure: str = "tenure_years",
                    amount: str = "base_pay", new_hire_years: float = 1.0, tenured_years: float = 3.0,
                    threshold: float = 0.95) -> pd.DataFrame:
    """Flag new hires paid near or above tenured colleagues in the same role.

    Parameters
    ----------
    role : str
        Column that defines "the same role" (``title`` by default; pass ``level`` or a combined column).
    tenure : str
        Years with this employer.
    new_hire_years, tenured_years : float
        New hire: tenure below ``new_hire_years``; tenured: tenure at least ``tenured_years``.
    threshold : float
        A new hire is flagged when paid at least ``threshold`` x the median pay of the tenured group.

    Returns
    -------
    DataFrame, one row per new hire in a role that has tenured staff: role, the new hire's ``employee_id``
    (when present), ``base_pay``, ``tenured_median``, ``tenured_people``, ``ratio`` (pay / tenured median)
    and ``compressed`` (True when ``ratio >= threshold``). Sorted by ratio, highest first.
    """
    src = pay.attrs.get("source", "pay data")
    for col in (role, tenure, amount):
        if col not in pay.columns:
            raise DataError(f"column `{col}` not found", source=src, column=col,
                            fix="Pay compression needs each person's role, tenure with the employer (years) and "
                                f"base pay; columns present: {list(pay.columns)}")
    if not 0 < threshold <= 2:
        raise DataError(f"threshold {threshold} is not a ratio such as 0.95", source="threshold", fix="Use e.g. 0.95")
    df = pay.dropna(subset=[role, tenure, amount])
    tenured = df[df[tenure] >= tenured_years].groupby(role)[amount].agg(["median", "size"])
    new = df[df[tenure] < new_hire_years]
    cols = [role, *(["employee_id"] if "employee_id" in df.columns else []), tenure, amount]
    out = new[cols].merge(tenured, left_on=role, right_index=True, how="inner")
    out = out.rename(columns={"median": "tenured_median", "size": "tenured_people"})
    out["ratio"] = out[amount].astype(float) / out["tenured_median"].astype(float)
    out["compressed"] = out["ratio"] >= threshold
    return out.sort_values(["ratio", role], ascending=[False, True]).reset_index(drop=True)


def own_vs_market(pay: pd.DataFrame, oews: pd.DataFrame, *, area: str | None = None, role: str = "title",
                  amount: str = "base_pay") -> pd.DataFrame:
    """Each role's own median pay against the market median of its SOC occupation in one area.

    Each distinct title is matched with :func:`~workbench.analyses.salaries.roles.resolve_role` (crosswalk
    titles and aliases, OEWS titles, SOC codes); ``compa_ratio`` = own median / market median (1.00 = paid at
    the market median). Titles that match nothing, or whose market median is not published or top-coded in the
    area, keep a missing ratio and say why in ``note``.
    """
    from workbench.analyses.salaries.market import market_distribution
    from workbench.analyses.salaries.roles import resolve_role

    for col in (role, amount):
        if col not in pay.columns:
            raise DataError(f"column `{col}` not found", source=pay.attrs.get("source", "pay data"), column=col,
                            fix=f"Columns present: {list(pay.columns)}")
    g = pay.dropna(subset=[role, amount]).groupby(role)[amount]
    out = pd.DataFrame({"people": g.size(), "own_median": g.median().astype(float)}).reset_index()
    socs, medians, notes = [], [], []
    for title in out[role]:
        try:
            r = resolve_role(oews, str(title))
        except DataError:
            socs.append(pd.NA), medians.append(np.nan), notes.append("title not matched to a SOC occupation")
            continue
        row = market_distribution(oews, r.soc, areas=area, include_national=area is None).iloc[0]
        med, top = row.get("annual_p50"), bool(row.get("p50_topcoded"))
        socs.append(f"{r.soc} {r.occupation}")
        if pd.isna(med) or top:
            medians.append(np.nan)
            notes.append("market median not published" if pd.isna(med) else "market median top-coded")
        else:
            medians.append(float(med))
            notes.append("")
    out["occupation"] = pd.array(socs, dtype="string")
    out["market_median"] = medians
    out["compa_ratio"] = out["own_median"] / out["market_median"]
    out["note"] = notes
    return out


def rows_for_role(pay: pd.DataFrame, oews: pd.DataFrame, role) -> pd.DataFrame:
    """Rows of own pay data whose title resolves to the same primary SOC occupation as ``role``."""
    from workbench.analyses.salaries.roles import resolve_role

    keep = {}
    for title in pay["title"].dropna().unique():
        try:
            keep[title] = resolve_role(oews, str(title)).soc == role.soc
        except DataError:
            keep[title] = False
    return pay[pay["title"].map(keep).fillna(False).astype(bool)]


@dataclass
class OwnDataSummary:
    """Own-data section of the salary report: every part is ready to display, and says so when it is empty."""

    note: str
    curve: ExperienceCurve | None
    curve_table: pd.DataFrame
    bands: pd.DataFrame
    compression: pd.DataFrame
    vs_market: pd.DataFrame
    market: tuple[float, float, float] | None = None
    source_label: str = ""   # "generated example data" when the file says so, else the file name


def _shown_path(path: str) -> str:
    """A path as a report shows it: relative to the project root when inside it."""
    from pathlib import Path

    from workbench.config import PROJECT_ROOT

    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _message(text: str) -> pd.DataFrame:
    return pd.DataFrame({"Own data": [text]})


def own_data_summary(pay: pd.DataFrame | None, oews: pd.DataFrame, role, *, area: str | None = None,
                     focus: pd.Series | None = None) -> OwnDataSummary:
    """Everything the report shows about the user's own pay data, or a note that there is none.

    The experience curve and the level bands use the rows whose title maps to the report's role (same primary
    SOC occupation); pay compression and the comparison with the market cover every title. ``focus`` (a
    market row) adds the market 25th / median / 75th to the curve chart.
    """
    from workbench.present import fmt

    market = None
    if focus is not None and all(pd.notna(focus.get(f"annual_{p}")) for p in ("p25", "p50", "p75")):
        market = tuple(float(focus[f"annual_{p}"]) for p in ("p25", "p50", "p75"))
    if pay is None:
        msg = "No own pay data given: set the report parameter `own_data` to a CSV export to compare your staff."
        return OwnDataSummary(note=msg, curve=None, curve_table=_message(msg), bands=_message(msg),
                              compression=_message(msg), vs_market=_message(msg), market=market)
    source = _shown_path(pay.attrs.get("source", "own data"))
    label = pay.attrs.get("note")
    from pathlib import Path

    source_label = "generated example data" if label and "generated" in label.lower() else Path(source).name
    mine = rows_for_role(pay, oews, role)
    parts = [f"Own pay data from `{source}`: {len(pay):,} people, {pay['title'].nunique():,} titles; "
             f"{len(mine):,} with a title that maps to {role.label()}."]
    if label:
        parts.append(f"File note: *{label}*.")
    curve, curve_table = None, _message(f"No experience curve: no titles in the file map to {role.label()}.")
    if len(mine) and "years_experience" in mine.columns:
        try:
            curve = experience_curve(mine)
            t = curve.curve_[curve.curve_["years_experience"].isin([0, 1, 2, 3, 5, 7, 10, 15, 20])]
            t = t.reset_index(drop=True)
            curve_table = pd.DataFrame({"Years of experience": t["years_experience"].map(lambda v: f"{v:g}")})
            for col in t.columns[1:]:
                curve_table[f"{col[1:]}th percentile" if col != "p50" else "Median"] = t[col].map(fmt.money).to_numpy()
            if curve.rearranged_:
                parts.append("The fitted percentile lines crossed somewhere and were put back in order "
                             "(few people at some experience levels).")
        except DataError as exc:
            curve_table = _message(f"No experience curve: {exc}")
    if len(mine) and "level" in mine.columns:
        b = own_pay_bands(mine)
        bands = pd.DataFrame({"Level": b["level"], "People": b["people"],
                              **{f"{c[1:]}th percentile" if c != "p50" else "Median": b[c].map(fmt.money)
                                 for c in ("p25", "p50", "p75")}})
    else:
        bands = _message("No bands by level: the file has no level column or no rows for this role.")
    if "tenure_years" in pay.columns:
        comp = pay_compression(pay)
        flagged = comp[comp["compressed"]]
        parts.append(f"Pay compression: {len(flagged):,} of {len(comp):,} new hires (under 1 year) are paid at "
                     "least 95% of the median of colleagues with 3+ years in the same title.")
        compression = pd.DataFrame({
            "Title": comp["title"], "Employee": comp.get("employee_id", pd.Series([""] * len(comp))),
            "Tenure (years)": comp["tenure_years"].map(lambda v: f"{v:g}"),
            "Base pay": comp["base_pay"].map(fmt.money), "Tenured median": comp["tenured_median"].map(fmt.money),
            "Tenured people": comp["tenured_people"], "Ratio": comp["ratio"].map(lambda v: f"{v:.2f}"),
            "Compressed": comp["compressed"].map({True: "yes", False: ""})})
        if compression.empty:
            compression = _message("No new hires in a title that also has tenured staff.")
    else:
        compression = _message("No pay-compression check: the file has no tenure_years column.")
    vm = own_vs_market(pay, oews, area=area)
    vs_market = pd.DataFrame({
        "Title": vm["title"], "People": vm["people"], "Own median": vm["own_median"].map(fmt.money),
        "Occupation": vm["occupation"].fillna(""), "Market median": vm["market_median"].map(fmt.money),
        "Own / market": vm["compa_ratio"].map(lambda v: "n/a" if pd.isna(v) else f"{v:.2f}"), "Note": vm["note"]})
    return OwnDataSummary(note=" ".join(parts), curve=curve, curve_table=curve_table, bands=bands,
                          compression=compression, vs_market=vs_market, market=market, source_label=source_label)
