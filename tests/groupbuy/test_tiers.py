"""Tier arithmetic, exhaustive on small cases: what each participant pays, and the split."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.groupbuy import tiers
from marketplace.groupbuy.tiers import Tier, TierError
from marketplace.payments.fees import FeeFormula, commission_split

GARDEN = [Tier(1, 2400), Tier(10, 2000), Tier(30, 1700)]


def test_price_follows_the_total_quantity() -> None:
    assert [tiers.price_at(GARDEN, n) for n in (0, 1, 9, 10, 29, 30, 500)] == [
        2400, 2400, 2400, 2000, 2000, 1700, 1700]
    assert tiers.highest_price(GARDEN) == 2400 and tiers.lowest_price(GARDEN) == 1700
    assert tiers.next_tier(GARDEN, 7) == Tier(10, 2000)
    assert tiers.next_tier(GARDEN, 30) is None


def test_tier_reached_is_news_only_when_the_price_drops() -> None:
    assert tiers.crossed(GARDEN, 9, 10) == Tier(10, 2000)
    assert tiers.crossed(GARDEN, 0, 12) == Tier(10, 2000)
    assert tiers.crossed(GARDEN, 8, 31) == Tier(30, 1700)
    assert tiers.crossed(GARDEN, 10, 12) is None
    assert tiers.crossed(GARDEN, 12, 9) is None


@pytest.mark.parametrize(("given_tiers", "code"), [
    ([], "empty"),
    ([Tier(2, 100)], "first_not_one"),
    ([Tier(1, 100), Tier(1, 90)], "duplicate_quantity"),
    ([Tier(1, 100), Tier(5, 100)], "price_not_decreasing"),
    ([Tier(1, 100), Tier(5, 120)], "price_not_decreasing"),
    ([Tier(1, 0)], "price_range"),
    ([Tier(1, 100), Tier(10_001, 90)], "quantity_range"),
    ([Tier(i + 1, 1000 - i) for i in range(7)], "too_many"),
])
def test_invalid_tiers_are_refused(given_tiers: list[Tier], code: str) -> None:
    with pytest.raises(TierError) as raised:
        tiers.validate(given_tiers)
    assert raised.value.code == code


def test_validate_sorts() -> None:
    assert tiers.validate([Tier(10, 2000), Tier(1, 2400)]) == [Tier(1, 2400), Tier(10, 2000)]


TIER_SETS = [
    [Tier(1, 500)],
    [Tier(1, 999), Tier(2, 998)],
    [Tier(1, 2400), Tier(3, 2000), Tier(5, 1700)],
    [Tier(1, 1)],
    [Tier(1, 333), Tier(2, 167), Tier(6, 101)],
]
FORMULAS = [FeeFormula(bps=0), FeeFormula(bps=1250), FeeFormula(bps=333, fixed_cents=7),
            FeeFormula(bps=1500, min_cents=50, cap_cents=300), FeeFormula(bps=10_000)]


def test_exhaustive_small_campaigns() -> None:
    """Every way 1 to 3 participants can order 1 to 6 units, for each tier set and fee:
    captures sum to final price x total, never exceed the hold, and the commission and the
    seller's share add up to each capture exactly."""
    checked = 0
    for steps in TIER_SETS:
        for n in (1, 2, 3):
            for quantities in itertools.product(range(1, 7), repeat=n):
                caps = tiers.captures(steps, quantities)
                total = sum(quantities)
                final = tiers.price_at(steps, total)
                assert sum(caps) == final * total
                for q, cap in zip(quantities, caps, strict=True):
                    assert 0 < cap <= tiers.hold_amount(steps, q)
                    assert tiers.hold_amount(steps, q) - cap == q * (
                        tiers.highest_price(steps) - final)  # what is released
                    for formula in FORMULAS:
                        split = commission_split(cap, formula)
                        assert split.fee_cents + split.share_cents == cap
                        assert 0 <= split.fee_cents <= cap
                checked += 1
    assert checked == len(TIER_SETS) * (6 + 36 + 216)


@st.composite
def tier_sets(draw: st.DrawFn) -> list[Tier]:
    n = draw(st.integers(1, tiers.MAX_TIERS))
    starts = sorted(draw(st.sets(st.integers(2, 500), min_size=n - 1, max_size=n - 1)))
    prices = sorted(draw(st.sets(st.integers(1, 100_000), min_size=n, max_size=n)),
                    reverse=True)
    return tiers.validate([Tier(q, p) for q, p in zip([1, *starts], prices, strict=True)])


@given(tier_sets(), st.lists(st.integers(1, 200), min_size=1, max_size=30),
       st.integers(0, 10_000))
def test_any_campaign_adds_up(steps: list[Tier], quantities: list[int], bps: int) -> None:
    caps = tiers.captures(steps, quantities)
    assert sum(caps) == tiers.price_at(steps, sum(quantities)) * sum(quantities)
    assert all(c <= tiers.hold_amount(steps, q) for c, q in zip(caps, quantities, strict=True))
    for cap in caps:
        split = commission_split(cap, FeeFormula(bps=bps))
        assert split.fee_cents + split.share_cents == cap


@given(tier_sets(), st.integers(0, 1000), st.integers(0, 1000))
def test_more_units_never_cost_more_per_unit(steps: list[Tier], a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert tiers.price_at(steps, high) <= tiers.price_at(steps, low)
