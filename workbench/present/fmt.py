"""Number formatting for managers: one helper per kind of number, used by reports and the runner.

Round only here, when displaying; analyses keep full precision.
"""
from __future__ import annotations

import math
from typing import Any

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$", "CHF": "CHF "}


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return bool(math.isnan(x))
    except (TypeError, ValueError):
        return False


def money(x: Any, currency: str = "USD", decimals: int = 0, *, missing: str = "n/a") -> str:
    """``money(90000)`` -> ``'$90,000'``; ``money(-12.5, decimals=2)`` -> ``'-$12.50'``; ``money(1e6, 'EUR')`` -> ``'€1,000,000'``."""
    if _missing(x):
        return missing
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    sign = "-" if x < 0 else ""
    return f"{sign}{symbol}{abs(x):,.{decimals}f}"


def pct(x: Any, decimals: int = 1, *, signed: bool = False, missing: str = "n/a") -> str:
    """A fraction as a percentage: ``pct(0.053)`` -> ``'5.3%'``; ``pct(0.1, signed=True)`` -> ``'+10.0%'``."""
    if _missing(x):
        return missing
    return f"{x * 100:{'+' if signed else ''},.{decimals}f}%"


def pp(x: Any, decimals: int = 1, *, missing: str = "n/a") -> str:
    """A difference of two fractions in percentage points: ``pp(0.012)`` -> ``'+1.2 pp'``."""
    if _missing(x):
        return missing
    return f"{x * 100:+,.{decimals}f} pp"


def num(x: Any, decimals: int = 0, *, signed: bool = False, missing: str = "n/a") -> str:
    """``num(23570)`` -> ``'23,570'``; ``num(2.345, 2)`` -> ``'2.35'``."""
    if _missing(x):
        return missing
    return f"{x:{'+' if signed else ''},.{decimals}f}"


def compact(x: Any, *, currency: str | None = None, missing: str = "n/a") -> str:
    """Short form for chart labels: ``compact(2_500_315)`` -> ``'2.5M'``, with currency ``'$2.5M'``."""
    if _missing(x):
        return missing
    sign = "-" if x < 0 else ""
    a = abs(x)
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            text = f"{a / div:.1f}".rstrip("0").rstrip(".") + suffix
            break
    else:
        text = f"{a:,.0f}" if a >= 10 or a == int(a) else f"{a:.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ") if currency else ""
    return f"{sign}{symbol}{text}"


def ordinal(q: float) -> str:
    """A percentile's position in words: ``10`` -> ``'10th'``, ``22.4`` -> ``'22nd'``, ``35.9`` -> ``'36th'``."""
    n = int(round(q))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def value(x: Any, kind: str | None = None, unit: str | None = None) -> str:
    """Format by kind (``money``, ``percent``, ``change`` (signed percent), ``count``, ``number``, ``ratio``,
    ``percentile`` (a position from 0 to 100: "36th"), ``text``), as recorded metrics carry."""
    if kind == "money":
        return money(x, unit or "USD", 2 if not _missing(x) and abs(x) < 100 else 0)
    if kind == "percent":
        return pct(x)
    if kind == "change":
        return pct(x, signed=True)
    if kind == "count":
        return num(x)
    if kind == "ratio":
        return num(x, 2)
    if kind == "percentile" and not _missing(x):
        return ordinal(x)
    if _missing(x):
        return "n/a"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, str) or kind == "text":
        return str(x)
    if unit == "pp":   # a number in percentage points is a difference of two shares: signed, as the text says it
        return f"{num(x, 1, signed=True)} pp"
    if isinstance(x, int):
        text = num(x)
    else:
        text = num(x, 0 if abs(x) >= 1000 else 3 if abs(x) < 1 else 2)
    return f"{text} {unit}" if unit else text
