"""Money is integer minor units plus an ISO currency; these helpers parse and display it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CURRENCY_SYMBOLS = {"eur": "€"}


class MoneyFormatError(ValueError):
    """The text is not an amount with at most two decimals."""


def parse_major_to_cents(text: str) -> int:
    """Turn '12', '12.5' or '12,50' into cents exactly, refusing sub-cent precision."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise MoneyFormatError("Enter an amount such as 45 or 45.50.") from exc
    if not value.is_finite():
        raise MoneyFormatError("Enter an amount such as 45 or 45.50.")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise MoneyFormatError("Use at most two decimals.")
    return int(cents)


def format_cents(amount_cents: int, currency: str = "eur") -> str:
    """Render 123456 as '1 234,56 €' the way French users read prices."""
    sign = "-" if amount_cents < 0 else ""
    units, cents = divmod(abs(amount_cents), 100)
    grouped = f"{units:,}".replace(",", "\u202f")
    symbol = CURRENCY_SYMBOLS.get(currency.lower(), currency.upper())
    return f"{sign}{grouped},{cents:02d}\u00a0{symbol}"
