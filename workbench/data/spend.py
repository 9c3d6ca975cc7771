"""load_spend: advertising spend exports (Google Ads, Meta Ads, Amazon Ads, any table) into one canonical spend table.

``wb.load_spend(sources)`` reads one file or a list of files (one per platform, or several periods of one
platform) and returns a :class:`Spend`: ``.frame`` holds one row per date, channel and campaign with the columns
of :data:`SPEND_COLUMNS` (date, channel, campaign, spend, currency, impressions, clicks, and the conversions and
conversion value the platform reports about itself), ``.grain`` says whether rows are days or weeks, and
``.summaries`` say what was read and done with every file.

Layouts recognised by header (``format="auto"``)
------------------------------------------------
- ``google-ads``: the Google Ads campaign report download (Day or Week, Campaign, Cost, Impr., Clicks,
  Conversions, Conv. value, Currency code), title rows above the header and "Total:" rows below it included;
- ``meta-ads``: a Meta Ads Manager export with a daily breakdown (Reporting starts/ends, Campaign name,
  Amount spent (CUR), Impressions, Link clicks, Purchases, Purchases conversion value);
- ``amazon-sp``: an Amazon Sponsored Products campaign report (Date or Start Date, Campaign Name, Spend,
  7 Day Total Sales, 7 Day Total Orders (#), ...);
- ``mmm-weekly``: a weekly marketing-mix table in Robyn's layout (DATE, revenue, ``<channel>_S`` spend, exposure,
  context); its revenue and controls are kept in ``.revenue`` and ``.controls``;
- ``canonical``: any CSV, Excel or Parquet table with a date, a channel and a spend column, or any table with
  ``columns={canonical name: source column}``.

What is refused (one :class:`~workbench.errors.DataError` naming the file, column, rows, first example and fix)
----------------------------------------------------------------------------------------------------------------
- negative spend (a platform never spends less than nothing; credits belong in finance, not in the media plan);
- spend in more than one currency (nothing is converted), or in another currency than ``currency=``;
- two files of one channel with spend on the same days (the spend would count twice);
- rows covering other periods than a day or a week, and weekly rows mixed with daily ones (``grain="week"``
  adds daily rows up to weeks so both can be used together).

Platform dates are in each ad account's time zone, orders in the shop's: a day boundary can shift spend by one
day against orders. The reports work on weeks and months, where this hardly matters.
"""
from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from workbench import config, provenance
from workbench.data.spend_formats import FORMATS, detect, generic
from workbench.data.spend_formats._base import SPEND_COLUMNS, SPEND_SCHEMA, SpendContext
from workbench.data.spend_formats._read import read_table
from workbench.data.summary import LoadSummary
from workbench.errors import DataError

__all__ = ["load_spend", "Spend", "SPEND_FORMATS", "SPEND_COLUMNS", "SPEND_SCHEMA"]

SPEND_FORMATS = tuple(FORMATS)
GRAINS = ("day", "week")
_ADJECTIVE = {"day": "daily", "week": "weekly"}
ORIGINS = ("real", "generated", "simulated")
_SIMULATED_NOTE = ("SIMULATED by their authors: Meta's Robyn demo data (dt_simulated_weekly), not a real "
                   "advertiser's spend and revenue")


class Spend:
    """Canonical spend rows plus what was read and how.

    Attributes
    ----------
    frame : DataFrame
        The columns of :data:`SPEND_COLUMNS`, one row per date, channel and campaign as the sources have them
        (several rows of one campaign and day, e.g. ad sets, are kept; analyses add them up).
    grain : {"day", "week"}
        What one row covers. Weekly rows are dated by the first day of their week.
    summaries : list of LoadSummary
        One per file: rows read and kept, and every row treated specially.
    revenue : Series or None
        Weekly revenue from a marketing-mix table (``mmm-weekly``), indexed by week; None otherwise.
    controls : DataFrame or None
        Weekly context and organic columns from a marketing-mix table (competitor sales, events, newsletter).
    origin : {"real", "generated", "simulated"}
        ``generated``: a file says it is a GENERATED sample; ``simulated``: Robyn's simulated demo data.
    origin_note : str
        The sentence a report shows about the origin ("" for real data).
    """

    def __init__(self, frame: pd.DataFrame, *, grain: str, summaries: list[LoadSummary],
                 revenue: pd.Series | None = None, controls: pd.DataFrame | None = None, origin: str = "real",
                 origin_note: str = "") -> None:
        self.frame = frame
        self.grain = grain
        self.summaries = summaries
        self.revenue = revenue
        self.controls = controls
        self.origin = origin
        self.origin_note = origin_note

    @property
    def channels(self) -> list[str]:
        """Channels in order of total spend, largest first."""
        totals = self.frame.groupby("channel", sort=False)["spend"].sum().sort_values(ascending=False)
        return [str(c) for c in totals.index]

    @property
    def currency(self) -> str | None:
        """The one currency of the spend (None when the sources name none)."""
        codes = self.frame["currency"].dropna().unique()
        return str(codes[0]) if len(codes) else None

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(self.frame["date"].min())

    @property
    def end(self) -> pd.Timestamp:
        """Last day covered (the last day of the last week for weekly rows)."""
        last = pd.Timestamp(self.frame["date"].max())
        return last + pd.Timedelta(days=6) if self.grain == "week" else last

    @property
    def sources(self) -> list[str]:
        return [s.source for s in self.summaries]

    def to_pandas(self) -> pd.DataFrame:
        """The canonical rows (a copy)."""
        return self.frame.copy()

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        return (f"<Spend {len(self.frame):,} {_ADJECTIVE[self.grain]} rows, {self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}, "
                f"channels {self.channels}{', ' + self.origin if self.origin != 'real' else ''}>")

    def to_markdown(self) -> str:
        total = self.frame["spend"].sum()
        head = (f"**{len(self.frame):,} {_ADJECTIVE[self.grain]} spend rows from {len(self.summaries)} file"
                f"{'s' if len(self.summaries) != 1 else ''}, {self.start:%d %b %Y} to {self.end:%d %b %Y}, "
                f"{len(self.channels)} channels, {total:,.0f} {self.currency or ''} in all.**")
        parts = [head, ""]
        if self.origin_note:
            parts += [f"*The data are {self.origin_note}.*", ""]
        for s in self.summaries:
            parts.append(s.to_markdown())
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        total = self.frame["spend"].sum()
        note = f"<p><em>The data are {html.escape(self.origin_note)}.</em></p>" if self.origin_note else ""
        files = "".join(s._repr_html_() for s in self.summaries)
        return (f"<div class='wb-spend'><p><b>{len(self.frame):,} {_ADJECTIVE[self.grain]} spend rows from "
                f"{len(self.summaries)} file{'s' if len(self.summaries) != 1 else ''}, {self.start:%d %b %Y} to "
                f"{self.end:%d %b %Y}; channels: {html.escape(', '.join(self.channels))}; spend {total:,.0f} "
                f"{html.escape(self.currency or '')} in all.</b></p>{note}{files}</div>")


# ----------------------------------------------------------------------------------------------------------
# the loader
# ----------------------------------------------------------------------------------------------------------

def load_spend(sources: Any, *, format: str = "auto", columns: dict[str, str] | None = None,
               channel: str | None = None, currency: str | None = None, grain: str | None = None,
               sheet: str | int | None = None) -> Spend:
    """Read advertising spend from one or more exports into the canonical spend table.

    Parameters
    ----------
    sources : path, str, DataFrame, or a list of them
        CSV (also ``.gz``), Excel or Parquet files, shipped data set names (``"robyn"``), or frames. Several
        files are read one by one and put together (one per platform, or several periods of one platform).
    format : str
        ``"auto"`` (recognise each file's layout by its header) or one of :data:`SPEND_FORMATS` for all files.
    columns : dict, optional
        ``{canonical name: source column}`` for a table in no known layout, e.g.
        ``{"date": "Tag", "spend": "Kosten", "campaign": "Kampagne"}``. Needs date and spend, and a channel
        (a column, or ``channel=``).
    channel : str, optional
        The channel of every row of files that do not name one (a generic table without a channel column),
        or a name replacing the platform's default ("Google Ads", "Meta Ads", "Amazon Ads").
    currency : str, optional
        ISO code of the spend. Required to match when files name theirs; written on rows of files that name
        none.
    grain : {"day", "week"}, optional
        ``"week"`` adds daily rows up to weeks (starting on the weekday of the weekly rows, else Monday) so
        weekly and daily files can be used together. None: the files' own grain, which must be the same.
    sheet : str or int, optional
        Excel sheet (default: the first).

    Returns
    -------
    Spend

    Raises
    ------
    DataError
        A file that is missing, empty or in no known layout; and the cases listed in the module docstring.
    """
    if format != "auto" and format not in FORMATS:
        raise DataError(f"format {format!r} is not a known spend layout", source="format=", example=format,
                        fix=f"Use 'auto' or one of {list(SPEND_FORMATS)}, or pass columns=")
    if grain is not None and grain not in GRAINS:
        raise DataError(f"grain={grain!r} is not one of {list(GRAINS)}", source="grain=", example=grain,
                        fix="Pass grain='week' to add daily rows up to weeks, or leave it out")
    if currency is not None:
        currency = str(currency).strip().upper()
    items = list(sources) if isinstance(sources, (list, tuple)) else [sources]
    if not items or any(s is None or (isinstance(s, str) and not s.strip()) for s in items):
        raise DataError("no spend source given", source="load_spend",
                        fix="Pass a spend export (a Google Ads, Meta Ads or Amazon Ads download, or a CSV with "
                            "date, channel and spend), a list of them, or the shipped name 'robyn'")
    files = [_read_one(s, format=format, columns=columns, channel=channel, currency=currency, sheet=sheet)
             for s in items]
    _check_negative(files)
    file_grains = [_check_periods(f) for f in files]
    _check_currencies(files, currency)
    _check_overlaps(files)
    out_grain = _combine_grains(files, file_grains, grain)
    rows = pd.concat([f["rows"] for f in files], ignore_index=True)
    if out_grain == "week" and "day" in file_grains:
        rows = _to_weeks(rows, files, file_grains)
    rows = rows.drop(columns=["days", "_row"]).sort_values(["date", "channel", "campaign"], kind="stable",
                                                  ignore_index=True)
    for col, (dtype, _) in SPEND_SCHEMA.items():
        rows[col] = rows[col].astype(dtype)
    revenue = next((f["extra"]["revenue"] for f in files if "revenue" in f["extra"]), None)
    controls = next((f["extra"]["controls"] for f in files if "controls" in f["extra"]), None)
    origins = {f["origin"] for f in files}
    origin = "generated" if "generated" in origins else "simulated" if "simulated" in origins else "real"
    note = {"generated": "a GENERATED sample, not real data", "simulated": _SIMULATED_NOTE, "real": ""}[origin]
    return Spend(rows, grain=out_grain, summaries=[f["summary"] for f in files], revenue=revenue,
                 controls=controls, origin=origin, origin_note=note)


def _read_one(source: Any, *, format: str, columns: dict | None, channel: str | None, currency: str | None,
              sheet: str | int | None) -> dict:
    """One source read, mapped to canonical rows, with its summary, origin and extra weekly columns."""
    origin, origin_note = "real", ""
    if isinstance(source, pd.DataFrame):
        name, frame, comments, decimal = "DataFrame", source.copy(), [], "."
        header = [str(c) for c in frame.columns]
        if source.attrs.get("generated"):
            origin, origin_note = "generated", "a GENERATED sample, not real data"
        path = None
    else:
        path = _resolve(source)
        name = path.name

        def recognised(fields: Sequence[str]) -> bool:
            if columns is not None:
                return all(v in fields for v in columns.values())
            if format != "auto":
                return FORMATS[format].matches(fields)
            return detect(fields) is not None or {"date", "spend"} <= set(generic.resolve(fields))

        raw = read_table(path, name=name, recognised=recognised, sheet=sheet)
        frame, header, comments, decimal = raw.frame, raw.header, raw.comments, raw.default_decimal
        generated = [c for c in comments if "generated" in c.lower()]
        if generated:
            origin, origin_note = "generated", "a GENERATED sample, not real data"
        if path.resolve() == config.SHIPPED["robyn"].resolve():
            origin = "simulated"
    module = _layout(header, name=name, format=format, columns=columns)
    summary = LoadSummary(source=str(path) if path else name, format=module.NAME, lines_read=len(frame),
                          lines_kept=0)
    for comment in comments:
        summary.note(f"The file says: {comment}")
    ctx = SpendContext(source=name, summary=summary, channel=channel, currency=currency, default_decimal=decimal,
                       default_dayfirst=decimal == ",", columns=columns)
    frame = frame.reset_index(drop=True)
    rows = module.to_canonical(frame, ctx)
    rows["_row"] = rows.index.to_numpy() if module.NAME != "mmm-weekly" else np.tile(
        np.arange(len(rows) // max(1, rows["channel"].nunique())), max(1, rows["channel"].nunique()))
    summary.lines_kept = len(rows) if module.NAME != "mmm-weekly" else len(frame)
    for note in ctx.notes:
        summary.note(note)
    if path is not None:
        provenance.register_input(path, role="spend")
    return {"name": name, "rows": rows, "summary": summary, "module": module, "ctx": ctx, "extra": ctx.extra,
            "origin": origin, "origin_note": origin_note}


def _resolve(source: Any) -> Path:
    text = os.fspath(source)
    path = config.resolve_path(text)
    if not path.exists():
        raise DataError("file not found", source=text,
                        fix=f"Check the path (relative paths are read from the current folder, then the project "
                            f"root {config.PROJECT_ROOT}); the shipped spend data set is 'robyn'")
    if path.is_dir():
        raise DataError("a folder, not a file", source=text, fix="Pass the spend export itself (or a list of files)")
    return path


def _layout(header: list[str], *, name: str, format: str, columns: dict | None):
    if columns is not None:
        generic.check_mapping(columns, header, source=name)
        return generic
    if format != "auto":
        module = FORMATS[format]
        if not module.matches(header):
            raise DataError(f"the header is not a {module.TITLE}'s", source=name,
                            example=f"columns present: {header}",
                            fix=f"It needs {list(module.REQUIRED)}; use format='auto', or map the columns with "
                                "columns={'date': ..., 'spend': ..., 'channel': ...}")
        return module
    module = detect(header)
    if module is None and {"date", "spend"} <= set(generic.resolve(header)):
        module = generic   # a table with a date and a spend: channel= names its channel (or the error says so)
    if module is None:
        raise DataError("layout not recognised", source=name, example=f"columns present: {header}",
                        fix=f"Known layouts: {', '.join(SPEND_FORMATS)}; or name the columns, e.g. "
                            "columns={'date': 'Day', 'spend': 'Cost', 'campaign': 'Campaign'} with "
                            "channel='TikTok Ads'")
    return module


# ----------------------------------------------------------------------------------------------------------
# checks across rows and files
# ----------------------------------------------------------------------------------------------------------

def _example(row: pd.Series, value: Any = None) -> str:
    campaign = f", campaign {row['campaign']!r}" if pd.notna(row["campaign"]) else ""
    shown = f": {value}" if value is not None else ""
    return f"data row {int(row['_row']) + 1} ({row['date']:%Y-%m-%d}, {row['channel']}{campaign}){shown}"


def _check_negative(files: list[dict]) -> None:
    for f in files:
        rows = f["rows"]
        bad = rows["spend"] < 0
        if bad.any():
            first = rows[bad].iloc[0]
            column = f["ctx"].spend_columns.get(str(first["channel"]), f["ctx"].spend_columns.get("*", "spend"))
            raise DataError("spend is negative", source=f["name"], column=column, rows=int(bad.sum()),
                            example=_example(first, f"{first['spend']:,.2f}"),
                            fix="Spend cannot be below zero: a platform credit or refund is not media spend. "
                                "Remove those rows (or set them to 0) and load the file again")


def _check_periods(f: dict) -> str:
    """The file's grain ("day" or "week"); refuses rows of other lengths and weekly rows mixed with daily ones."""
    rows, name = f["rows"], f["name"]
    days = rows["days"]
    known = days.dropna()
    odd = known[~known.isin([1.0, 7.0])]
    if len(odd):
        first = rows.loc[odd.index[0]]
        raise DataError(f"rows cover {int(odd.iloc[0])} days each, neither a day nor a week", source=name,
                        column="Reporting starts/ends" if f["module"].NAME == "meta-ads" else "date",
                        rows=int(len(odd)), example=_example(first),
                        fix="Export the report with a daily breakdown (Meta: Breakdown > By time > Day; Google Ads "
                            "and Amazon: segment or time unit Day), so spend can be placed in its days")
    if known.nunique() > 1:
        weekly = rows.loc[known[known == 7.0].index]
        daily = rows.loc[known[known == 1.0].index]
        minority = weekly if len(weekly) <= len(daily) else daily
        first = minority.iloc[0]
        kind = "weekly" if minority is weekly else "daily"
        raise DataError(f"the file mixes weekly and daily rows: {len(weekly):,} weekly, {len(daily):,} daily",
                        source=name, column="date", rows=len(minority), example=f"first {kind}: {_example(first)}",
                        fix="Export the report again with one time breakdown (Day), so no week is counted twice")
    if len(known):
        return "day" if known.iloc[0] == 1.0 else "week"
    return _grain_from_dates(rows)


def _grain_from_dates(rows: pd.DataFrame) -> str:
    """Weekly when every channel/campaign's dates are 7 days (or whole weeks) apart on one weekday, else daily."""
    weekly = False
    for _, g in rows.groupby([rows["channel"], rows["campaign"].fillna("")], sort=False):
        dates = np.sort(g["date"].unique())
        if len(dates) < 2:
            continue
        gaps = np.diff(dates).astype("timedelta64[D]").astype(int)
        if (gaps % 7 == 0).all():
            weekly = True
        else:
            return "day"
    return "week" if weekly else "day"


def _check_currencies(files: list[dict], currency: str | None) -> None:
    seen: dict[str, tuple[dict, pd.Series]] = {}
    for f in files:
        rows = f["rows"]
        for code, g in rows.dropna(subset=["currency"]).groupby("currency", sort=False):
            seen.setdefault(str(code), (f, g.iloc[0]))
    if currency is not None and seen and set(seen) != {currency}:
        other = next(c for c in seen if c != currency)
        f, first = seen[other]
        n = int((f["rows"]["currency"] == other).sum())
        raise DataError(f"spend is in {other}, not in {currency} as currency= says", source=f["name"],
                        column="currency", rows=n, example=_example(first, other),
                        fix=f"Pass currency='{other}' if that is the account currency; the workbench does not "
                            "convert currencies, so convert the spend before loading it")
    if len(seen) > 1:
        codes = sorted(seen, key=lambda c: sum(int((f["rows"]["currency"] == c).sum()) for f in files))
        minority = codes[0]
        f, first = seen[minority]
        n = sum(int((g["rows"]["currency"] == minority).sum()) for g in files)
        raise DataError(f"spend is in {len(seen)} currencies ({', '.join(sorted(seen))})", source=f["name"],
                        column="currency", rows=n, example=_example(first, minority),
                        fix="Amounts in different currencies cannot be added up and the workbench does not convert "
                            "them: convert the spend to one currency before loading, or analyse each currency's "
                            "accounts on their own")
    known = next(iter(seen), None) or currency
    if known is None:
        files[0]["summary"].note("No file names a currency: amounts are taken as they are (pass currency= to "
                                 "name it).")
    for f in files:
        rows = f["rows"]
        missing = rows["currency"].isna()
        if known and missing.any():
            rows.loc[missing, "currency"] = known
            if not currency or f["module"].NAME not in ("mmm-weekly",):
                f["summary"].add("currency_filled", int(missing.sum()), "changed",
                                 f"rows without a currency: taken to be {known}"
                                 + (" (currency=)" if currency else " like the other files"))


def _day_keys(rows: pd.DataFrame, grain_days: int) -> pd.DataFrame:
    """One (channel, campaign, day) per day a row covers."""
    span = rows["days"].fillna(float(grain_days)).astype(int).to_numpy()
    rep = rows.loc[rows.index.repeat(span), ["channel", "campaign", "date", "_row"]].copy()
    offset = np.concatenate([np.arange(n) for n in span]) if len(span) else np.array([], dtype=int)
    rep["day"] = rep["date"] + pd.to_timedelta(offset, unit="D")
    return rep


def _check_overlaps(files: list[dict]) -> None:
    """Two files of one channel must not both hold spend for the same day (and campaign, when both name them)."""
    keyed = []
    for f in files:
        rows = f["rows"]
        grain_days = 7 if _grain_from_dates(rows) == "week" and rows["days"].isna().all() else 1
        keyed.append((f, _day_keys(rows, grain_days)))
    for i in range(len(keyed)):
        for j in range(i + 1, len(keyed)):
            (fa, a), (fb, b) = keyed[i], keyed[j]
            for ch in set(a["channel"].dropna()) & set(b["channel"].dropna()):
                ca, cb = a[a["channel"] == ch], b[b["channel"] == ch]
                camp_a, camp_b = set(ca["campaign"].dropna()), set(cb["campaign"].dropna())
                if camp_a and camp_b and not (camp_a & camp_b):
                    continue  # one file per campaign: no overlap possible
                on = ["day", "campaign"] if camp_a and camp_b else ["day"]
                both = ca.drop_duplicates(on).merge(cb.drop_duplicates(on)[on], on=on)
                if len(both):
                    days = sorted(both["day"].unique())
                    first = both.sort_values("day").iloc[0]
                    what = f" (campaign {first['campaign']!r})" if "campaign" in on else ""
                    raise DataError(
                        f"{fb['name']} holds {ch} spend for {len(days):,} day(s) that {fa['name']} covers too, "
                        f"{pd.Timestamp(days[0]):%Y-%m-%d} to {pd.Timestamp(days[-1]):%Y-%m-%d}",
                        source=fb["name"], column="date", rows=len(both),
                        example=f"{pd.Timestamp(first['day']):%Y-%m-%d}{what}",
                        fix="Each day of a channel's spend must come from one file, or it counts twice: cut the "
                            "overlapping days out of one export (or load only the newer one)")


def _combine_grains(files: list[dict], grains: list[str], grain: str | None) -> str:
    if len(set(grains)) == 1:
        if grain == "day" and grains[0] == "week":
            f = files[0]
            raise DataError("the rows are weekly and cannot be split into days", source=f["name"], column="date",
                            rows=len(f["rows"]), fix="Leave grain= out (or pass grain='week')")
        return grain or grains[0]
    weekly = next(f for f, g in zip(files, grains) if g == "week")
    daily = next(f for f, g in zip(files, grains) if g == "day")
    if grain == "week":
        return "week"
    raise DataError(f"spend rows are weekly in {weekly['name']} but daily in {daily['name']}", source=weekly["name"],
                    column="date", rows=len(weekly["rows"]),
                    example=f"first weekly row: {_example(weekly['rows'].iloc[0])}",
                    fix="Pass grain='week' to add the daily rows up to weeks so both files can be used, or export "
                        "both with the same time breakdown")


def _to_weeks(rows: pd.DataFrame, files: list[dict], grains: list[str]) -> pd.DataFrame:
    """Daily rows added up to weeks starting on the weekday of the weekly rows (Monday when there are none)."""
    weekly_rows = pd.concat([f["rows"] for f, g in zip(files, grains) if g == "week"])
    anchor = int(weekly_rows["date"].dt.day_of_week.mode().iloc[0]) if len(weekly_rows) else 0
    daily_sources = {f["name"] for f, g in zip(files, grains) if g == "day"}
    is_daily = rows["source"].isin(daily_sources)
    d = rows[is_daily].copy()
    d["date"] = d["date"] - pd.to_timedelta((d["date"].dt.day_of_week - anchor) % 7, unit="D")
    keys = ["date", "channel", "campaign", "currency", "source"]
    sums = ["spend", "impressions", "clicks", "conversions", "conversion_value"]
    agg = d.groupby(keys, dropna=False, sort=False).agg({c: lambda s: s.sum(min_count=1) for c in sums}).reset_index()
    agg["days"], agg["_row"] = 7.0, -1
    for f, g in zip(files, grains):
        if g == "day":
            f["summary"].note(f"Daily rows added up to weeks starting on {pd.Timestamp(2024, 1, 1 + anchor):%A} "
                              "(grain='week').")
    return pd.concat([rows[~is_daily], agg[rows.columns]], ignore_index=True)

