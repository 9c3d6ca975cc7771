"""``load_orders``: the options checked once, then the source read where its queries will run.

With ``engine=`` (Spark, a warehouse) the source goes to :func:`~workbench.data.orders.engines.load_on_engine`;
otherwise a file, frame or Ibis table is read here by :func:`~workbench.data.orders.files.load_local`. See the
package docstring (:mod:`workbench.data.orders`) for the sources, engines, layouts and line policies.
"""
from __future__ import annotations

from typing import Any

from workbench.data.orders.engines import engine_backend, load_on_engine
from workbench.data.orders.files import load_local
from workbench.data.orders.headers import ORDER_FORMATS
from workbench.data.orders.orderlines import OrderLines
from workbench.data.orders.policies import LoadOptions
from workbench.errors import DataError

__all__ = ["load_orders"]


def load_orders(source: Any = None, *, format: str = "auto", columns: dict[str, str] | None = None,
                sheet: str | int | None = None, currency: str | None = None, returns: str = "keep",
                non_product: str = "drop", cancelled: str = "reverse", dayfirst: bool | None = None,
                decimal: str = "auto", delimiter: str | None = None, encoding: str | None = None,
                table: str | None = None, engine: Any = None) -> OrderLines:
    """Read order lines from a file, a shipped data set or a frame into the canonical order-line table.

    Parameters
    ----------
    source : path, str, DataFrame or ibis.Table
        A CSV/TSV/TXT, Excel, Parquet (file, folder or glob) or DuckDB file; a shipped data set name
        (``"cdnow"``); a pandas DataFrame; an Ibis table; with ``engine=``, also a table name on that engine
        (``"orders"``, ``"sales.orders"``).
    format : str
        ``"auto"`` (recognise the layout by its header) or one of ``ORDER_FORMATS``.
    columns : dict, optional
        ``{canonical column: source column}`` for files in no known layout, e.g.
        ``{"order_id": "Invoice", "customer_id": "Client", "order_date": "Date", "revenue": "Net"}``.
        Needs order_id, customer_id, order_date and revenue (or unit_price). A partial mapping is completed:
        source columns already named canonically are taken, and the needed columns it leaves out are
        recognised by their common spellings (``columns={"revenue": "amount"}`` is enough on a file whose
        other columns are ``order_id, customer_id, order_date``).
    sheet : str or int, optional
        Excel sheet (default: the first).
    currency : str, optional
        ISO code. Required when the amounts are in several currencies: lines in this currency are kept, the
        others left out and counted. For a file without a currency column, it is written on every line.
    returns : {"keep", "drop"}
        Keep return/refund/cancellation lines as negative revenue (net sales), or leave them out (gross).
    non_product : {"drop", "keep"}
        Leave out postage, fees, adjustments and other non-product lines, or keep them.
    cancelled : {"reverse", "drop"}
        A cancelled order: a sale reversed by a return on the cancellation day, or left out entirely.
    dayfirst : bool, optional
        For ``01/02/2024``-style dates: True = day/month. Decided from the data when omitted (see summary).
    decimal : {"auto", ".", ","}
        Decimal mark of amounts in text files; decided per column when "auto".
    delimiter, encoding : str, optional
        Override CSV detection.
    table : str, optional
        Table name inside a DuckDB database (default: ``orders``, or its only table). With ``engine=``: a
        table on that engine (``"orders"``, ``"sales.orders"``), read instead of ``source``.
    engine : str or Ibis backend, optional
        Where the analyses' queries run: ``None``/``"duckdb"`` (default, this process), ``"spark"`` (see
        :mod:`workbench.spark`), or an Ibis connection URL (``"postgres://..."``, ``"bigquery://..."``,
        ``"snowflake://..."``, ``"trino://..."``); see the module docstring.

    Returns
    -------
    OrderLines

    Raises
    ------
    DataError
        A file that does not exist, is empty or has only a header; a layout not recognised; a required column
        missing; amounts that are not numbers; dates that are not dates; a duplicated header; several
        currencies without ``currency=``; a table not found on the engine. The message names the file,
        column, row count, first example and the fix.
    SparkUnavailableError
        ``engine="spark"`` on a machine without Java 17+, or without PySpark (the ``[spark]`` extra).
    """
    _check_option("returns", returns, ("keep", "drop"))
    _check_option("non_product", non_product, ("drop", "keep"))
    _check_option("cancelled", cancelled, ("reverse", "drop"))
    _check_option("decimal", decimal, ("auto", ".", ","))
    if format != "auto" and format not in ORDER_FORMATS:
        raise DataError(f"format {format!r} is not a known orders format", source="format=",
                        example=format, fix=f"Use 'auto' or one of {list(ORDER_FORMATS)}, or pass columns=")
    if currency is not None:
        currency = str(currency).strip().upper()
    options = LoadOptions(currency=currency, returns=returns, non_product=non_product, cancelled=cancelled,
                          dayfirst=dayfirst, decimal=decimal)
    read = dict(fmt=format, columns=columns, options=options, sheet=sheet, delimiter=delimiter, encoding=encoding)
    con = engine_backend(engine, source=source, table=table)
    if con is not None:
        return load_on_engine(source, con, table=table, **read)
    if source is None:
        raise DataError("no orders source given", source="load_orders",
                        fix="Pass a file path, a shipped data set name ('cdnow') or a DataFrame; for a table on "
                            "Spark or a warehouse pass its name with engine=, e.g. load_orders('orders', "
                            "engine='spark')")
    return load_local(source, table=table, **read)


def _check_option(name: str, value: Any, allowed: tuple) -> None:
    if value not in allowed:
        raise DataError(f"{name}={value!r} is not one of {list(allowed)}", source=f"{name}=", example=value,
                        fix=f"Pass {name}=" + " or ".join(repr(a) for a in allowed))
