"""load_product_costs: what each product costs the shop, so revenue can become contribution.

``wb.load_product_costs(source)`` reads

- the **Shopify products export** (Products > Export: one row per variant, ``Variant SKU`` and ``Cost per item``;
  rows that only add an image to a product have no variant and are skipped), or
- a **plain table** with a sku and a cost column (``sku,cost``, ``sku,unit_cost``, ``SKU,Cost per item``, ...),
  or any table with ``columns={"sku": ..., "unit_cost": ...}``,

into a :class:`ProductCosts` (``.frame``: ``sku``, ``unit_cost`` and, where the export has them,
``product_name`` and ``price``). Costs are per unit, in the shop's currency. A sku listed twice with the same
cost is kept once; with two different costs it is refused. A variant without a cost is counted and left out: its
order lines then count as lines without a cost (the reports say how many), never as lines that cost nothing.

``load_product_costs(None)`` returns an empty :class:`ProductCosts` (``given=False``): no costs were given, and
contribution falls back to the margin parameter, as the report says.
"""
from __future__ import annotations

import html
import os
from typing import Any

import numpy as np
import pandas as pd

from workbench import config, provenance
from workbench.data.csvread import parse_numbers, read_csv_robust
from workbench.data.summary import LoadSummary
from workbench.errors import DataError

__all__ = ["load_product_costs", "ProductCosts"]

_SKU = ("variant sku", "sku", "product sku", "lineitem sku", "item sku", "stockcode", "product_code")
_COST = ("cost per item", "unit_cost", "unit cost", "cost", "cogs", "cost price", "purchase price")
_NAME = ("title", "product_name", "product name", "name")
_PRICE = ("variant price", "price", "unit_price")


class ProductCosts:
    """Unit cost per sku, and the record of how it was read.

    Attributes
    ----------
    frame : DataFrame
        ``sku`` (text), ``unit_cost`` (float, per unit), and ``product_name`` / ``price`` where the export has them.
    summary : LoadSummary or None
        Rows read and kept, and every row left out and why (None when no file was given).
    given : bool
        False for the empty costs of ``load_product_costs(None)``.
    """

    def __init__(self, frame: pd.DataFrame, *, summary: LoadSummary | None, source: str | None) -> None:
        self.frame = frame
        self.summary = summary
        self.source = source

    @property
    def given(self) -> bool:
        return self.source is not None

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        if not self.given:
            return "<ProductCosts: none given>"
        return f"<ProductCosts {len(self.frame):,} skus from {os.path.basename(self.source)}>"

    def _repr_markdown_(self) -> str:
        if not self.given:
            return "*No product costs were given: contribution uses the margin parameter.*"
        return self.summary.to_markdown()

    def _repr_html_(self) -> str:
        if not self.given:
            return "<p><em>No product costs were given: contribution uses the margin parameter.</em></p>"
        return self.summary._repr_html_() if self.summary else html.escape(repr(self))


def _norm(name: Any) -> str:
    return " ".join(str(name).strip().lower().split())


def _find(header: list[str], names: tuple[str, ...]) -> str | None:
    by = {_norm(h): h for h in header}
    return next((by[n] for n in names if n in by), None)


def load_product_costs(source: Any = None, *, columns: dict[str, str] | None = None,
                       sheet: str | int | None = None) -> ProductCosts:
    """Read unit costs per sku from a Shopify products export or a sku/cost table.

    Parameters
    ----------
    source : path, str, DataFrame or None
        The file (CSV, Excel, Parquet) or frame. None: no costs (an empty, ``given=False`` result).
    columns : dict, optional
        ``{"sku": <column>, "unit_cost": <column>}`` for a table whose columns have other names.
    sheet : str or int, optional
        Excel sheet.

    Returns
    -------
    ProductCosts

    Raises
    ------
    DataError
        A missing file; no sku or cost column; costs that are not numbers or are negative; a sku listed with two
        different costs.
    """
    if source is None or (isinstance(source, str) and not source.strip()):
        return ProductCosts(pd.DataFrame({"sku": pd.Series(dtype="string"), "unit_cost": pd.Series(dtype="float64")}),
                            summary=None, source=None)
    if isinstance(source, pd.DataFrame):
        name, path, frame = "DataFrame", None, source.copy()
    else:
        path = config.resolve_path(os.fspath(source))
        name = path.name
        if not path.exists():
            raise DataError("file not found", source=os.fspath(source),
                            fix=f"Check the path (relative paths are read from the current folder, then the project "
                                f"root {config.PROJECT_ROOT})")
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm", ".xls"):
            frame = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, dtype=object)
        elif suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        else:
            frame = read_csv_robust(path, source=name).frame
    header = [str(c) for c in frame.columns]
    if columns:
        missing = [v for v in columns.values() if v not in header]
        if missing:
            raise DataError(f"column `{missing[0]}` (from columns=) not found", source=name, column=missing[0],
                            example=f"columns present: {header}", fix="Use the file's own column names in columns=")
    sku_col = (columns or {}).get("sku") or _find(header, _SKU)
    cost_col = (columns or {}).get("unit_cost") or _find(header, _COST)
    shopify = sku_col is not None and _norm(sku_col) == "variant sku"
    if sku_col is None or cost_col is None:
        lacking = "sku" if sku_col is None else "unit_cost"
        raise DataError(f"no {'sku' if lacking == 'sku' else 'cost'} column found", source=name, column=lacking,
                        example=f"columns present: {header[:15]}",
                        fix="Pass a Shopify products export (Variant SKU, Cost per item) or a table with sku and "
                            "cost columns; or name them: columns={'sku': '<sku column>', 'unit_cost': '<cost "
                            "column>'}")
    summary = LoadSummary(source=str(path) if path else name,
                          format="shopify-products" if shopify else "sku-cost", lines_read=len(frame), lines_kept=0)
    sku = frame[sku_col].astype("string").str.strip().replace("", pd.NA)
    cost = parse_numbers(frame[cost_col], source=name, column=cost_col)
    if shopify:
        image_only = sku.isna() & cost.isna()
        if image_only.any():
            summary.add("image_rows", int(image_only.sum()), "dropped",
                        "rows without a variant (image or product-only rows of the Shopify export): skipped")
        keep = ~image_only
        frame, sku, cost = frame[keep], sku[keep], cost[keep]
    no_sku = sku.isna()
    if no_sku.any():
        summary.add("no_sku", int(no_sku.sum()), "dropped",
                    "variants without a sku: left out (order lines are matched to costs by sku)")
    no_cost = ~no_sku & cost.isna()
    if no_cost.any():
        summary.add("no_cost", int(no_cost.sum()), "dropped",
                    f"skus without a cost (first: {sku[no_cost].iloc[0]!r}): left out; their order lines count as "
                    "lines without a cost")
    negative = cost < 0
    if negative.any():
        first = int(np.flatnonzero(negative.to_numpy())[0])
        raise DataError("costs are negative", source=name, column=cost_col, rows=int(negative.sum()),
                        example=f"row {first + 1}: sku {sku.iloc[first]!r}, cost {cost.iloc[first]}",
                        fix="A unit cost is what the shop pays per unit, zero or more: correct those rows")
    keep = ~no_sku & cost.notna()
    out = pd.DataFrame({"sku": sku[keep].astype("string"), "unit_cost": cost[keep].astype("float64")})
    name_col, price_col = _find(header, _NAME), _find(header, _PRICE)
    if name_col is not None and name_col not in (sku_col, cost_col):
        out["product_name"] = frame.loc[keep, name_col].astype("string")
        if shopify:  # Shopify writes the title on the product's first row only
            out["product_name"] = frame[name_col].astype("string").ffill().loc[keep[keep].index]
    if price_col is not None and price_col not in (sku_col, cost_col):
        out["price"] = parse_numbers(frame.loc[keep, price_col], source=name, column=price_col)
    conflict = out.groupby("sku")["unit_cost"].nunique()
    conflict = conflict[conflict > 1]
    if len(conflict):
        bad = conflict.index[0]
        values = sorted(out.loc[out.sku == bad, "unit_cost"].unique())
        raise DataError("skus are listed with different costs", source=name, column=cost_col, rows=len(conflict),
                        example=f"sku {bad!r}: {', '.join(f'{v:g}' for v in values)}",
                        fix="Give each sku one unit cost (delete or correct the duplicate rows)")
    dups = out.sku.duplicated()
    if dups.any():
        summary.add("duplicates", int(dups.sum()), "dropped", "rows repeating a sku with the same cost: kept once")
    out = out[~dups].reset_index(drop=True)
    summary.lines_kept = len(out)
    summary.note("Costs are per unit, in the shop's currency, and are matched to order lines by sku.")
    if path is not None:
        provenance.register_input(path, role="product costs")
    return ProductCosts(out, summary=summary, source=str(path) if path else name)
