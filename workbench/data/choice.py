"""Brand-choice scanner panels (one row per purchase occasion) into a long choice table.

A brand-choice panel records, for every purchase occasion, which alternative (brand, or brand-size) the
household bought and the shelf price of **every** alternative on the shelf that day, with promotion flags
where the data has them (``feature``: a newspaper feature ad; ``display``: an in-store display). The shipped
panels (``"yogurt"``, ``"catsup"``, ``"cracker"``, ``"tuna"``; see ``data/README.md``) come in the *wide*
layout: ``choice``, ``price_<alt>``, ``feature_<alt>``, ``display_<alt>``. :func:`load_choice_panel` turns
them (or a user's panel in the same wide layout, or already long) into the **long choice table** the choice
model needs: one row per occasion x alternative.

Decisions
---------
- **Zero, negative or missing prices.** A price of 0 is not a real shelf price (the cracker panel has 0 for
  nabisco on 3 occasions, most likely a missing value). With ``bad_prices="drop"`` (the default) an occasion
  with any such price is left out of the table, and the summary says how many and why; the choice model
  cannot use an occasion where one alternative's price is unknown. ``bad_prices="error"`` refuses the file.
- **Alternative names.** The shipped panels use Ecdat's short codes (``weight``, ``kleebler``...).
  ``labels="auto"`` turns them into names a manager reads (``Weight Watchers``, ``Keebler``); the codes still
  work wherever a brand is named (:attr:`ChoicePanel.codes`).
- **Price units** are not documented at the source for the shipped panels: :attr:`ChoicePanel.price_unit` is
  ``None`` and reports say so instead of guessing.
- **The orange-juice file** (``"oj"``, ISLR) is not a household panel: two brands, list prices with discounts
  and "specials", no household. :func:`load_choice_panel` refuses it with a pointer to
  :func:`load_oj_purchases`, which reads it for the weekly demand regression.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench.config import SHIPPED, resolve_path
from workbench.errors import DataError
from workbench.provenance import register_input

__all__ = ["CHOICE_COLUMNS", "ChoicePanel", "load_choice_panel", "load_oj_purchases"]

#: Columns of the long choice table, in order.
CHOICE_COLUMNS: tuple[str, ...] = ("occasion_id", "household_id", "alternative", "chosen", "price", "feature",
                                   "display")
PROMOTIONS = ("feature", "display")

# Readable names for the shipped panels' codes (Ecdat spells Keebler "kleebler").
_SHIPPED_LABELS: dict[str, dict[str, str]] = {
    "yogurt": {"yoplait": "Yoplait", "dannon": "Dannon", "hiland": "Hiland", "weight": "Weight Watchers"},
    "catsup": {"heinz41": "Heinz 41 oz", "heinz32": "Heinz 32 oz", "heinz28": "Heinz 28 oz",
               "hunts32": "Hunt's 32 oz"},
    "cracker": {"sunshine": "Sunshine", "kleebler": "Keebler", "nabisco": "Nabisco", "private": "Private label"},
    "tuna": {"skw": "StarKist water", "cosw": "Chicken of the Sea water", "sko": "StarKist oil",
             "coso": "Chicken of the Sea oil", "pw": "Private label water"},
}
_HOUSEHOLD_NAMES = ("household_id", "household", "hh_id", "customer_id", "panelist_id", "id")
_OCCASION_NAMES = ("occasion_id", "row_id", "purchase_id", "trip_id", "obs_id", "obsid")


@dataclass
class ChoicePanel:
    """A brand-choice panel as a long choice table, with what the loader did.

    Attributes
    ----------
    table : DataFrame
        One row per purchase occasion x alternative, columns :data:`CHOICE_COLUMNS`:
        ``occasion_id``, ``household_id`` (missing when the source has none), ``alternative`` (display name),
        ``chosen`` (1 for the alternative bought, else 0; exactly one per occasion), ``price`` (shelf price,
        > 0), ``feature`` and ``display`` (0/1, missing when the source has no such flag).
    alternatives : list of str
        The alternatives in source order (display names).
    codes : dict
        Display name -> the code used in the source (``{"Weight Watchers": "weight"}``).
    name : str
        Category or file stem (``"yogurt"``).
    source : str
        The file read (or ``"DataFrame"``).
    price_unit : str or None
        ``None`` when the unit is not documented (the shipped panels).
    promotions : list of str
        The promotion flags the source has (``["feature"]`` for yogurt, none for tuna).
    occasions_read : int
        Occasions in the source; ``occasions_dropped`` says which were left out and why.
    occasions_dropped : dict
        Reason -> number of occasions left out (``{"price 0": 3}``).
    notes : list of str
        Sentences for the report: what was read, dropped and assumed.
    """

    table: pd.DataFrame
    alternatives: list[str]
    codes: dict[str, str]
    name: str
    source: str
    price_unit: str | None = None
    promotions: list[str] = field(default_factory=list)
    occasions_read: int = 0
    occasions_dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def n_occasions(self) -> int:
        return int(self.table["occasion_id"].nunique())

    @property
    def n_households(self) -> int | None:
        hh = self.table["household_id"]
        return None if hh.isna().all() else int(hh.nunique())

    def brand(self, name: str) -> str:
        """The display name for ``name`` given as display name or source code, case-insensitive."""
        return resolve_brand(name, self.alternatives, self.codes, source=self.name)

    def summary(self) -> str:
        """What was read and left out, as Markdown sentences."""
        hh = f" by {self.n_households:,} households" if self.n_households else ""
        head = (f"{self.occasions_read:,} purchase occasions read from {Path(self.source).name}; "
                f"{self.n_occasions:,} used{hh}, {len(self.alternatives)} alternatives "
                f"({', '.join(self.alternatives)}).")
        return "\n".join([head, *[f"- {n}" for n in self.notes]])

    def _repr_markdown_(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return (f"<ChoicePanel {self.name}: {self.n_occasions:,} occasions x {len(self.alternatives)} alternatives"
                f"{', promotions ' + '/'.join(self.promotions) if self.promotions else ''}>")


def resolve_brand(name: str, alternatives: list[str], codes: dict[str, str], *, source: str = "panel") -> str:
    """Match ``name`` to an alternative by display name or source code, ignoring case and spaces."""
    key = _norm(name)
    for alt in alternatives:
        if _norm(alt) == key or _norm(codes.get(alt, alt)) == key:
            return alt
    raise DataError(f"unknown brand {name!r}", source=source, column="alternative",
                    example=name,
                    fix=f"Use one of the brands in the data: {alternatives} "
                        f"(source codes {[codes.get(a, a) for a in alternatives]} work too)")


def _norm(text: Any) -> str:
    return re.sub(r"[\s_\-']+", "", str(text)).lower()


# ----------------------------------------------------------------------------------------------------------
# reading
# ----------------------------------------------------------------------------------------------------------

def _read_any(source: Any, role: str) -> tuple[pd.DataFrame, str, str]:
    """(frame with stripped lower-case column names, source label, stem) from a name, path or DataFrame."""
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        label, stem = "DataFrame", "panel"
    else:
        if source is None or (isinstance(source, str) and not source.strip()):
            raise DataError("no panel given", source="source",
                            fix=f"Pass a file path or one of the shipped panels: {sorted(_SHIPPED_LABELS)}")
        path = resolve_path(source)
        label = str(path)
        if not path.exists():
            raise DataError("file not found", source=str(source),
                            fix=f"Check the path, or use a shipped panel name: {sorted(_SHIPPED_LABELS)}")
        register_input(path, role=role)
        stem = path.stem
        suffix = path.suffix.lower()
        if suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        elif suffix in (".xlsx", ".xlsm", ".xls"):
            frame = pd.read_excel(path)
        else:
            from workbench.data.csvread import read_csv_robust

            frame = read_csv_robust(path).frame
    cols = [str(c).strip().lower().replace(".", "_").replace(" ", "_") for c in frame.columns]
    # Ecdat / mlogit spell the flags feat.<brand> and disp.<brand>
    frame.columns = [re.sub(r"^feat_", "feature_", re.sub(r"^disp_", "display_", c)) for c in cols]
    return frame, label, stem


def load_choice_panel(source: str | os.PathLike | pd.DataFrame = "yogurt", *,
                      labels: str | dict[str, str] | None = "auto", bad_prices: str = "drop",
                      price_unit: str | None = None, name: str | None = None) -> ChoicePanel:
    """Read a brand-choice panel into a long choice table (one row per occasion x alternative).

    Parameters
    ----------
    source : str, path or DataFrame
        A shipped panel (``"yogurt"``, ``"catsup"``, ``"cracker"``, ``"tuna"``), a CSV/Parquet/Excel file, or a
        frame. Two layouts are understood:

        - **wide** (the shipped panels): one row per occasion with ``choice`` (the alternative bought),
          ``price_<alt>`` for every alternative, optional ``feature_<alt>`` / ``display_<alt>`` (0/1),
          optional ``household_id`` (or ``id``) and ``row_id`` (occasion id); R's spelling
          (``price.yoplait``, ``feat.yoplait``, ``disp.<alt>``, as in Ecdat and mlogit) is understood too;
        - **long**: one row per occasion x alternative with ``occasion_id``, ``alternative``, ``chosen``
          (0/1), ``price``, optional ``household_id``, ``feature``, ``display``.
    labels : "auto", dict or None
        Display names for the alternatives. ``"auto"`` names the shipped panels' codes readably
        (``weight`` -> ``Weight Watchers``) and keeps other codes; a dict maps code -> name; ``None`` keeps
        codes.
    bad_prices : {"drop", "error"}
        What to do with occasions where an alternative's price is missing, zero or negative: leave the
        occasion out (counted in :attr:`ChoicePanel.occasions_dropped`) or raise ``DataError``.
    price_unit : str, optional
        Unit of the prices for labels ("USD per pack"). ``None``: not documented (the shipped panels).
    name : str, optional
        Category name for reports; defaults to the shipped name or file stem.

    Returns
    -------
    ChoicePanel

    Raises
    ------
    DataError
        File not found or empty; a layout that is neither wide nor long (the orange-juice file included);
        a chosen alternative that has no price column; missing choices; prices that are not numbers;
        promotion flags other than 0/1; occasions without exactly one chosen alternative (long layout);
        missing/zero/negative prices with ``bad_prices="error"``.
    """
    if bad_prices not in ("drop", "error"):
        raise DataError(f"bad_prices={bad_prices!r} is not understood", source="bad_prices",
                        fix="Use 'drop' (leave those occasions out) or 'error'")
    shipped = next((k for k, v in SHIPPED.items() if isinstance(source, (str, os.PathLike))
                    and (str(source) == k or resolve_path(source) == v)), None)
    frame, label, stem = _read_any(source, role="choice panel")
    src = Path(label).name if label != "DataFrame" else label
    if frame.empty:
        raise DataError("the panel has no rows", source=src, rows=0, fix="Give a file with purchase occasions")
    cols = set(frame.columns)
    if "purchase" in cols and {"price_ch", "price_mm"} <= cols and "choice" not in cols:
        raise DataError("this is the orange-juice purchase file (ISLR `OJ`: two brands, list prices with "
                        "discounts and specials, no household), not a brand-choice panel", source=src,
                        column="purchase", rows=len(frame),
                        fix="Use wb.load_oj_purchases() and the weekly demand regression "
                            "(wb.competitors.oj_weekly_sales, DemandRegression) for it; a brand-choice panel "
                            "needs `choice` and `price_<brand>` columns")
    if {"alternative", "chosen", "price"} <= cols:
        long, codes, notes, dropped, read = _from_long(frame, src, bad_prices)
    elif "choice" in cols and any(c.startswith("price_") for c in cols):
        long, codes, notes, dropped, read = _from_wide(frame, src, bad_prices)
    else:
        raise DataError("the layout is not a brand-choice panel", source=src,
                        fix="Give either the wide layout (`choice` plus `price_<brand>` per brand, optional "
                            "`feature_<brand>`, `display_<brand>`, `household_id`) or the long layout "
                            "(`occasion_id`, `alternative`, `chosen`, `price`). Columns present: "
                            f"{list(frame.columns)[:20]}")
    # display names
    if labels == "auto":
        mapping = next((m for m in _SHIPPED_LABELS.values() if set(codes) == set(m)), {})
    elif labels is None:
        mapping = {}
    elif isinstance(labels, dict):
        mapping = {str(k): str(v) for k, v in labels.items()}
    else:
        raise DataError(f"labels={labels!r} is not understood", source="labels",
                        fix="Use 'auto', None or a dict code -> display name")
    alternatives = [mapping.get(c, c) for c in codes]
    long["alternative"] = long["alternative"].map(lambda c: mapping.get(c, c)).astype("string")
    code_of = {mapping.get(c, c): c for c in codes}
    promotions = [p for p in PROMOTIONS if long[p].notna().any()]
    if shipped and shipped in _SHIPPED_LABELS and price_unit is None:
        notes.append("Price units are not documented at the source (Ecdat); prices are shown as recorded.")
    if shipped == "cracker":
        notes.append("Ecdat spells Keebler 'kleebler'; shown as Keebler.")
    return ChoicePanel(table=long.reset_index(drop=True), alternatives=alternatives, codes=code_of,
                       name=name or shipped or stem, source=label, price_unit=price_unit, promotions=promotions,
                       occasions_read=read, occasions_dropped=dropped, notes=notes)


def _numeric(values: pd.Series, src: str, column: str, offset: Any = None) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    from workbench.data.csvread import parse_numbers

    return parse_numbers(values, source=src, column=column,
                         fix="Prices must be numbers (a currency sign is fine); correct or remove those rows")


def _flags(values: pd.Series, src: str, column: str) -> pd.Series:
    """0/1 promotion flags (also true/false, yes/no); anything else is a DataError."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("Int8")
    text = values.astype("string").str.strip().str.lower()
    mapped = text.map({"1": 1, "0": 0, "1.0": 1, "0.0": 0, "true": 1, "false": 0, "yes": 1, "no": 0,
                       "y": 1, "n": 0}, na_action="ignore")
    bad = mapped.isna() & text.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError("promotion flags must be 0/1 (or yes/no, true/false)", source=src, column=column,
                        rows=int(bad.sum()), example=f"row {i + 1}: {values.tolist()[i]!r}",
                        fix="Write 1 when the promotion ran and 0 when it did not")
    return mapped.fillna(0).astype("Int8")


def _bad_price_occasions(occasion: pd.Series, price: pd.Series, alt: pd.Series, src: str, bad_prices: str,
                         column_of: Any) -> tuple[pd.Series, dict[str, int], list[str]]:
    """Occasion ids to drop (missing / zero / negative price), counts by reason, and note sentences.

    An occasion with several bad prices is counted once, under the first reason in the order missing,
    zero, negative.
    """
    kinds = {"price missing": price.isna(), "price 0": price.eq(0), "price below 0": price.lt(0)}
    dropped: dict[str, int] = {}
    notes: list[str] = []
    seen: set = set()
    for reason, mask in kinds.items():
        mask = mask.fillna(False).astype(bool).to_numpy()
        if not mask.any():
            continue
        occ = occasion[mask]
        first = int(mask.nonzero()[0][0])
        what = {"price missing": "a missing price", "price 0": "a price of 0",
                "price below 0": "a negative price"}[reason]
        example = f"occasion {occasion.iloc[first]}: {alt.iloc[first]} {reason}"
        if bad_prices == "error":
            raise DataError(f"occasions with {what}", source=src, column=column_of(alt.iloc[first]),
                            rows=int(occ.nunique()), example=example,
                            fix="Correct the price, remove those occasions, or pass bad_prices='drop' to leave "
                                "them out of the analysis")
        new = set(pd.unique(occ)) - seen
        seen |= new
        dropped[reason] = len(new)
        brands = sorted(set(alt[mask]))
        notes.append(f"{int(occ.nunique()):,} occasion{'s' if occ.nunique() != 1 else ''} with {what} "
                     f"({', '.join(brands)}; first: {example}) left out of the analysis: a shelf price must be "
                     "above 0, and the choice model cannot use an occasion with an unknown price.")
    return pd.Series(sorted(seen, key=str)), {k: v for k, v in dropped.items() if v}, notes


def _from_wide(frame: pd.DataFrame, src: str, bad_prices: str):
    codes = [c[len("price_"):] for c in frame.columns if c.startswith("price_")]
    n = len(frame)
    occ_col = next((c for c in _OCCASION_NAMES if c in frame.columns), None)
    hh_col = next((c for c in _HOUSEHOLD_NAMES if c in frame.columns), None)
    occasion = frame[occ_col].reset_index(drop=True) if occ_col else pd.Series(np.arange(1, n + 1))
    if occasion.duplicated().any():
        dup = occasion[occasion.duplicated()]
        raise DataError("occasion ids repeat", source=src, column=occ_col, rows=int(dup.size),
                        example=f"id {dup.iloc[0]!r}", fix="Give each purchase occasion its own id")
    choice = frame["choice"].astype("string").str.strip().reset_index(drop=True)
    missing = choice.isna()
    if missing.any():
        i = int(np.flatnonzero(missing.to_numpy())[0])
        raise DataError("occasions without a chosen alternative", source=src, column="choice",
                        rows=int(missing.sum()), example=f"row {i + 1} (occasion {occasion.iloc[i]})",
                        fix="Fill in the brand bought or remove those rows")
    by_lower = {c.lower(): c for c in codes}
    choice = choice.map(lambda v: by_lower.get(v.lower(), v))
    unknown = ~choice.isin(codes)
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise DataError("the chosen alternative has no price column", source=src, column="choice",
                        rows=int(unknown.sum()), example=f"row {i + 1}: {choice.tolist()[i]!r}",
                        fix=f"Add a `price_{choice.iloc[i]}` column, or remove those occasions. Alternatives with "
                            f"a price column: {codes}")
    hh = frame[hh_col].reset_index(drop=True) if hh_col else pd.Series(pd.NA, index=range(n), dtype="object")
    parts = []
    for code in codes:
        price = _numeric(frame[f"price_{code}"].reset_index(drop=True), src, f"price_{code}")
        part = pd.DataFrame({"occasion_id": occasion, "household_id": hh, "alternative": code,
                             "chosen": (choice == code).astype("int8"), "price": price})
        for promo in PROMOTIONS:
            col = f"{promo}_{code}"
            if col in frame.columns:
                part[promo] = _flags(frame[col].reset_index(drop=True), src, col)
            else:
                part[promo] = pd.array([pd.NA] * n, dtype="Int8")
        part["_pos"] = np.arange(n)
        parts.append(part)
    long = pd.concat(parts, ignore_index=True)
    notes: list[str] = []
    for promo in PROMOTIONS:
        have = [c for c in codes if f"{promo}_{c}" in frame.columns]
        if have and len(have) < len(codes):
            lacking = [c for c in codes if c not in have]
            long.loc[long["alternative"].isin(lacking), promo] = 0
            notes.append(f"No `{promo}` column for {lacking}: read as never promoted.")
    long = long.sort_values(["_pos", "alternative"], key=lambda s: s.map({c: i for i, c in enumerate(codes)})
                            if s.name == "alternative" else s, kind="stable").drop(columns="_pos")
    long, dropped, more = _drop_bad(long, src, bad_prices, lambda a: f"price_{a}")
    return long, codes, more + notes, dropped, n


def _from_long(frame: pd.DataFrame, src: str, bad_prices: str):
    occ_col = next((c for c in _OCCASION_NAMES if c in frame.columns), None)
    if occ_col is None:
        raise DataError("the long layout needs an occasion id", source=src, column="occasion_id",
                        fix=f"Add an `occasion_id` column (one id per purchase occasion). Columns present: "
                            f"{list(frame.columns)[:20]}")
    hh_col = next((c for c in _HOUSEHOLD_NAMES if c in frame.columns and c != occ_col), None)
    f = frame.reset_index(drop=True)
    alt = f["alternative"].astype("string").str.strip()
    codes = list(pd.unique(alt.dropna()))
    long = pd.DataFrame({"occasion_id": f[occ_col],
                         "household_id": f[hh_col] if hh_col else pd.Series(pd.NA, index=f.index, dtype="object"),
                         "alternative": alt,
                         "chosen": _flags(f["chosen"], src, "chosen").astype("int8"),
                         "price": _numeric(f["price"], src, "price")})
    for promo in PROMOTIONS:
        long[promo] = _flags(f[promo], src, promo) if promo in f.columns else pd.array([pd.NA] * len(f), dtype="Int8")
    per = long.groupby("occasion_id", sort=False)["chosen"].sum()
    wrong = per[per != 1]
    if len(wrong):
        raise DataError("occasions must have exactly one chosen alternative", source=src, column="chosen",
                        rows=int(wrong.size), example=f"occasion {wrong.index[0]!r}: {int(wrong.iloc[0])} chosen",
                        fix="Mark the one alternative bought with 1 and the others with 0 in each occasion")
    dup = long.duplicated(["occasion_id", "alternative"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataError("an alternative appears twice in one occasion", source=src, column="alternative",
                        rows=int(dup.sum()), example=f"occasion {long.occasion_id.iloc[i]!r}: {long.alternative.iloc[i]!r}",
                        fix="Keep one row per occasion and alternative")
    read = int(long["occasion_id"].nunique())
    long, dropped, notes = _drop_bad(long, src, bad_prices, lambda a: "price")
    return long, codes, notes, dropped, read


def _drop_bad(long: pd.DataFrame, src: str, bad_prices: str, column_of):
    bad_occ, dropped, notes = _bad_price_occasions(long["occasion_id"], long["price"], long["alternative"], src,
                                                   bad_prices, column_of)
    if len(bad_occ):
        long = long[~long["occasion_id"].isin(bad_occ)]
    long = long[list(CHOICE_COLUMNS)].copy()
    long["alternative"] = long["alternative"].astype("string")
    return long, dropped, notes


# ----------------------------------------------------------------------------------------------------------
# orange juice (ISLR OJ): for the weekly demand regression
# ----------------------------------------------------------------------------------------------------------

_OJ_COLUMNS = ("purchase", "week_of_purchase", "store_id", "price_ch", "price_mm", "disc_ch", "disc_mm",
               "special_ch", "special_mm")


def load_oj_purchases(source: str | os.PathLike | pd.DataFrame = "oj") -> pd.DataFrame:
    """Read the ISLR orange-juice purchases (Citrus Hill vs Minute Maid) for the weekly demand regression.

    One row per purchase: ``purchase_id``, ``week`` (ISLR's week number; the calendar is not documented),
    ``store_id``, ``brand`` bought (``"Citrus Hill"`` / ``"Minute Maid"``), and per brand ``list_price_<b>``,
    ``discount_<b>``, ``price_<b>`` (= list price - discount, what the shopper paid) and ``special_<b>``
    (ISLR: "indicator of special", an in-store promotion), with ``b`` in ``ch``/``mm``. ``loyal_ch`` (ISLR's
    customer loyalty score for Citrus Hill) is kept. The source says "price charged" without a unit; the
    values look like dollars.

    Raises
    ------
    DataError
        Missing columns, a brand other than CH/MM, prices that are not positive numbers, a discount larger
        than the price.
    """
    frame, label, _ = _read_any(source, role="orange-juice purchases")
    src = Path(label).name if label != "DataFrame" else label
    missing = [c for c in _OJ_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"columns {missing} not found: this is not the ISLR orange-juice layout", source=src,
                        column=missing[0], fix=f"The file needs {list(_OJ_COLUMNS)}. Columns present: "
                                               f"{list(frame.columns)[:20]}")
    brand = frame["purchase"].astype("string").str.strip().str.upper()
    bad = ~brand.isin(["CH", "MM"])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError("purchases must be CH or MM", source=src, column="purchase", rows=int(bad.sum()),
                        example=f"row {i + 1}: {frame['purchase'].tolist()[i]!r}", fix="Correct or remove those rows")
    out = pd.DataFrame({
        "purchase_id": frame["row_id"] if "row_id" in frame.columns else np.arange(1, len(frame) + 1),
        "week": _numeric(frame["week_of_purchase"], src, "week_of_purchase").astype("int64"),
        "store_id": frame["store_id"].astype("string"),
        "brand": brand.map({"CH": "Citrus Hill", "MM": "Minute Maid"}).astype("string"),
    })
    for b in ("ch", "mm"):
        lp = _numeric(frame[f"price_{b}"], src, f"price_{b}")
        disc = _numeric(frame[f"disc_{b}"], src, f"disc_{b}")
        if (lp <= 0).any() or lp.isna().any():
            i = int(np.flatnonzero(((lp <= 0) | lp.isna()).to_numpy())[0])
            raise DataError("list prices must be above 0", source=src, column=f"price_{b}",
                            rows=int(((lp <= 0) | lp.isna()).sum()), example=f"row {i + 1}: {lp.iloc[i]}",
                            fix="Correct or remove those rows")
        if (disc >= lp).any() or (disc < 0).any():
            bad = (disc >= lp) | (disc < 0)
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError("discounts must be between 0 and the list price", source=src, column=f"disc_{b}",
                            rows=int(bad.sum()), example=f"row {i + 1}: price {lp.iloc[i]}, discount {disc.iloc[i]}",
                            fix="Correct or remove those rows")
        out[f"list_price_{b}"] = lp.to_numpy()
        out[f"discount_{b}"] = disc.to_numpy()
        out[f"price_{b}"] = (lp - disc).to_numpy()
        out[f"special_{b}"] = _flags(frame[f"special_{b}"], src, f"special_{b}").astype("int8").to_numpy()
    if "loyal_ch" in frame.columns:
        out["loyal_ch"] = _numeric(frame["loyal_ch"], src, "loyal_ch").to_numpy()
    return out
