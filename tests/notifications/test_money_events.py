"""Money events reach the people concerned: disputes, cancellations, withdrawals."""

from __future__ import annotations

from flask import Flask

from marketplace.accounts.services import make_operator
from marketplace.core.db import db
from marketplace.flows import booking
from marketplace.flows import cancellation as cancellation_flow
from marketplace.flows import disputes as dispute_flow
from marketplace.notifications.models import Notification
from marketplace.payments.services import disputes
from stripe_emulator import StripeEmulator
from tests.support.factories import Factories
from tests.support.money import authorized_mission, done_mission, onboarded_helper


def events_for(user_id: int) -> list[str]:
    return sorted(n.event for n in db.session.execute(
        db.select(Notification).where(Notification.user_id == user_id)).scalars())


def test_a_dispute_tells_both_sides_when_opened_and_resolved(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = done_mission(make, emu)
    client_id, helper_id = mission.client_id, mission.helper_id
    assert helper_id is not None
    dispute = disputes.open_by_client(mission.id, mission.client, "The shelf fell again")
    operator = make_operator("ops@example.com", "operator password 1")
    dispute_flow.resolve(operator, dispute.id, "split", 2000, "Half the work was done",
                     client_cents=2000)
    for person in (client_id, helper_id):
        assert {"dispute_opened", "dispute_resolved"} <= set(events_for(person))
    resolved = db.session.execute(db.select(Notification).where(
        Notification.event == "dispute_resolved", Notification.user_id == helper_id)).scalar_one()
    assert "20,00" in resolved.body and "Half the work was done" in resolved.body
    told_client = db.session.execute(db.select(Notification).where(
        Notification.event == "dispute_resolved", Notification.user_id == client_id)
    ).scalar_one()
    assert "refunded to the client: 20,00" in told_client.body.replace("\xa0", " ") \
        or "remboursé au client : 20,00" in told_client.body.replace("\xa0", " ")


def test_client_cancellation_tells_the_helper(ctx: Flask, make: Factories,
                                              emu: StripeEmulator) -> None:
    mission = authorized_mission(make, emu)
    helper = onboarded_helper(make, emu)
    booking.accept_mission(mission.id, helper)
    cancellation_flow.cancel_by_client(mission.id, mission.client, "Plans changed")
    assert "mission_cancelled" in events_for(helper.id)


def test_a_helper_withdrawing_tells_the_client(ctx: Flask, make: Factories,
                                              emu: StripeEmulator) -> None:
    mission = authorized_mission(make, emu)
    helper = onboarded_helper(make, emu)
    booking.accept_mission(mission.id, helper)
    cancellation_flow.cancel_by_helper(mission.id, helper, "Car broke down")
    note = db.session.execute(db.select(Notification).where(
        Notification.event == "helper_withdrew")).scalar_one()
    assert note.user_id == mission.client_id and helper.full_name in note.title
