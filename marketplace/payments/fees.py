"""Fee arithmetic in integer cents.

The rounding rule, written once: a fee of `bps` basis points on `amount` cents is
amount * bps / 10 000 rounded half up to a whole cent (a tie goes up). The other side
of a split is always `amount - fee`, so fee + share == amount exactly, for every amount.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

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


# -- fee formulas and rule precedence ----------------------------------------------------
#
# A formula is `bps` basis points of the price (rounded half up, as above) plus `fixed_cents`,
# then raised to `min_cents`, then lowered to `cap_cents` (the cap wins if an operator set a
# cap below the minimum). A commission is finally limited to the price itself, so a helper
# never owes money; the helper's take-home is always `price - commission`.


@dataclass(frozen=True)
class FeeFormula:
    bps: int = 0
    fixed_cents: int = 0
    min_cents: int | None = None
    cap_cents: int | None = None

    def describe(self, fmt: Callable[[int], str] = lambda c: f"{c / 100:.2f}") -> str:
        """Human text such as '15 % + 0.50, min 2.00, cap 50.00' for pages and audits."""
        parts = [f"{self.bps / 100:g} %"]
        if self.fixed_cents:
            parts.append(f"+ {fmt(self.fixed_cents)}")
        text = " ".join(parts)
        if self.min_cents is not None:
            text += f", min {fmt(self.min_cents)}"
        if self.cap_cents is not None:
            text += f", cap {fmt(self.cap_cents)}"
        return text


def fee_of(amount_cents: int, formula: FeeFormula, *, limit_cents: int | None = None) -> int:
    """Apply a formula to an amount: percentage + fixed, then minimum, cap and limit."""
    if formula.fixed_cents < 0 or (formula.min_cents or 0) < 0 or (formula.cap_cents or 0) < 0:
        raise ValueError("fixed, minimum and cap must not be negative")
    fee = bps_of(amount_cents, formula.bps) + formula.fixed_cents
    if formula.min_cents is not None:
        fee = max(fee, formula.min_cents)
    if formula.cap_cents is not None:
        fee = min(fee, formula.cap_cents)
    if limit_cents is not None:
        fee = min(fee, limit_cents)
    return fee


def commission_split(price_cents: int, formula: FeeFormula) -> Split:
    """The platform's commission on a price and the helper's take-home; they sum to the price."""
    fee = fee_of(price_cents, formula, limit_cents=price_cents)
    return Split(fee_cents=fee, share_cents=price_cents - fee)


def next_commission_part(prior_cents: int, prior_fee_cents: int, amount_cents: int,
                         formula: FeeFormula) -> Split:
    """One more payment of an order already paid `prior_cents` (commission
    `prior_fee_cents`): the order's commission is the formula on its whole total, so a fixed
    part or a minimum is taken once per order, not per payment; this payment carries the
    difference. Because the formula never rises faster than the amount (half-up rounding,
    then clamps and the limit to the price), the part lies within 0..amount, and the parts
    of any sequence of payments sum exactly to the commission on their total."""
    total_fee = commission_split(prior_cents + amount_cents, formula).fee_cents
    fee = max(0, min(amount_cents, total_fee - prior_fee_cents))
    return Split(fee_cents=fee, share_cents=amount_cents - fee)


def commission_parts(amounts_cents: Sequence[int], formula: FeeFormula) -> list[Split]:
    """The commission of an order paid in several payments, split across them in order."""
    parts, paid, fees = [], 0, 0
    for amount in amounts_cents:
        part = next_commission_part(paid, fees, amount, formula)
        parts.append(part)
        paid, fees = paid + amount, fees + part.fee_cents
    return parts


class RuleScope(Protocol):
    category: str | None
    channel: str | None
    helper_id: int | None


R = TypeVar("R", bound=RuleScope)

# The precedence, written once: helper override > category+channel > category > channel >
# default. A helper override names only the helper (it applies across categories/channels).
PRECEDENCE = ("helper", "category+channel", "category", "channel", "default")


def rule_rank(rule: RuleScope, category: str, channel: str, helper_id: int | None) -> int | None:
    """How specific a rule is for this booking (higher wins), or None if it does not apply."""
    if rule.helper_id is not None:
        return 4 if helper_id is not None and rule.helper_id == helper_id else None
    if rule.category is not None and rule.category != category:
        return None
    if rule.channel is not None and rule.channel != channel:
        return None
    return (2 if rule.category else 0) + (1 if rule.channel else 0)


def pick_rule(rules: Sequence[R], category: str, channel: str,
              helper_id: int | None = None) -> R | None:
    """The single most specific applicable rule, by the precedence above."""
    ranked = [(rank, rule) for rule in rules
              if (rank := rule_rank(rule, category, channel, helper_id)) is not None]
    return max(ranked, key=lambda pair: pair[0])[1] if ranked else None
