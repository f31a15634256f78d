"""A campaign from joining to the seller's payout, through the flows and the emulator."""

from __future__ import annotations

from marketplace.core.db import db
from marketplace.flows.group_purchases import after, joining
from marketplace.groupbuy import services
from marketplace.groupbuy.lifecycle import CampaignStatus, OrderStatus
from marketplace.payments import ledger
from marketplace.payments.models import GroupPayment
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.status import PaymentStatus, PayoutStatus
from stripe_emulator import StripeEmulator
from tests.groupbuy.support import (
    campaign,
    close_now,
    holds_outstanding,
    joined,
    payout_due_now,
)
from tests.support.factories import Factories


def test_confirmed_campaign_captures_at_final_price_and_pays_seller(
        make: Factories, emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=10)
    alice, bob, chloe = make.client(), make.client(), make.client()
    a = joined(emu, c, alice, 4)
    b = joined(emu, c, bob, 5)
    assert services.summary(c).unit_price_cents == 2400
    ch = joined(emu, c, chloe, 3)
    assert services.summary(c).total_quantity == 12
    assert services.summary(c).unit_price_cents == 2000  # the 10+ tier
    assert holds_outstanding() == 12 * 2400

    close_now(c)
    assert c.status == CampaignStatus.CONFIRMED and c.final_unit_price_cents == 2000
    for order, qty in ((a, 4), (b, 5), (ch, 3)):
        db.session.refresh(order)
        assert order.status == OrderStatus.CAPTURED
        payment = db.session.execute(db.select(GroupPayment).where(
            GroupPayment.order_id == order.id)).scalar_one()
        assert payment.status == PaymentStatus.CAPTURED
        assert payment.captured_cents == qty * 2000
        assert payment.commission_cents + payment.seller_share_cents == payment.captured_cents
    assert holds_outstanding() == 0  # captured less than held: the rest released
    assert ledger.unbalanced_transactions() == []

    for order in (a, b, ch):
        after.confirm_handover(order.id, c.seller)
    payout = payout_due_now(c)
    assert after.pay_seller(payout.id) == PayoutStatus.PAID
    db.session.refresh(c)
    assert c.status == CampaignStatus.COMPLETED
    payments = db.session.execute(db.select(GroupPayment)).scalars().all()
    assert payout.amount_cents == sum(p.seller_share_cents for p in payments)
    assert ledger.balance(ledger.helper_payable(c.seller_id)) == 0
    result = run_check()
    assert result.ok, result.problems


def test_minimum_missed_releases_every_hold(make: Factories, emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=10)
    orders = [joined(emu, c, make.client(), q) for q in (3, 4)]
    close_now(c)
    assert c.status == CampaignStatus.CALLED_OFF
    for order in orders:
        db.session.refresh(order)
        assert order.status == OrderStatus.RELEASED
    payments = db.session.execute(db.select(GroupPayment)).scalars().all()
    assert {p.status for p in payments} == {PaymentStatus.CANCELED}
    assert {emu.store.get(p.payment_intent_id, "payment_intent")["status"]
            for p in payments} == {"canceled"}
    assert holds_outstanding() == 0
    assert run_check().ok


def test_withdraw_before_closing_is_free(make: Factories, emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=2, maximum=10)
    user = make.client()
    order = joined(emu, c, user, 3)
    db.session.refresh(c)
    assert c.reserved_quantity == 3
    joining.withdraw(order.id, user)
    db.session.refresh(c)
    assert order.status == OrderStatus.WITHDRAWN and c.reserved_quantity == 0
    assert holds_outstanding() == 0
    assert run_check().ok


def test_the_ledger_check_sees_a_hold_the_books_miss(make: Factories,
                                                     emu: StripeEmulator) -> None:
    from sqlalchemy import update

    c = campaign(make, emu, minimum=2)
    order = joined(emu, c, make.client(), 2)
    assert run_check().ok
    db.session.execute(update(GroupPayment).where(GroupPayment.order_id == order.id)
                       .values(amount_cents=GroupPayment.amount_cents + 100))
    db.session.commit()
    problems = run_check().problems
    assert any(p.startswith("card holds") for p in problems)
    assert any(p.startswith(f"campaign {c.id} holds") for p in problems)
