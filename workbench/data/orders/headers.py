"""Which columns of a file are the order lines' columns: a known export layout, the user's ``columns=``, or the
common spellings of the canonical names; and, when a needed column is still missing, the mapping to pass.

:func:`choose_layout` decides, from the header (and, for a suggestion, a few rows), in this order:

1. ``columns={canonical: source column}`` given: the user's mapping, completed by columns already named
   canonically and, for needed columns it leaves out, by their common spellings (a partial mapping works:
   ``columns={"revenue": "amount"}`` on a file whose other columns are canonical);
2. ``format=`` given, or a known export layout recognised by its header (Shopify, WooCommerce, UCI, CDNOW);
3. the canonical names, else common spellings (:data:`SPELLINGS`): ``Order Number``, ``InvoiceNo``, ``Email``,
   ``Created at``, ``amount``, ``net sales``, ``qty``, ``price`` (revenue = quantity x price), ...

What counts as revenue (the line's net sales, before tax and shipping; see :mod:`workbench.data.schema`):
an amount, net sales or subtotal column is taken first. A **total** (``Total``, ``Order total``, ``Grand
total``, ``Total sales``) usually includes tax and shipping, so it is taken only when nothing else holds the
amount: with tax and shipping columns beside it, revenue = total - tax - shipping; without them the total is
taken as written and the load summary says that revenue may include tax and shipping.

Names are matched exactly after normalising case, separators and camel case (``order_id``, ``Order ID``,
``OrderID`` and ``order-id`` are one spelling), never by similarity: a close but unknown name is only offered
in the error's suggestion, never used.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from types import ModuleType
from typing import Callable, Sequence

import pandas as pd

from workbench.data import formats
from workbench.data.formats import generic as _generic
from workbench.data.formats._base import currency_in_header, norm, without_unit
from workbench.data.schema import ORDER_COLUMNS
from workbench.errors import DataError

ORDER_FORMATS = ("canonical", "cdnow", "shopify", "woocommerce", "woocommerce-export", "online-retail",
                 "online-retail-ii")

NEEDED = ("order_id", "customer_id", "order_date", "revenue")

# canonical column -> common header spellings (normalised by `spelling`), best first: English, then the German,
# French, Spanish, Italian and Dutch headers of shops that export in their own language
SPELLINGS: dict[str, tuple[str, ...]] = {
    "order_id": ("order id", "order no", "order", "order ref", "order reference", "invoice", "invoice no",
                 "invoice id", "transaction id", "receipt no", "sales order", "sales order no",
                 "bestellnummer", "bestell no", "bestellung", "auftragsnummer", "rechnungsnummer",
                 "numéro de commande", "n° de commande", "commande", "numéro de facture",
                 "número de pedido", "n° de pedido", "pedido", "número de factura",
                 "numero ordine", "n ordine", "ordine", "bestelnummer", "ordernummer", "bestelling"),
    "customer_id": ("customer id", "customer no", "customer", "customer email", "customer e mail", "email",
                    "e mail", "email address", "e mail address", "billing email", "billing e mail", "buyer email",
                    "client email", "client id", "client", "buyer id", "buyer", "user id", "account id",
                    "kundennummer", "kunden no", "kunden id", "kunde", "kunden e mail", "e mail adresse",
                    "id client", "e mail client", "courriel", "id cliente", "cliente", "correo electrónico",
                    "codice cliente", "klantnummer", "klant"),
    "order_date": ("order date", "date", "created at", "created", "order created", "order time",
                   "order datetime", "purchase date", "invoice date", "transaction date", "date placed",
                   "placed at", "timestamp", "datetime",
                   "bestelldatum", "rechnungsdatum", "datum", "date de commande", "date commande",
                   "fecha de pedido", "fecha pedido", "fecha", "data ordine", "besteldatum"),
    "revenue": ("revenue", "net sales", "net revenue", "net amount", "line total", "line amount", "amount",
                "sales", "sales amount", "sale amount", "subtotal", "sub total",
                "nettobetrag", "betrag", "umsatz", "montant ht", "montant", "importe neto", "importe",
                "importo netto", "importo", "bedrag", "omzet"),
    "quantity": ("quantity", "qty", "units", "items", "item count", "items sold", "no of items",
                 "menge", "anzahl", "quantité", "qté", "cantidad", "quantità", "aantal"),
    "unit_price": ("unit price", "price", "item price", "price each", "einzelpreis", "preis", "prix unitaire",
                   "prix", "precio unitario", "precio", "prezzo unitario", "prezzo", "stukprijs", "prijs"),
    "discount": ("discount", "discount amount", "line discount"),
    "sku": ("sku", "product code", "item code", "stock code", "product id", "item id", "article no"),
    "product_name": ("product name", "product", "item name", "description", "product title"),
    "category": ("category", "product category", "product type"),
    "currency": ("currency", "currency code"),
    "country": ("country", "billing country", "shipping country", "country code"),
    "region": ("region", "province", "billing province"),
    "channel": ("channel", "sales channel", "source", "origin"),
    "status": ("status", "order status", "bestellstatus", "statut", "estado", "stato"),
    "tax": ("tax", "taxes", "tax amount", "vat"),
    "shipping": ("shipping", "shipping cost", "shipping amount", "delivery", "delivery cost"),
    "line_type": ("line type",),
}
# order totals: revenue only when no amount column exists (they usually include tax and shipping)
TOTALS = ("total", "order total", "grand total", "total amount", "total price", "total sales",
          "gesamtbetrag", "gesamt", "summe", "montant ttc", "total ttc", "importe total", "totale", "totaal",
          "totaalbedrag")


def spelling(name: str) -> str:
    """``"OrderID"``, ``"order_id"``, ``"Order-ID"`` -> ``"order id"``; ``"Order #"``, ``"Order Number"`` ->
    ``"order no"``."""
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(name).strip())
    s = s.lower().replace("#", " no ")
    s = re.sub(r"[\s_\-./:()]+", " ", s).strip()
    return re.sub(r"\b(number|num|nr)\b", "no", s)


def bare_spelling(name: str) -> str:
    """:func:`spelling` without a unit or currency in brackets or a currency sign: ``"Amount (EUR)"``,
    ``"Total €"`` -> ``"amount"``, ``"total"``."""
    return spelling(without_unit(name))


@dataclass
class Layout:
    """How a header maps to the canonical columns.

    ``module`` is the layout module that maps the rows; for anything but a known export layout it is
    ``formats.generic`` with ``columns`` = {canonical: source column}. ``revenue_less`` names canonical
    columns subtracted from the revenue column (a total that includes tax and shipping).
    """

    module: ModuleType
    format: str
    columns: dict[str, str] | None = None
    notes: list[str] = field(default_factory=list)
    revenue_less: tuple[str, ...] = ()

    @property
    def mapped(self) -> bool:
        return self.columns is not None


def check_header(header: Sequence[str], name: str) -> None:
    """A header that names a column twice is refused (which one would be meant?)."""
    seen: dict[str, int] = {}
    for h in header:
        seen[h] = seen.get(h, 0) + 1
    dups = [h for h, n in seen.items() if n > 1]
    if dups:
        raise DataError(f"the header names {len(dups)} column{'s' if len(dups) > 1 else ''} twice: {dups}",
                        source=name, column=dups[0],
                        fix=f"Rename or delete the duplicated columns so each name appears once, then load the "
                            f"file again. Header: {list(header)}")


def choose_layout(header: Sequence[str], *, name: str, fmt: str = "auto", columns: dict | None = None,
                  sample: Callable[[], pd.DataFrame] | None = None, currency: str | None = None) -> Layout:
    """The layout for this header, or one DataError that says which column is missing and what to pass.

    ``sample`` returns a few rows of the data; it is called only to suggest a mapping in an error. ``currency``
    (``currency=``) is checked against a currency an amount header names (``Amount (EUR)``).
    """
    header = [str(h) for h in header]
    if columns is not None:
        _generic.check_mapping(columns, header, source=name)
        found = dict(columns)
        found.update(_canonical_named(header, skip=found))
        recognised = _by_spelling(header, skip=found, wanted=_still_needed(found))
        found.update(recognised)
        _require_needed(found, header, name=name, sample=sample, given=columns)
        return _generic_layout(found, header, given=columns, recognised=recognised, name=name, currency=currency)
    if fmt not in ("auto", "canonical"):
        module = formats.FORMATS[fmt]
        _require(module, header, name)
        return Layout(module, module.NAME)
    module = formats.detect(header) if fmt == "auto" else None
    if module is not None and module is not _generic:
        _require(module, header, name)
        return Layout(module, module.NAME)
    found = _canonical_named(header, skip={})
    recognised = _by_spelling(header, skip=found, wanted=[c for c in ORDER_COLUMNS if c not in found])
    found.update(recognised)
    if not _still_needed(found):
        return _generic_layout(found, header, given=None, recognised=recognised, name=name, currency=currency)
    near = [(m, lacking) for m, lacking in formats.near_misses(header) if m is not _generic] if fmt == "auto" \
        else []
    if near:
        module, lacking = near[0]
        raise DataError(f"looks like a {module.TITLE} but required column `{lacking[0]}` is missing",
                        source=name, column=lacking[0],
                        fix=f"Export again with all columns ({module.TITLE} needs {list(module.REQUIRED)}), or "
                            f"name your columns with columns={{'order_id': ..., 'customer_id': ..., "
                            f"'order_date': ..., 'revenue': ...}}. Columns present: {header}")
    _require_needed(found, header, name=name, sample=sample, given=None, layout_unknown=fmt == "auto")
    raise AssertionError("unreachable")  # pragma: no cover


def _require(module: ModuleType, header: list[str], name: str) -> None:
    have = {norm(h) for h in header}
    lacking = [c for c in module.REQUIRED if norm(c) not in have]
    if lacking:
        raise DataError(f"required column `{lacking[0]}` of the {module.TITLE} is missing", source=name,
                        column=lacking[0],
                        fix=f"Export again with all columns ({module.TITLE} needs {list(module.REQUIRED)}), "
                            f"or pass columns= to map your own. Columns present: {header}")


def _canonical_named(header: list[str], *, skip: dict[str, str]) -> dict[str, str]:
    """Canonical columns the header names exactly (``order_id``), except those mapped already."""
    used = set(skip.values())
    return {c: c for c in ORDER_COLUMNS if c in header and c not in skip and c not in used}


def _by_spelling(header: list[str], *, skip: dict[str, str], wanted: Sequence[str]) -> dict[str, str]:
    """Canonical column -> header, for the ``wanted`` columns a header spells in a known way."""
    used = set(skip.values())
    free = {}
    for h in header:
        if h not in used and h not in ORDER_COLUMNS:
            free.setdefault(spelling(h), h)
    for h in header:   # then without a unit or currency in brackets: "Amount (EUR)", "Total [€]"
        if h not in used and h not in ORDER_COLUMNS:
            free.setdefault(bare_spelling(h), h)
    out: dict[str, str] = {}
    for canon in wanted:
        if canon in skip:
            continue
        for spelt in SPELLINGS.get(canon, ()):
            if spelt in free and free[spelt] not in out.values():
                out[canon] = free[spelt]
                break
    if "revenue" in wanted and "revenue" not in skip and "revenue" not in out and "unit_price" not in skip \
            and "unit_price" not in out:
        for spelt in TOTALS:
            if spelt in free and free[spelt] not in out.values():
                out["revenue"] = free[spelt]
                break
    return out


def _still_needed(found: dict[str, str]) -> list[str]:
    """Needed canonical columns not found: revenue can also come from unit_price (x quantity)."""
    return [c for c in NEEDED if c not in found and not (c == "revenue" and "unit_price" in found)]


def _generic_layout(found: dict[str, str], header: list[str], *, given: dict | None,
                    recognised: dict[str, str], name: str, currency: str | None) -> Layout:
    found = {c: found[c] for c in ORDER_COLUMNS if c in found}
    _header_currency(found, name=name, currency=currency)
    canonical = given is None and all(c == s for c, s in found.items())
    layout = Layout(_generic, "canonical" if canonical else "generic", columns=found)
    if recognised:
        pairs = ", ".join(f"{c} = `{recognised[c]}`" for c in ORDER_COLUMNS if c in recognised)
        layout.notes.append(f"Columns recognised by their names: {pairs} (pass columns= to choose others).")
    total = found.get("revenue")
    if total is not None and bare_spelling(total) in TOTALS and (given is None or "revenue" not in given):
        less = tuple(c for c in ("tax", "shipping") if c in found)
        layout.revenue_less = less
        if less:
            layout.notes.append(f"Revenue = `{total}` - " + " - ".join(f"`{found[c]}`" for c in less)
                                + ": a total includes tax and shipping, revenue is net of them.")
        else:
            layout.notes.append(f"Revenue taken from `{total}` as written: if that total includes tax or "
                                "shipping, so do revenue and AOV (pass columns={'revenue': ...} naming the net "
                                "amount to change it).")
    return layout


def _header_currency(found: dict[str, str], *, name: str, currency: str | None) -> None:
    """An amount header that names its currency (``Amount (EUR)``) in a file without a currency column: refused
    when ``currency=`` says another one (the workbench does not convert)."""
    if "currency" in found or currency is None:
        return
    for canon in ("revenue", "unit_price"):
        code = currency_in_header(found.get(canon))
        if code and code != currency.upper():
            raise DataError(f"`{found[canon]}` names its currency, {code}, not {currency} as currency= says",
                            source=name, column=found[canon],
                            fix=f"Pass currency='{code}' (the workbench does not convert currencies), or convert the "
                                "amounts before loading")


def _require_needed(found: dict[str, str], header: list[str], *, name: str, sample, given: dict | None,
                    layout_unknown: bool = False) -> None:
    missing = _still_needed(found)
    if not missing:
        return
    guess = suggest(missing, header, taken=set(found.values()), sample=sample)
    what = " and ".join(", ".join(missing).rsplit(", ", 1)) if len(missing) > 1 else missing[0]
    problem = f"no column found for {what}"
    if layout_unknown:
        problem = f"layout not recognised: {problem}"
    mapping = {c: guess.get(c, "<your column>") for c in missing}
    guessed = [c for c in missing if c in guess]
    fix = f"Name {'them' if len(missing) > 1 else 'it'}: columns={mapping!r}"
    if guessed:
        fix += (" (guessed from their names or values: check them)" if len(guessed) > 1 else
                " (guessed from its name or values: check it)")
    if "revenue" in missing:
        fix += "; revenue is each line's net sales before tax and shipping (or give unit_price and quantity)"
    known = {c: s for c, s in found.items() if c != s or given is not None}
    if known:
        fix += ". Columns already found: " + ", ".join(f"{c} = `{s}`" for c, s in known.items())
    fix += f". Columns present: {header}"
    if layout_unknown:
        fix += f". Known export formats: {', '.join(ORDER_FORMATS)}"
    raise DataError(problem, source=name, fix=fix)


def suggest(missing: Sequence[str], header: Sequence[str], *, taken: set[str],
            sample: Callable[[], pd.DataFrame] | None) -> dict[str, str]:
    """A likely source column for each missing canonical column: a name close to a known spelling, else (for
    dates and amounts) a column whose values are all dates or all amounts, else the one column left over."""
    free = [h for h in header if h not in taken]
    out: dict[str, str] = {}
    for canon in missing:
        names = SPELLINGS.get(canon, ()) + (TOTALS if canon == "revenue" else ())
        for h in free:
            if h not in out.values() and difflib.get_close_matches(spelling(h), names, n=1, cutoff=0.75):
                out[canon] = h
                break
    left = [c for c in missing if c not in out]
    if left and sample is not None:
        try:
            rows = sample()
        except Exception:  # noqa: BLE001 - a suggestion must never hide the real error
            rows = None
        if rows is not None:
            kinds = {h: _kind(rows[h]) for h in free if h in rows and h not in out.values()}
            for canon, kind in (("order_date", "date"), ("revenue", "amount")):
                if canon in left:
                    hits = [h for h, k in kinds.items() if k == kind and h not in out.values()]
                    if len(hits) == 1:
                        out[canon] = hits[0]
            rest = [c for c in left if c in ("order_id", "customer_id") and c not in out]
            ids = [h for h, k in kinds.items() if k in ("text", "whole") and h not in out.values()]
            if rest and len(rest) == len(ids) == 1:
                out[rest[0]] = ids[0]
    return out


def _kind(values: pd.Series) -> str | None:
    """"date", "amount" (numbers with decimals), "whole" (whole numbers), "text", or None (empty)."""
    from workbench.data.csvread import parse_dates, parse_numbers

    v = values.dropna()
    if v.empty:
        return None
    if pd.api.types.is_datetime64_any_dtype(v):
        return "date"
    if pd.api.types.is_numeric_dtype(v):
        return "whole" if (v == v.round()).all() else "amount"
    try:
        num = parse_numbers(v.astype(str))
        return "whole" if (num == num.round()).all() and not v.astype(str).str.contains(r"[.,]\d").any() \
            else "amount"
    except DataError:
        pass
    try:
        parse_dates(v.astype(str))
        return "date"
    except DataError:
        return "text"
