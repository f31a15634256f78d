"""The commission of a group purchase is taken once per order, on what the order paid in
all, however many payments it took (a quantity raised on a held card adds one)."""

from __future__ import annotations

import itertools

from marketplace.core.db import db
from marketplace.flows.group_purchases import joining
from marketplace.payments.fees import FeeFormula, commission_parts, commission_split
from marketplace.payments.models import FeeKind, FeeRule, GroupPayment
from marketplace.payments.services.fee_rules import scope_key
from marketplace.payments.services.reconcile import run_check
from stripe_emulator import StripeEmulator
from tests.groupbuy.support import CANCEL, OK, campaign, close_now, joined, latest_payment, pay
from tests.support.factories import Factories

FORMULAS = [FeeFormula(bps, fixed, lo, hi)
            for bps in (0, 333, 5000, 9999, 10_000)
            for fixed in (0, 7)
            for lo in (None, 5, 40)
            for hi in (None, 3, 30)
            if lo is None or hi is None or lo <= hi]


def test_parts_sum_to_the_commission_on_the_total_for_every_small_case() -> None:
    """Exhaustive over small orders of 1 to 3 payments of 1..9 cents (and a larger one)."""
    amounts = [*range(1, 10), 250]
    checked = 0
    for formula in FORMULAS:
        for n in (1, 2, 3):
            for payments in itertools.product(amounts, repeat=n):
                parts = commission_parts(payments, formula)
                total = commission_split(sum(payments), formula)
                assert sum(p.fee_cents for p in parts) == total.fee_cents
                assert sum(p.share_cents for p in parts) == total.share_cents
                for amount, part in zip(payments, parts, strict=True):
                    assert 0 <= part.fee_cents <= amount
                    assert part.fee_cents + part.share_cents == amount
                checked += 1
    assert checked == len(FORMULAS) * (10 + 10**2 + 10**3)


def test_a_fixed_part_is_paid_once_by_an_order_with_an_extra_payment(
        make: Factories, emu: StripeEmulator) -> None:
    db.session.add(FeeRule(kind=FeeKind.COMMISSION, category="group_purchase", bps=500,
                           fixed_cents=150, min_cents=300,
                           scope_key=scope_key("commission", "group_purchase", None, None)))
    db.session.commit()
    c = campaign(make, emu, minimum=10)
    user = make.client()
    order = joined(emu, c, user, 4)
    joined(emu, c, make.client(), 3)
    assert joining.change_quantity(order.id, user, 7, OK, CANCEL).url
    pay(emu, latest_payment(order))
    close_now(c)  # 10 units at 20 €: the order paid 140 € in two captures
    payments = db.session.execute(db.select(GroupPayment).where(
        GroupPayment.order_id == order.id).order_by(GroupPayment.id)).scalars().all()
    assert [p.captured_cents for p in payments] == [8000, 6000]
    assert sum(p.commission_cents for p in payments) == 700 + 150  # 5 % of 140 € + 1.50 once
    assert sum(p.seller_share_cents for p in payments) == 14000 - 850
    assert run_check().ok, run_check().problems
