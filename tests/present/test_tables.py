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
