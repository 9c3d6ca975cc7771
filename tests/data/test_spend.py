"""load_spend: each platform layout read into the canonical spend table, and every bad input refused with a
message that names the file, the column, the rows, an example and the fix."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench.data.spend import SPEND_COLUMNS
from workbench.errors import DataError

F = "tests/fixtures/marketing/"


class TestLayouts:
    def test_google_ads_report_skips_title_rows_totals_and_reads_dashes_as_zero(self):
        s = wb.load_spend(F + "google_ads_campaign_report.csv")
        f = s.frame
        assert list(f.columns) == list(SPEND_COLUMNS)
        assert s.grain == "day" and s.summaries[0].format == "google-ads"
        assert len(f) == 8 and s.summaries[0].get("total_rows") == 2
        assert f["channel"].unique().tolist() == ["Google Ads"]
        assert f["spend"].sum() == pytest.approx(1204.50 + 310 + 1100.25 + 980 + 295.75 + 1015)
        brand = f[(f.campaign == "Search - Brand") & (f.date == "2025-01-01")].iloc[0]
        assert (brand.spend, brand.impressions, brand.clicks, brand.conversions, brand.conversion_value) == \
            (1204.50, 12345, 410, 12, 1850.40)
        assert f.loc[(f.campaign == "Search - Generic") & (f.date == "2025-01-02"), "spend"].item() == 0.0
        assert s.currency == "USD" and s.origin == "real"

    def test_google_ads_week_segment_is_weekly(self):
        s = wb.load_spend(F + "google_ads_weekly.csv")
        assert s.grain == "week" and len(s.frame) == 2
        assert s.end == pd.Timestamp("2025-01-19")

    def test_meta_daily_export_reads_currency_from_the_header(self):
        s = wb.load_spend(F + "meta_ads_daily.csv")
        f = s.frame
        assert s.summaries[0].format == "meta-ads" and s.grain == "day"
        assert f["channel"].unique().tolist() == ["Meta Ads"] and s.currency == "USD"
        assert f["spend"].sum() == pytest.approx(1250 + 400 + 1180.5 + 380 + 1302.25 + 415.75)
        assert f["clicks"].sum() == 1210 + 430 + 1150 + 410 + 1260 + 445      # link clicks
        assert f["conversion_value"].sum() == pytest.approx(910 + 720 + 780 + 640 + 975 + 800)

    def test_amazon_sponsored_products_with_month_name_dates_and_trailing_spaces(self):
        s = wb.load_spend(F + "amazon_sp_campaigns.csv")
        f = s.frame
        assert s.summaries[0].format == "amazon-sp" and f["channel"].unique().tolist() == ["Amazon Ads"]
        assert f["date"].min() == pd.Timestamp("2025-01-05") and f["date"].max() == pd.Timestamp("2025-01-06")
        assert f["spend"].sum() == pytest.approx(50.02 + 48.40 + 46.75 + 44.80)
        assert f["conversion_value"].sum() == pytest.approx(212.40 + 301.95 + 180 + 265.5)   # 7 Day Total Sales
        assert f["conversions"].sum() == 9 + 12 + 8 + 10                                    # 7 Day Total Orders

    def test_amazon_report_as_excel(self, tmp_path):
        frame = pd.DataFrame({"Date": pd.to_datetime(["2025-01-05", "2025-01-06"]), "Campaign Name": ["SP", "SP"],
                              "Currency": ["USD", "USD"], "Impressions": [100, 120], "Clicks": [3, 4],
                              "Spend": [2.5, 3.0], "7 Day Total Sales ": [20.0, 0.0], "7 Day Total Orders (#)": [1, 0]})
        path = tmp_path / "Sponsored_Products_Campaign_report.xlsx"
        frame.to_excel(path, index=False)
        s = wb.load_spend(path)
        assert s.summaries[0].format == "amazon-sp" and s.frame["spend"].tolist() == [2.5, 3.0]

    def test_plain_table_and_several_channels(self):
        s = wb.load_spend(F + "spend_table.csv", currency="USD")
        assert sorted(s.channels) == ["Newsletter sponsorship", "TikTok Ads"]
        assert s.frame["spend"].sum() == pytest.approx(755.5) and s.currency == "USD"

    def test_columns_mapping_with_european_numbers_and_dates(self):
        s = wb.load_spend(F + "spend_german.csv", columns={"date": "Tag", "channel": "Kanal", "campaign": "Kampagne",
                                                            "spend": "Kosten"})
        assert s.frame["date"].tolist() == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-02")]
        assert s.frame["spend"].tolist() == [1250.0, 980.5]

    def test_frame_without_a_channel_column_takes_channel_argument(self):
        frame = pd.DataFrame({"date": ["2025-01-01", "2025-01-02"], "cost": [10.0, 12.5]})
        s = wb.load_spend(frame, channel="Podcast")
        assert s.channels == ["Podcast"] and s.frame["spend"].sum() == 22.5

    def test_several_files_of_one_channel_one_per_period(self, tmp_path):
        later = tmp_path / "google_jan_5_6.csv"
        text = (F + "google_ads_later.csv")
        lines = open(text).read().splitlines()
        later.write_text("\n".join(lines[:3] + [ln for ln in lines[3:] if ln.startswith(("2025-01-05", "2025-01-06"))]))
        s = wb.load_spend([F + "google_ads_campaign_report.csv", later])
        assert s.end == pd.Timestamp("2025-01-06") and len(s.frame) == 10

    def test_weekly_and_daily_files_together_with_grain_week(self):
        s = wb.load_spend([F + "google_ads_weekly.csv", F + "meta_ads_daily.csv"], grain="week")
        meta = s.frame[s.frame.channel == "Meta Ads"]
        assert s.grain == "week"
        assert meta["date"].unique().tolist() == [pd.Timestamp("2024-12-30")]      # the Monday of 1-3 Jan 2025
        assert meta["spend"].sum() == pytest.approx(4928.5)

    def test_robyn_weekly_table_with_revenue_controls_and_simulated_label(self):
        s = wb.load_spend("robyn", currency="USD")
        assert s.grain == "week" and s.origin == "simulated" and "SIMULATED" in s.origin_note
        assert sorted(s.channels) == ["Facebook", "OOH", "Print", "Search", "TV"]
        assert len(s.revenue) == 208 and s.revenue.iloc[0] == pytest.approx(2754371.66666667)
        assert list(s.controls.columns) == ["competitor_sales_B", "events: event1", "events: event2", "newsletter"]
        assert s.controls["events: event1"].sum() == 1 and s.controls["events: event2"].sum() == 1
        tv = s.frame[s.frame.channel == "TV"]
        assert tv["spend"].sum() == pytest.approx(3087487.773, rel=1e-9)
        assert s.frame.loc[s.frame.channel == "Facebook", "impressions"].iloc[0] == pytest.approx(24301284.2375304)
        assert s.frame.loc[s.frame.channel == "Search", "clicks"].iloc[1] == pytest.approx(9837.2384857852)

    def test_generated_file_is_labelled(self):
        s = wb.load_spend(F + "generated_shop/meta_ads_daily_generated.csv")
        assert s.origin == "generated" and "GENERATED" in s.origin_note
        assert any("GENERATED" in n for n in s.summaries[0].notes)


class TestRefused:
    def test_negative_spend(self):
        with pytest.raises(DataError, match=r"google_ads_negative\.csv: column `Cost`: spend is negative \(1 row; "
                                            r"first: data row 2 \(2025-01-02, Google Ads, campaign 'Search - Brand'\): "
                                            r"-35\.20\)\. Spend cannot be below zero.*Remove those rows"):
            wb.load_spend(F + "google_ads_negative.csv")

    def test_mixed_currencies(self):
        with pytest.raises(DataError, match=r"meta_ads_eur\.csv: column `currency`: spend is in 2 currencies "
                                            r"\(EUR, USD\) \(2 rows; first: data row 1 \(2025-01-01, Meta Ads, "
                                            r"campaign 'Prospecting - DE'\): EUR\)\. .*convert the spend to one currency"):
            wb.load_spend([F + "google_ads_campaign_report.csv", F + "meta_ads_eur.csv"])

    def test_currency_argument_that_the_file_contradicts(self):
        with pytest.raises(DataError, match=r"meta_ads_eur\.csv: column `currency`: spend is in EUR, not in USD as "
                                            r"currency= says \(2 rows; .*Pass currency='EUR'"):
            wb.load_spend(F + "meta_ads_eur.csv", currency="USD")

    def test_overlapping_days_between_files_of_one_channel(self):
        with pytest.raises(DataError, match=r"google_ads_later\.csv: column `date`: google_ads_later\.csv holds Google "
                                            r"Ads spend for 2 day\(s\) that google_ads_campaign_report\.csv covers too, "
                                            r"2025-01-03 to 2025-01-04 \(2 rows; first: 2025-01-03 \(campaign 'Search - "
                                            r"Brand'\)\)\. Each day of a channel's spend must come from one file"):
            wb.load_spend([F + "google_ads_campaign_report.csv", F + "google_ads_later.csv"])

    def test_weekly_file_with_a_daily_file(self):
        with pytest.raises(DataError, match=r"google_ads_weekly\.csv: column `date`: spend rows are weekly in "
                                            r"google_ads_weekly\.csv but daily in meta_ads_daily\.csv \(2 rows; first: "
                                            r"first weekly row: data row 1 \(2025-01-06, .*\)\)\. Pass grain='week'"):
            wb.load_spend([F + "google_ads_weekly.csv", F + "meta_ads_daily.csv"])

    def test_weekly_and_daily_rows_in_one_file(self):
        with pytest.raises(DataError, match=r"meta_ads_mixed\.csv: column `date`: the file mixes weekly and daily rows: "
                                            r"1 weekly, 3 daily \(1 row; first: first weekly: data row 4 \(2025-01-06, "
                                            r"Meta Ads, campaign 'Prospecting - Broad'\)\)\. Export the report again"):
            wb.load_spend(F + "meta_ads_mixed.csv")

    def test_rows_of_a_month(self):
        with pytest.raises(DataError, match=r"meta_ads_monthly\.csv: column `Reporting starts/ends`: rows cover 31 "
                                            r"days each, neither a day nor a week \(2 rows; first: data row 1 "
                                            r"\(2025-01-01, .*\)\)\. Export the report with a daily breakdown"):
            wb.load_spend(F + "meta_ads_monthly.csv")

    def test_unknown_layout_suggests_a_mapping(self):
        with pytest.raises(DataError, match=r"spend_german\.csv: layout not recognised \(first: columns present: "
                                            r"\['Tag', 'Kanal', 'Kampagne', 'Kosten'\]\)\. Known layouts: .*columns="):
            wb.load_spend(F + "spend_german.csv")

    def test_mapping_a_column_the_file_lacks(self):
        with pytest.raises(DataError, match=r"spend_german\.csv: column `Datum`: column `Datum` \(mapped to date\) not "
                                            r"found .*Correct the columns= mapping"):
            wb.load_spend(F + "spend_german.csv", columns={"date": "Datum", "spend": "Kosten"})

    def test_table_without_channel(self):
        with pytest.raises(DataError, match=r"DataFrame: column `channel`: no channel column, and no channel= given "
                                            r"\(first: columns present: \['date', 'cost'\]\)\. Pass channel="):
            wb.load_spend(pd.DataFrame({"date": ["2025-01-01"], "cost": [1.0]}))

    def test_a_spend_header_with_its_currency(self, tmp_path):
        # a small account's own export: "Cost (EUR)" is the spend column
        path = tmp_path / "ads.csv"
        path.write_text("Day,Campaign,Cost (EUR),Clicks\n2026-11-03,Brand,12.50,30\n2026-11-04,Brand,10.00,25\n"
                        "2026-11-03,Retargeting,5.00,10\n")
        s = wb.load_spend(path, channel="Google Ads")
        assert s.frame["spend"].sum() == pytest.approx(27.5) and set(s.frame["channel"]) == {"Google Ads"}
        assert s.frame["clicks"].sum() == 65
        assert set(s.frame["currency"]) == {"EUR"}                       # the currency the header names
        with pytest.raises(DataError, match=r"ads\.csv: column `currency`: spend is in EUR, not in USD as currency= "
                                            r"says \(3 rows; .*Pass currency='EUR' if that is the account currency"):
            wb.load_spend(path, channel="Google Ads", currency="USD")
        with pytest.raises(DataError, match=r"no channel column, and no channel= given"):
            wb.load_spend(path)

    def test_missing_file_and_no_source(self):
        with pytest.raises(DataError, match=r"no_such\.csv: file not found.*'robyn'"):
            wb.load_spend("no_such.csv")
        with pytest.raises(DataError, match=r"load_spend: no spend source given"):
            wb.load_spend([])

    def test_spend_that_is_not_a_number(self, tmp_path):
        path = tmp_path / "spend.csv"
        path.write_text("date,channel,spend\n2025-01-01,TikTok,12.00\n2025-01-02,TikTok,twelve\n")
        with pytest.raises(DataError, match=r"spend\.csv: column `spend`: values are not numbers \(1 row; first: "
                                            r"row 2: 'twelve'\)"):
            wb.load_spend(path)


def test_channel_names_and_totals_survive_a_round_trip(tmp_path):
    s = wb.load_spend([F + "google_ads_campaign_report.csv", F + "meta_ads_daily.csv"])
    path = tmp_path / "canonical.parquet"
    s.frame.to_parquet(path)
    again = wb.load_spend(path)
    assert again.summaries[0].format == "canonical"
    assert np.isclose(again.frame["spend"].sum(), s.frame["spend"].sum())
    assert sorted(again.channels) == ["Google Ads", "Meta Ads"]
