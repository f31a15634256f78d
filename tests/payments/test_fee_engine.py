"""The fee engine: formulas with minimum and cap, and the one written precedence."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from marketplace.payments.fees import FeeFormula, commission_split, fee_of, pick_rule

formulas = st.builds(
    FeeFormula, bps=st.integers(0, 10_000), fixed_cents=st.integers(0, 50_000),
    min_cents=st.none() | st.integers(0, 50_000), cap_cents=st.none() | st.integers(0, 100_000))


@given(price=st.integers(0, 10**8), formula=formulas)
def test_commission_plus_take_home_is_the_price(price: int, formula: FeeFormula) -> None:
    parts = commission_split(price, formula)
    assert parts.fee_cents + parts.share_cents == price
    assert 0 <= parts.fee_cents <= price


@given(price=st.integers(0, 10**8), formula=formulas)
def test_minimum_and_cap_bound_the_fee(price: int, formula: FeeFormula) -> None:
    fee = fee_of(price, formula)
    if formula.cap_cents is not None:
        assert fee <= formula.cap_cents
    if formula.min_cents is not None and (formula.cap_cents is None
                                          or formula.min_cents <= formula.cap_cents):
        assert fee >= formula.min_cents
    if formula.min_cents is None and formula.cap_cents is None:
        assert fee == (price * formula.bps + 5_000) // 10_000 + formula.fixed_cents


@given(price=st.integers(0, 10**8), formula=formulas)
def test_a_commission_is_the_fee_limited_to_the_price(price: int, formula: FeeFormula) -> None:
    assert commission_split(price, formula).fee_cents == min(fee_of(price, formula), price)


def test_worked_examples() -> None:
    assert fee_of(4500, FeeFormula(bps=1500)) == 675
    assert fee_of(4500, FeeFormula(bps=1000, fixed_cents=50)) == 500
    assert fee_of(1000, FeeFormula(bps=500, min_cents=200)) == 200  # 0,50 € raised to 2 €
    assert fee_of(500_000, FeeFormula(bps=1500, cap_cents=5_000)) == 5_000
    assert commission_split(1000, FeeFormula(fixed_cents=2_000)).share_cents == 0


@dataclass(frozen=True)
class R:
    name: str
    category: str | None = None
    channel: str | None = None
    helper_id: int | None = None


ALL = [R("default"), R("channel", channel="hotline"), R("category", category="menage"),
       R("both", category="menage", channel="hotline"), R("helper", helper_id=7),
       R("other-category", category="jardinage"), R("other-helper", helper_id=8)]


def test_precedence_helper_then_both_then_category_then_channel_then_default() -> None:
    def pick(rules: list[R], cat: str = "menage", chan: str = "hotline",
             helper: int | None = 7) -> str | None:
        found = pick_rule(rules, cat, chan, helper)
        return found.name if found else None

    assert pick(ALL) == "helper"
    assert pick(ALL, helper=None) == "both"
    assert pick(ALL, chan="web", helper=None) == "category"
    assert pick(ALL, cat="courses", helper=None) == "channel"
    assert pick(ALL, cat="courses", chan="web", helper=3) == "default"
    assert pick([R("category", category="menage")], cat="courses") is None


@given(st.permutations(ALL), st.sampled_from([None, 7, 8, 9]),
       st.sampled_from(["menage", "jardinage", "courses"]), st.sampled_from(["web", "hotline"]))
def test_the_order_of_rules_never_matters(rules: list[R], helper: int | None, cat: str,
                                          chan: str) -> None:
    assert pick_rule(rules, cat, chan, helper) == pick_rule(ALL, cat, chan, helper)
