"""Webhooks travel emulator -> app -> stored -> real worker -> state, with no return URL."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from marketplace.accounts.models import HelperProfile
from marketplace.core.db import db
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.payments.models import Payment, StripeEvent
from marketplace.payments.services.onboarding import onboarding_link
from marketplace.payments.status import PaymentStatus
from stripe_emulator import StripeEmulator
from tests.integration.test_journey import complete_hosted_form, mission_form
from tests.support.factories import Factories
from tests.support.servers import Worker, wait_until

pytestmark = pytest.mark.integration


def _fresh(app: Flask, model: type, row_id: int):  # type: ignore[no-untyped-def]
    with app.app_context():
        row = db.session.get(model, row_id)
        db.session.expunge_all()
        db.session.remove()
        return row


def test_account_updated_webhook_enables_payouts(app: Flask, ctx: Flask, make: Factories,
                                                 live_server: object, worker: Worker,
                                                 stripe_emulator: StripeEmulator) -> None:
    helper = make.helper(onboarded=False)
    onboarding_link(helper, "http://x/refresh", "http://x/return")
    profile = helper.helper_profile
    assert profile is not None and profile.stripe_account_id
    profile_id = profile.id
    db.session.remove()

    stripe_emulator.complete_onboarding(profile.stripe_account_id)  # nobody visits return_url

    def processed() -> bool:
        with app.app_context():
            events = db.session.execute(
                db.select(StripeEvent).where(StripeEvent.type == "account.updated")
            ).scalars().all()
            done = bool(events) and all(e.processed_at is not None for e in events)
            db.session.remove()
            return done

    wait_until(processed, timeout=60, message="account.updated to be processed by the worker")
    assert _fresh(app, HelperProfile, profile_id).payouts_enabled


def test_a_declined_card_leaves_the_mission_unpublished(app: Flask, browser_factory,  # type: ignore[no-untyped-def]
                                                         worker: Worker,
                                                         stripe_emulator: StripeEmulator) -> None:
    client = browser_factory()
    client.signup("declined@example.com", "Dan Declined")
    page = client.submit("/missions/new", data=mission_form())
    resp = complete_hosted_form(client, page, card_number="4000 0000 0000 0002")
    assert resp.status_code == 402 and "Your card was declined." in resp.text
    mission_id = int(re.search(r"Entraide mission #(\d+)", resp.text).group(1))  # type: ignore[union-attr]

    def failed() -> bool:
        with app.app_context():
            payment = db.session.execute(db.select(Payment)).scalar_one()
            status = payment.status
            db.session.remove()
            return status == PaymentStatus.FAILED

    wait_until(failed, timeout=60, message="payment_intent.payment_failed to be applied")
    mission = _fresh(app, Mission, mission_id)
    assert mission.status == MissionStatus.PENDING_PAYMENT
    detail = client.get(f"/missions/{mission_id}").text
    assert "Authorize my card" in detail and "declined" in detail

    # The client tries again with a good card: the mission opens.
    page = client.submit(f"/missions/{mission_id}", action=f"/missions/{mission_id}/pay")
    resp = complete_hosted_form(client, page, card_number="4242424242424242")
    assert "Your card is authorized" in resp.text
    assert _fresh(app, Mission, mission_id).status == MissionStatus.OPEN
