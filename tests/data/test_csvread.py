"""The robust CSV reader and the number/date parsers, on literal bytes with hand-computed values."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.data.csvread import (compression_of, currency_of_amounts, detect_encoding, parse_dates,
                                    parse_numbers, read_csv_head, read_csv_robust)
from workbench.errors import DataError

T = pd.Timestamp


def write(tmp_path, data: bytes, name: str = "f.csv"):
    p = tmp_path / name
    p.write_bytes(data)
    return p


class TestReadCsvRobust:
    def test_utf8_bom_semicolons_quoted_newline(self, tmp_path):
        data = '\ufeffid;name;amount\r\n1;"Mug\r\n(large)";"1.234,50 €"\r\n2;"Tee; organic";3,5\r\n'.encode("utf-8")
        read = read_csv_robust(write(tmp_path, data))
        assert read.encoding == "utf-8-sig" and read.delimiter == ";" and read.decimal == ","
        assert read.header == ["id", "name", "amount"]
        assert read.frame["name"].tolist() == ["Mug\r\n(large)", "Tee; organic"]
        assert read.frame["amount"].tolist() == ["1.234,50 €", "3,5"]
        assert read.rows == 2
        assert read.notes == ["UTF-8 byte-order mark removed."]

    def test_latin1_cp1252(self, tmp_path):
        data = "name,price\nCaf\xe9 cr\xe8me,\x8012.00\n".encode("latin-1")  # 0x80 is the euro sign in cp1252
        read = read_csv_robust(write(tmp_path, data))
        assert read.encoding == "cp1252"
        assert read.frame.iloc[0].tolist() == ["Café crème", "€12.00"]

    def test_tab_and_pipe(self, tmp_path):
        assert read_csv_robust(write(tmp_path, b"a\tb\n1\t2\n")).delimiter == "\t"
        assert read_csv_robust(write(tmp_path, b"a|b\n1|2\n")).frame["b"].tolist() == ["2"]

    def test_everything_stays_text_and_blanks_are_missing(self, tmp_path):
        read = read_csv_robust(write(tmp_path, b"id,zip,note\n007,01234,\n"))
        assert read.frame.iloc[0, :2].tolist() == ["007", "01234"]
        assert pd.isna(read.frame.iloc[0, 2])

    def test_header_only_allowed_on_request(self, tmp_path):
        read = read_csv_robust(write(tmp_path, b"a,b\n"), allow_header_only=True)
        assert read.rows == 0 and read.header == ["a", "b"]

    def test_errors(self, tmp_path):
        with pytest.raises(DataError, match=r"^x\.csv: the file is empty"):
            read_csv_robust(write(tmp_path, b""), source="x.csv")
        with pytest.raises(DataError, match=r"^f\.csv: the file has a header but no data rows \(0 rows"):
            read_csv_robust(write(tmp_path, b"a,b\n"))
        with pytest.raises(DataError, match=r"^f\.csv: column `a`: the header names 1 column twice: \[.a.\]\. Rename"):
            read_csv_robust(write(tmp_path, b"a,b,a\n1,2,3\n"))

    def test_detect_encoding(self):
        assert detect_encoding("é".encode("utf-8"))[0] == "utf-8"
        assert detect_encoding(b"\xe9")[0] == "cp1252"
        assert detect_encoding(b"\x81\xe9")[0] == "latin-1"  # 0x81 is undefined in cp1252


class TestParseNumbers:
    def test_notations(self):
        s = pd.Series(["$1,234.50", "1,234.50 USD", "-12.5", "(12.00)", "7-", "£0.99", "3", None])
        assert parse_numbers(s).tolist()[:7] == [1234.5, 1234.5, -12.5, -12.0, -7.0, 0.99, 3.0]
        assert pd.isna(parse_numbers(s).iloc[7])

    def test_decimal_comma_notations(self):
        s = pd.Series(["1.234,50 €", "EUR 12,5", "1 234,50", "0,99", "1.000.000"])
        assert parse_numbers(s).tolist() == [1234.5, 12.5, 1234.5, 0.99, 1_000_000.0]

    def test_swiss_apostrophe(self):
        assert parse_numbers(pd.Series(["CHF 1'234.50"])).tolist() == [1234.5]

    def test_ambiguous_values_follow_the_file(self):
        s = pd.Series(["1,250", "2,500"])
        assert parse_numbers(s, default_decimal=".").tolist() == [1250.0, 2500.0]
        assert parse_numbers(s, default_decimal=",").tolist() == [1.25, 2.5]
        assert parse_numbers(s, decimal=",").tolist() == [1.25, 2.5]

    def test_numbers_pass_through(self):
        assert parse_numbers(pd.Series([1, 2])).dtype == "float64"

    def test_mixed_decimal_marks(self):
        with pytest.raises(DataError, match=r"f\.csv: column `amount`: the column mixes decimal commas and "
                                            r"decimal points \(2 rows; first: row 1: '12,50' vs row 2: '3\.75'\)"):
            parse_numbers(pd.Series(["12,50", "3.75"]), source="f.csv", column="amount")

    def test_not_numbers(self):
        with pytest.raises(DataError, match=r"column `amount`: values are not numbers \(2 rows; first: row 3: "
                                            r"'12 apples'\)"):
            parse_numbers(pd.Series(["1", "2", "12 apples", "--"]), column="amount")

    def test_currency_of_amounts(self):
        got = currency_of_amounts(pd.Series(["$1.00", "1,00 €", "GBP 3", "£4", "5"]))
        assert got.tolist()[:4] == ["USD", "EUR", "GBP", "GBP"] and pd.isna(got.iloc[4])


class TestParseDates:
    def test_shopify_offsets_keep_local_time(self):
        notes: list[str] = []
        s = pd.Series(["2024-01-05 09:14:22 -0500", "2024-07-01 23:59:59 +0200", "2024-03-10T10:00:00Z"])
        got = parse_dates(s, column="Created at", notes=notes)
        assert got.tolist() == [T("2024-01-05 09:14:22"), T("2024-07-01 23:59:59"), T("2024-03-10 10:00:00")]
        assert got.dtype == "datetime64[us]"
        assert notes == ["Created at: time-zone offsets dropped, the local time written in the export kept."]

    def test_iso_and_compact(self):
        got = parse_dates(pd.Series(["2024-01-05", "19970101", "2024-01-05 09:14"]))
        assert got.tolist() == [T("2024-01-05"), T("1997-01-01"), T("2024-01-05 09:14")]

    def test_day_month_order_from_the_data(self):
        assert parse_dates(pd.Series(["12/1/2010 8:26", "12/13/2010 17:05"])).tolist() == \
            [T("2010-12-01 08:26"), T("2010-12-13 17:05")]
        assert parse_dates(pd.Series(["05.01.2024", "31.01.2024"])).tolist() == [T("2024-01-05"), T("2024-01-31")]

    def test_ambiguous_order_is_said(self):
        notes: list[str] = []
        got = parse_dates(pd.Series(["01/02/2024"]), column="Date", notes=notes, default_dayfirst=True)
        assert got.tolist() == [T("2024-02-01")]
        assert notes[0].endswith("read as day/month/year (pass dayfirst= to change).")
        assert parse_dates(pd.Series(["01/02/2024"]), dayfirst=False).tolist() == [T("2024-01-02")]

    def test_a_week_of_orders_within_one_month_shows_the_order(self):
        # no number above 12, but the first varies over a week and the second stays: days within one month
        notes: list[str] = []
        week = pd.Series([f"0{d}/11/2026 10:00" for d in (3, 3, 4, 5, 6, 7, 9)])
        got = parse_dates(week, column="Order Date", notes=notes)
        assert got.min() == T("2026-11-03 10:00") and got.max() == T("2026-11-09 10:00")
        assert notes == ["Order Date: no value shows whether dates are day/month or month/day; read as "
                         "day/month/year because the first number varies and the second does not, as days within "
                         "one month do (pass dayfirst= to change)."]
        us = pd.Series([f"11/0{d}/2026" for d in (3, 4, 9)])              # the mirror: month first
        assert parse_dates(us).tolist() == [T("2026-11-03"), T("2026-11-04"), T("2026-11-09")]
        # two values of the first number only: no evidence, the default order (and its note)
        notes = []
        assert parse_dates(pd.Series(["03/11/2026", "04/11/2026"]), notes=notes).tolist() == \
            [T("2026-03-11"), T("2026-04-11")]
        assert notes[0].endswith("read as month/day/year (pass dayfirst= to change).")
        # the documented miss: the 1st of three months written day first (1 Jan, 1 Feb, 1 Mar) varies in its
        # second number only, so it reads as three days of January (dayfirst=True reads it right)
        months = pd.Series(["01/01/2026", "01/02/2026", "01/03/2026"])
        assert parse_dates(months).tolist() == [T("2026-01-01"), T("2026-01-02"), T("2026-01-03")]
        assert parse_dates(months, dayfirst=True).tolist() == [T("2026-01-01"), T("2026-02-01"), T("2026-03-01")]

    def test_am_pm(self):
        got = parse_dates(pd.Series(["1/31/2024 12:05 AM", "1/31/2024 1:30 PM", "1/31/2024 12:00 PM"]))
        assert got.tolist() == [T("2024-01-31 00:05"), T("2024-01-31 13:30"), T("2024-01-31 12:00")]

    def test_both_orders_in_one_column(self):
        with pytest.raises(DataError, match=r"column `d`: dates mix day/month and month/day order \(1 row; first: "
                                            r"row 1: '13/01/2024' is day/month, row 2: '01/13/2024' is month/day\)"):
            parse_dates(pd.Series(["01/02/2024", "13/01/2024", "01/13/2024"]).iloc[1:], column="d")

    @pytest.mark.parametrize("value", ["32/01/2024", "13/13/2024", "31/06/2024", "06/31/2024", "29/02/2023",
                                       "12/01/2024 25:00"])
    def test_a_value_no_order_makes_a_date_is_not_a_date(self, value):
        """Day 32, month 13, 31 June (either way round), 29 February of a common year, hour 25: no date in any
        order, so reported as such with its row and value, even beside values that prove an order."""
        values = pd.Series(["13/01/2024", value, "01/13/2024"])
        with pytest.raises(DataError) as e:
            parse_dates(values, source="orders.csv", column="Date")
        assert str(e.value) == (f"orders.csv: column `Date`: values are not dates (1 row; first: row 2: {value!r}). "
                                "Correct or remove those rows; dates like 2024-01-31, 2024-01-31 09:15:00 -0500, "
                                "31/01/2024 or 01/31/2024 are understood.")

    def test_a_value_only_the_other_order_reads_is_not_a_date_when_the_order_is_given(self):
        with pytest.raises(DataError, match=r"values are not dates in day/month order \(dayfirst=True\) \(1 row; "
                                            r"first: row 2: '01/13/2024'\)"):
            parse_dates(pd.Series(["05/01/2024", "01/13/2024"]), dayfirst=True)
        assert parse_dates(pd.Series(["05/01/2024", "01/13/2024"]), dayfirst=False).tolist() == \
            [T("2024-05-01"), T("2024-01-13")]

    def test_not_dates(self):
        with pytest.raises(DataError, match=r"values are not dates \(1 row; first: row 2: '2024-02-30'\)"):
            parse_dates(pd.Series(["2024-02-28", "2024-02-30"]))

    def test_index_is_kept(self):
        got = parse_dates(pd.Series(["2024-01-01", "2024-01-02"], index=[10, 20]))
        assert got.index.tolist() == [10, 20]


class TestCompressed:
    def test_gzip_and_zip(self, tmp_path):
        import gzip
        import zipfile
        body = b"order_id,revenue\nA1,5\n"
        gz = write(tmp_path, gzip.compress(body), "orders.csv.gz")
        assert read_csv_robust(gz).frame["order_id"].tolist() == ["A1"]
        zp = tmp_path / "export.zip"
        with zipfile.ZipFile(zp, "w") as zf:
            zf.writestr("orders_export_1.csv", body)
        assert read_csv_robust(zp).frame["revenue"].tolist() == ["5"]

    def test_zip_with_several_files(self, tmp_path):
        import zipfile
        zp = tmp_path / "export.zip"
        with zipfile.ZipFile(zp, "w") as zf:
            zf.writestr("a.csv", "x\n1\n")
            zf.writestr("b.csv", "x\n2\n")
        with pytest.raises(DataError, match=r"^export\.zip: the zip archive holds 2 files, expected one\. Unzip it "
                                            r"and pass the orders file itself\. Files: \['a\.csv', 'b\.csv'\]\.$"):
            read_csv_robust(zp)


class TestReadCsvHead:
    """The first lines, read exactly as read_csv_robust reads the whole file (what the fast loader samples)."""

    def test_whole_lines_up_to_the_limit(self, tmp_path):
        body = "id;name;amount\r\n" + "".join(f'{i};"Mug\r\n{i}";{i},5\r\n' for i in range(1, 101))
        path = write(tmp_path, ("\ufeff" + body).encode("utf-8"))
        head, complete = read_csv_head(path, max_bytes=300)
        whole = read_csv_robust(path)
        assert not complete and 0 < head.rows < whole.rows
        pd.testing.assert_frame_equal(head.frame, whole.frame.head(head.rows))
        assert (head.encoding, head.delimiter, head.decimal, head.header, head.notes) == \
            (whole.encoding, whole.delimiter, whole.decimal, whole.header, whole.notes)
        head, complete = read_csv_head(path, max_bytes=10_000)
        assert complete and head.rows == 100

    def test_a_cut_inside_a_quoted_field_ends_the_sample_a_line_earlier(self, tmp_path):
        body = "id,name\n" + "".join(f'{i},"Mug\n\nlarge {i}"\n' for i in range(1, 200))
        path = write(tmp_path, body.encode())
        for limit in range(60, 90):
            head, complete = read_csv_head(path, max_bytes=limit)
            assert not complete and head.frame["name"].str.startswith("Mug\n\nlarge").all()

    def test_gzip_head_and_compression(self, tmp_path):
        import gzip
        body = b"order_id,revenue\n" + b"".join(b"A%d,5\n" % i for i in range(1000))
        gz = write(tmp_path, gzip.compress(body), "orders.csv")     # the bytes decide, not the name
        head, complete = read_csv_head(gz, max_bytes=100)
        assert not complete and head.frame["order_id"].iloc[0] == "A0" and compression_of(gz) == "gzip"
        assert compression_of(write(tmp_path, body, "plain.csv")) is None

    def test_same_messages_as_the_whole_file(self, tmp_path):
        with pytest.raises(DataError, match=r"^f\.csv: column `a`: the header names 1 column twice"):
            read_csv_head(write(tmp_path, b"a,b,a\n1,2,3\n" * 50), max_bytes=64)
        with pytest.raises(DataError, match=r"^f\.csv: the file has a header but no data rows"):
            read_csv_head(write(tmp_path, b"a,b\n"), max_bytes=64)
