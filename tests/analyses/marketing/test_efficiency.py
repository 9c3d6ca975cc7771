"""New customers, blended CAC, CAC by first-order channel, lifetime value of a new customer, LTV:CAC and payback on
a hand-computed shop of four customers."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import special

import workbench as wb
from workbench.analyses import marketing as mk
from workbench.analyses.customers.bgnbd import BetaGeoModel
from workbench.analyses.customers.gamma_gamma import GammaGammaModel
from workbench.errors import NotEnoughData


def _orders() -> pd.DataFrame:
    rows = [  # order, customer, date, revenue, channel
        ("1", "A", "2025-01-01 10:00", 100.0, "google"), ("2", "B", "2025-01-20 11:00", 60.0, "Meta"),
        ("3", "A", "2025-02-10 09:00", 50.0, "email"), ("4", "C", "2025-02-03 12:00", 80.0, "direct"),
        ("5", "D", "2025-02-15 13:00", 40.0, "Google Ads"), ("6", "D", "2025-03-10 14:00", 40.0, "email"),
        ("7", "C", "2025-03-31 15:00", 20.0, "direct")]
    f = pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "revenue", "channel"])
    f["order_date"] = pd.to_datetime(f["order_date"]).astype("datetime64[us]")
    f["quantity"], f["line_type"], f["sku"] = 1, "sale", "X"
    return f


@pytest.fixture(scope="module")
def spend():
    days = pd.date_range("2025-01-01", "2025-03-31", freq="D")
    frame = pd.concat([pd.DataFrame({"date": days, "channel": "Google Ads", "spend": 2.0}),
                       pd.DataFrame({"date": days, "channel": "Meta Ads", "spend": 1.0})])
    return wb.load_spend(frame, currency="USD")


def test_new_customers_and_blended_cac_by_month(spend):
    a = mk.acquisition_costs(spend, orders=_orders(), period="month")
    p = a.by_period
    assert p["new_customers"].tolist() == [2, 2, 0]                # A, B in January; C, D in February
    assert p["spend"].tolist() == [93.0, 84.0, 93.0]               # 31 x 3, 28 x 3, 31 x 3
    assert p["cac"].iloc[:2].tolist() == [46.5, 42.0] and np.isnan(p["cac"].iloc[2])
    assert a.totals["cac"] == 270 / 4 and a.totals["new_customers"] == 4


def test_cac_by_first_order_channel_matches_channel_names(spend):
    by = mk.acquisition_costs(spend, orders=_orders()).by_channel.set_index("channel")
    assert by.loc["Google Ads", "new_customers"] == 2                 # "google" and "Google Ads" are one channel
    assert by.loc["Google Ads", "cac"] == 180 / 2 and by.loc["Meta Ads", "cac"] == 90 / 1
    assert by.loc["direct", "new_customers"] == 1 and np.isnan(by.loc["direct", "cac"])
    assert by["share_of_new"].sum() == pytest.approx(1.0)


def test_without_a_channel_column_only_the_blended_cac(spend):
    a = mk.acquisition_costs(spend, orders=_orders().drop(columns="channel"))
    assert a.by_channel is None and "no channel or source" in a.channel_note


def test_payback_by_hand(spend):
    lines = mk.contribution_lines(_orders(), margin=0.5)
    pb = mk.payback(lines, spend=spend).cohorts.set_index("cohort")
    jan, feb = pb.loc["2025-01-01"], pb.loc["2025-02-01"]
    # January: CAC 93 / 2 = 46.50; contribution per customer 40 in month 0 ((100 + 60) / 2 x 0.5), 52.50 by month 1
    assert (jan["cac"], jan["payback_month"], jan["contribution_to_date"]) == (46.5, 1.0, 52.5)
    # February: CAC 84 / 2 = 42; 30 in month 0, 45 by month 1
    assert (feb["cac"], feb["payback_month"], feb["contribution_to_date"]) == (42.0, 1.0, 45.0)
    totals = mk.payback(lines, spend=spend).totals
    # all cohorts: (93 + 84) / 4 = 44.25; weighted 35 in month 0, (105 + 90) / 4 = 48.75 in month 1
    assert totals["cac"] == 44.25 and totals["payback_month"] == 1.0
    overall = mk.payback(lines, spend=spend).overall.set_index("age")
    assert overall["cumulative_contribution"].tolist() == [35.0, 48.75, 52.5]


def test_lifetime_value_of_a_new_customer_and_ltv_to_cac(spend, monkeypatch):
    r, alpha, a, b = 0.25, 4.0, 0.8, 2.5
    p, q, gamma = 6.0, 4.0, 15.0
    fake = SimpleNamespace(bgnbd=BetaGeoModel.from_params(r, alpha, a, b),
                           gamma_gamma=GammaGammaModel.from_params(p, q, gamma))
    fake.bgnbd.n_customers_ = 4
    monkeypatch.setattr(mk.efficiency._borrowed, "lifetime_models", lambda orders, margin: fake)
    lines = mk.contribution_lines(_orders(), margin=0.5)
    value = mk.new_customer_value(lines, orders=_orders(), horizon_weeks=4, discount_rate=0.10)
    # first purchase day's contribution: A 50, B 30, C 40, D 20 -> 35
    assert value.first_purchase == 35.0
    # repeat: 0.5 x mean spend p gamma / (q - 1) = 30 x sum over weeks k of (E[X(k)] - E[X(k-1)]) / 1.1^(k/52),
    # E[X(t)] = (a + b - 1) / (a - 1) [1 - 2F1(r, a - 1; a + b - 1; -t / alpha)] (Fader, Hardie & Lee 2005, eq. 9)
    ex = [(a + b - 1) / (a - 1) * (1 - special.hyp2f1(r, a - 1, a + b - 1, -t / alpha)) for t in range(5)]
    repeat = 0.5 * (p * gamma / (q - 1)) * sum((ex[k] - ex[k - 1]) / 1.1 ** (k / 52) for k in range(1, 5))
    assert value.repeat_value == pytest.approx(repeat, rel=1e-12)
    assert value.ltv == pytest.approx(35.0 + repeat, rel=1e-12)
    acquisition = mk.acquisition_costs(spend, orders=_orders())
    assert mk.ltv_to_cac(value, acquisition=acquisition) == pytest.approx((35.0 + repeat) / 67.5)


def test_sections_without_orders_say_why(spend):
    with pytest.raises(NotEnoughData, match=r"no orders were given: new customers, acquisition cost \(CAC\), lifetime "
                                            r"value and payback need the shop's orders\. Pass the shop's orders export"):
        mk.acquisition_costs(spend, orders=None)
    with pytest.raises(NotEnoughData, match="no orders were given"):
        mk.contribution_lines(None)


def test_spend_by_channel_and_period(spend):
    by = mk.spend_by_channel(spend).set_index("channel")
    assert by.loc["Google Ads", "spend"] == 180.0 and by.loc["Google Ads", "share_of_spend"] == pytest.approx(2 / 3)
    revenue = pd.Series([10.0, 20.0], index=pd.to_datetime(["2025-01-06", "2025-02-03"]))
    per = mk.spend_by_period(spend, revenue=revenue, period="month")
    assert per.index.tolist() == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01")]
    assert per.loc["2025-01-01", "mer"] == pytest.approx(10 / 93)
    assert per.loc["2025-02-01", ["Google Ads", "Meta Ads", "spend"]].tolist() == [56.0, 28.0, 84.0]


def test_platform_roas_cpc_and_cpm():
    s = wb.load_spend("tests/fixtures/marketing/meta_ads_daily.csv")
    by = mk.spend_by_channel(s).iloc[0]
    assert by["platform_roas"] == pytest.approx(4825 / 4928.5)
    assert by["cpc"] == pytest.approx(4928.5 / 4905)
    assert by["cpm"] == pytest.approx(1000 * 4928.5 / 354400)
