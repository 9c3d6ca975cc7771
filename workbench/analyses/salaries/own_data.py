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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.errors import DataError, NotEnoughData
from workbench.sections import Skipped, attempt

__all__ = ["ExperienceCurve", "own_pay_bands", "pay_compression", "own_vs_market", "OwnDataSummary",
           "own_data_summary", "rows_for_role"]

_SPECS = {
    "quadratic": lambda x: np.column_stack([np.ones_like(x), x, x ** 2]),
    "linear": lambda x: np.column_stack([np.ones_like(x), x]),
    "log": lambda x: np.column_stack([np.ones_like(x), np.log1p(x)]),
}
_LEVEL_ORDER = ("Intern", "Entry", "Junior", "Associate", "Mid", "Intermediate", "Senior", "Lead", "Staff",
                "Principal", "Manager", "Head", "Director")
_TERMS = {"quadratic": ["intercept", "years", "years^2"], "linear": ["intercept", "years"],
          "log": ["intercept", "log(1+years)"]}


def _qname(q: float) -> str:
    return f"p{int(round(q * 100))}"


class ExperienceCurve:
    """Pay against years of experience at several quantiles (statsmodels ``QuantReg``).

    Parameters
    ----------
    quantiles : sequence of float
        Quantiles in (0, 1), default the 25th, 50th and 75th percentile.
    spec : {"log", "quadratic", "linear"}
        Shape of the curve in years (see the module docstring).
    title : str, optional
        Fit only the rows with this job title (case-insensitive); default all rows.
    years, amount : str
        Column names.
    grid : sequence of float, optional
        Years at which :attr:`curve_` tabulates the curve; default 0 to the largest observed, in steps of 1.

    Attributes (after :meth:`fit`)
    -------------------------------
    params_ : DataFrame
        Coefficients, one column per quantile (``p25``, ``p50``, ``p75``).
    curve_ : DataFrame
        Predicted pay per year of experience (``years_experience`` and one column per quantile), sorted at each
        point so the percentiles never cross (rearrangement).
    n_ : int
        People fitted on.
    rearranged_ : bool
        True when the fitted lines crossed within the grid and were put back in order.
    data_ : DataFrame
        The rows fitted on (years, amount).

    Raises
    ------
    DataError
        An unknown spec or quantiles outside (0, 1); at fit time, missing columns. Fewer than 10 usable rows or
        fewer than 3 distinct experience values raise :class:`NotEnoughData`.
    """

    def __init__(self, *, quantiles: Sequence[float] = (0.25, 0.5, 0.75), spec: str = "log",
                 title: str | None = None, years: str = "years_experience", amount: str = "base_pay",
                 grid: Sequence[float] | None = None) -> None:
        if spec not in _SPECS:
            raise DataError(f"spec {spec!r} not recognised", source="spec", fix=f"Use one of {list(_SPECS)}")
        qs = tuple(float(q) for q in quantiles)
        if not qs or any(not 0 < q < 1 for q in qs):
            raise DataError(f"quantiles must lie strictly between 0 and 1, got {list(quantiles)}",
                            source="quantiles", fix="e.g. (0.25, 0.5, 0.75)")
        self.quantiles, self.spec, self.title = qs, spec, title
        self.years, self.amount, self.grid = years, amount, grid

    def fit(self, pay: pd.DataFrame) -> ExperienceCurve:
        """Fit one quantile regression per quantile on ``pay`` (``wb.load_pay_survey``); returns the model."""
        from statsmodels.regression.quantile_regression import QuantReg

        years, amount, title = self.years, self.amount, self.title
        src = pay.attrs.get("source", "pay data")
        for col in (years, amount):
            if col not in pay.columns:
                raise DataError(f"column `{col}` not found", source=src, column=col,
                                fix="The experience curve needs years of experience and base pay per person "
                                    f"(columns present: {list(pay.columns)})")
        df = pay
        if title is not None:
            df = df[df["title"].str.casefold() == title.casefold()]
        df = df[[years, amount]].dropna()
        if len(df) < 10:
            raise NotEnoughData(f"only {len(df)} people with both years of experience and pay"
                                + (f" for title {title!r}" if title else ""), source=src, column=years, rows=len(df),
                                fix="Quantile regression needs at least 10 people; pool related titles or use bands "
                                    "by level instead")
        x = df[years].to_numpy(dtype=float)
        y = df[amount].to_numpy(dtype=float)
        if len(np.unique(x)) < 3:
            raise NotEnoughData("fewer than 3 distinct experience values", source=src, column=years, rows=len(df),
                                example=sorted(np.unique(x)),
                                fix="The curve needs a spread of experience; use bands by level instead")
        X = _SPECS[self.spec](x)
        params = {}
        with warnings.catch_warnings():
            # QuantReg warns on exact fits of tiny samples ("The sparsity ... ") - irrelevant to point estimates.
            warnings.filterwarnings("ignore", message=".*sparsity.*")
            for q in self.quantiles:
                params[_qname(q)] = QuantReg(y, X).fit(q=q, max_iter=5000).params
        self.params_ = pd.DataFrame(params, index=_TERMS[self.spec])
        xs = np.asarray(self.grid if self.grid is not None else np.arange(0, np.ceil(x.max()) + 1), dtype=float)
        raw = _SPECS[self.spec](xs) @ self.params_.to_numpy()
        self.rearranged_ = bool((np.diff(raw, axis=1) < 0).any())
        curve = pd.DataFrame(np.sort(raw, axis=1), columns=list(self.params_.columns))
        curve.insert(0, "years_experience", xs)
        self.curve_ = curve
        self.n_ = len(df)
        self.data_ = df.reset_index(drop=True)
        return self

    def predict(self, years: Sequence[float] | np.ndarray | float) -> pd.DataFrame:
        """Predicted pay at each quantile for the given years of experience (rearranged to be ordered)."""
        if not hasattr(self, "params_"):
            raise DataError("the experience curve is not fitted", source="ExperienceCurve",
                            fix="Call .fit(pay) first")
        x = np.atleast_1d(np.asarray(years, dtype=float))
        X = _SPECS[self.spec](x)
        pred = np.sort(X @ self.params_.to_numpy(), axis=1)
        names = [_qname(q) for q in self.quantiles]
        return pd.DataFrame(pred, columns=names).assign(years_experience=x)[["years_experience", *names]]

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return f"<ExperienceCurve: {self.spec}, quantiles {list(self.quantiles)}, not fitted>"
        mid = self.params_.iloc[:, len(self.quantiles) // 2]
        coefs = ", ".join(f"{k}: {v:,.0f}" for k, v in mid.items())
        return (f"<ExperienceCurve: {self.spec}, fitted on {self.n_} people, quantiles "
                f"{list(self.quantiles)}; median line {coefs}>")


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
    area, keep a missing ratio and say why in ``unmatched_reason`` (``title_not_matched``, ``median_missing``,
    ``median_topcoded``; <NA> when matched).

    Returns
    -------
    DataFrame, one row per title: the title, ``people``, ``own_median``, ``occupation_code``,
    ``occupation_name``, ``market_median``, ``compa_ratio`` and ``unmatched_reason``.
    """
    from workbench.analyses.salaries.market import market_distribution

    for col in (role, amount):
        if col not in pay.columns:
            raise DataError(f"column `{col}` not found", source=pay.attrs.get("source", "pay data"), column=col,
                            fix=f"Columns present: {list(pay.columns)}")
    g = pay.dropna(subset=[role, amount]).groupby(role)[amount]
    out = pd.DataFrame({"people": g.size(), "own_median": g.median().astype(float)}).reset_index()
    codes, names, medians, reasons = [], [], [], []
    roles = _roles_by_title(out[role], oews)
    for title in out[role]:
        r = roles[title]
        if r is None:
            codes.append(pd.NA), names.append(pd.NA), medians.append(np.nan), reasons.append("title_not_matched")
            continue
        row = market_distribution(oews, occupations=r.soc, areas=area, include_national=area is None).iloc[0]
        med, top = row.get("annual_p50"), bool(row.get("p50_topcoded"))
        codes.append(r.soc), names.append(r.occupation)
        if pd.isna(med) or top:
            medians.append(np.nan)
            reasons.append("median_missing" if pd.isna(med) else "median_topcoded")
        else:
            medians.append(float(med))
            reasons.append(pd.NA)
    out["occupation_code"] = pd.array(codes, dtype="string")
    out["occupation_name"] = pd.array(names, dtype="string")
    out["market_median"] = medians
    out["compa_ratio"] = out["own_median"] / out["market_median"]
    out["unmatched_reason"] = pd.array(reasons, dtype="string")
    return out


def _roles_by_title(titles, oews: pd.DataFrame) -> dict:
    """Each distinct title resolved to a ``Role`` (None when it matches nothing), the occupation list built once."""
    from workbench.analyses.salaries.roles import resolve_role

    occupations = oews[["occupation_code", "occupation_name", "occupation_level"]].drop_duplicates("occupation_code")
    out = {}
    for title in pd.unique(pd.Series(titles).dropna()):
        try:
            out[title] = resolve_role(occupations, role=str(title))
        except DataError:
            out[title] = None
    return out


def rows_for_role(pay: pd.DataFrame, oews: pd.DataFrame, *, role) -> pd.DataFrame:
    """Rows of own pay data whose title resolves to the same primary SOC occupation as ``role`` (a ``Role``)."""
    roles = _roles_by_title(pay["title"], oews)
    keep = {title: r is not None and r.soc == role.soc for title, r in roles.items()}
    return pay[pay["title"].map(keep).fillna(False).astype(bool)]


@dataclass
class OwnDataSummary:
    """The own-data section of the salary report: what the file holds and each part computed from it.

    A part the file cannot support (no title mapping to the role, no years of experience, no level or tenure
    column, too few people) is a :class:`~workbench.sections.Skipped` holding the reason.
    """

    source: str                              # the file read (``attrs['source']`` of the pay table)
    file_note: str | None                    # the file's own note (``#`` lines at the top)
    generated: bool                          # the file says its data is generated
    people: int
    titles: int
    role_people: int                         # people whose title maps to the role's primary occupation
    role_label: str                          # "11-2021 Marketing Managers"
    curve: ExperienceCurve | Skipped         # fitted on the role's rows
    bands: pd.DataFrame | Skipped            # own_pay_bands of the role's rows
    compression: pd.DataFrame | Skipped      # pay_compression over every title
    vs_market: pd.DataFrame                  # own_vs_market over every title
    market: tuple[float, float, float] | None = None   # market 25th, median, 75th of the focus row
    area_name: str = "National"              # the area of the market comparison
    new_hire_years: float = 1.0
    tenured_years: float = 3.0
    threshold: float = 0.95


def own_data_summary(pay: pd.DataFrame, oews: pd.DataFrame, *, role, focus: pd.Series | None = None,
                     new_hire_years: float = 1.0, tenured_years: float = 3.0,
                     threshold: float = 0.95) -> OwnDataSummary:
    """Everything the salary report shows about the user's own pay data.

    The experience curve and the level bands use the rows whose title maps to the report's role (same primary
    SOC occupation); pay compression (with ``new_hire_years``, ``tenured_years`` and ``threshold``, see
    :func:`pay_compression`) and the comparison with the market cover every title. ``focus`` (the market row
    of :func:`~workbench.analyses.salaries.market.focus_row`) sets the area of the market comparison (default
    national) and adds its 25th / median / 75th to the curve chart.
    """
    market = None
    if focus is not None and all(pd.notna(focus.get(f"annual_{p}")) for p in ("p25", "p50", "p75")):
        market = tuple(float(focus[f"annual_{p}"]) for p in ("p25", "p50", "p75"))
    area = None if focus is None else focus.get("area_code")
    mine = rows_for_role(pay, oews, role=role)
    label = role.label()
    if mine.empty:
        curve = Skipped(f"No titles in the file map to {label}.", "Experience curve")
        bands = Skipped(f"No titles in the file map to {label}.", "Own pay by level")
    else:
        curve = (attempt(ExperienceCurve().fit, mine, section="Experience curve") if "years_experience" in mine
                 else Skipped("The file has no years_experience column.", "Experience curve"))
        bands = (own_pay_bands(mine) if "level" in mine
                 else Skipped("The file has no level column.", "Own pay by level"))
    if "tenure_years" in pay.columns:
        compression = pay_compression(pay, new_hire_years=new_hire_years, tenured_years=tenured_years,
                                      threshold=threshold)
    else:
        compression = Skipped("The file has no tenure_years column.", "Pay compression")
    note = pay.attrs.get("note")
    return OwnDataSummary(source=str(pay.attrs.get("source", "own data")), file_note=note,
                          generated=bool(pay.attrs.get("generated", note and "generated" in note.lower())),
                          people=len(pay), titles=int(pay["title"].nunique()), role_people=len(mine),
                          role_label=label, curve=curve, bands=bands, compression=compression,
                          vs_market=own_vs_market(pay, oews, area=area), market=market,
                          area_name="National" if focus is None else str(focus.get("area_name", "National")),
                          new_hire_years=new_hire_years, tenured_years=tenured_years, threshold=threshold)
