"""load_orders(..., engine="postgres://..."): tables by name, exports handed over, and what a user reads when the
server is down, the password is wrong, the database or the table is missing, or the connection drops mid-run.

Every message names the URL with its password masked (``postgres://workbench:***@127.0.0.1:<port>/shop``), the
table that was to be read and the fix; none shows the password.
"""
from __future__ import annotations

import re

import pytest

from tests.postgres.server import free_port
from workbench import config, engine
from workbench.analyses.sales import kpis as K
from workbench.data import load_orders
from workbench.errors import DataError

pytestmark = pytest.mark.postgres

THIN = config.PROJECT_ROOT / "tests" / "fixtures" / "orders" / "thin"
WRONG = "not-the-password"


def masked(postgres, *, port=None, database="shop") -> str:
    return re.escape(f"postgres://workbench:***@127.0.0.1:{port or postgres.server.port}/{database}")


def assert_no_password(error: DataError, *passwords: str) -> None:
    text = str(error)
    assert not any(p in text for p in passwords), text


class TestReading:
    def test_a_table_in_a_schema_by_name_or_by_the_table_argument(self, postgres):
        by_name = load_orders("sales.order_lines", engine=postgres.url)
        by_arg = load_orders("data/raw/cdnow/CDNOW_master.txt", table="sales.order_lines", engine=postgres.url)
        assert by_name.source == by_arg.source == "PostgreSQL table sales.order_lines"
        assert by_name.lazy and len(by_name) == len(by_arg) == 20_000
        assert "lazy, PostgreSQL" in repr(by_name)

    def test_an_export_is_parsed_here_and_queried_on_the_server(self, postgres):
        path = THIN / "twelve_orders_five_customers.csv"
        on_postgres, on_duckdb = load_orders(path, engine=postgres.url), load_orders(path)
        assert on_postgres.engine == "postgres" and not engine.is_local(on_postgres.table)
        assert on_postgres.summary.notes[-1].startswith("Parsed in this process, then handed to PostgreSQL")
        a, b = (K.kpis_by_period(o, period="week") for o in (on_postgres, on_duckdb))
        assert a["orders"].tolist() == b["orders"].tolist() and a["orders"].sum() == 12
        assert a["revenue"].tolist() == pytest.approx(b["revenue"].tolist(), rel=1e-12)

    def test_the_password_may_come_from_the_environment_instead_of_the_url(self, postgres, monkeypatch):
        # keeps it out of report parameters, run records and shell history (libpq reads PGPASSWORD)
        monkeypatch.setenv("PGPASSWORD", postgres.server.password)
        url = f"postgres://workbench@127.0.0.1:{postgres.server.port}/shop"
        assert len(load_orders("cdnow_lines", engine=url)) == 69_659


class TestErrors:
    def test_server_down(self, postgres):
        port = free_port()  # nothing listens there
        with pytest.raises(DataError) as info:
            load_orders("sales.order_lines", engine=postgres.server.url(port=port))
        assert re.match(rf"^engine=: cannot connect to engine '{masked(postgres, port=port)}' to read table "
                        r"'sales\.order_lines' \(OperationalError: connection failed: .*Connection refused\)",
                        str(info.value)), info.value
        assert str(info.value).endswith(
            f"Check that the database server is running and accepts connections at 127.0.0.1:{port} "
            f"(pg_isready -h 127.0.0.1 -p {port} tells), or correct the host and port in the URL.")
        assert_no_password(info.value, postgres.server.password)

    def test_wrong_password(self, postgres):
        with pytest.raises(DataError) as info:
            load_orders("cdnow_lines", engine=postgres.server.url(password=WRONG))
        assert re.match(rf"^engine=: cannot connect to engine '{masked(postgres)}' to read table 'cdnow_lines' "
                        r"\(OperationalError: .*password authentication failed for user \"workbench\"\)",
                        str(info.value)), info.value
        assert str(info.value).endswith("Check the user name and password in the URL (a password with @, : or / "
                                        "in it must be percent-encoded, e.g. p%40ss for p@ss).")
        assert_no_password(info.value, WRONG, postgres.server.password)

    def test_unknown_database(self, postgres):
        with pytest.raises(DataError) as info:
            load_orders("cdnow_lines", engine=postgres.server.url(database="shopp"))
        assert re.match(rf"^engine=: cannot connect to engine '{masked(postgres, database='shopp')}' to read "
                        r"table 'cdnow_lines' \(OperationalError: .*database \"shopp\" does not exist\)",
                        str(info.value)), info.value
        assert str(info.value).endswith("Check the database name, the part of the URL after host:port/.")

    def test_missing_table_lists_the_tables_there(self, postgres):
        with pytest.raises(DataError) as info:
            load_orders("cdnow_line", engine=postgres.url)
        assert re.match(rf"^{masked(postgres)}: table 'cdnow_line' not found on PostgreSQL \(TableNotFound\) "
                        r"\(first: tables there: \[.*'cdnow_lines'.*\]\)\. Check the table name \(with its "
                        r"database: 'sales\.orders'\)", str(info.value)), info.value
        assert_no_password(info.value, postgres.server.password)

    def test_connection_lost_mid_run(self, postgres):
        orders = load_orders("sales.order_lines", engine=postgres.url)
        con = orders.table._find_backend()
        pid = con.con.info.backend_pid
        with postgres.server.connect() as admin:  # what a server restart does to every session
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(DataError) as info:
            K.kpis_by_period(orders)
        assert re.match(rf"^{masked(postgres)}: the query reading table 'sales\.order_lines' failed: the "
                        r"connection to the server was lost \(\w+: .*\)\. Check that the database server is "
                        r"running and reachable from this machine, then load the orders again", str(info.value)), \
            info.value
        assert_no_password(info.value, postgres.server.password)

    def test_a_statement_timeout_is_not_called_a_lost_connection(self, postgres):
        orders = load_orders("sales.order_lines", engine=postgres.url)
        con = orders.table._find_backend()
        con.raw_sql("SET statement_timeout = 1")  # 1 ms: every query on this connection is cancelled
        with pytest.raises(DataError) as info:
            K.kpis_by_period(orders)
        assert re.match(rf"^{masked(postgres)}: the query reading table 'sales\.order_lines' failed: the server "
                        r"could not run it \(QueryCanceled: canceling statement due to statement timeout\)\. Check "
                        r"that the server is up and has the room the query needs", str(info.value)), info.value
