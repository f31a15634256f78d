"""Money is integer minor units plus an ISO currency; these helpers parse and display it.

Every amount and every rate a person types goes through `parse_major_to_cents` or
`parse_percent_to_bps`: ASCII digits only (Python's `\\d` also matches '١٢٣'), exact, never
rounded; a sub-cent or sub-basis-point input is refused, not truncated.
"""

from __future__ import annotations

import re

CURRENCY_SYMBOLS = {"eur": "€"}
_AMOUNT_RE = re.compile(r"([0-9]{1,12})(?:[.,]([0-9]{1,2}))?")
_SUB_CENT_RE = re.compile(r"[0-9]{1,12}[.,][0-9]{3,}")
_PERCENT_RE = re.compile(r"([0-9]{1,3})(?:[.,]([0-9]{1,2}))?")
_SUB_BPS_RE = re.compile(r"[0-9]{1,3}[.,][0-9]{3,}")
_SPACES = ("\u00a0", "\u202f", " ")


class MoneyFormatError(ValueError):
    """The text is not an amount with at most two decimals."""


def _squeeze(text: str) -> str:
    cleaned = text.strip()
    for space in _SPACES:
        cleaned = cleaned.replace(space, "")
    return cleaned


def parse_major_to_cents(text: str) -> int:
    """Turn '12', '12.5' or '12,50' into cents exactly; refuse signs, exponents, sub-cents."""
    cleaned = _squeeze(text)
    match = _AMOUNT_RE.fullmatch(cleaned)
    if match is None:
        if _SUB_CENT_RE.fullmatch(cleaned):
            raise MoneyFormatError("Use at most two decimals.")
        raise MoneyFormatError("Enter an amount such as 45 or 45.50.")
    units, decimals = match.group(1), (match.group(2) or "").ljust(2, "0")
    return int(units) * 100 + int(decimals)


def parse_percent_to_bps(text: str) -> int:
    """Turn '15', '12.5 %' or '12,34' into basis points exactly (0..10000); refuse the rest."""
    cleaned = _squeeze(text).removesuffix("%")
    match = _PERCENT_RE.fullmatch(cleaned)
    if match is None:
        if _SUB_BPS_RE.fullmatch(cleaned):
            raise MoneyFormatError("Use at most two decimals (0.01 % steps).")
        raise MoneyFormatError("Enter a percentage such as 15 or 12.5.")
    bps = int(match.group(1)) * 100 + int((match.group(2) or "").ljust(2, "0"))
    if bps > 10_000:
        raise MoneyFormatError("A percentage is between 0 and 100.")
    return bps


def format_cents(amount_cents: int, currency: str = "eur") -> str:
    """Render 123456 as '1 234,56 €' the way French users read prices."""
    sign = "-" if amount_cents < 0 else ""
    units, cents = divmod(abs(amount_cents), 100)
    grouped = f"{units:,}".replace(",", "\u202f")
    symbol = CURRENCY_SYMBOLS.get(currency.lower(), currency.upper())
    return f"{sign}{grouped},{cents:02d}\u00a0{symbol}"
