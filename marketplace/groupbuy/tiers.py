"""Price tiers by total quantity, in integer cents (pure: no database, no Flask).

A campaign's tiers are (from_quantity, unit_price_cents) steps: the first starts at 1, each
next one starts higher and costs less per unit. Everyone pays the price of the tier the
*total* quantity reaches at closing; at joining, a card is authorized for quantity x the
highest tier price (the most a participant can pay), and the capture takes quantity x the
final price, which releases the rest. Unit prices are whole cents, so no rounding happens
here: Σ captures = final price x Σ quantities, exactly. (The commission's rounding rule is
the fee engine's, `payments/fees.py`.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

MAX_TIERS = 6
MAX_QUANTITY = 10_000
MAX_UNIT_PRICE_CENTS = 1_000_000


@dataclass(frozen=True, order=True)
class Tier:
    from_quantity: int
    unit_price_cents: int


class TierError(ValueError):
    """The tiers do not describe a price: `code` names which rule failed."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def validate(tiers: Sequence[Tier]) -> list[Tier]:
    """The tiers sorted, or TierError: starts at 1, strictly rising, strictly cheaper."""
    ordered = sorted(tiers)
    if not ordered:
        raise TierError("empty")
    if len(ordered) > MAX_TIERS:
        raise TierError("too_many")
    if ordered[0].from_quantity != 1:
        raise TierError("first_not_one")
    for tier in ordered:
        if not 1 <= tier.from_quantity <= MAX_QUANTITY:
            raise TierError("quantity_range")
        if not 1 <= tier.unit_price_cents <= MAX_UNIT_PRICE_CENTS:
            raise TierError("price_range")
    for lower, upper in pairwise(ordered):
        if upper.from_quantity == lower.from_quantity:
            raise TierError("duplicate_quantity")
        if upper.unit_price_cents >= lower.unit_price_cents:
            raise TierError("price_not_decreasing")
    return ordered


def tier_at(tiers: Sequence[Tier], total_quantity: int) -> Tier:
    """The tier a total quantity reaches (the first tier below 1 unit)."""
    if total_quantity < 0:
        raise ValueError("quantity must not be negative")
    reached = [t for t in tiers if t.from_quantity <= max(total_quantity, 1)]
    return max(reached) if reached else min(tiers)


def price_at(tiers: Sequence[Tier], total_quantity: int) -> int:
    """The unit price everyone pays when the campaign closes with `total_quantity` units."""
    return tier_at(tiers, total_quantity).unit_price_cents


def highest_price(tiers: Sequence[Tier]) -> int:
    """The most a unit can cost (the first tier's price): what a card is authorized for."""
    return max(t.unit_price_cents for t in tiers)


def lowest_price(tiers: Sequence[Tier]) -> int:
    return min(t.unit_price_cents for t in tiers)


def hold_amount(tiers: Sequence[Tier], quantity: int) -> int:
    """The authorization for an order: quantity x the highest tier price."""
    _check_quantity(quantity)
    return quantity * highest_price(tiers)


def capture_amount(tiers: Sequence[Tier], total_quantity: int, quantity: int) -> int:
    """What one order is charged at closing: quantity x the final price."""
    _check_quantity(quantity)
    return quantity * price_at(tiers, total_quantity)


def captures(tiers: Sequence[Tier], quantities: Iterable[int]) -> list[int]:
    """Each order's capture for these order quantities (their sum fixes the tier)."""
    quantities = list(quantities)
    total = sum(quantities)
    return [capture_amount(tiers, total, q) for q in quantities]


def next_tier(tiers: Sequence[Tier], total_quantity: int) -> Tier | None:
    """The next cheaper tier not reached yet ("3 more units and the price drops to…")."""
    above = [t for t in tiers if t.from_quantity > total_quantity]
    return min(above) if above else None


def crossed(tiers: Sequence[Tier], before: int, after: int) -> Tier | None:
    """The tier newly reached when the total goes from `before` to `after`, if the price
    dropped (a tier reached by 1 unit is not news; going down returns None)."""
    if after <= before:
        return None
    old, new = tier_at(tiers, before), tier_at(tiers, after)
    return new if new.unit_price_cents < old.unit_price_cents else None


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValueError("quantity must be within 1..MAX_QUANTITY")
