"""CDNOW fixtures for the lifetime-value tests: the 1/10 sample of the literature, mapped to canonical columns by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench import config

CALIBRATION_END, HOLDOUT_END = "1997-09-30", "1998-06-30"


def _cdnow_lines() -> pd.DataFrame:
    raw = pd.read_csv(config.SHIPPED["cdnow_transactions"], dtype={"amount": float})
    return pd.DataFrame({
        "order_id": [f"{c}-{i}" for i, c in enumerate(raw.customer_id)],
        "customer_id": raw.customer_id.astype(str),
        "order_date": pd.to_datetime(raw.order_date).astype("datetime64[us]"),
        "revenue": raw.amount,
        "quantity": raw.quantity.astype("int64"),
        "line_type": "sale",
    })


@pytest.fixture(scope="session")
def cdnow_lines() -> pd.DataFrame:
    """All 69,659 CDNOW lines in canonical columns."""
    return _cdnow_lines()


@pytest.fixture(scope="session")
def cdnow_sample_ids() -> pd.DataFrame:
    ids = pd.read_csv(config.SHIPPED["cdnow_sample_ids"])
    ids["customer_id"] = ids.customer_id.astype(str)
    return ids


@pytest.fixture(scope="session")
def cdnow_sample(cdnow_lines, cdnow_sample_ids) -> pd.DataFrame:
    """The 6,919 lines of the 2,357 customers of the 1/10 sample (Fader, Hardie & Lee 2005)."""
    return cdnow_lines[cdnow_lines.customer_id.isin(cdnow_sample_ids.customer_id)].reset_index(drop=True)


@pytest.fixture(scope="session")
def sample_summary(cdnow_sample):
    from workbench.analyses.customers import clv

    return clv.clv_summary(cdnow_sample, calibration_end=CALIBRATION_END, holdout_end=HOLDOUT_END)


@pytest.fixture(scope="session")
def sample_bgnbd(sample_summary):
    from workbench.analyses.customers import clv

    return clv.BetaGeoModel().fit(sample_summary)


@pytest.fixture(scope="session")
def sample_gamma_gamma(sample_summary):
    from workbench.analyses.customers import clv

    return clv.GammaGammaModel().fit(sample_summary)
