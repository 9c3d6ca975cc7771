"""load_orders: read an orders export (CSV, Parquet, Excel, DuckDB, known layouts) into the canonical order-line table.

``wb.load_orders(source)`` returns an :class:`OrderLines`: ``.table`` (an Ibis table with the canonical columns of
``workbench.data.schema.ORDERS``), ``.summary`` (a :class:`~workbench.data.summary.LoadSummary` of what was read
and what was done with every line), ``.source``, ``.format``, ``.columns`` and ``.to_pandas()``. Every analysis
accepts it (``workbench.engine.as_table``).

Sources
-------
- A path (relative paths from the current folder, then the project root) or a shipped name (``"cdnow"``).
- CSV/TSV/TXT (also ``.gz``): the careful reader (:func:`workbench.data.csvread.read_csv_robust`: encodings,
  delimiters, decimal commas, currency signs, day/month order) decides on the file's first lines; DuckDB then
  parses the whole file with those settings (:mod:`~workbench.data.orders.csvfast`). Canonical files and files
  mapped by column names are read **lazily** like Parquet: one query at load time checks every line and counts
  the summary, and later queries read the file again. Known export layouts get DuckDB's strings mapped here.
  Whatever DuckDB would read differently (another encoding, a bad value, a ragged row) is read by the careful
  reader, with its messages. Excel (``.xlsx``, ``.xls``; ``sheet=``).
- Parquet (a file, a folder or a glob) and DuckDB databases (``.duckdb``; ``table=``): **lazy**. The file is
  opened through Ibis on DuckDB and mapped with Ibis expressions; nothing is read until an analysis runs a
  query, and the summary's counts are computed on first access. Canonical columns or ``columns=`` mapping.
  (A Parquet file in a known export layout, e.g. Online Retail, is read eagerly and mapped like a CSV.)
- A pandas DataFrame (canonical columns, or ``columns=``) or an Ibis table (lazy, like Parquet).

Engines (``engine=``)
---------------------
Where the queries of the analyses run. ``None``/``"duckdb"`` (the default): DuckDB in this process, for
local files. ``"spark"``: the process's Spark session (:mod:`workbench.spark`: a local ``local[2]`` session, or
the session already running under ``spark-submit``/Databricks). Any Ibis connection URL for a warehouse:
``"postgres://user:pass@host:5432/shop"``, ``"bigquery://project/dataset"``,
``"snowflake://user:pass@account/database/schema?warehouse=wh"``, ``"trino://user@host:8080/hive/sales"``,
``"duckdb:///srv/warehouse.duckdb"``. An Ibis backend object is taken as it is. With an engine:

- a **table name** (``load_orders("orders", engine="spark")``, ``"sales.orders"`` with its database, or
  ``table="orders"``) reads that table where it lives; nothing is copied;
- a **Parquet** file, folder (e.g. Hive-partitioned) or glob is read by the engine itself (Spark reads it in
  parallel; a warehouse cannot read local files: load them there first);
- a **CSV/Excel/fixed-width export** or a DataFrame is parsed here as usual and the canonical lines are handed
  to the engine as a temporary view (sensible for Spark; for a warehouse, load the data there instead); a CSV
  read lazily by DuckDB is collected here first.

Results stay on the engine: the analyses bring back only aggregates, and ``workbench.engine.to_pandas``
refuses to bring more than ``MAX_COLLECT_ROWS`` rows from a non-local engine (so ``.to_pandas()`` on ten
million Spark lines fails with a clear message instead of filling the memory).

Layouts recognised by header (``format="auto"``): ``canonical``, ``cdnow`` (fixed width and its CSV twin),
``shopify``, ``woocommerce`` (Analytics download) and ``woocommerce-export`` (order-export plugin),
``online-retail`` (UCI) and ``online-retail-ii``. Any other file is mapped by its column names: canonical
names, common spellings (``Order Number``, ``InvoiceNo``, ``Email``, ``Created at``, ``amount``, ``net sales``,
``qty``, ``price``, ...; see :mod:`~workbench.data.orders.headers`), and ``columns={canonical: source column}``
for the rest (a partial mapping is completed). A needed column that is still missing stops the load with the
mapping to pass, e.g. ``columns={'revenue': 'gross'}``.

Policy for returns, cancellations and non-product lines (the defaults follow Shopify's sales reports)
------------------------------------------------------------------------------------------------------
- ``returns="keep"``: return, refund and cancellation lines stay as negative revenue and quantity
  (``line_type="return"``), so revenue sums to **net sales**; ``"drop"`` leaves them out (gross sales).
- ``cancelled="reverse"``: an order cancelled after it was placed is a sale on the day placed and a return on
  the day cancelled (net zero); ``"drop"`` leaves the whole cancelled order out (its sale and its reversal).
- ``non_product="drop"``: postage, fees, manual adjustments, bad debt and similar lines
  (``line_type="non_product"``) are left out of the table; ``"keep"`` keeps them (revenue then includes them).
- Lines without a customer id are always kept: they count for revenue and orders, not for customer metrics.
- Amounts in several currencies need ``currency=``: lines in that currency are kept, others left out.

Every one of these decisions is counted in ``.summary``; nothing is dropped silently.

Modules
-------
- :mod:`.load`: ``load_orders`` (options checked, the source sent to an engine or read locally);
- :mod:`.files`: the kind of a local source and one reader per kind (CSV/text, Excel, Parquet, DuckDB);
- :mod:`.csvfast`: CSV exports parsed by DuckDB with what the careful reader detects on the first lines, or read
  by the careful reader where DuckDB would read them differently; :mod:`.csvengine`: the checking query;
- :mod:`.engines`: Spark and warehouses (tables where they live, local lines handed over);
- :mod:`.headers`: the layout or column mapping of a header, and the mapping to suggest when one is missing;
- :mod:`.eager` and :mod:`.lazy`: parsed frames and Ibis tables mapped to canonical lines;
- :mod:`.policies`: the line policies above, defined once for both;
- :mod:`.orderlines`: the :class:`OrderLines` result.
"""
from __future__ import annotations

from workbench.data.csvread import read_csv_robust
from workbench.data.orders.headers import ORDER_FORMATS
from workbench.data.orders.load import load_orders
from workbench.data.orders.orderlines import OrderLines
from workbench.data.summary import LoadSummary, SummaryItem

__all__ = ["load_orders", "OrderLines", "LoadSummary", "SummaryItem", "ORDER_FORMATS", "read_csv_robust"]
