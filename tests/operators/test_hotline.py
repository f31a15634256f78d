"""Hotline booking through to payment: the operator finds or creates the caller, books on
their behalf (channel hotline), hands over the payment link, the caller pays on the
hosted page, the operator assigns a ranked eligible helper; every call is logged."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from marketplace.accounts.models import User
from marketplace.accounts.services import make_operator
from marketplace.core.db import db
from marketplace.missions.lifecycle import Channel, MissionStatus
from marketplace.missions.models import Mission
from marketplace.payments.services import checkout
from stripe_emulator import StripeEmulator
from tests.missions.test_posting import valid_form
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login, post_form


def _book(client: FlaskClient, phone: str, **extra: str) -> Mission:
    data = {**valid_form(category="bricolage", price="45"), "full_name": "Jeanne Martin",
            "phone": phone, "note": "Called about a shelf", **extra}
    response = post_form(client, "/ops/hotline", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.execute(db.select(Mission).order_by(Mission.id.desc())).scalars().first()


def test_hotline_booking_through_payment_and_assignment(
        client: FlaskClient, make: Factories, stripe_emulator: StripeEmulator) -> None:
    stripe_emulator.reset()  # row ids restart per test: forget older idempotency keys
    operator = make_operator("ops@example.com", PASSWORD)
    helper = make.helper(lat=48.91, lng=2.28)
    login(client, operator.email)
    mission = _book(client, "06 12 34 56 78")
    assert mission.channel == Channel.HOTLINE and mission.booked_by_id == operator.id
    assert mission.client.phone == "0612345678" and mission.client.full_name == "Jeanne Martin"
    again = _book(client, "06-12-34-56-78")  # same caller, found by phone
    assert again.client_id == mission.client_id

    page = f"/ops/hotline/{mission.id}"
    sent = post_form(client, page, action=f"{page}/payment-link", follow_redirects=True)
    token = re.search(r"/pay/([A-Za-z0-9_-]+)", sent.get_data(as_text=True))
    assert token, sent.get_data(as_text=True)
    guest = client.application.test_client()  # the caller: no account, no session
    assert post_form(guest, f"/pay/{token.group(1)}").status_code == 303
    payment = checkout.latest_payment(mission)
    assert payment is not None and payment.checkout_session_id
    stripe_emulator.pay_checkout_session(payment.checkout_session_id)
    checkout.sync_checkout_session(payment.checkout_session_id or "")
    db.session.refresh(mission)
    assert mission.status == MissionStatus.OPEN

    helpers_page = client.get(f"/missions/{mission.id}/helpers").get_data(as_text=True)
    assert "Assign" in helpers_page and "km" in helpers_page
    post_form(client, f"/missions/{mission.id}/helpers", {"helper_id": str(helper.id)},
              f"/missions/{mission.id}/assign")
    db.session.refresh(mission)
    assert mission.status == MissionStatus.ASSIGNED and mission.helper_id == helper.id

    post_form(client, page, {"note": "Caller wants a call back", "follow_up": "y"})
    html = client.get(page).get_data(as_text=True)
    assert "Called about a shelf" in html and "follow-up needed" in html


def test_hotline_is_for_operators_and_rejects_bad_phones(client: FlaskClient,
                                                         make: Factories) -> None:
    login(client, make.client().email)
    assert client.get("/ops/hotline").status_code == 403
    login(client, make_operator("ops@example.com", PASSWORD).email)
    data = {**valid_form(), "full_name": "X", "phone": "abc"}
    response = post_form(client, "/ops/hotline", data)
    assert response.status_code == 400 and "phone number" in response.get_data(as_text=True)
    assert db.session.execute(db.select(Mission)).first() is None
    assert db.session.execute(db.select(User).where(User.full_name == "X")).first() is None
