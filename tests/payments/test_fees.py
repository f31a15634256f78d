"""The fee rule: round half up, and fee + share == amount for every amount."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.payments.fees import bps_of, split


def test_fee_plus_share_is_amount_for_every_amount_up_to_1000_euros() -> None:
    for amount in range(1, 100_001):
        parts = split(amount, 1_500)
        assert parts.fee_cents + parts.share_cents == amount
        assert 0 <= parts.fee_cents <= amount


@given(amount=st.integers(0, 10**9), bps=st.integers(0, 10_000))
def test_split_never_loses_a_cent(amount: int, bps: int) -> None:
    parts = split(amount, bps)
    assert parts.fee_cents + parts.share_cents == amount
    assert 0 <= parts.fee_cents <= amount
    assert abs(parts.fee_cents * 10_000 - amount * bps) <= 5_000  # within half a cent


@pytest.mark.parametrize(("amount", "bps", "fee"), [
    (4500, 1500, 675),     # 45 € at 15 % = 6,75 €
    (1003, 1500, 150),     # 150.45 rounds down
    (1010, 1500, 152),     # 151.5 rounds half up
    (1, 1500, 0),
    (4, 1500, 1),          # 0.6 rounds up
    (500_000, 1500, 75_000),
    (1234, 0, 0),
    (1234, 10_000, 1234),
])
def test_rounding_rule_is_half_up(amount: int, bps: int, fee: int) -> None:
    assert bps_of(amount, bps) == fee


@pytest.mark.parametrize(("amount", "bps"), [(-1, 1500), (100, -1), (100, 10_001)])
def test_nonsense_inputs_are_refused(amount: int, bps: int) -> None:
    with pytest.raises(ValueError):
        bps_of(amount, bps)
