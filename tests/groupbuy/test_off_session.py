"""Far closings: the card is saved, held off-session before closing; a refusal gives 24 h."""

from __future__ import annotations

from datetime import timedelta

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.flows.group_purchases import closing, joining
from marketplace.groupbuy.lifecycle import CampaignStatus, OrderStatus
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.status import PaymentStatus
from stripe_emulator import StripeEmulator
from tests.groupbuy.support import (
    CANCEL,
    DECLINES_LATER,
    OK,
    campaign,
    holds_outstanding,
    joined,
    latest_payment,
    make_due,
    pay,
)
from tests.support.factories import Factories


def test_far_closing_saves_the_card_then_holds_it_before_closing(
        make: Factories, emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=2, closes_in=timedelta(days=9))
    order = joined(emu, c, make.client(), 2)
    assert order.status == OrderStatus.ACTIVE
    assert latest_payment(order).status == PaymentStatus.SAVED
    assert holds_outstanding() == 0  # nothing held yet
    assert closing.authorize_due() == 0  # not within 48 h of closing yet
    assert closing.authorize_due(utcnow() + timedelta(days=8)) == 1
    payment = latest_payment(order)
    assert payment.status == PaymentStatus.AUTHORIZED and payment.amount_cents == 2 * 2400
    assert holds_outstanding() == 2 * 2400


def test_failed_hold_gives_24h_then_drops_and_rechecks_the_minimum(
        make: Factories, emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=5, closes_in=timedelta(days=9))
    good = joined(emu, c, make.client(), 3)
    bad_user = make.client()
    bad = joined(emu, c, bad_user, 2, card=DECLINES_LATER)
    closing.authorize_due(utcnow() + timedelta(days=8))
    db.session.refresh(bad)
    assert bad.status == OrderStatus.PAYMENT_NEEDED
    assert bad.payment_due_by is not None
    make_due(c)
    # Closing while the 24 h run: the campaign waits for the participant.
    assert closing.close_campaign(c.id) == CampaignStatus.WAITING_PAYMENTS
    assert closing.due_campaigns() == []
    later = (bad.payment_due_by or utcnow()) + timedelta(minutes=1)
    assert closing.due_campaigns(later) == [c.id]
    assert closing.close_campaign(c.id, later) == CampaignStatus.CALLED_OFF  # 3 < 5
    db.session.refresh(bad)
    assert bad.status == OrderStatus.DROPPED
    closing.settle_campaign(c.id)
    db.session.refresh(good)
    assert good.status == OrderStatus.RELEASED
    assert holds_outstanding() == 0
    assert run_check().ok


def test_paying_within_24h_keeps_the_order(make: Factories, emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=5, closes_in=timedelta(days=9))
    joined(emu, c, make.client(), 3)
    user = make.client()
    bad = joined(emu, c, user, 2, card=DECLINES_LATER)
    closing.authorize_due(utcnow() + timedelta(days=8))
    make_due(c)
    assert closing.close_campaign(c.id) == CampaignStatus.WAITING_PAYMENTS
    joining.pay_again(bad.id, user, OK, CANCEL)
    pay(emu, latest_payment(bad))
    db.session.refresh(bad)
    assert bad.status == OrderStatus.ACTIVE
    assert closing.due_campaigns() == [c.id]  # nobody is waited for any more
    assert closing.close_campaign(c.id) == CampaignStatus.CONFIRMED
    closing.settle_campaign(c.id)
    db.session.refresh(bad)
    assert bad.status == OrderStatus.CAPTURED
    assert latest_payment(bad).captured_cents == 2 * 2400  # 5 units: still the first tier
    assert run_check().ok
