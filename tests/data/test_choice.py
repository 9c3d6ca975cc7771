"""load_choice_panel / load_oj_purchases: shipped panels, the long table, and every bad-input message."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench import config
from workbench import provenance
from workbench.data.choice import CHOICE_COLUMNS
from workbench.errors import DataError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "choice"


class TestShippedPanels:
    @pytest.mark.parametrize("name, occasions, alternatives, households, promotions", [
        ("yogurt", 2412, 4, 100, ["feature"]),
        ("catsup", 2798, 4, 300, ["feature", "display"]),
        ("tuna", 13705, 5, 3093, []),
    ])
    def test_long_table_shape(self, name, occasions, alternatives, households, promotions):
        p = wb.load_choice_panel(name)
        assert list(p.table.columns) == list(CHOICE_COLUMNS)
        assert len(p.table) == occasions * alternatives
        assert p.n_occasions == occasions
        assert p.n_households == households
        assert p.promotions == promotions
        assert (p.table.groupby("occasion_id")["chosen"].sum() == 1).all()
        assert p.price_unit is None
        assert any("not documented" in n for n in p.notes)

    def test_yogurt_choice_counts_match_data_readme(self):
        # data/README.md: yoplait 818, dannon 970, hiland 71, weight 553
        p = wb.load_choice_panel("yogurt")
        won = p.table[p.table.chosen == 1].alternative.value_counts()
        assert won.to_dict() == {"Dannon": 970, "Yoplait": 818, "Weight Watchers": 553, "Hiland": 71}
        assert p.alternatives == ["Yoplait", "Dannon", "Hiland", "Weight Watchers"]
        assert p.codes["Weight Watchers"] == "weight"

    def test_first_occasion_values(self):
        # yogurt.csv row 1: 1,1,weight,10.8,8.1,6.1,7.9,0,0,0,0
        t = wb.load_choice_panel("yogurt").table
        first = t[t.occasion_id == "1"]
        assert first.alternative.tolist() == ["Yoplait", "Dannon", "Hiland", "Weight Watchers"]
        assert first.price.tolist() == [10.8, 8.1, 6.1, 7.9]
        assert first.chosen.tolist() == [0, 0, 0, 1]
        assert first.feature.tolist() == [0, 0, 0, 0]
        assert first.display.isna().all()  # yogurt has no display flags

    def test_cracker_zero_prices_are_dropped_and_counted(self):
        p = wb.load_choice_panel("cracker")
        assert p.occasions_read == 3292
        assert p.n_occasions == 3289
        assert p.occasions_dropped == {"price 0": 3}
        assert (p.table.price > 0).all()
        assert any("3 occasions with a price of 0 (nabisco" in n for n in p.notes)
        assert "Keebler" in p.alternatives and p.codes["Keebler"] == "kleebler"

    def test_cracker_zero_prices_can_be_refused(self):
        with pytest.raises(DataError, match=r"cracker.csv: column `price_nabisco`: occasions with a price of 0 "
                                            r"\(3 rows; first: occasion 319: nabisco price 0\)"):
            wb.load_choice_panel("cracker", bad_prices="error")

    def test_registers_the_file(self):
        wb.load_choice_panel("catsup")
        (entry,) = provenance.registered_inputs()
        assert entry.path.endswith("brand_choice/catsup.csv") and entry.role == "choice panel"
        assert entry.sha256 == "f87fd80efe4f6e51920bb118c408a0a56a2a67d2046be0f55ad03d6849aec429"

    def test_brand_lookup_by_code_or_name(self):
        p = wb.load_choice_panel("yogurt")
        assert p.brand("weight") == "Weight Watchers"
        assert p.brand("weight watchers") == "Weight Watchers"
        with pytest.raises(DataError, match=r"unknown brand 'activia'.*Use one of the brands in the data: "
                                            r"\['Yoplait', 'Dannon', 'Hiland', 'Weight Watchers'\]"):
            p.brand("activia")


class TestSmallPanels:
    def test_tiny_panel_by_hand(self):
        p = wb.load_choice_panel(FIX / "tiny_panel.csv")
        # occasion 4 has alpha at 0, occasion 6 beta at -1.00: both left out
        assert p.occasions_dropped == {"price 0": 1, "price below 0": 1}
        assert p.n_occasions == 4 and len(p.table) == 12
        assert p.table.occasion_id.unique().tolist() == ["1", "2", "3", "5"]
        o3 = p.table[p.table.occasion_id == "3"]
        assert o3.chosen.tolist() == [0, 0, 1]
        assert o3.price.tolist() == [1.0, 1.5, 1.8]
        assert o3.display.tolist() == [0, 1, 0]
        assert p.promotions == ["feature", "display"]
        assert p.name == "tiny_panel" and p.alternatives == ["alpha", "beta", "gamma"]

    def test_negative_price_refused(self):
        with pytest.raises(DataError, match=r"tiny_panel.csv: column `price_alpha`: occasions with a price of 0"):
            wb.load_choice_panel(FIX / "tiny_panel.csv", bad_prices="error")
        frame = pd.read_csv(FIX / "tiny_panel.csv").query("row_id != 4")
        with pytest.raises(DataError, match=r"DataFrame: column `price_beta`: occasions with a negative price "
                                            r"\(1 row; first: occasion 6: beta price below 0\)"):
            wb.load_choice_panel(frame, bad_prices="error")

    def test_chosen_alternative_without_price_column(self):
        with pytest.raises(DataError, match=r"unknown_choice.csv: column `choice`: the chosen alternative has no "
                                            r"price column \(2 rows; first: row 2: 'delta'\)\. Add a `price_delta` "
                                            r"column.*\['alpha', 'beta'\]"):
            wb.load_choice_panel(FIX / "unknown_choice.csv")

    def test_missing_choice(self):
        frame = pd.DataFrame({"choice": ["a", None], "price_a": [1.0, 1.0], "price_b": [2.0, 2.0]})
        with pytest.raises(DataError, match=r"column `choice`: occasions without a chosen alternative "
                                            r"\(1 row; first: row 2"):
            wb.load_choice_panel(frame)

    def test_non_numeric_price(self, tmp_path):
        f = tmp_path / "p.csv"
        f.write_text("choice,price_a,price_b\na,1.0,2.0\nb,n/a,2.0\n")
        with pytest.raises(DataError, match=r"p.csv: column `price_a`: values are not numbers \(1 row; first: "
                                            r"row 2: 'n/a'\)"):
            wb.load_choice_panel(f)

    def test_bad_promotion_flag(self):
        frame = pd.DataFrame({"choice": ["a", "b"], "price_a": [1.0, 1.0], "price_b": [2.0, 2.0],
                              "feature_a": [0, 2], "feature_b": [0, 0]})
        with pytest.raises(DataError, match=r"column `feature_a`: promotion flags must be 0/1.*first: row 2: 2"):
            wb.load_choice_panel(frame)

    def test_promotion_flag_for_some_brands_only(self):
        frame = pd.DataFrame({"choice": ["a", "b"], "price_a": [1.0, 1.0], "price_b": [2.0, 2.0],
                              "feature_a": [1, 0]})
        p = wb.load_choice_panel(frame)
        assert p.table.feature.tolist() == [1, 0, 0, 0]
        assert any("No `feature` column for ['b']" in n for n in p.notes)

    def test_r_spelling_of_the_wide_layout(self):
        # Ecdat's Yogurt as R writes it: id, feat.<brand>, price.<brand>, choice
        frame = pd.DataFrame({"id": [1, 1], "feat.yoplait": [0, 1], "feat.dannon": [0, 0], "price.yoplait": [10.8, 9.0],
                              "price.dannon": [8.1, 8.6], "choice": ["dannon", "yoplait"]})
        p = wb.load_choice_panel(frame)
        assert p.alternatives == ["yoplait", "dannon"]  # readable names only for a full shipped brand set
        assert p.table.feature.tolist() == [0, 0, 1, 0] and p.table.chosen.tolist() == [0, 1, 1, 0]
        assert p.n_households == 1 and p.promotions == ["feature"]

    def test_long_layout(self):
        p = wb.load_choice_panel(FIX / "long_panel.csv")
        assert p.n_occasions == 2 and p.alternatives == ["alpha", "beta", "gamma"]
        assert p.table.chosen.tolist() == [1, 0, 0, 1, 0]
        assert p.promotions == ["feature"]

    def test_long_layout_two_chosen(self, tmp_path):
        f = tmp_path / "long.csv"
        f.write_text("occasion_id,alternative,chosen,price\n1,a,1,1.0\n1,b,1,2.0\n2,a,1,1.0\n2,b,0,2.0\n")
        with pytest.raises(DataError, match=r"long.csv: column `chosen`: occasions must have exactly one chosen "
                                            r"alternative \(1 row; first: occasion '1': 2 chosen\)"):
            wb.load_choice_panel(f)

    def test_orange_juice_is_refused_with_a_pointer(self):
        with pytest.raises(DataError, match=r"oj.csv: column `purchase`: this is the orange-juice purchase file.*"
                                            r"Use wb.load_oj_purchases\(\)"):
            wb.load_choice_panel("oj")

    def test_unknown_layout(self):
        with pytest.raises(DataError, match=r"DataFrame: the layout is not a brand-choice panel.*Columns present: "
                                            r"\['sku', 'qty'\]"):
            wb.load_choice_panel(pd.DataFrame({"sku": [1], "qty": [2]}))

    def test_file_not_found_and_empty(self, tmp_path):
        with pytest.raises(DataError, match=r"nope.csv: file not found"):
            wb.load_choice_panel("nope.csv")
        f = tmp_path / "empty.csv"
        f.write_text("")
        with pytest.raises(DataError, match=r"empty.csv: the file is empty"):
            wb.load_choice_panel(f)

    def test_bad_option(self):
        with pytest.raises(DataError, match=r"bad_prices='keep' is not understood"):
            wb.load_choice_panel("yogurt", bad_prices="keep")

    def test_input_frame_is_not_changed(self):
        frame = pd.read_csv(FIX / "tiny_panel.csv")
        before = frame.copy()
        wb.load_choice_panel(frame)
        pd.testing.assert_frame_equal(frame, before)


class TestOrangeJuice:
    def test_shipped_file(self):
        oj = wb.load_oj_purchases()
        assert len(oj) == 1070
        assert oj.brand.value_counts().to_dict() == {"Citrus Hill": 653, "Minute Maid": 417}
        # row 2 of oj.csv: CH list 1.75, MM list 1.99 with discount 0.30 and special 1
        r = oj.iloc[1]
        assert (r.list_price_mm, r.discount_mm, r.special_mm) == (1.99, 0.3, 1)
        assert r.price_mm == pytest.approx(1.69)
        assert r.week == 239 and r.store_id == "1"
        assert np.allclose(oj.price_ch, oj.list_price_ch - oj.discount_ch)

    def test_missing_columns(self):
        with pytest.raises(DataError, match=r"columns \['week_of_purchase'.*not found: this is not the ISLR "
                                            r"orange-juice layout"):
            wb.load_oj_purchases(pd.DataFrame({"purchase": ["CH"]}))

    def test_discount_above_price(self):
        oj = pd.read_csv(config.SHIPPED["oj"]).head(3)
        oj.loc[1, "disc_mm"] = 2.5
        with pytest.raises(DataError, match=r"column `disc_mm`: discounts must be between 0 and the list price "
                                            r"\(1 row; first: row 2: price 1.99, discount 2.5\)"):
            wb.load_oj_purchases(oj)
