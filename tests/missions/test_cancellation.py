"""Cancellations under the policy shown before booking, against the emulator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import DomainError, NotFound
from marketplace.flows import booking
from marketplace.flows import cancellation as cancellation_flow
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Assignment, Mission
from marketplace.missions.services import cancellation
from marketplace.payments import ledger
from marketplace.payments.models import LedgerTransaction, Payment, Payout
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.status import PaymentStatus
from stripe_emulator import StripeEmulator
from tests.support.factories import Factories
from tests.support.forms import login, post_form
from tests.support.money import authorized_mission, onboarded_helper


def _start_in(mission: Mission, delta: timedelta) -> None:
    mission.starts_at, mission.ends_at = utcnow() + delta, utcnow() + delta + timedelta(hours=2)
    db.session.commit()


def _assigned(make: Factories, emu: StripeEmulator, price_cents: int = 4500) -> Mission:
    mission = authorized_mission(make, emu, price_cents=price_cents)
    booking.accept_mission(mission.id, onboarded_helper(make, emu))
    return mission


def _payment(mission: Mission) -> Payment:
    return db.session.execute(db.select(Payment).where(Payment.mission_id == mission.id)
                              ).scalar_one()


def test_cancel_before_assignment_releases_the_hold(ctx: Flask, make: Factories,
                                                    emu: StripeEmulator) -> None:
    mission = authorized_mission(make, emu)
    terms = cancellation_flow.cancel_by_client(mission.id, mission.client, "Plans changed")
    payment = _payment(mission)
    assert terms.free and mission.status == MissionStatus.CANCELLED
    assert payment.status == PaymentStatus.CANCELED
    assert emu.get(payment.payment_intent_id or "")["status"] == "canceled"
    assert db.session.execute(db.select(LedgerTransaction)).first() is None


def test_cancel_after_assignment_more_than_24h_ahead_is_free(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = _assigned(make, emu)
    _start_in(mission, timedelta(days=3))
    assert cancellation_flow.cancel_by_client(mission.id, mission.client, "No longer needed").free
    assert emu.get(_payment(mission).payment_intent_id or "")["status"] == "canceled"
    active = db.session.execute(db.select(Assignment).where(
        Assignment.released_at.is_(None))).first()
    assert active is None


@pytest.mark.parametrize(("price", "fee", "helper_gets"), [
    (4500, 1125, 956),   # 25 % of 45 € = 11,25 €; commission 15 % of that = 1,69 €
    (2000, 1000, 850),   # 25 % of 20 € = 5 €, raised to the 10 € minimum
])
def test_late_cancellation_pays_the_helper_the_fee_minus_commission(
        ctx: Flask, make: Factories, emu: StripeEmulator, price: int, fee: int,
        helper_gets: int) -> None:
    mission = _assigned(make, emu, price_cents=price)
    _start_in(mission, timedelta(hours=5))
    helper_id = mission.helper_id
    terms = cancellation_flow.cancel_by_client(mission.id, mission.client, "Sick today")
    assert (terms.late_fee_cents, terms.helper_cents) == (fee, helper_gets)
    pi = emu.get(_payment(mission).payment_intent_id or "")
    assert pi["status"] == "succeeded" and pi["amount_received"] == fee
    payout = db.session.execute(db.select(Payout)).scalar_one()
    assert payout.amount_cents == helper_gets and payout.helper_id == helper_id
    assert ledger.balance(ledger.helper_payable(helper_id or 0)) == -helper_gets
    assert ledger.balance(ledger.COMMISSION_REVENUE) == -(fee - helper_gets)
    assert run_check().ok


def test_a_reason_is_required_and_nothing_changes_without_one(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = authorized_mission(make, emu)
    with pytest.raises(DomainError):
        cancellation_flow.cancel_by_client(mission.id, mission.client, "  ")
    client = ctx.test_client()
    login(client, mission.client.email)
    page = f"/missions/{mission.id}"
    assert "Cancelling now is free" in client.get(page).get_data(as_text=True)
    response = post_form(client, page, {"reason": ""}, action=f"{page}/cancel")
    assert response.status_code == 302
    db.session.expire_all()
    assert mission.status == MissionStatus.OPEN and _payment(mission).status.value == "authorized"


def test_only_the_client_may_cancel(ctx: Flask, make: Factories,
                                    emu: StripeEmulator) -> None:
    mission = authorized_mission(make, emu)
    with pytest.raises(NotFound):
        cancellation_flow.cancel_by_client(mission.id, make.client(), "Not mine")
    stranger = make.client()
    client = ctx.test_client()
    login(client, stranger.email)
    response = post_form(client, "/missions", {"reason": "nope nope"},
                         action=f"/missions/{mission.id}/cancel")
    assert response.status_code == 404


def test_helper_withdrawal_reopens_the_mission_and_counts(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = authorized_mission(make, emu)
    first = onboarded_helper(make, emu)
    booking.accept_mission(mission.id, first)
    client = ctx.test_client()
    login(client, first.email)
    page = f"/missions/{mission.id}"
    assert post_form(client, page, {"reason": "Car broke down"},
                     action=f"{page}/withdraw").status_code == 302
    db.session.expire_all()
    assert mission.status == MissionStatus.OPEN and mission.helper_id is None
    assert cancellation.helper_cancellations(first.id) == 1
    assert _payment(mission).status == PaymentStatus.AUTHORIZED  # client pays nothing more
    second = onboarded_helper(make, emu)
    booking.accept_mission(mission.id, second)
    assert mission.helper_id == second.id and mission.commission_cents == 675
