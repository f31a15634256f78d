"""Stripe's events for group payments are routed by their metadata to the group handlers."""

from __future__ import annotations

from marketplace.core.db import db
from marketplace.flows.group_purchases import after
from marketplace.groupbuy.lifecycle import OrderStatus
from marketplace.payments import webhooks
from marketplace.payments.status import PaymentStatus
from stripe_emulator import StripeEmulator
from tests.groupbuy.support import (
    CANCEL,
    OK,
    campaign,
    close_now,
    holds_outstanding,
    joined,
    latest_payment,
)
from tests.support.factories import Factories


def test_the_checkout_webhook_alone_activates_the_order(make: Factories,
                                                       emu: StripeEmulator) -> None:
    from marketplace.flows.group_purchases import joining

    c = campaign(make, emu, minimum=1)
    result = joining.join(c.id, make.client(), 2, OK, CANCEL)
    session_id = latest_payment(result.order).checkout_session_id or ""
    emu.pay_checkout_session(session_id)
    webhooks.HANDLERS["checkout.session.completed"](emu.get(session_id))
    db.session.refresh(result.order)
    assert result.order.status == OrderStatus.ACTIVE
    pi = emu.get(latest_payment(result.order).payment_intent_id or "")
    webhooks.HANDLERS["payment_intent.amount_capturable_updated"](pi)  # a replay: no-op
    assert holds_outstanding() == 2 * 2400


def test_a_hold_stripe_let_lapse_asks_the_participant_again(make: Factories,
                                                           emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=1)
    order = joined(emu, c, make.client(), 1)
    payment = latest_payment(order)
    emu.advance_time(8 * 24 * 3600)
    pi = emu.get(payment.payment_intent_id or "")
    assert pi["status"] == "canceled"
    webhooks.HANDLERS["payment_intent.canceled"](pi)
    db.session.refresh(order)
    assert order.status == OrderStatus.PAYMENT_NEEDED and order.payment_due_by is not None
    assert latest_payment(order).status == PaymentStatus.FAILED
    assert holds_outstanding() == 0


def test_pickup_reminders_go_once(make: Factories, emu: StripeEmulator) -> None:
    from datetime import timedelta

    c = campaign(make, emu, minimum=1)
    joined(emu, c, make.client(), 1)
    close_now(c)
    assert after.send_pickup_reminders() == 0  # pickup is days away
    soon = c.pickup_starts_at - timedelta(hours=2)
    assert after.send_pickup_reminders(soon) == 1
    assert after.send_pickup_reminders(soon) == 0
