"""CSV exports parsed by DuckDB give exactly the careful reader's order lines, load summary and error messages.

Second implementation: every file is also loaded by the careful reader alone (``careful()``), and the two results
are compared value for value. Each case also asserts which way the fast loader took (engine, text or careful), so
a file silently falling back to the careful reader fails the test.
"""
from __future__ import annotations

import gzip
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.data import load_orders
from workbench.data.orders import csvfast
from workbench.data.synthetic.orders import generate_orders
from workbench.errors import DataError

ROOT = Path(__file__).parents[3]
FIX = ROOT / "tests" / "fixtures" / "orders"
ENGINE = "Read by DuckDB with the delimiter"
TEXT = "Read by DuckDB's CSV reader as text"
CAREFUL = "Read by the careful reader"


def careful(source, monkeypatch, **options):
    """The careful reader alone on the whole file (DuckDB never asked)."""
    def refuse(*args, **kwargs):
        raise csvfast.NotForEngine("test: careful reader only.")
    with monkeypatch.context() as m:
        m.setattr(csvfast, "_head", refuse)
        return load_orders(source, **options)


def way(lines) -> str:
    """Which reader the fast loader used: "engine", "text" (DuckDB strings, mapped here) or "careful"."""
    notes = lines.summary.notes
    if any(n.startswith(ENGINE) for n in notes):
        return "engine"
    if any(n.startswith(CAREFUL) for n in notes):
        return "careful"
    return "text"


def summary_of(lines) -> dict:
    s = lines.summary.resolve()
    return {"read": int(s.lines_read), "kept": int(s.lines_kept), "format": s.format,
            "items": [(i.key, int(i.lines), i.treatment, i.text,
                       None if i.revenue is None else round(float(i.revenue), 9)) for i in s.items],
            "notes": [n for n in s.notes if not n.startswith(("Read by", "Read lazily"))]}


def assert_same(fast, slow) -> None:
    pd.testing.assert_frame_equal(fast.to_pandas(), slow.to_pandas(), check_exact=True)
    assert summary_of(fast) == summary_of(slow)
    assert fast.format == slow.format and fast.source == slow.source


def utf8_copy(src: Path, tmp_path: Path, encoding: str = "cp1252") -> Path:
    out = tmp_path / src.name
    out.write_text(src.read_text(encoding=encoding), encoding="utf-8")
    return out


# ------------------------------------------------------------------------------------------------------------
# every shipped and fixture CSV layout
# ------------------------------------------------------------------------------------------------------------

LAYOUTS = [
    ("data/raw/cdnow/cdnow_transactions.csv", {}, "text"),                         # CDNOW CSV twin (shipped)
    ("tests/fixtures/orders/shopify_orders_export.csv", {}, "text"),
    ("tests/fixtures/orders/shopify_orders_export.csv", {"cancelled": "drop", "returns": "drop"}, "text"),
    ("tests/fixtures/orders/woocommerce_analytics_orders.csv", {}, "text"),
    ("tests/fixtures/orders/woocommerce_order_export.csv", {}, "text"),              # BOM, semicolons, commas
    ("tests/fixtures/orders/generic_shop_export.csv", {"columns": {"order_date": "Placed"}}, "text"),  # "$1,234.50"
    ("tests/fixtures/marketing/generated_shop/orders_generated.csv.gz", {}, "engine"),  # canonical, gzip
    ("tests/fixtures/marketing/generated_shop/orders_generated.csv.gz", {"returns": "drop", "currency": "USD"},
     "engine"),
] + [(f"tests/fixtures/orders/thin/{p.name}", {}, "text") for p in sorted((FIX / "thin").glob("*.csv"))]


@pytest.mark.parametrize("path, options, expected", LAYOUTS,
                         ids=[f"{Path(p).name}-{','.join(o) or 'defaults'}" for p, o, _ in LAYOUTS])
def test_fixture_layouts_read_the_same(path, options, expected, monkeypatch):
    fast, slow = load_orders(ROOT / path, **options), careful(ROOT / path, monkeypatch, **options)
    assert way(fast) == expected and way(slow) == "careful"
    assert_same(fast, slow)


def test_online_retail_utf8_reads_the_same(tmp_path, monkeypatch):
    """The UCI fixture is cp1252 (the careful reader's); as UTF-8 DuckDB reads its text."""
    path = utf8_copy(FIX / "online_retail.csv", tmp_path)
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "text" and fast.format == "online-retail"
    assert_same(fast, slow)
    assert way(load_orders(FIX / "online_retail.csv")) == "careful"   # cp1252 as shipped: the careful reader


# ------------------------------------------------------------------------------------------------------------
# canonical files in the notations exports use (GENERATED lines, every canonical column)
# ------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shop() -> pd.DataFrame:
    frame = generate_orders(1_500, seed=7)
    frame["status"] = frame["status"].astype(object)
    return frame


def write(frame: pd.DataFrame, path: Path, *, sep: str = ",", decimal: str = ".", date_format: str | None = None,
          encoding: str = "utf-8", lineterminator: str = "\n") -> Path:
    out = frame.copy()
    if date_format:
        out["order_date"] = out["order_date"].dt.strftime(date_format)
    text = out.to_csv(index=False, sep=sep, decimal=decimal, lineterminator=lineterminator)
    data = text.encode(encoding)
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


DIALECTS = {
    "comma-iso": dict(),
    "semicolon-decimal-comma-day-first": dict(sep=";", decimal=",", date_format="%d.%m.%Y %H:%M"),
    "tab-month-first": dict(sep="\t", date_format="%m/%d/%Y %H:%M"),
    "pipe-iso-t": dict(sep="|", date_format="%Y-%m-%dT%H:%M:%S"),
    "bom-crlf": dict(encoding="utf-8-sig", lineterminator="\r\n"),
    "date-only": dict(date_format="%Y-%m-%d"),
}


@pytest.mark.parametrize("dialect", list(DIALECTS))
def test_canonical_dialects_read_the_same(dialect, shop, tmp_path, monkeypatch):
    path = write(shop, tmp_path / f"{dialect}.csv", **DIALECTS[dialect])
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "engine", fast.summary.notes
    assert_same(fast, slow)


def test_gzip_and_policies(shop, tmp_path, monkeypatch):
    path = write(shop, tmp_path / "orders.csv.gz")
    for options in ({}, {"returns": "drop", "non_product": "keep"}, {"cancelled": "drop", "currency": "usd"}):
        fast, slow = load_orders(path, **options), careful(path, monkeypatch, **options)
        assert way(fast) == "engine"
        assert_same(fast, slow)


def test_quoted_newlines_delimiters_and_quotes_in_text(shop, tmp_path, monkeypatch):
    frame = shop.copy()
    frame.loc[::7, "product_name"] = 'Mug, "large"\nceramic'
    path = write(frame, tmp_path / "quoted.csv")
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "engine"
    assert_same(fast, slow)
    assert (fast.to_pandas()["product_name"] == 'Mug, "large"\nceramic').sum() > 0


def test_text_with_white_space_is_trimmed_as_the_careful_reader_trims(shop, tmp_path, monkeypatch):
    """Padded ids, a non-breaking space, a tab, a value of spaces only: a second query trims them."""
    frame = shop.copy()
    frame["customer_id"] = frame["customer_id"].astype(object)
    frame.loc[5, "customer_id"] = "  " + str(frame.loc[5, "customer_id"]) + "\u00a0"
    frame.loc[9, "sku"] = "\tSKU-1 "
    frame.loc[11, "customer_id"] = "   "
    frame.loc[13, "product_name"] = "Crème brûlée"
    path = write(frame, tmp_path / "padded.csv")
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "engine"
    assert_same(fast, slow)
    got = fast.to_pandas()
    assert got.loc[5, "customer_id"] == str(shop.loc[5, "customer_id"]) and pd.isna(got.loc[11, "customer_id"])


def test_the_engine_trims_exactly_what_str_strip_removes():
    from workbench.data.orders.csvengine import _WHITESPACE

    assert _WHITESPACE == "".join(c for c in map(chr, range(0x110000)) if c.isspace())


def test_amounts_with_more_than_six_decimals_are_rounded_like_the_careful_reader(shop, tmp_path, monkeypatch):
    frame = shop.copy()
    frame.loc[3, "revenue"] = 12.3456789
    frame.loc[4, "unit_price"] = 0.0000005   # a half: numpy rounds to even (0.0), round() would give 0.000001
    path = write(frame, tmp_path / "decimals.csv")
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "engine"
    assert_same(fast, slow)
    assert fast.to_pandas().loc[3, "revenue"] == 12.345679


def test_revenue_computed_from_price_and_quantity(shop, tmp_path, monkeypatch):
    frame = shop.drop(columns=["revenue"])
    path = write(frame, tmp_path / "no_revenue.csv")
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "engine"
    assert_same(fast, slow)
    assert "revenue computed as quantity x unit_price - discount" in fast.summary.notes


def test_total_less_tax_and_shipping_and_spellings(shop, tmp_path, monkeypatch):
    frame = shop[["order_id", "customer_id", "order_date", "revenue", "quantity", "tax", "shipping"]].rename(
        columns={"order_id": "Order Number", "customer_id": "Email", "order_date": "Created at", "quantity": "Qty"})
    frame["Total"] = frame.pop("revenue") + frame["tax"] + frame["shipping"]
    path = write(frame.rename(columns={"tax": "Tax", "shipping": "Shipping"}), tmp_path / "totals.csv")
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "engine" and fast.format == "generic"
    assert_same(fast, slow)


def test_status_words_and_line_types(shop, tmp_path, monkeypatch):
    frame = shop.copy()
    frame["status"] = np.where(np.arange(len(frame)) % 5 == 0, "Paid", "wc-completed")
    frame.loc[7, "status"] = "Awaiting pickup"
    frame.loc[8, "status"] = "awaiting pickup"
    frame["line_type"] = frame["line_type"].str.upper()
    path = write(frame, tmp_path / "status.csv")
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "engine"
    assert_same(fast, slow)
    assert fast.summary["status_unknown"].text == ("lines with a status word not recognised (first: 'Awaiting "
                                                   "pickup'): status left empty")


def test_currencies(shop, tmp_path, monkeypatch):
    frame = shop.copy()
    frame["currency"] = "usd"
    frame.loc[frame.index[-3:], "currency"] = None
    path = write(frame, tmp_path / "one_currency.csv")
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "engine"
    assert_same(fast, slow)
    assert fast.summary["currency_filled"].lines == 3
    frame.loc[frame.index[-10:-3], "currency"] = "EUR"   # beyond the first lines: the careful reader decides
    path = write(frame, tmp_path / "two_currencies.csv")
    with pytest.raises(DataError, match=r"column `currency`: amounts are in 2 currencies: USD \(1,490 lines\), EUR "
                                        r"\(7 lines\)"):
        load_orders(path)
    fast, slow = load_orders(path, currency="EUR"), careful(path, monkeypatch, currency="EUR")
    assert way(fast) == "engine"
    assert_same(fast, slow)
    assert fast.summary["other_currency"].lines == 1490


def test_day_month_order_unproven_gets_the_careful_note(shop, tmp_path, monkeypatch):
    frame = shop[shop["order_date"].dt.day <= 12]
    path = write(frame, tmp_path / "ambiguous.csv", date_format="%d/%m/%Y")
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "engine"
    assert_same(fast, slow)
    assert ("order_date: no value shows whether dates are day/month or month/day; read as month/day/year (pass "
            "dayfirst= to change).") in fast.summary.notes
    fast, slow = load_orders(path, dayfirst=True), careful(path, monkeypatch, dayfirst=True)
    assert_same(fast, slow)
    assert not any("no value shows" in n for n in fast.summary.notes)


def test_a_first_week_of_orders_is_read_day_first_by_both_readers(tmp_path, monkeypatch):
    # a new shop's first export: one week of November, every number at most 12, written day first
    rows = [f"{1000 + i},c{i % 5},0{d}/11/2026 1{i % 10}:00,{10 + i}.50,1" for i, d in enumerate((3, 3, 4, 5, 6, 7, 9))]
    path = tmp_path / "week.csv"
    path.write_text("order_id,customer_id,order_date,revenue,quantity\n" + "\n".join(rows) + "\n")
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "engine"
    assert_same(fast, slow)
    dates = fast.to_pandas()["order_date"]
    assert (dates.min(), dates.max()) == (pd.Timestamp("2026-11-03 10:00"), pd.Timestamp("2026-11-09 16:00"))
    assert ("order_date: no value shows whether dates are day/month or month/day; read as day/month/year because "
            "the first number varies and the second does not, as days within one month do (pass dayfirst= to "
            "change).") in fast.summary.notes


def test_a_day_first_sample_the_whole_file_does_not_confirm(small_sample, tmp_path, monkeypatch):
    # the first lines vary in their first number only (day first); further down the second varies too, so
    # on the whole file nothing shows the order: the careful reader's default (month first) decides
    rows = [f"A{i},c{i},0{1 + i % 9}/11/2026,5,1" for i in range(1, 200)]
    rows += [f"B{i},c{i},0{1 + i % 9}/0{1 + i % 9}/2026,5,1" for i in range(1, 20)]
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,order_date,revenue,quantity\n" + "\n".join(rows) + "\n")
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) != "engine"                                   # the engine's query gave the file back
    assert_same(fast, slow)
    assert fast.to_pandas()["order_date"].iloc[0] == pd.Timestamp("2026-02-11")        # 02/11: 11 February
    assert any("read as month/day/year (pass dayfirst= to change)." in n for n in fast.summary.notes)


# ------------------------------------------------------------------------------------------------------------
# what the first lines cannot promise: decided on the whole file, with the careful reader's messages
# ------------------------------------------------------------------------------------------------------------

@pytest.fixture
def small_sample(monkeypatch):
    """A 2 KiB sample, so a short file has lines beyond it."""
    monkeypatch.setattr(csvfast, "SAMPLE_BYTES", 2048)


def lines_file(tmp_path: Path, n: int, bad: dict[int, str] | None = None, header: str =
               "order_id,customer_id,order_date,revenue,quantity") -> Path:
    """``n`` clean lines; ``bad`` replaces data line i (1-based, as the careful reader counts rows)."""
    rows = [f"A{i},c{i % 97},2024-{1 + i % 12:02d}-{1 + i % 28:02d} 10:{i % 60:02d}:00,{(i % 50) + 0.99},{1 + i % 3}"
            for i in range(1, n + 1)]
    for i, row in (bad or {}).items():
        rows[i - 1] = row
    path = tmp_path / "orders.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def test_one_bad_row_deep_in_a_large_file_gets_the_careful_message(tmp_path, monkeypatch):
    """Beyond the first MiB (the real sample): DuckDB stops there, the careful reader names the row."""
    path = lines_file(tmp_path, 40_000, bad={38_123: "A38123,c1,2024-03-05 10:00:00,n/a,1"})
    assert path.stat().st_size > csvfast.SAMPLE_BYTES
    with pytest.raises(DataError) as fast:
        load_orders(path)
    with pytest.raises(DataError) as slow:
        careful(path, monkeypatch)
    assert str(fast.value) == str(slow.value) == (
        "orders.csv: column `revenue`: values are not numbers (1 row; first: row 38123: 'n/a'). Correct or remove "
        "those rows (amounts may carry a currency sign and thousands separators, nothing else).")


BAD_ROWS = {
    "date": ("A90,c1,yesterday,5,1",
             r"column `order_date`: values are not dates \(1 row; first: row 90: 'yesterday'\)"),
    # words DuckDB's strptime reads as 1900-01-01 00:00 where an ISO date is expected
    "infinity": ("A90,c1,infinity,5,1",
                 r"column `order_date`: values are not dates \(1 row; first: row 90: 'infinity'\)"),
    "epoch": ("A90,c1,Epoch,5,1", r"column `order_date`: values are not dates \(1 row; first: row 90: 'Epoch'\)"),
    "missing id": (",c1,2024-01-05 10:00:00,5,1", r"column `order_id`: order ids are missing \(1 row; first: row 90\)"),
    "fraction": ("A90,c1,2024-01-05 10:00:00,5,1.5",
                 r"column `quantity`: quantities are not whole numbers \(1 row; first: row 90: '1\.5'\)"),
    "day/month": ("A90,c1,2024-01-05 10:00,5,1", None),          # another notation: read, not refused
    "sign": ("A90,c1,2024-01-05 10:00:00,$5.00,1", None),       # a currency sign: read by the careful parser
    "infinite": ("A90,c1,2024-01-05 10:00:00,inf,1", None),
    "more fields": ("A90,c1,2024-01-05 10:00:00,5,1,extra",
                    r"a row has more fields than the header's 5 \(first: line 91 has 6 fields\)"),
    "fewer fields": ("A90,c1,2024-01-05 10:00:00",   # the careful reader pads the row with missing values
                     r"column `revenue`: amounts are missing \(1 row; first: row 90\)"),
    "latin-1": (None, None),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_a_line_beyond_the_sample_is_judged_by_the_careful_reader(case, small_sample, tmp_path, monkeypatch):
    row, message = BAD_ROWS[case]
    path = lines_file(tmp_path, 200, bad={90: row} if row else None)
    if case == "latin-1":
        data = path.read_bytes().replace(b"c1,", "c\xe9,".encode("latin-1"))
        path.write_bytes(data[:3000] + data[3000:].replace(b"c2,", "c\xe9,".encode("latin-1")))
    if message:
        with pytest.raises(DataError, match=message) as fast:
            load_orders(path)
        with pytest.raises(DataError) as slow:
            careful(path, monkeypatch)
        assert str(fast.value) == str(slow.value)
    else:
        fast, slow = load_orders(path), careful(path, monkeypatch)
        assert way(fast) in ("text", "careful")
        assert_same(fast, slow)


def test_invalid_utf8_in_a_column_no_analysis_reads(small_sample, tmp_path, monkeypatch):
    """The careful reader decodes the whole file as cp1252 when one byte is not UTF-8, wherever it is: so the
    load query reads every column, even one that is not an order-line column."""
    rows = [f"A{i},c{i},2024-01-05 10:00:00,5,1,{'caf' + chr(233) if i == 150 else 'note'}" for i in range(1, 200)]
    path = tmp_path / "orders.csv"
    path.write_bytes(("order_id,customer_id,order_date,revenue,quantity,note\n" + "\n".join(rows) + "\n")
                     .encode("latin-1"))
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "careful" and "not UTF-8" not in fast.summary.notes[-1]
    assert_same(fast, slow)


def test_a_value_beyond_the_sample_that_proves_the_date_order(small_sample, tmp_path, monkeypatch):
    rows = [f"A{i},c{i},{1 + i % 12:02d}/{1 + i % 12:02d}/2024,5,1" for i in range(1, 200)]
    rows.append("A200,c200,25/01/2024,5,1")                  # day first, shown only at the end
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,order_date,revenue,quantity\n" + "\n".join(rows) + "\n")
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "text"                              # month/day read off the sample fails there
    assert_same(fast, slow)
    assert fast.to_pandas()["order_date"].iloc[-1] == pd.Timestamp("2024-01-25")


def test_a_date_beyond_the_sample_that_proves_the_assumed_order(small_sample, tmp_path, monkeypatch):
    rows = [f"A{i},c{i},{1 + i % 12:02d}/{1 + i % 12:02d}/2024,5,1" for i in range(1, 200)]
    rows.append("A200,c200,01/25/2024,5,1")                  # month first, as assumed: no note
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,order_date,revenue,quantity\n" + "\n".join(rows) + "\n")
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "engine"
    assert_same(fast, slow)
    assert not any("no value shows" in n for n in fast.summary.notes)


def test_two_digit_years_beyond_the_sample(small_sample, tmp_path, monkeypatch):
    path = lines_file(tmp_path, 200, bad={150: "A150,c1,24-01-05,5,1"})
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "text"
    assert_same(fast, slow)


def test_blank_lines_above_below_and_between(tmp_path, monkeypatch):
    body = "order_id,customer_id,order_date,revenue\nA1,c1,2024-01-05,5\n\nA2,c2,2024-01-06,6\n\n"
    path = tmp_path / "orders.csv"
    path.write_text(body)
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "engine" and len(fast) == 2
    assert_same(fast, slow)
    path.write_text("\n\r\n" + body)       # above the header: the careful reader skips them, DuckDB would not
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "careful" and "blank lines above the header" in fast.summary.notes[-1]
    assert_same(fast, slow)


def test_what_duckdb_cannot_read_goes_to_the_careful_reader(tmp_path):
    zpath = tmp_path / "orders.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(FIX / "shopify_orders_export.csv", "orders.csv")
    lines = load_orders(zpath)
    assert way(lines) == "careful" and "a zip archive" in lines.summary.notes[-1]
    assert way(load_orders(FIX / "online_retail.csv")) == "careful"


def test_the_reason_for_a_slower_way_is_in_the_summary(shop, tmp_path):
    frame = shop.copy()
    frame["revenue"] = frame["revenue"].map(lambda v: f"${v:,.2f}")
    lines = load_orders(write(frame, tmp_path / "signs.csv"))
    assert lines.summary.notes[-1] == ("Read by DuckDB's CSV reader as text and mapped here: its amounts need the "
                                       "careful parser (`revenue`: currency signs, thousands separators or both "
                                       "decimal marks in the first lines).")


def test_lines_stay_in_the_file_and_the_count_is_known(shop, tmp_path):
    lines = load_orders(write(shop, tmp_path / "orders.csv"))
    assert lines.lazy and lines.local_file and len(lines) == len(shop)
    assert f"{len(shop):,} lines" in repr(lines)
    assert re.search(r"first [\d,]+ lines", lines.summary.notes[-1])


def test_duckdb_reason_is_one_line():
    exc = Exception('Conversion Error: CSV Error on Line: 3\nOriginal Line: 2;1.250\nError when converting column '
                    '"b". Could not convert string "1.250" to \'DOUBLE\'\n\nColumn b is being converted')
    assert csvfast.duckdb_reason(exc) == ("DuckDB's CSV reader stopped at line 3 (Error when converting column "
                                           "\"b\". Could not convert string \"1.250\" to 'DOUBLE').")


def test_read_csv_call_quotes_paths(tmp_path):
    path = tmp_path / "o'brien.csv"
    path.write_text("a,b\n1,2\n")
    from workbench.data.csvread import read_csv_head
    read, complete = read_csv_head(path, max_bytes=1024)
    head = csvfast.CsvHead(path=path, name=path.name, read=read, complete=complete, compression=None)
    import duckdb
    got = duckdb.sql(f"SELECT * FROM {head.read_csv({1: 'DOUBLE'})}").fetchall()
    assert got == [("1", 2.0)]


def test_a_quote_after_spaces_is_kept_as_the_careful_reader_keeps_it(shop, tmp_path, monkeypatch):
    """``A1, "c1"``: the careful reader keeps the field as written (quotes and all), DuckDB would unquote it."""
    rows = [f'A{i},c{i},2024-01-05 10:00:00,5,1' for i in range(1, 60)]
    rows[40] = 'A41, "c41",2024-01-05 10:00:00,5,1'
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,order_date,revenue,quantity\n" + "\n".join(rows) + "\n")
    fast, slow = load_orders(path), careful(path, monkeypatch)
    assert way(fast) == "careful" and "spaces before a quote" in fast.summary.notes[-1]
    assert_same(fast, slow)
    assert fast.to_pandas()["customer_id"].iloc[40] == '"c41"'


def random_export(rnd) -> tuple[str, str]:
    """A small export in a random dialect and notation with rare awkward values (GENERATED)."""
    sep = rnd.choice([",", ";", "\t", "|"])
    comma = sep == ";" and rnd.random() < 0.7
    date_format = rnd.choice(["%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d/%m/%Y %H:%M", "%m/%d/%Y", "%d.%m.%Y %H:%M:%S"])
    cols = ["order_id", "customer_id", "order_date", "revenue", "quantity"] + rnd.sample(
        ["sku", "product_name", "currency", "status", "line_type", "tax", "unit_price", "memo"], rnd.randint(0, 5))
    awkward = [("customer_id", " C1 "), ("sku", "S\t"), ("revenue", "12.3456789"), ("order_id", ""),
               ("revenue", "$5.00"), ("customer_id", "\u00a0C1"), ("quantity", "2.0"), ("memo", ' "x"'),
               ("order_date", "yesterday"), ("product_name", 'Tee, "organic"\nblue')]
    rows = []
    for _ in range(rnd.randint(20, 60)):
        when = pd.Timestamp("2023-01-01") + pd.Timedelta(minutes=rnd.randint(0, 900_000))
        r = {"order_id": f"O{rnd.randint(1, 30)}", "customer_id": rnd.choice(["C1", "c2", ""]),
             "order_date": when.strftime(date_format),
             "revenue": f"{rnd.choice([-1, 1, 1]) * rnd.randint(0, 9999) / 100}",
             "quantity": str(rnd.choice([1, 2, -1])), "sku": rnd.choice(["S1", "S 2", ""]),
             "product_name": rnd.choice(["Mug", "Crème", ""]), "currency": rnd.choice(["USD", "usd", ""]),
             "status": rnd.choice(["paid", "Completed", "weird", ""]), "line_type": rnd.choice(["sale", "Return"]),
             "tax": rnd.choice(["0", "1.5", ""]), "unit_price": f"{rnd.randint(1, 999) / 10}", "memo": "x"}
        if rnd.random() < 0.08:
            key, value = rnd.choice(awkward)
            r[key] = value
        if comma:
            r.update({k: r[k].replace(".", ",") for k in ("revenue", "tax", "unit_price")})
        rows.append(sep.join(f'"{v.replace(chr(34), 2 * chr(34))}"' if any(c in v for c in (sep, '"', "\n"))
                             else v for v in (r[c] for c in cols)))
    newline = rnd.choice(["\n", "\r\n"])
    return sep.join(cols) + newline + newline.join(rows) + newline, rnd.choice(["utf-8", "utf-8-sig"])


@pytest.mark.parametrize("seed", range(24))
def test_random_exports_read_the_same_or_fail_the_same(seed, small_sample, tmp_path, monkeypatch):
    """Second implementation on GENERATED awkward exports: the same lines and summary, or the same message."""
    import random
    rnd = random.Random(seed)
    text, encoding = random_export(rnd)
    path = tmp_path / "export.csv"
    path.write_text(text, encoding=encoding)
    options = rnd.choice([{}, {"returns": "drop"}, {"currency": "USD"}, {"non_product": "keep"}, {"dayfirst": True}])
    results = []
    for load in (lambda: load_orders(path, **options), lambda: careful(path, monkeypatch, **options)):
        try:
            results.append(load())
        except DataError as exc:
            results.append(str(exc))
    fast, slow = results
    if isinstance(slow, str) or isinstance(fast, str):
        assert fast == slow
    else:
        assert_same(fast, slow)


@pytest.mark.parametrize("text, expected", [
    ('a,b\n1, "x"\n', True),                      # a field starts with a space and a quote
    ('a,b\n "x",1\n', True),                      # ... at a line start
    ('a,b\n1,   ""\n', True),                     # spaces, then an empty quoted field
    ('a,b\n1,"Tee, ""organic"" cotton"\n', False),  # inside a quoted field: an escaped quote
    ('a,b\n1,"abc "\n2,x\n', False),              # inside a quoted field: the closing quote
    ('a,b\n1,12" pizza\n2, "x"\n', True),          # a literal quote throws the count off: still found
    ('a,b\n1,x "y"\n', False),                    # not at a field start: the careful reader and DuckDB agree
])
def test_quote_after_spaces(text, expected, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(text)
    assert csvfast._quote_after_spaces(path, ",", None) is expected
    assert csvfast._quote_after_spaces(path, ",", None, chunk=3) is expected   # across block boundaries


def test_a_duckdb_error_anywhere_sends_the_file_to_the_careful_reader(shop, tmp_path, monkeypatch):
    """Also errors DuckDB raises when it binds the query (not only while it scans)."""
    path = write(shop, tmp_path / "orders.csv")
    monkeypatch.setattr(csvfast.CsvHead, "read_csv", lambda self, types, **o: "read_csv('/no/such/file.csv')")
    lines = load_orders(path)
    assert way(lines) == "careful" and "DuckDB's CSV reader stopped" in lines.summary.notes[-1]
    monkeypatch.undo()
    assert_same(lines, careful(path, monkeypatch))


def test_accented_text_needs_no_second_query(shop, tmp_path, monkeypatch):
    """Only text that may carry white space at its ends is read again trimmed (a second query)."""
    from workbench.data.orders import csvengine
    frame = shop.copy()
    frame["product_name"] = "Crème brûlée – " + frame["product_name"].astype(str) + " ™"
    path = write(frame, tmp_path / "accents.csv")
    calls = []
    query = csvengine._engine_query
    monkeypatch.setattr(csvengine, "_engine_query", lambda *a, **k: calls.append(k["exact"]) or query(*a, **k))
    fast = load_orders(path)
    assert way(fast) == "engine" and calls == [False]
    frame.loc[700, "product_name"] = "Crème\u3000"
    fast = load_orders(write(frame, tmp_path / "padded.csv"))
    assert way(fast) == "engine" and calls == [False, False, True]
    monkeypatch.undo()
    assert_same(fast, careful(tmp_path / "padded.csv", monkeypatch))


def test_a_header_error_or_a_row_error_whichever_the_careful_reader_meets_first(small_sample, tmp_path,
                                                                                 monkeypatch):
    rows = [f"R{i},b{i},2024-01-05,5" for i in range(1, 300)]
    path = tmp_path / "export.csv"
    path.write_text("Ref,Buyer,When,Total\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataError, match=r"layout not recognised: no column found for order_id and order_date"):
        load_orders(path)
    rows[250] = "R251,b251,2024-01-05,5,extra"       # the careful reader stops at this row before the header
    path.write_text("Ref,Buyer,When,Total\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataError) as fast:
        load_orders(path)
    with pytest.raises(DataError) as slow:
        careful(path, monkeypatch)
    assert str(fast.value) == str(slow.value) and "a row has more fields than the header's 4" in str(fast.value)


def test_later_queries_do_not_run_the_load_checks(shop, tmp_path):
    """The checks are hidden columns the lines' table drops: DuckDB leaves them out of later plans (a long IN
    list would have become a join that stays in every plan)."""
    import ibis

    from workbench.engine import default_backend
    frame = shop.copy()
    frame["status"] = "paid"
    lines = load_orders(write(frame, tmp_path / "orders.csv"))
    t = lines.table
    plan = default_backend().con.execute("EXPLAIN " + ibis.to_sql(t.aggregate(n=t.count(), r=t.revenue.sum())))
    text = plan.fetchall()[0][1]
    assert "JOIN" not in text and "strlen" not in text.lower() and "READ_CSV" in text.upper()


def test_queries_over_the_lines_carry_a_view_name_not_the_load_query(shop, tmp_path):
    """The file's query is a temporary view: Ibis re-parsed the 10 kB text of a ``con.sql`` query each time it
    compiled a query over the lines."""
    import ibis

    lines = load_orders(write(shop, tmp_path / "orders.csv"))
    t = lines.table
    sql = ibis.to_sql(t.aggregate(r=t.revenue.sum()))
    assert "read_csv" not in sql.lower() and '"temp"' in sql
    assert t.aggregate(n=t.count()).to_pandas()["n"].iloc[0] == len(shop)
