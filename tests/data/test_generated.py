"""Which sources are generated data: files under data/generated/, or named generated / synthetic."""
from __future__ import annotations

import pandas as pd

from workbench import config
from workbench.data.generated import is_generated_source


class _Loaded:
    def __init__(self, source):
        self.source = source


def test_generated_folder_and_names():
    assert is_generated_source(config.GENERATED_DIR / "orders_1M.parquet")
    assert is_generated_source(str(config.GENERATED_DIR / "sub" / "orders.csv"))
    assert is_generated_source(_Loaded("/tmp/synthetic_shop.csv"))
    assert is_generated_source(_Loaded("/tmp/Orders-GENERATED.csv"))


def test_real_data_and_tables_without_a_file():
    assert not is_generated_source(_Loaded(str(config.SHIPPED["cdnow"])))
    assert not is_generated_source(_Loaded(None)) and not is_generated_source(_Loaded(""))
    assert not is_generated_source(pd.DataFrame({"order_id": [1]}))
    assert not is_generated_source(pd.DataFrame({"source": ["generated.csv"]}))  # a column, not a path
