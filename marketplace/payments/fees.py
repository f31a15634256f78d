"""Fee arithmetic in integer cents.

The rounding rule, written once: a fee of `bps` basis points on `amount` cents is
amount * bps / 10 000 rounded half up to a whole cent (a tie goes up). The other side
of a split is always `amount - fee`, so fee + share == amount exactly, for every amount.
"""

from __future__ import annotations

from dataclasses import dataclass

BPS_DENOMINATOR = 10_000


@dataclass(frozen=True)
class Split:
    fee_cents: int
    share_cents: int


def bps_of(amount_cents: int, bps: int) -> int:
    """`bps` basis points of `amount_cents`, rounded half up to a cent."""
    if amount_cents < 0:
        raise ValueError("amount must not be negative")
    if not 0 <= bps <= BPS_DENOMINATOR:
        raise ValueError("bps must be within 0..10000")
    return (amount_cents * bps + BPS_DENOMINATOR // 2) // BPS_DENOMINATOR


def split(amount_cents: int, bps: int) -> Split:
    """Split an amount into the platform's fee and the rest, with nothing lost."""
    fee = bps_of(amount_cents, bps)
    return Split(fee_cents=fee, share_cents=amount_cents - fee)
