"""Role lookup: e-commerce job titles to SOC occupations, keyword search, SOC codes directly.

OEWS publishes wages by SOC 2018 occupation, and most e-commerce job titles have no SOC code of their own.
:data:`ROLE_CROSSWALK` is a small, documented crosswalk: for each common e-commerce title, the primary
occupation the benchmark uses, alternates worth comparing, and the reasoning. It follows the SOC coding
rules (code the work actually performed; a job that combines activities goes to the activity needing the
highest skill level, then to the one taking most time) and O*NET's title lists where they name the job.

The e-commerce manager in particular: O*NET lists "E-Commerce Manager" as a reported title of its
occupation 13-1199.06 Online Merchants, but OEWS publishes only the catch-all parent 13-1199 "Business
Operations Specialists, All Other" (a non-managerial group mixing many specialists). A manager who runs an
online channel, owns its revenue and directs staff does management work, and the bulk of that work
(acquiring traffic, promotions, pricing and assortment online, conversion) is what SOC 11-2021 Marketing
Managers describes: "plan, direct, or coordinate marketing policies and programs, such as determining the
demand for products and services ... identify potential customers". So the crosswalk maps it to 11-2021 and
shows 11-2022 Sales Managers (when the role is measured on channel sales targets and marketplace accounts),
11-1021 General and Operations Managers (the one-person "runs the online shop end to end" job in a small
business: fulfilment, customer service and suppliers as well as marketing) and 13-1199 (the O*NET home of
the title, for individual contributors without staff) beside it. The report shows all four, because the
choice moves the median by more than any location effect.

Written by hand: the crosswalk is editorial judgement, and the search is a few lines over the OEWS titles
(``difflib`` from the standard library suggests close matches).
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from workbench.errors import DataError

__all__ = ["ROLE_CROSSWALK", "Role", "role_crosswalk", "find_occupations", "resolve_role", "occupation_titles"]

NATIONAL = "0000000"
CROSS_INDUSTRY = "000000"

#: E-commerce job titles -> SOC occupations, with the reasoning for each mapping. ``soc`` is the primary
#: occupation (the benchmark), ``alternates`` are shown beside it, ``aliases`` are other spellings accepted.
ROLE_CROSSWALK: tuple[dict, ...] = (
    dict(title="E-commerce manager",
         aliases=("ecommerce manager", "head of e-commerce", "e-commerce director", "online store manager",
                  "online shop manager", "digital commerce manager", "e-commerce lead", "webshop manager"),
         soc="11-2021", alternates=("11-2022", "11-1021", "13-1199"),
         reasoning="No SOC code of its own. Mapped to 11-2021 Marketing Managers: the job directs the online "
                   "channel's demand generation, promotions, pricing and conversion with staff or agencies "
                   "reporting to it, which is marketing-management work; SOC codes a mixed job to its most "
                   "skilled activity. Compare 11-2022 Sales Managers where the role is judged on channel sales "
                   "targets and marketplace accounts, 11-1021 General and Operations Managers for a small "
                   "business where one person runs the whole online shop (fulfilment, service, suppliers), and "
                   "13-1199 Business Operations Specialists, All Other, the OEWS group holding O*NET's 'Online "
                   "Merchants' (13-1199.06), which lists 'E-Commerce Manager' among its reported titles, for an "
                   "individual contributor without staff."),
    dict(title="E-commerce marketing manager",
         aliases=("digital marketing manager", "online marketing manager", "performance marketing manager",
                  "growth marketing manager", "crm manager", "acquisition manager"),
         soc="11-2021", alternates=("11-2011", "13-1161"),
         reasoning="Plans and directs online marketing programmes (paid search and social, email/CRM, SEO): "
                   "11-2021 Marketing Managers. 11-2011 Advertising and Promotions Managers where the job is "
                   "mainly buying media and running campaigns; 13-1161 Market Research Analysts and Marketing "
                   "Specialists where the title says manager but nobody reports to the role."),
    dict(title="Digital merchandiser",
         aliases=("online merchandiser", "e-commerce merchandiser", "merchandising manager", "buyer",
                  "category manager", "e-commerce buyer", "assortment manager"),
         soc="13-1020", alternates=("11-3061", "13-1161"),
         reasoning="Chooses the assortment, buys stock and sets prices and placement online: SOC 13-1022 "
                   "Wholesale and Retail Buyers, which OEWS publishes only within the broad group 13-1020 "
                   "Buyers and Purchasing Agents. 11-3061 Purchasing Managers for a head of merchandising who "
                   "directs buyers; 13-1161 where the job is mostly on-site merchandising (banners, "
                   "search ranking, product content) rather than buying."),
    dict(title="Marketplace manager",
         aliases=("amazon marketplace manager", "marketplace specialist", "channel manager",
                  "amazon account manager", "marketplaces manager"),
         soc="13-1199", alternates=("11-2022", "13-1161"),
         reasoning="Runs the shop's listings, pricing, advertising and account health on Amazon, eBay and other "
                   "marketplaces: the tasks O*NET gives Online Merchants (13-1199.06), published by OEWS within "
                   "13-1199 Business Operations Specialists, All Other. 11-2022 Sales Managers where the role "
                   "owns marketplace revenue with a team; 13-1161 where it is mostly marketplace advertising."),
    dict(title="E-commerce analyst",
         aliases=("ecommerce analyst", "web analyst", "digital analyst", "conversion analyst", "cro analyst",
                  "web analytics specialist", "marketing analyst", "pricing analyst"),
         soc="13-1161", alternates=("15-2051", "13-1111"),
         reasoning="Analyses traffic, conversion, campaigns and customers to guide marketing: 13-1161 Market "
                   "Research Analysts and Marketing Specialists (O*NET puts web analytics and search marketing "
                   "under it). 15-2051 Data Scientists for modelling-heavy roles (forecasting, experimentation "
                   "platforms); 13-1111 Management Analysts for operations and process analysis."),
    dict(title="Web developer",
         aliases=("front-end developer", "frontend developer", "shopify developer", "e-commerce developer",
                  "magento developer", "woocommerce developer", "web programmer"),
         soc="15-1254", alternates=("15-1252",),
         reasoning="Builds and maintains the shop's website and storefront themes: 15-1254 Web Developers. "
                   "15-1252 Software Developers for platform and back-end engineering (checkout, integrations, "
                   "order management), which pays markedly more."),
    dict(title="UX / web designer",
         aliases=("ux designer", "ui designer", "web designer", "ux/ui designer", "product designer",
                  "digital designer", "interaction designer"),
         soc="15-1255", alternates=("27-1024",),
         reasoning="Designs the shop's pages, navigation and checkout flows: 15-1255 Web and Digital Interface "
                   "Designers (SOC 2018 created it for exactly this work). 27-1024 Graphic Designers for "
                   "banners, product imagery and brand assets."),
    dict(title="Software engineer",
         aliases=("software developer", "backend developer", "back-end developer", "platform engineer",
                  "full-stack developer", "full stack developer"),
         soc="15-1252", alternates=("15-1254",),
         reasoning="Builds the commerce platform, integrations and internal tools: 15-1252 Software Developers."),
    dict(title="Data scientist",
         aliases=("data scientist e-commerce", "machine learning engineer", "recommendation engineer"),
         soc="15-2051", alternates=("13-1161",),
         reasoning="Builds forecasting, recommendation and experimentation models: 15-2051 Data Scientists."),
    dict(title="Content writer / copywriter",
         aliases=("copywriter", "content writer", "product content writer", "seo copywriter", "content manager"),
         soc="27-3043", alternates=("13-1161",),
         reasoning="Writes product descriptions, category and campaign copy: 27-3043 Writers and Authors "
                   "(copywriters are coded there). 13-1161 where the job is mostly SEO and content marketing."),
    dict(title="SEO / SEM specialist",
         aliases=("seo specialist", "sem specialist", "ppc specialist", "paid search specialist",
                  "search marketing specialist", "digital marketing specialist", "social media specialist",
                  "email marketing specialist"),
         soc="13-1161", alternates=("11-2021",),
         reasoning="Runs search, paid and social campaigns without managing staff: 13-1161 Market Research "
                   "Analysts and Marketing Specialists (O*NET 13-1161.01 Search Marketing Strategists)."),
    dict(title="Product photographer",
         aliases=("e-commerce photographer", "photographer"),
         soc="27-4021", alternates=("27-1024",),
         reasoning="Shoots product and lifestyle images for the shop: 27-4021 Photographers."),
    dict(title="Customer service representative",
         aliases=("customer service agent", "customer support agent", "customer care agent", "cx agent",
                  "customer support", "customer service", "support agent", "live chat agent"),
         soc="43-4051", alternates=("43-4151",),
         reasoning="Answers customers about orders, returns and products by chat, email and phone: 43-4051 "
                   "Customer Service Representatives. 43-4151 Order Clerks where the job is mainly taking and "
                   "correcting orders."),
    dict(title="Customer service team lead",
         aliases=("customer service supervisor", "customer support lead", "customer service manager",
                  "cx team lead"),
         soc="43-1011", alternates=("43-4051",),
         reasoning="Supervises the service agents day to day: 43-1011 First-Line Supervisors of Office and "
                   "Administrative Support Workers."),
    dict(title="Fulfilment associate",
         aliases=("fulfillment associate", "warehouse associate", "picker", "packer", "order picker",
                  "picker packer", "warehouse worker", "order fulfilment associate", "order fulfillment associate"),
         soc="53-7065", alternates=("53-7062", "53-7064"),
         reasoning="Picks, packs and restocks orders in the warehouse: 53-7065 Stockers and Order Fillers (SOC "
                   "2018 put order fillers there). 53-7062 Laborers and Freight, Stock, and Material Movers "
                   "for loading and moving goods; 53-7064 Packers and Packagers, Hand for packing-only jobs."),
    dict(title="Shipping and receiving clerk",
         aliases=("inventory clerk", "stock controller", "receiving clerk", "shipping clerk",
                  "inventory coordinator"),
         soc="43-5071", alternates=("43-5061",),
         reasoning="Books goods in and out and keeps inventory records: 43-5071 Shipping, Receiving, and "
                   "Inventory Clerks."),
    dict(title="Warehouse supervisor",
         aliases=("fulfilment supervisor", "fulfillment supervisor", "warehouse team lead", "shift supervisor",
                  "warehouse lead"),
         soc="53-1047", alternates=("11-3071",),
         reasoning="Supervises pickers, packers and loaders on a shift: 53-1047 First-Line Supervisors of "
                   "Transportation and Material Moving Workers, Except Aircraft Cargo Handling."),
    dict(title="Fulfilment / operations manager",
         aliases=("fulfillment manager", "fulfilment manager", "warehouse manager", "logistics manager",
                  "operations manager e-commerce", "supply chain manager", "distribution manager"),
         soc="11-3071", alternates=("13-1081", "11-1021"),
         reasoning="Directs warehousing, carriers and returns for the shop: 11-3071 Transportation, Storage, "
                   "and Distribution Managers. 13-1081 Logisticians for planning roles without staff; 11-1021 "
                   "where the job runs operations broadly."),
)


@dataclass(frozen=True)
class Role:
    """A role resolved to SOC occupations.

    ``soc`` is the primary occupation (the benchmark); ``alternates`` are occupations to show beside it.
    ``source`` says how the role was matched: ``crosswalk`` (a title in :data:`ROLE_CROSSWALK`),
    ``soc`` (SOC code(s) given), or ``occupation title`` (an OEWS occupation title given).
    """

    title: str
    soc: str
    occupation: str
    alternates: tuple[str, ...] = ()
    reasoning: str = ""
    source: str = "crosswalk"
    names: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def codes(self) -> list[str]:
        """Primary and alternate SOC codes, in display order."""
        return [self.soc, *self.alternates]

    def label(self, code: str | None = None) -> str:
        """``"11-2021 Marketing Managers"``."""
        code = code or self.soc
        return f"{code} {self.names.get(code, '')}".strip()


def _norm(text: str) -> str:
    t = text.lower().strip()
    t = re.sub(r"\be[\s-]?commerce\b", "e-commerce", t)
    t = t.replace("fulfillment", "fulfilment")
    t = re.sub(r"[^a-z0-9/\- ]+", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def occupation_titles(oews: pd.DataFrame) -> pd.DataFrame:
    """Occupations in ``oews`` with their national, cross-industry employment and median (one row per code)."""
    cols = ["occupation_code", "occupation_name", "occupation_level"]
    missing = [c for c in cols if c not in oews.columns]
    if missing:
        raise DataError(f"{len(missing)} column(s) missing from the OEWS table", source="oews", column=missing[0],
                        fix="Pass the table returned by wb.load_oews()")
    occ = oews[cols].drop_duplicates("occupation_code")
    if {"area_code", "industry_code", "employment", "annual_p50"} <= set(oews.columns):
        nat = oews[(oews["area_code"] == NATIONAL) & (oews["industry_code"] == CROSS_INDUSTRY)]
        occ = occ.merge(nat[["occupation_code", "employment", "annual_p50"]], on="occupation_code", how="left")
    return occ.sort_values("occupation_code").reset_index(drop=True)


def role_crosswalk(oews: pd.DataFrame | None = None) -> pd.DataFrame:
    """The crosswalk as a table: title, primary SOC, alternates, accepted aliases and reasoning.

    With ``oews`` given, adds the primary occupation's OEWS title and national median annual wage.
    """
    rows = [{"title": r["title"], "soc": r["soc"], "alternates": ", ".join(r["alternates"]),
             "aliases": ", ".join(r["aliases"]), "reasoning": r["reasoning"]} for r in ROLE_CROSSWALK]
    out = pd.DataFrame(rows)
    if oews is not None:
        occ = occupation_titles(oews)
        cols = ["occupation_code", "occupation_name"] + (["annual_p50"] if "annual_p50" in occ else [])
        occ = occ[cols].rename(columns={"occupation_code": "soc", "occupation_name": "occupation",
                                        "annual_p50": "national_median"})
        out = out.merge(occ, on="soc", how="left")
        out = out[["title", "soc", "occupation", *(["national_median"] if "national_median" in out else []),
                   "alternates", "aliases", "reasoning"]]
    return out


def find_occupations(oews: pd.DataFrame, *, query: str, level: str | None = "detailed") -> pd.DataFrame:
    """Keyword search over OEWS occupation titles: every word of ``query`` must appear in the title.

    Parameters
    ----------
    oews : DataFrame
        The OEWS table (``wb.load_oews()``).
    query : str
        Words, case-insensitive, e.g. ``"marketing manager"`` (word beginnings match, so "manager" finds
        "Managers").
    level : str or None
        Keep only this occupation level (``detailed`` by default; None for all levels).

    Returns
    -------
    DataFrame: ``occupation_code``, ``occupation_name``, ``occupation_level`` and, where available, national
    ``employment`` and ``annual_p50``, largest employment first.
    """
    words = [w for w in _norm(query).replace("/", " ").split() if w]
    if not words:
        raise DataError("search text is empty", source="find_occupations(query)",
                        fix="Pass a word from the job title, e.g. 'marketing'")
    occ = occupation_titles(oews)
    if level is not None:
        occ = occ[occ["occupation_level"] == level]
    title = occ["occupation_name"].str.lower()
    hit = pd.Series(True, index=occ.index)
    for w in words:
        hit &= title.str.contains(rf"\b{re.escape(w)}", regex=True)
    out = occ[hit]
    if "employment" in out:
        out = out.sort_values("employment", ascending=False, na_position="last")
    return out.reset_index(drop=True)


def _crosswalk_index() -> dict[str, dict]:
    index = {}
    for entry in ROLE_CROSSWALK:
        for name in (entry["title"], *entry["aliases"]):
            index[_norm(name)] = entry
    return index


def resolve_role(oews: pd.DataFrame, *, role: str | Sequence[str]) -> Role:
    """Turn a job title, an OEWS occupation title, or SOC code(s) into a :class:`Role`.

    Parameters
    ----------
    oews : DataFrame
        The OEWS table (for occupation titles and to check that codes are published).
    role : str or list of str
        A title from :data:`ROLE_CROSSWALK` or one of its aliases ("e-commerce manager", "picker"), an OEWS
        occupation title ("Marketing Managers"), a SOC code ("11-2021" or "112021"), or several SOC codes as a
        list or comma-separated text (the first is the benchmark, the others are shown beside it).

    Returns
    -------
    Role

    Raises
    ------
    DataError
        Unknown title or code, with the closest matches (``difflib``) and how to search.
    """
    occ = occupation_titles(oews)
    names = dict(zip(occ["occupation_code"], occ["occupation_name"]))
    if isinstance(role, str):
        parts = [p.strip() for p in role.split(",")]
        items = parts if len(parts) > 1 and all(_as_code(p) for p in parts) else [role]  # "11-2021, 11-2022"
    else:
        items = [str(r) for r in role]
    if not items or any(not str(i).strip() for i in items):
        raise DataError("role is empty", source="role", fix="Pass a job title such as 'e-commerce manager' or a "
                                                            "SOC code such as '11-2021'")
    codes = [_as_code(i) for i in items]
    if all(c is not None for c in codes):
        unknown = [c for c in codes if c not in names]
        if unknown:
            raise DataError(f"SOC code {unknown[0]} is not published in this OEWS release", source="role",
                            fix=f"Close codes: {_close_codes(unknown[0], names)}. Search titles with "
                                "wb.salaries.find_occupations(oews, query='keyword')")
        return Role(title=names[codes[0]], soc=codes[0], occupation=names[codes[0]], alternates=tuple(codes[1:]),
                    reasoning="SOC code(s) given directly.", source="soc", names=names)
    if len(items) > 1:
        raise DataError("a list of roles must be SOC codes", source="role", rows=len(items),
                        example=next(i for i, c in zip(items, codes) if c is None),
                        fix="Pass one job title, or a list of SOC codes such as ['11-2021', '11-2022']")
    text = items[0]
    entry = _crosswalk_index().get(_norm(text))
    if entry is not None:
        missing = [c for c in (entry["soc"], *entry["alternates"]) if c not in names]
        if entry["soc"] in missing:
            raise DataError(f"the crosswalk maps {entry['title']!r} to SOC {entry['soc']}, which this OEWS table "
                            "does not hold", source="role", example=entry["soc"],
                            fix="Load the full OEWS table (wb.load_oews() without an occupation filter)")
        return Role(title=entry["title"], soc=entry["soc"], occupation=names[entry["soc"]],
                    alternates=tuple(c for c in entry["alternates"] if c in names), reasoning=entry["reasoning"],
                    source="crosswalk", names=names)
    by_title = {n.lower(): c for c, n in names.items()}
    code = by_title.get(text.strip().lower())
    if code is not None:
        return Role(title=names[code], soc=code, occupation=names[code], reasoning="OEWS occupation title given.",
                    source="occupation title", names=names)
    raise DataError(f"role {text!r} not recognised", source="role",
                    fix=f"Close matches: {_close_titles(text, names)}. Use a title from "
                        "wb.salaries.role_crosswalk(), an OEWS occupation title, a SOC code such as '11-2021', or "
                        "search with wb.salaries.find_occupations(oews, query='keyword')")


def _as_code(text: str) -> str | None:
    t = str(text).strip()
    if re.fullmatch(r"\d{2}-?\d{4}", t):
        d = t.replace("-", "")
        return f"{d[:2]}-{d[2:]}"
    return None


def _close_codes(code: str, names: dict[str, str], n: int = 5) -> str:
    same_group = [c for c in names if c[:4] == code[:4] and c[-1] != "0"]
    pool = same_group or list(names)
    picks = difflib.get_close_matches(code, pool, n=n, cutoff=0.0)
    return ", ".join(f"{c} {names[c]}" for c in picks)


def _close_titles(text: str, names: dict[str, str], n: int = 5) -> str:
    query = _norm(text)
    candidates = {**{k: v["title"] for k, v in _crosswalk_index().items()},
                  **{_norm(v): f"{v} ({c})" for c, v in names.items()}}
    picks = difflib.get_close_matches(query, list(candidates), n=n, cutoff=0.5)
    words = [w for w in query.split() if len(w) > 3]
    if len(picks) < n and words:  # add occupation titles sharing a word, e.g. 'merchandiser' -> 'Merchandise'
        for key, label in candidates.items():
            if len(picks) >= n:
                break
            if key not in picks and any(w[:6] in key for w in words):
                picks.append(key)
    seen, out = set(), []
    for p in picks:
        label = candidates[p]
        if label not in seen:
            seen.add(label)
            out.append(repr(label))
    return ", ".join(out) if out else "none"
