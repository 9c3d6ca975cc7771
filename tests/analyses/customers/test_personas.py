"""Buyer personas: features by hand, recovery of constructed groups, the naming rules, thin data, errors."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from workbench.analyses.customers import personas as P
from workbench.errors import DataError, NotEnoughData

AS_OF = pd.Timestamp("2024-12-31")


def _store(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.Series]:
    """Generated order lines with three known groups of 60 customers each:

    - "regular": 8-12 orders, one every ~30 days up to the as-of date, about $40 per order, customers for ~1 year;
    - "lapsed": one order of about $20, 350-450 days before the as-of date;
    - "new big": one order of about $200, 5-25 days before the as-of date (just acquired).
    """
    rows, truth = [], {}
    for i in range(60):
        cid = f"r{i}"
        truth[cid] = "regular"
        n = int(rng.integers(8, 13))
        for k in range(n):
            day = AS_OF - pd.Timedelta(days=int(30 * k + rng.integers(0, 5)))
            rows.append((f"{cid}-{k}", cid, day, float(rng.normal(40, 4)), 2, "sale", "Books" if k % 2 else "Music"))
    for i in range(60):
        cid = f"l{i}"
        truth[cid] = "lapsed"
        day = AS_OF - pd.Timedelta(days=int(rng.integers(350, 451)))
        rows.append((f"{cid}-0", cid, day, float(rng.normal(20, 2)), 1, "sale", "Music"))
    for i in range(60):
        cid = f"n{i}"
        truth[cid] = "new big"
        day = AS_OF - pd.Timedelta(days=int(rng.integers(5, 26)))
        rows.append((f"{cid}-0", cid, day, float(rng.normal(200, 20)), 6, "sale", "Books"))
    df = pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "revenue", "quantity", "line_type",
                                     "category"])
    return df, pd.Series(truth)


class TestFeatures:
    def test_by_hand(self):
        lines = pd.DataFrame({
            "order_id": ["o1", "o1", "o2", "r1", "o3", "x"],
            "customer_id": ["A", "A", "A", "A", "B", "A"],
            "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-03-01", "2024-03-05", "2024-02-01",
                                          "2024-03-01"]),
            "revenue": [30.0, 10.0, 60.0, -20.0, 15.0, 4.0],
            "quantity": [1, 1, 2, -1, 1, 0],
            "line_type": ["sale", "sale", "sale", "return", "sale", "non_product"],
            "category": ["Music", "Books", "Music", "Music", "Books", None],
            "country": ["DE", "DE", "DE", "DE", "FR", "DE"],
        })
        f = P.persona_features(lines, as_of="2024-03-31")
        a = f.loc["A"]
        assert (a.orders, a.revenue, a.units) == (2, 80.0, 4.0)            # the return nets revenue, not orders
        assert (a.recency_days, a.tenure_days, a.aov) == (30, 90, 40.0)
        assert a.first_order == dt.date(2024, 1, 1) and a.last_order == dt.date(2024, 3, 1)
        assert a.share_music == pytest.approx(90 / 100) and a.share_books == pytest.approx(10 / 100)
        assert f.loc["B", "share_books"] == 1.0 and f.loc["B", "country"] == "FR"
        assert f.attrs["as_of"] == dt.date(2024, 3, 31)

    def test_as_of_cuts_later_lines(self):
        lines = pd.DataFrame({"order_id": ["a", "b"], "customer_id": ["1", "1"],
                              "order_date": pd.to_datetime(["2024-01-01", "2024-06-01"]), "revenue": [5.0, 7.0]})
        f = P.persona_features(lines, as_of="2024-02-01")
        assert f.loc["1", "orders"] == 1 and f.loc["1", "recency_days"] == 31

    def test_missing_order_column(self):
        lines = pd.DataFrame({"customer_id": ["1"], "order_date": pd.to_datetime(["2024-01-01"]), "revenue": [5.0]})
        with pytest.raises(DataError, match=r"order column `order_id` not found.*pass order="):
            P.persona_features(lines)


class TestKnownGroups:
    @pytest.fixture(scope="class")
    @classmethod
    def result(cls):
        lines, truth = _store(np.random.default_rng(7))
        features = P.persona_features(lines)
        return P.Personas(k_min=2, k_max=6, seed=11).fit(features), truth

    def test_recovers_the_three_groups(self, result):
        personas, truth = result
        assert personas.k_ == 3 and personas.k_range_ == (2, 6)
        assert personas.selection_.loc[personas.selection_.silhouette.idxmax(), "k"] == 3
        assert personas.selection_.chosen.tolist() == [False, True, False, False, False]
        labels = personas.customers_.cluster.reindex(truth.index)
        assert adjusted_rand_score(truth, labels) == 1.0

    def test_chosen_silhouette_equals_a_hand_computed_one(self, result):
        """Rousseeuw's silhouette from scratch (a: mean distance within the own cluster, b: to the nearest other
        cluster) on the standardised features and the chosen labels; 180 customers are all in the sample, so the
        chosen k's clusters on the sample are the final ones."""
        personas, _ = result
        design = P._design(personas.customers_)[personas.features_used_].to_numpy()
        X = (design - design.mean(0)) / design.std(0)
        labels = personas.customers_.cluster.to_numpy()
        D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
        s = []
        for i in range(len(X)):
            own = labels == labels[i]
            a = D[i, own].sum() / (own.sum() - 1)
            b = min(D[i, labels == c].mean() for c in set(labels) - {labels[i]})
            s.append((b - a) / max(a, b))
        chosen = personas.selection_.set_index("k").silhouette[personas.k_]
        assert chosen == pytest.approx(np.mean(s), abs=1e-12)

    def test_names_follow_the_rules(self, result):
        personas, truth = result
        by_group = personas.labels_.groupby(truth.reindex(personas.customers_.index)).first()
        assert by_group["regular"] == "Champions"                              # cycle 30 days, ordered <= 5 ago
        assert by_group["lapsed"] == "Lapsed one-time buyers, small baskets"   # 350-450 days ago
        assert by_group["new big"] == "New customers, big baskets"             # first order 5-25 days ago

    def test_profiles_from_the_numbers(self, result):
        personas, truth = result
        prof = personas.profiles_.set_index("persona")
        champions = personas.customers_[personas.customers_.persona == "Champions"]
        assert prof.loc["Champions", "customers"] == 60
        assert prof.loc["Champions", "share_customers"] == pytest.approx(1 / 3)
        assert prof.loc["Champions", "share_revenue"] == pytest.approx(
            champions.revenue.sum() / personas.customers_.revenue.sum())
        assert prof.loc["Champions", "orders_per_customer"] == pytest.approx(champions.orders.mean())
        assert prof.loc["Champions", "repeat_share"] == 1.0
        assert prof.loc["Lapsed one-time buyers, small baskets", "top_category"] == "music"
        assert personas.profiles_.share_revenue.is_monotonic_decreasing
        assert set(personas.centres_.index) == set(personas.profiles_.persona)

    def test_repr_names_the_fit(self, result):
        personas, _ = result
        assert repr(personas).startswith("<Personas: 3 personas of 180 customers, chosen by silhouette among k 2-6: ")
        assert repr(P.Personas(k_min=3, k_max=5)) == "<Personas: not fitted, k 3-5>"


class TestNamingRules:
    # store purchase cycle 30 days: active <= 45 days since the last order, lapsed > 90, new if tenure <= 60
    @pytest.mark.parametrize("centre, orders, recency, tenure, expected", [
        ({"log_orders": 1.5, "log_aov": 0.0}, 9, 10, 400, "Champions"),
        ({"log_orders": 0.8, "log_aov": 0.0}, 5, 40, 400, "Loyal regulars"),
        ({"log_orders": 0.9, "log_aov": 0.7}, 4, 60, 400, "Regulars cooling off, big baskets"),
        ({"log_orders": 0.9, "log_aov": 0.0}, 4, 200, 400, "Lapsed regulars"),
        ({"log_orders": 0.0}, 2, 20, 50, "New customers"),
        ({"log_orders": 0.0}, 2, 20, 300, "Recent occasional buyers"),
        ({"log_orders": 0.1, "log_aov": -0.9}, 2, 80, 300, "Occasional buyers, small baskets"),
        ({"log_orders": -0.6}, 1, 300, 300, "Lapsed one-time buyers"),
        ({"log_orders": -0.6}, 1, 70, 70, "One-time buyers"),
        ({"log_orders": -0.6}, 1, 30, 200, "Recent first-time buyers"),
        ({"log_orders": -0.6, "log_aov": 1.2}, 1, 10, 10, "New customers, big baskets"),
    ])
    def test_table(self, centre, orders, recency, tenure, expected):
        assert P.persona_name(pd.Series(centre), median_orders=orders, median_recency_days=recency,
                              median_tenure_days=tenure, cycle_days=30) == expected

    def test_without_a_purchase_cycle_activity_follows_z(self):
        assert P.persona_name(pd.Series({"log_recency": 1.0, "log_orders": -0.5}), median_orders=1) == \
            "Lapsed one-time buyers"
        assert P.persona_name(pd.Series({"log_recency": -1.0, "log_tenure": -1.0}), median_orders=1) == \
            "New customers"

    def test_purchase_cycle(self):
        f = pd.DataFrame({"orders": [3, 2, 1, 5],
                          "first_order": [dt.date(2024, 1, 1)] * 4,
                          "last_order": [dt.date(2024, 1, 21), dt.date(2024, 1, 31), dt.date(2024, 1, 1),
                                         dt.date(2024, 5, 30)]})
        # gaps: 20 / 2 = 10, 30 / 1 = 30, 150 / 4 = 37.5 -> median 30
        assert P.purchase_cycle_days(f) == 30.0
        assert P.purchase_cycle_days(f[f.orders == 1]) is None

    def test_two_clusters_with_one_name_are_told_apart(self):
        names = {0: "One-time buyers", 1: "One-time buyers", 2: "Champions"}
        prof = pd.DataFrame({"customers": [10, 20, 5]})
        centres = pd.DataFrame({"log_recency": [0.1, 0.3, -2], "log_orders": [-0.6, -0.6, 1.5],
                                "log_aov": [0.45, -0.45, 0.0]})
        out = P._unique_names(names, prof, centres)
        assert out.tolist() == ["One-time buyers, bigger baskets", "One-time buyers, smaller baskets", "Champions"]
        prof["top_category"] = ["bags", "shoes", "music"]
        out = P._unique_names(names, prof, centres)
        assert out.tolist() == ["One-time buyers (bags)", "One-time buyers (shoes)", "Champions"]
        names[2] = "One-time buyers"
        prof["top_category"] = ["bags", "bags", "music"]
        assert P._unique_names(names, prof, centres).tolist() == [
            "One-time buyers (B)", "One-time buyers (A)", "One-time buyers (C)"]


class TestThinData:
    def test_few_customers_narrow_the_range(self, rng):
        lines, _ = _store(rng)
        features = P.persona_features(lines).sample(45, random_state=1)  # 45 customers: at most 4 personas of 10
        personas = P.Personas(k_min=3, k_max=8).fit(features)
        assert personas.k_range_ == (3, 4) and personas.selection_.k.tolist() == [3, 4]
        assert personas.profiles_.customers.sum() == 45

    def test_range_below_k_min(self, rng):
        features = P.persona_features(_store(rng)[0]).sample(25, random_state=1)  # 25 customers: 2 personas only
        personas = P.Personas(k_min=3, k_max=6).fit(features)
        assert personas.k_range_ == (2, 2) and personas.k_ == 2

    def test_too_few_customers_for_any_persona(self, rng):
        features = P.persona_features(_store(rng)[0]).head(19)
        with pytest.raises(NotEnoughData, match=r"^19 customers are too few to group into buyer personas\. Personas "
                                                r"need at least 20 customers \(10 per persona\)"):
            P.Personas(k_min=3, k_max=6).fit(features)

    def test_one_customer(self):
        lines = pd.DataFrame({"order_id": ["a"], "customer_id": ["1"], "order_date": pd.to_datetime(["2024-03-05"]),
                              "revenue": [25.0]})
        with pytest.raises(NotEnoughData, match=r"^1 customer is too few"):
            P.Personas().fit(P.persona_features(lines))

    def test_customers_that_do_not_differ(self):
        lines = pd.DataFrame({"order_id": [f"o{i}" for i in range(30)], "customer_id": [str(i) for i in range(30)],
                              "order_date": pd.to_datetime(["2024-03-05"] * 30), "revenue": [25.0] * 30})
        with pytest.raises(NotEnoughData, match=r"The customers do not differ in how they buy"):
            P.Personas().fit(P.persona_features(lines, as_of="2024-03-31"))

    def test_no_customer_ids(self):
        lines = pd.DataFrame({"order_id": ["a"], "customer_id": [None], "order_date": pd.to_datetime(["2024-01-01"]),
                              "revenue": [1.0]}).astype({"customer_id": "string"})
        with pytest.raises(NotEnoughData, match=r"column `customer_id`: no order line has a customer id.*Shopify: "
                                                r"Email"):
            P.persona_features(lines)


class TestErrors:
    def test_bad_range(self):
        with pytest.raises(DataError, match=r"persona range k_min=5, k_max=3 is not valid.*2 <= k_min <= k_max"):
            P.Personas(k_min=5, k_max=3)

    def test_unfitted(self):
        with pytest.raises(RuntimeError, match="not fitted"):
            P.Personas().labels_
