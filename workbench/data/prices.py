"""Price-monitoring exports (sku, competitor, date, price, in-stock) into one canonical price table.

Price-tracking tools (Prisync, Price2Spy, Minderest, in-house scrapers) export one row per product, seller
and observation with the shelf price and availability, sometimes the regular (list) price and a promotion
flag. Our own store is one of the sellers, named by ``own_seller``. :func:`load_price_monitoring` recognises
the usual header names (``competitor``/``retailer``/``shop`` for the seller, ``availability``/``stock`` for
the stock status, ``regular_price``/``rrp`` for the list price, ...) or takes a ``columns=`` mapping, and
refuses bad input with one ``DataError`` that names the file, column, row count and first example.

Decisions (each one is written into :attr:`PriceMonitoring.notes` when it applies):

- A price of 0 is a failed scrape, not a price: read as missing. A negative price is an error.
- A missing price is kept (the row still says whether the product was in stock).
- Without a stock column every observation is taken as in stock.
- Without a promotion column, a price below the list price is taken as a promotion.
- Rows repeated exactly are dropped; for the daily analyses the last observation of a day counts.
- Columns not recognised are kept as they are (e.g. a revenue column for the weighted index).

With ``source=None`` the loader returns the GENERATED sample of :mod:`workbench.data.synthetic.prices`,
flagged ``generated=True`` and labelled so in every report.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench.config import resolve_path
from workbench.data.formats._base import without_unit
from workbench.errors import DataError
from workbench.provenance import register_input

__all__ = ["PRICE_MONITORING_COLUMNS", "PriceMonitoring", "load_price_monitoring"]

#: Canonical columns of the price table (``list_price``/``on_promo`` missing where the source has neither).
PRICE_MONITORING_COLUMNS: tuple[str, ...] = ("sku", "product_name", "category", "seller", "is_own", "date",
                                             "price", "list_price", "on_promo", "in_stock")

# canonical name -> header names recognised (compared lower-case without spaces, dashes, underscores)
_ALIASES: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "productid", "itemid", "productcode", "articlenumber", "article", "ean", "gtin", "asin",
            "mpn", "productsku", "id"),
    "seller": ("seller", "competitor", "competitorname", "retailer", "shop", "store", "merchant", "vendor",
               "site", "website", "domain", "sellername", "storename"),
    "date": ("date", "scrapedat", "scrapedate", "timestamp", "observedat", "crawldate", "checkedat", "datetime",
             "time", "collectedat", "day", "scraped", "checked", "observed", "crawled", "collected", "lastchecked",
             "updatedat", "updated"),
    "price": ("price", "currentprice", "saleprice", "offerprice", "sellingprice", "pricecurrent", "shelfprice",
              "actualprice"),
    "in_stock": ("instock", "availability", "available", "stockstatus", "stock", "isavailable", "isinstock"),
    "list_price": ("listprice", "regularprice", "rrp", "msrp", "originalprice", "wasprice", "priceregular",
                   "basepricelist", "fullprice"),
    "on_promo": ("onpromo", "promo", "promotion", "onsale", "ispromo", "promoflag", "discounted", "onpromotion"),
    "product_name": ("productname", "name", "title", "product", "producttitle", "itemname"),
    "category": ("category", "productcategory", "department"),
}
_REQUIRED = ("sku", "seller", "date", "price")
_IN_STOCK = {"instock", "in", "available", "yes", "y", "true", "t", "1", "limitedstock", "limitedavailability",
             "lowstock", "instockonline", "onstock", "ok"}
_OUT_OF_STOCK = {"outofstock", "out", "soldout", "unavailable", "notavailable", "no", "n", "false", "f", "0",
                 "discontinued", "backorder", "backordered", "preorder", "oos", "notinstock"}


@dataclass
class PriceMonitoring:
    """A price-monitoring table and what the loader did.

    Attributes
    ----------
    table : DataFrame
        Columns :data:`PRICE_MONITORING_COLUMNS` then any other source columns: ``sku`` (text), ``seller``,
        ``is_own`` (our store), ``date`` (observation time), ``price`` (shelf price, missing when not shown),
        ``list_price``, ``on_promo`` (0/1, missing when unknown), ``in_stock`` (bool).
    own_seller : str
        Our store's name as written in the data.
    competitors : list of str
        The other sellers.
    generated : bool
        True for the generated sample; reports must say so.
    weight_column : str or None
        Column holding each sku's revenue for the revenue-weighted index (the sample's ``own_revenue_28d``).
    currency : str or None
        Currency of the prices when known (a parameter, or a symbol in the file).
    rows_read, rows_dropped : int, dict
        Rows in the source; reason -> rows left out.
    notes : list of str
        What was decided while reading.
    """

    table: pd.DataFrame
    own_seller: str
    competitors: list[str]
    source: str
    generated: bool = False
    weight_column: str | None = None
    currency: str | None = None
    rows_read: int = 0
    rows_dropped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        from workbench.data.synthetic.prices import PRICE_SAMPLE_LABEL

        return PRICE_SAMPLE_LABEL if self.generated else Path(self.source).name

    def summary(self) -> str:
        t = self.table
        head = (f"{'GENERATED sample: ' if self.generated else ''}{self.rows_read:,} rows read from {self.label}; "
                f"{len(t):,} kept: {t['sku'].nunique():,} skus, {len(self.competitors)} competitors "
                f"({', '.join(self.competitors)}) and our store ({self.own_seller}), "
                f"{t['date'].min():%Y-%m-%d} to {t['date'].max():%Y-%m-%d}.")
        return "\n".join([head, *[f"- {n}" for n in self.notes]])

    def _repr_markdown_(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return (f"<PriceMonitoring {'GENERATED ' if self.generated else ''}{len(self.table):,} rows, "
                f"{self.table['sku'].nunique():,} skus, own seller {self.own_seller!r}, "
                f"{len(self.competitors)} competitors>")


def _key(name: Any) -> str:
    return re.sub(r"[\s_\-./()]+", "", str(name)).lower()


def _bare_key(name: Any) -> str:
    """The key without a unit in brackets or a currency sign: ``Price (EUR)``, ``Price €`` -> ``price``."""
    return _key(without_unit(name))


def _read(source: Any) -> tuple[pd.DataFrame, str, list[str]]:
    if isinstance(source, pd.DataFrame):
        return source.copy(), "DataFrame", []
    path = resolve_path(source)
    if not path.exists():
        raise DataError("file not found", source=str(source),
                        fix="Check the path of the price-monitoring export, or pass None for the generated sample")
    register_input(path, role="price monitoring")
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return pd.read_parquet(path), str(path), []
    if suffix in (".xlsx", ".xlsm", ".xls"):
        frame = pd.read_excel(path, dtype=object)
        if frame.empty:
            raise DataError("the file has a header but no data rows", source=path.name, rows=0,
                            fix="Export a period that contains price observations")
        return frame, str(path), []
    from workbench.data.csvread import read_csv_robust

    read = read_csv_robust(path)
    return read.frame, str(path), list(read.notes)


def _map_columns(frame: pd.DataFrame, columns: dict[str, str] | None, src: str) -> dict[str, str]:
    """canonical -> source column."""
    found: dict[str, str] = {}
    for canon, col in (columns or {}).items():
        if canon not in _ALIASES:
            raise DataError(f"columns= names an unknown field {canon!r}", source="columns", example=canon,
                            fix=f"Map some of {list(_ALIASES)} to your column names, e.g. "
                                "columns={'seller': 'Shop'}")
        if col not in frame.columns:
            raise DataError(f"column `{col}` (given for {canon!r}) not found", source=src, column=col,
                            fix=f"Columns present: {list(map(str, frame.columns))[:25]}")
        found[canon] = col
    keys = {_key(c): c for c in frame.columns}
    bare = {_bare_key(c): c for c in frame.columns}
    taken = set(found.values())
    for canon, aliases in _ALIASES.items():
        if canon in found:
            continue
        for alias in aliases:
            col = keys.get(alias, bare.get(alias))
            if col is not None and col not in taken:
                found[canon] = col
                taken.add(col)
                break
    if "sku" not in found and "product_name" in found:   # a small export names its products only
        found["sku"] = found["product_name"]
    missing = [c for c in _REQUIRED if c not in found]
    if missing:
        raise DataError(f"no column for {missing[0]!r} found", source=src, column=missing[0],
                        fix=f"Name it one of {list(_ALIASES[missing[0]][:6])} or pass "
                            f"columns={{'{missing[0]}': '<your column>'}}. Columns present: "
                            f"{list(map(str, frame.columns))[:25]}")
    return found


def _stock(values: pd.Series, src: str, column: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(values):
        return values.astype(bool)
    if pd.api.types.is_numeric_dtype(values):
        return values.fillna(0).astype(float) > 0  # 0/1 flags and stock quantities alike
    text = values.astype("string").map(_key, na_action="ignore")
    numeric = pd.to_numeric(text, errors="coerce")
    out = pd.Series(np.nan, index=values.index, dtype="object")
    out[text.isin(_IN_STOCK)] = True
    out[text.isin(_OUT_OF_STOCK)] = False
    qty = out.isna() & numeric.notna()
    out[qty] = numeric[qty] > 0
    bad = out.isna() & text.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError("stock values not understood", source=src, column=column, rows=int(bad.sum()),
                        example=f"row {i + 1}: {values.tolist()[i]!r}",
                        fix="Use in stock / out of stock, yes/no, 1/0, true/false or a stock quantity")
    missing = out.isna()
    return out.where(~missing, True).astype(bool)


def load_price_monitoring(source: str | os.PathLike | pd.DataFrame | None = None, *,
                          own_seller: str | None = "Our store", columns: dict[str, str] | None = None,
                          weight_column: str | None = None, currency: str | None = None) -> PriceMonitoring:
    """Read a price-monitoring export into the canonical price table.

    Parameters
    ----------
    source : path, DataFrame or None
        A CSV (any encoding/delimiter the robust reader handles, prices with currency signs or decimal
        commas), Parquet or Excel export, or a frame. ``None``: the GENERATED sample (labelled as such).
    own_seller : str
        How our own store is named in the seller column (matched ignoring case and spaces).
    columns : dict, optional
        Canonical field -> your column name, for headers the loader does not recognise, e.g.
        ``{"seller": "Shop", "price": "Preis"}``. Fields: sku, seller, date, price, in_stock, list_price,
        on_promo, product_name, category.
    weight_column : str, optional
        Column with each sku's revenue (constant per sku) for the revenue-weighted price index. The
        generated sample uses ``own_revenue_28d``.
    currency : str, optional
        Currency of the prices, for labels.

    Returns
    -------
    PriceMonitoring

    Raises
    ------
    DataError
        File not found or empty; a required column (sku, seller, date, price) not found; prices or list
        prices that are not numbers or are negative; dates that cannot be read; stock values not understood;
        promotion flags other than 0/1; our store not among the sellers (the message lists them); no
        competitor; a weight column that is missing, negative or not constant per sku.
    """
    if source is None:
        from workbench.data.synthetic.prices import generate_price_monitoring

        frame = generate_price_monitoring(own_seller=own_seller or "Our store")
        src, notes, generated = "generated sample", ["GENERATED data: a seeded sample in the layout of a "
                                                     "price-tracking export, not real prices."], True
        weight_column = weight_column or "own_revenue_28d"
    else:
        frame, src, notes = _read(source)
        generated = bool(frame.attrs.get("generated", False)) if isinstance(source, pd.DataFrame) else False
    name = Path(src).name if src not in ("DataFrame", "generated sample") else src
    if frame.empty:
        raise DataError("the export has no rows", source=name, rows=0,
                        fix="Export a period that contains price observations")
    cols = _map_columns(frame, columns, name)
    if cols["sku"] == cols.get("product_name"):
        notes.append(f"No sku column: products are identified by their name (`{cols['sku']}`).")
    n = len(frame)
    f = frame.reset_index(drop=True)
    from workbench.data.csvread import parse_dates, parse_numbers

    out = pd.DataFrame({"sku": f[cols["sku"]].astype("string").str.strip()})
    out["product_name"] = f[cols["product_name"]].astype("string") if "product_name" in cols else pd.NA
    out["category"] = f[cols["category"]].astype("string") if "category" in cols else pd.NA
    out["seller"] = f[cols["seller"]].astype("string").str.strip()
    for c in ("sku", "seller"):
        bad = out[c].isna() | (out[c] == "")
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"rows without a {c}", source=name, column=cols[c], rows=int(bad.sum()),
                            example=f"row {i + 1}", fix=f"Fill in the {c} or remove those rows")
    out["date"] = parse_dates(f[cols["date"]], source=name, column=cols["date"], notes=notes)
    if out["date"].isna().any():
        bad = out["date"].isna()
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError("rows without a date", source=name, column=cols["date"], rows=int(bad.sum()),
                        example=f"row {i + 1}", fix="Fill in the observation date or remove those rows")
    fix = "Prices must be numbers (currency signs and thousands separators are fine); correct those rows"
    out["price"] = parse_numbers(f[cols["price"]], source=name, column=cols["price"], fix=fix)
    neg = out["price"] < 0
    if neg.any():
        i = int(np.flatnonzero(neg.to_numpy())[0])
        raise DataError("prices below 0", source=name, column=cols["price"], rows=int(neg.sum()),
                        example=f"row {i + 1}: {f[cols['price']].tolist()[i]!r}", fix="Correct or remove those rows")
    zero = out["price"] == 0
    if zero.any():
        out.loc[zero, "price"] = np.nan
        notes.append(f"{int(zero.sum()):,} prices of 0 read as missing (a failed scrape, not a price).")
    if "list_price" in cols:
        out["list_price"] = parse_numbers(f[cols["list_price"]], source=name, column=cols["list_price"], fix=fix)
        if (out["list_price"] < 0).any():
            bad = out["list_price"] < 0
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError("list prices below 0", source=name, column=cols["list_price"], rows=int(bad.sum()),
                            example=f"row {i + 1}", fix="Correct or remove those rows")
        out.loc[out["list_price"] == 0, "list_price"] = np.nan
    else:
        out["list_price"] = np.nan
    if "on_promo" in cols:
        from workbench.data.choice import _flags

        out["on_promo"] = _flags(f[cols["on_promo"]], name, cols["on_promo"]).astype("float64")
    elif "list_price" in cols:
        out["on_promo"] = np.where(out["price"].notna() & out["list_price"].notna(),
                                   (out["price"] < out["list_price"] - 0.005).astype(float), np.nan)
        notes.append("No promotion column: a price below the list price is read as a promotion.")
    else:
        out["on_promo"] = np.nan
    if "in_stock" in cols:
        out["in_stock"] = _stock(f[cols["in_stock"]], name, cols["in_stock"])
    else:
        out["in_stock"] = True
        notes.append("No stock column: every observation is taken as in stock.")
    missing_price = out["price"].isna()
    if missing_price.any():
        notes.append(f"{int(missing_price.sum()):,} observations without a price kept "
                     f"({int((missing_price & ~out['in_stock']).sum()):,} of them out of stock); they count for "
                     "stock-outs, not for price comparisons.")
    # sellers
    sellers = list(pd.unique(out["seller"]))
    own = None
    if own_seller is not None:
        own = next((s for s in sellers if _key(s) == _key(own_seller)), None)
    if own is None:
        raise DataError(f"our store {own_seller!r} is not among the sellers", source=name, column=cols["seller"],
                        rows=n, example=f"sellers: {sellers[:12]}",
                        fix="Pass own_seller= with the name your store has in the export")
    competitors = [s for s in sellers if s != own]
    if not competitors:
        raise DataError("the export has no competitor, only our store", source=name, column=cols["seller"],
                        rows=n, fix="Export the competitors' prices too")
    out.insert(out.columns.get_loc("seller") + 1, "is_own", out["seller"] == own)
    # other columns kept
    used = set(cols.values())
    for c in f.columns:
        if c not in used and c not in out.columns:
            out[c] = f[c]
    dropped: dict[str, int] = {}
    dup = out.duplicated()
    if dup.any():
        dropped["exact duplicates"] = int(dup.sum())
        notes.append(f"{int(dup.sum()):,} rows repeated exactly were dropped.")
        out = out[~dup]
    if weight_column is not None:
        _check_weights(out, weight_column, name)
    out = out.sort_values(["sku", "seller", "date"], kind="stable").reset_index(drop=True)
    return PriceMonitoring(table=out, own_seller=own, competitors=competitors, source=src, generated=generated,
                           weight_column=weight_column, currency=currency, rows_read=n, rows_dropped=dropped,
                           notes=notes)


def _check_weights(out: pd.DataFrame, column: str, name: str) -> None:
    if column not in out.columns:
        raise DataError(f"weight column `{column}` not found", source=name, column=column,
                        fix=f"Name the column with each sku's revenue, or pass weight_column=None. Columns "
                            f"present: {list(out.columns)[:25]}")
    from workbench.data.csvread import parse_numbers

    w = parse_numbers(out[column], source=name, column=column)
    if (w < 0).any():
        bad = w < 0
        raise DataError("weights below 0", source=name, column=column, rows=int(bad.sum()),
                        example=f"sku {out.loc[bad, 'sku'].iloc[0]}: {w[bad].iloc[0]}",
                        fix="Use each sku's revenue (0 or more)")
    varies = w.groupby(out["sku"]).nunique() > 1
    if varies.any():
        raise DataError("weights differ between rows of the same sku", source=name, column=column,
                        rows=int(varies.sum()), example=f"sku {varies[varies].index[0]}",
                        fix="Give one revenue figure per sku (repeat it on every row of the sku)")
    out[column] = w
