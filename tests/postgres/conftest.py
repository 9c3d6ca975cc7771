"""PostgreSQL tests: one real server for the whole test process, loaded with the shipped and a generated shop.

Every test module here is marked ``postgres`` (one xdist group, so one server: ``tests/conftest.py``) and runs in ``make test``, which depends on ``make postgres``
(Debian's server package, installed when missing). Without the server binaries or the driver the tests **fail**
with the command to run, never skip: a machine or CI image that lost PostgreSQL cannot pass by skipping them.

The session fixture :func:`postgres` starts :class:`~tests.postgres.server.LocalPostgres` (initdb in a temporary
folder, a free port on 127.0.0.1, password login) and loads, with PostgreSQL's own ``COPY`` as a pipeline
(Fivetran, Airbyte, the shop's database) would leave them:

- ``public.cdnow_lines``: the shipped CDNOW order lines (real data, ``data/raw/cdnow``), canonical columns;
- ``sales.order_lines``: 20,000 GENERATED lines (``generate_orders(20_000, seed=11)``, the data-size safety
  shop: returns, guest orders, products, categories and countries), canonical columns.

The server is stopped and its folder removed when the test process ends; it dies with the test process if that
is killed (see ``server.py``).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from tests.postgres.server import DEBIAN_BIN_DIRS, INSTALL_HINT, LocalPostgres, ServerUnavailable, find_bindir
from workbench.data import load_orders
from workbench.data.synthetic import generate_orders

SHOP_LINES, SHOP_SEED = 20_000, 11
_SQL_TYPES = {"string": "text", "str": "text", "object": "text", "datetime64[us]": "timestamp",
              "datetime64[ns]": "timestamp", "float64": "double precision", "int64": "bigint"}


def require_server() -> LocalPostgres:
    """A server object for the binaries found here, or a test failure that says to run `make postgres`."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("PostgreSQL tests need psycopg, in the [postgres] extra: run `make setup` (or "
                    "pip install -c requirements.lock -e '.[postgres]')")
    bindir = find_bindir()
    if bindir is None:
        pytest.fail(f"PostgreSQL tests need the server binaries initdb and postgres, found neither on PATH nor in "
                    f"{DEBIAN_BIN_DIRS}: {INSTALL_HINT}")
    try:
        return LocalPostgres(bindir)
    except ServerUnavailable as exc:
        pytest.fail(str(exc))


def copy_into(server: LocalPostgres, table: str, frame: pd.DataFrame) -> None:
    """``CREATE TABLE`` with the frame's columns, then ``COPY ... FROM STDIN`` its rows."""
    columns = ", ".join(f'"{c}" {_SQL_TYPES[str(t)]}' for c, t in frame.dtypes.items())
    names = ", ".join(f'"{c}"' for c in frame.columns)
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
    with server.connect() as con, con.cursor() as cur:
        if "." in table:
            cur.execute(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}")
        cur.execute(f"CREATE TABLE {table} ({columns})")
        with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cur.execute(f"ANALYZE {table}")


@dataclass
class Shop:
    """A loaded table: its name on the server and the same lines for the DuckDB side."""

    table: str
    frame: pd.DataFrame

    def on_duckdb(self):
        return load_orders(self.frame)


@dataclass
class Postgres:
    server: LocalPostgres
    cdnow: Shop
    shop: Shop

    @property
    def url(self) -> str:
        return self.server.url()


@pytest.fixture(scope="session")
def postgres():
    """The running server with ``cdnow_lines`` and ``sales.order_lines`` loaded (see the module docstring)."""
    server = require_server()
    try:
        try:
            server.start()
        except ServerUnavailable as exc:
            pytest.fail(f"the test PostgreSQL server did not start: {exc}")
        cdnow = Shop("cdnow_lines", load_orders("cdnow").to_pandas())
        shop = Shop("sales.order_lines", load_orders(generate_orders(SHOP_LINES, seed=SHOP_SEED)).to_pandas())
        for loaded in (cdnow, shop):
            copy_into(server, loaded.table, loaded.frame)
        yield Postgres(server, cdnow, shop)
    finally:
        server.remove()
