"""A mission more than 5 days away, end to end: the card is only saved on Stripe's hosted
page (Checkout in setup mode), and the real worker places the hold 48 h before the start.

The app has no test clock of its own: time passing is the emulator's clock moving forward
and the mission's start coming closer by the same amount (all the worker looks at).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask

from marketplace.core import outbox
from marketplace.core.db import db
from marketplace.missions.models import Mission
from marketplace.payments.models import Payment
from marketplace.payments.status import PaymentStatus
from stripe_emulator import StripeEmulator
from tests.integration.test_journey import complete_hosted_form, mission_form
from tests.support.places import HOME
from tests.support.servers import Worker, wait_until

pytestmark = pytest.mark.integration
DAYS_AHEAD = 10
TIME_PASSES = timedelta(days=DAYS_AHEAD - 2, hours=1)  # the start is then 47 h away


def _payment(mission_id: int) -> Payment:
    db.session.rollback()
    return db.session.execute(db.select(Payment).where(Payment.mission_id == mission_id)
                              .order_by(Payment.id.desc()).limit(1)).scalar_one()


def _time_passes(emulator: StripeEmulator, mission_id: int, delta: timedelta) -> None:
    emulator.advance_time(int(delta.total_seconds()))
    mission = db.session.get(Mission, mission_id)
    assert mission is not None
    mission.starts_at, mission.ends_at = mission.starts_at - delta, mission.ends_at - delta
    db.session.commit()


def test_far_mission_saves_the_card_then_the_worker_holds_it_48h_before(
        app: Flask, ctx: Flask, browser_factory, worker: Worker,  # type: ignore[no-untyped-def]
        stripe_emulator: StripeEmulator) -> None:
    # 1. The client posts a mission 10 days ahead: Stripe's page saves the card, no amount.
    client = browser_factory()
    client.signup("claire@example.com", "Claire Dubois")
    page = client.submit("/missions/new", data=mission_form(timedelta(days=DAYS_AHEAD)))
    assert page.status_code == 200 and "/hosted/checkout/" in page.url, page.text
    assert "Save card" in page.text and "Pay " not in page.text
    assert "Nothing is charged now" in page.text and "€45.00" in page.text
    resp = complete_hosted_form(client, page, card_number="4242 4242 4242 4242")
    assert resp.status_code == 200 and "/missions/" in resp.url, resp.text
    mission_id = int(re.search(r"/missions/(\d+)", resp.url).group(1))  # type: ignore[union-attr]
    assert "Your card is saved" in resp.text and "authorized" not in resp.text
    assert "48 h before the start" in resp.text
    assert _payment(mission_id).status == PaymentStatus.SAVED
    assert stripe_emulator.objects("payment_intent") == []  # no money held yet
    [si] = stripe_emulator.objects("setup_intent")
    assert si["status"] == "succeeded" and si["usage"] == "off_session"

    # 2. A helper takes it (onboarded on the hosted page, like any helper).
    helper = browser_factory()
    helper.signup("karim@example.com", "Karim Benali", helper=True, client=False)
    helper.submit("/helper/profile", data={"skills": ["bricolage"], "address": HOME,
                                           "radius_km": "5"})
    resp = helper.submit("/helper/payouts/setup", action="/helper/payouts/setup/start")
    complete_hosted_form(helper, resp)
    resp = helper.submit("/helper/missions", action=f"/missions/{mission_id}/accept")
    assert "The mission is yours" in resp.text

    # 3. Eight days later the start is 47 h away: the worker places the hold off-session.
    _time_passes(stripe_emulator, mission_id, TIME_PASSES)
    outbox.enqueue("payments.authorize_due")  # what beat runs every 10 minutes
    db.session.commit()
    wait_until(lambda: _payment(mission_id).status == PaymentStatus.AUTHORIZED, timeout=60,
               message="the worker to place the off-session hold")
    [pi] = stripe_emulator.objects("payment_intent")
    assert (pi["amount"], pi["status"], pi["capture_method"]) == (4500, "requires_capture",
                                                                  "manual")
    assert pi["payment_method"] == si["payment_method"]
    assert pi["created"] >= si["created"] + TIME_PASSES.total_seconds()

    # 4. What the client sees: the hold is in place, nothing charged until they confirm.
    page = client.get(f"/missions/{mission_id}").text
    assert "card-saved" not in page and "Action needed" not in page
    assert "A hold of €45.00" in page and "nothing is charged until you confirm" in page
