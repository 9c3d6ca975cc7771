import pandas as pd
import pytest

from workbench.present.tables import table


def test_formats_by_kind_and_left_aligns_text():
    df = pd.DataFrame({"segment": ["Champions", "Lost"], "revenue": [1760689.6, 12.5], "share": [0.7042, 0.005],
                       "customers": [6314, 12], "ratio": [1.23456, 2.0]})
    html = table(df, money=["revenue"], pct=["share"], count=["customers"], decimals={"ratio": 2},
                 caption="Segments").to_html()
    for text in ["$1,760,690", "$12", "70.4%", "0.5%", "6,314", "1.23", "Segments"]:
        assert text in html
    assert "text-align: left" in html


def test_unknown_column_is_named():
    with pytest.raises(KeyError, match=r"\['nope'\] not in the frame"):
        table(pd.DataFrame({"a": [1]}), money=["nope"])


def test_dates_without_time_read_as_dates():
    df = pd.DataFrame({"period": pd.to_datetime(["1998-06-29", "1998-07-06"]), "forecast": [14286.0, 14286.0],
                       "at": pd.to_datetime(["1998-06-29 09:30", "1998-07-06 00:00"])})
    html = table(df, money=["forecast"]).to_html()
    assert "29 Jun 1998" in html and "06 Jul 1998" in html 
    assert "1998-06-29 09:30:00" in html


class TestSpec:
    def frame(self):
        return pd.DataFrame({"segment": ["Champions", "Lost"], "revenue": [1760689.6, 12.5],
                             "share": [0.7042, 0.005], "lift": [0.012, -0.003], "customers": [6314, 12],
                             "internal": [1, 2]})

    def test_columns_in_spec_order_under_their_labels_and_formatted_by_kind(self):
        from workbench.present.tables import Col, TableSpec

        spec = TableSpec({"customers": Col("Customers", "count"), "segment": "Segment",
                          "revenue": Col("Net revenue", "money", decimals=2), "share": Col("Share", "percent"),
                          "lift": Col("Change", "pp")}, caption="Segments")
        styler = table(self.frame(), spec, currency="EUR")
        assert list(styler.data.columns) == ["Customers", "Segment", "Net revenue", "Share", "Change"]
        html = styler.to_html()
        for text in ["6,314", "€1,760,689.60", "€12.50", "70.4%", "+1.2 pp", "-0.3 pp", "Segments"]:
            assert text in html
        assert "internal" not in html and "text-align: left" in html

    def test_missing_column_is_named_and_optional_ones_are_skipped(self):
        from workbench.present.tables import Col, TableSpec

        with pytest.raises(KeyError, match=r"\['nope'\] not in the frame"):
            table(self.frame(), TableSpec({"nope": Col("Nope", "money")}))
        styler = table(self.frame(), TableSpec({"segment": "Segment", "nope": Col("Nope", "money", optional=True)}))
        assert list(styler.data.columns) == ["Segment"]

    def test_caption_override_and_index(self):
        from workbench.present.tables import Col, TableSpec

        frame = self.frame().set_index("segment")
        spec = TableSpec({"segment": "Segment", "customers": Col("Customers", "count")}, caption="x", index=True)
        styler = table(frame, spec, caption="Customers by segment")
        assert list(styler.data.columns) == ["Segment", "Customers"] and "Customers by segment" in styler.to_html()

    def test_unknown_kind_is_refused(self):
        from workbench.present.tables import Col

        with pytest.raises(ValueError, match=r"kind 'dollars' is not one of"):
            Col("Revenue", "dollars")
