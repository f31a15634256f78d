"""Money is integer minor units plus an ISO currency; these helpers parse and display it."""

from __future__ import annotations

import re

CURRENCY_SYMBOLS = {"eur": "€"}
_AMOUNT_RE = re.compile(r"(\d{1,12})(?:[.,](\d{1,2}))?")
_SUB_CENT_RE = re.compile(r"\d{1,12}[.,]\d{3,}")


class MoneyFormatError(ValueError):
    """The text is not an amount with at most two decimals."""


def parse_major_to_cents(text: str) -> int:
    """Turn '12', '12.5' or '12,50' into cents exactly; refuse signs, exponents, sub-cents."""
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    match = _AMOUNT_RE.fullmatch(cleaned)
    if match is None:
        if _SUB_CENT_RE.fullmatch(cleaned):
            raise MoneyFormatError("Use at most two decimals.")
        raise MoneyFormatError("Enter an amount such as 45 or 45.50.")
    units, decimals = match.group(1), (match.group(2) or "").ljust(2, "0")
    return int(units) * 100 + int(decimals)


def format_cents(amount_cents: int, currency: str = "eur") -> str:
    """Render 123456 as '1 234,56 €' the way French users read prices."""
    sign = "-" if amount_cents < 0 else ""
    units, cents = divmod(abs(amount_cents), 100)
    grouped = f"{units:,}".replace(",", "\u202f")
    symbol = CURRENCY_SYMBOLS.get(currency.lower(), currency.upper())
    return f"{sign}{grouped},{cents:02d}\u00a0{symbol}"
