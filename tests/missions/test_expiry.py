"""Unassigned missions expire at their start: hold released, nothing charged, client told."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from marketplace.core.db import db
from marketplace.flows import booking
from marketplace.flows.expiry import expire_due
from marketplace.missions.lifecycle import MissionStatus
from marketplace.notifications.models import Notification
from marketplace.payments.models import Payment
from marketplace.payments.status import PaymentStatus
from stripe_emulator import StripeEmulator
from tests.support.factories import Factories
from tests.support.money import authorized_mission, onboarded_helper


def test_an_open_mission_past_its_start_expires_and_releases_the_hold(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    open_one = authorized_mission(make, emu)
    taken = authorized_mission(make, emu)
    booking.accept_mission(taken.id, onboarded_helper(make, emu))
    assert expire_due() == 0  # nothing has started yet
    later = open_one.starts_at + timedelta(minutes=1)
    for mission in (open_one, taken):
        mission.starts_at -= timedelta(days=2)
        mission.ends_at -= timedelta(days=2)
    db.session.commit()
    assert expire_due(later) == 1
    db.session.refresh(open_one)
    db.session.refresh(taken)
    assert open_one.status == MissionStatus.CANCELLED
    assert taken.status == MissionStatus.ASSIGNED  # an assigned mission is not expired
    payment = db.session.execute(
        db.select(Payment).where(Payment.mission_id == open_one.id)).scalar_one()
    assert payment.status == PaymentStatus.CANCELED
    assert emu.get(payment.payment_intent_id or "")["status"] == "canceled"
    [note] = db.session.execute(db.select(Notification).where(
        Notification.event == "mission_expired")).scalars().all()
    assert note.user_id == open_one.client_id
    assert expire_due(later) == 0  # nothing twice
