"""Who wins the purchase, before any model: each brand's share of purchase occasions, overall and under promotion.

Input is a brand-choice panel as a long choice table (:func:`workbench.load_choice_panel`: one row per
purchase occasion x alternative with ``chosen``, ``price``, ``feature``, ``display``). Plain pandas group-bys:
counting is all there is to it.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.analyses.competitors._choice_table import alternatives, long_table, promotion_flags
from workbench.errors import NotEnoughData

__all__ = ["choice_shares", "promotion_shares"]


def choice_shares(panel: Any) -> pd.DataFrame:
    """Share of purchase occasions won by each alternative, with its price level and promotion frequency.

    Returns
    -------
    DataFrame indexed by ``alternative`` (source order): ``occasions_won``, ``share`` (fraction of
    occasions), ``mean_price``, ``median_price`` (shelf price across all occasions, bought or not), and
    ``feature_rate`` / ``display_rate`` (fraction of occasions with that promotion running) where the panel
    has the flags.
    """
    t = long_table(panel)
    alts = alternatives(panel, t)
    n = t["occasion_id"].nunique()
    g = t.groupby("alternative", sort=False)
    out = pd.DataFrame({"occasions_won": g["chosen"].sum().astype("int64"),
                        "mean_price": g["price"].mean(), "median_price": g["price"].median()})
    out.insert(1, "share", out["occasions_won"] / n)
    for promo in promotion_flags(t):
        out[f"{promo}_rate"] = g[promo].apply(lambda s: s.astype("float64").mean())
    out.index = out.index.astype(str)
    out.index.name = "alternative"
    return out.reindex(alts)


def promotion_shares(panel: Any) -> pd.DataFrame:
    """How often each alternative wins when it is promoted, against when it is not.

    For every alternative and promotion flag (``feature``, ``display``): the occasions in which the
    alternative was promoted, the fraction of those it won (``share_promoted``), the fraction of the other
    occasions it won (``share_not_promoted``) and the difference in percentage points (``lift``, as a
    fraction). Descriptive only: promotions coincide with price cuts, so the lift mixes both; the choice
    model separates them.

    Returns
    -------
    DataFrame with columns ``alternative``, ``promotion``, ``occasions_promoted``, ``share_promoted``,
    ``share_not_promoted``, ``lift``.

    Raises
    ------
    NotEnoughData
        The panel has no promotion flags (tuna): there is nothing to compare.
    """
    t = long_table(panel)
    alts = alternatives(panel, t)
    flags = promotion_flags(t)
    if not flags:
        raise NotEnoughData("the panel records no promotions (no feature ad or display flags), so there is "
                            "nothing to compare", source=getattr(panel, "name", "panel"),
                            fix="Use a panel with `feature_<brand>` or `display_<brand>` columns")
    rows = []
    for promo in flags:
        for alt in alts:
            a = t[t["alternative"] == alt]
            on = a[promo].astype("float64") == 1
            rows.append({"alternative": alt, "promotion": promo, "occasions_promoted": int(on.sum()),
                         "share_promoted": a.loc[on, "chosen"].mean() if on.any() else np.nan,
                         "share_not_promoted": a.loc[~on, "chosen"].mean() if (~on).any() else np.nan})
    out = pd.DataFrame(rows, columns=["alternative", "promotion", "occasions_promoted", "share_promoted",
                                      "share_not_promoted"])
    out["lift"] = out["share_promoted"] - out["share_not_promoted"]
    return out
