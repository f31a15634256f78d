"""Far missions: card saved at booking, hold placed off-session 48 h before the start."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.flows import booking
from marketplace.flows import cancellation as cancellation_flow
from marketplace.flows.completion import confirm_completion
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.missions.services import missions
from marketplace.payments.models import Payment
from marketplace.payments.services import checkout, holds
from marketplace.payments.status import PaymentStatus
from stripe_emulator import StripeEmulator
from tests.support.factories import Factories, started
from tests.support.forms import login, post_form
from tests.support.money import onboarded_helper


def _far_mission(make: Factories, emu: StripeEmulator, card: str = "4242424242424242",
                 days: int = 10) -> Mission:
    mission = make.mission(authorized=False)
    mission.starts_at = utcnow() + timedelta(days=days)
    mission.ends_at = mission.starts_at + timedelta(hours=2)
    db.session.commit()
    url = checkout.checkout_url(mission, "http://app.test/ok", "http://app.test/cancel")
    assert url
    payment = checkout.latest_payment(mission)
    assert payment is not None and payment.checkout_session_id
    emu.pay_checkout_session(payment.checkout_session_id, card_number=card)
    checkout.sync_checkout_session(payment.checkout_session_id)
    return mission


def _payment(mission: Mission) -> Payment:
    found = checkout.latest_payment(mission)
    assert found is not None
    return found


def test_far_mission_saves_the_card_and_opens_without_a_hold(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = _far_mission(make, emu)
    payment = _payment(mission)
    assert payment.status == PaymentStatus.SAVED and payment.payment_method_id
    assert payment.payment_intent_id is None and not emu.objects("payment_intent")
    assert mission.status == MissionStatus.OPEN
    assert holds.due_payments() == []


def test_worker_places_the_hold_48h_before_and_capture_works(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = _far_mission(make, emu)
    helper = onboarded_helper(make, emu)
    booking.accept_mission(mission.id, helper)
    later = mission.starts_at - timedelta(hours=47)
    assert holds.due_payments(later) == [_payment(mission).id]
    assert holds.authorize_saved(_payment(mission).id) == PaymentStatus.AUTHORIZED
    pi = emu.get(_payment(mission).payment_intent_id or "")
    assert pi["status"] == "requires_capture" and pi["amount"] == mission.total_cents
    started(mission)
    missions.mark_done(mission.id, helper)
    confirm_completion(mission.id, mission.client)
    assert emu.get(pi["id"])["status"] == "succeeded"


def test_a_decline_or_authentication_needs_the_client_never_proceeds(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    declined = _far_mission(make, emu, card="4000000000009995")
    asks_3ds = _far_mission(make, emu, card="4000002760003184")
    for mission in (declined, asks_3ds):
        assert holds.authorize_saved(_payment(mission).id) == PaymentStatus.FAILED
        assert holds.needs_action(mission, _payment(mission))
    assert "confirm this payment" in (_payment(asks_3ds).failure_message or "")
    client = ctx.test_client()
    login(client, declined.client.email)
    page = client.get(f"/missions/{declined.id}").get_data(as_text=True)
    assert "Action needed" in page and "Authorize my card again" in page
    response = post_form(client, f"/missions/{declined.id}",
                         action=f"/missions/{declined.id}/pay")
    assert response.status_code == 303 and "/hosted/checkout/" in response.location
    cs_id = response.location.rsplit("/", 1)[-1]
    emu.pay_checkout_session(cs_id)
    checkout.sync_checkout_session(cs_id)
    assert _payment(declined).status == PaymentStatus.AUTHORIZED


def test_a_lapsed_hold_asks_the_client_again(ctx: Flask, make: Factories,
                                             emu: StripeEmulator) -> None:
    mission = _far_mission(make, emu, days=3)  # within 5 days: an immediate hold
    payment = _payment(mission)
    assert payment.status == PaymentStatus.AUTHORIZED
    emu.advance_time(8 * 24 * 3600)
    pi = emu.get(payment.payment_intent_id or "")
    assert pi["status"] == "canceled"
    from marketplace.payments.gateway import payment_intent_from_dict

    checkout.apply_payment_intent(payment, payment_intent_from_dict(pi))
    assert payment.status == PaymentStatus.FAILED and holds.needs_action(mission, payment)


def test_cancelling_a_far_mission_drops_the_saved_card(ctx: Flask, make: Factories,
                                                       emu: StripeEmulator) -> None:

    mission = _far_mission(make, emu)
    assert cancellation_flow.cancel_by_client(mission.id, mission.client, "Moved away").free
    assert _payment(mission).status == PaymentStatus.CANCELED
    assert holds.due_payments(mission.starts_at) == []
