import datetime as dt

import pandas as pd

from workbench.data.excel import typed_columns


def test_a_column_keeps_excels_type_only_where_every_filled_cell_has_it():
    body = pd.DataFrame({
        "amount": [12, 3.5, None],                                  # numbers: float64
        "when": [dt.datetime(2024, 3, 1, 9), pd.Timestamp("2024-03-02"), None],  # datetimes
        "mixed": [7, "7 items", None],                              # text and a number: text
        "name": [" Mug ", "", None],
    }, dtype=object)
    out = typed_columns(body)
    assert out["amount"].dtype == "float64" and out["amount"].tolist()[:2] == [12.0, 3.5]
    assert out["when"].tolist()[:2] == [pd.Timestamp("2024-03-01 09:00"), pd.Timestamp("2024-03-02")]
    assert out["mixed"].tolist()[:2] == ["7", "7 items"] and out["mixed"].dtype == "string"
    assert out["name"].tolist()[:2] == [" Mug ", ""]                # the order loader trims later
    stripped = typed_columns(body, strip=True)["name"]
    assert stripped.iloc[0] == "Mug" and stripped.iloc[1:].isna().all()
