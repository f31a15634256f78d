"""A participant who did not get the goods: the payout waits, an operator refunds or splits."""

from __future__ import annotations

import pytest

from marketplace.accounts import services as accounts
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.flows.group_purchases import after
from marketplace.flows.group_purchases import disputes as group_disputes
from marketplace.groupbuy.lifecycle import OrderStatus
from marketplace.payments import ledger
from marketplace.payments.models import GroupPayment, GroupPayout, GroupRefund
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.status import PayoutStatus
from stripe_emulator import StripeEmulator
from tests.groupbuy.support import campaign, close_now, joined, payout_due_now
from tests.support.factories import PASSWORD, Factories


def test_an_open_dispute_holds_the_payout_until_split(make: Factories,
                                                      emu: StripeEmulator) -> None:
    op = accounts.make_operator("ops@example.com", PASSWORD)
    c = campaign(make, emu, minimum=2)
    happy, unhappy = make.client(), make.client()
    joined(emu, c, happy, 2)
    order = joined(emu, c, unhappy, 3)
    close_now(c)
    dispute = group_disputes.open_dispute(order.id, unhappy, "One box arrived torn")
    payout = payout_due_now(c)
    assert after.pay_seller(payout.id) == PayoutStatus.HELD
    with pytest.raises(DomainError):
        group_disputes.resolve_dispute(dispute.id, op, 999_999, "too much")
    db.session.rollback()
    group_disputes.resolve_dispute(dispute.id, op, 2400, "One box of three")
    db.session.refresh(order)
    assert order.status == OrderStatus.RESOLVED
    payout = payout_due_now(c)
    assert after.pay_seller(payout.id) == PayoutStatus.PAID
    payments = db.session.execute(db.select(GroupPayment)).scalars().all()
    assert payout.amount_cents == sum(p.seller_share_cents for p in payments) - 2400
    assert ledger.balance(ledger.helper_payable(c.seller_id)) == 0
    assert run_check().ok


def test_a_refund_after_the_payout_pulls_the_sellers_part_back(make: Factories,
                                                               emu: StripeEmulator) -> None:
    op = accounts.make_operator("ops@example.com", PASSWORD)
    c = campaign(make, emu, minimum=1)
    user = make.client()
    order = joined(emu, c, user, 2)
    close_now(c)
    after.confirm_receipt(order.id, user)
    after.pay_seller(payout_due_now(c).id)
    dispute = group_disputes.open_dispute(order.id, user, "Wrong seeds")
    group_disputes.resolve_dispute(dispute.id, op, 4800, "Full refund")
    refund = db.session.execute(db.select(GroupRefund)).scalar_one()
    assert refund.stripe_reversal_id and refund.seller_cents == 4800 - db.session.execute(
        db.select(GroupPayment.commission_cents)).scalar_one()
    assert db.session.execute(db.select(GroupPayout.status)).scalar_one() == PayoutStatus.PAID
    assert ledger.balance(ledger.helper_payable(c.seller_id)) == 0
    assert run_check().ok
