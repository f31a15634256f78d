"""A phone caller pays through a signed single-use link, without an account: the operator
sends it (SMS, email when known), the caller opens the page, pays on the hosted checkout,
comes back to a confirmation read from our database, gets a receipt whose link lets them
set a password; used, replaced and expired links answer 410 with the hotline's number."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.models import User
from marketplace.accounts.services import make_operator
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.models import AuditEntry
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.notifications.models import Channel, Notification
from marketplace.payments.models import PaymentLink
from marketplace.payments.services import checkout
from marketplace.payments.status import PaymentLinkState
from stripe_emulator import StripeEmulator
from tests.missions.test_posting import valid_form
from tests.support.factories import PASSWORD
from tests.support.forms import login, post_form

TOKEN_RE = re.compile(r"/pay/([A-Za-z0-9_-]{20,100})")


def _book(client: FlaskClient, email: str = "") -> Mission:
    operator = make_operator("ops@example.com", PASSWORD)
    login(client, operator.email)
    data = {**valid_form(category="bricolage", price="45"), "full_name": "Jeanne Martin",
            "phone": "06 12 34 56 78", "note": "Called about a shelf", "email": email}
    assert post_form(client, "/ops/hotline", data).status_code == 302
    return db.session.execute(db.select(Mission).order_by(Mission.id.desc())).scalars().first()


def _send(client: FlaskClient, mission: Mission) -> str:
    page = f"/ops/hotline/{mission.id}"
    response = post_form(client, page, action=f"{page}/payment-link", follow_redirects=True)
    match = TOKEN_RE.search(response.get_data(as_text=True))
    assert response.status_code == 200 and match, response.get_data(as_text=True)
    return match.group(1)


def _link(mission: Mission) -> PaymentLink:
    db.session.expire_all()
    return db.session.execute(db.select(PaymentLink).where(PaymentLink.mission_id == mission.id)
                              .order_by(PaymentLink.id.desc())).scalars().first()


def _pay(guest: FlaskClient, token: str, stripe_emulator: StripeEmulator) -> str:
    response = post_form(guest, f"/pay/{token}")
    assert response.status_code == 303, response.get_data(as_text=True)
    link = db.session.execute(db.select(PaymentLink)).scalars().first()
    payment = checkout.latest_payment(link.mission)
    assert payment is not None and response.location == payment.checkout_url
    stripe_emulator.pay_checkout_session(payment.checkout_session_id)
    return payment.checkout_session_id or ""


def test_caller_pays_without_an_account_then_claims_it(
        client: FlaskClient, ctx: Flask, stripe_emulator: StripeEmulator) -> None:
    stripe_emulator.reset()
    mission = _book(client)
    token = _send(client, mission)
    link = _link(mission)
    assert link.status == PaymentLinkState.SENT and link.token_hash != token
    assert link.expires_at - link.sent_at == timedelta(hours=48)
    sent = db.session.execute(db.select(Notification).where(
        Notification.event == "payment_link")).scalar_one()
    assert sent.link and sent.link.endswith(f"/pay/{token}")
    assert [d.channel for d in sent.deliveries] == [Channel.SMS]  # no email was given

    guest = ctx.test_client()
    page = guest.get(f"/pay/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and mission.title in html and "45,00" in html.replace(
        "45.00", "45,00")
    assert "Asni" in html or "Colombes" in html or "Place:" in html
    assert "/login" not in (page.location or "")
    assert _link(mission).status == PaymentLinkState.OPENED and _link(mission).opened_at

    session_id = _pay(guest, token, stripe_emulator)
    done = guest.get(f"/pay/{token}/done?session_id={session_id}")
    assert done.status_code == 200, done.get_data(as_text=True)
    assert "card is authorized" in done.get_data(as_text=True)
    assert _link(mission).status == PaymentLinkState.PAID and _link(mission).paid_at
    assert db.session.get(Mission, mission.id).status == MissionStatus.OPEN
    assert guest.get(f"/pay/{token}/done").status_code == 200  # the confirmation stays

    used = guest.get(f"/pay/{token}")
    assert used.status_code == 410 and "01 84 80 00 00" in used.get_data(as_text=True)
    assert "used already" in used.get_data(as_text=True)

    receipt = db.session.execute(db.select(Notification).where(
        Notification.event == "payment_link_paid")).scalar_one()
    assert not db.session.execute(db.select(Notification).where(
        Notification.event == "payment_authorized")).first()  # the receipt replaces it
    claim_path = receipt.link.split("127.0.0.1:5000")[-1] if receipt.link else ""
    assert claim_path.startswith("/pay/claim/")
    assert guest.get(claim_path).status_code == 200
    response = post_form(guest, claim_path, {"email": "jeanne@example.com",
                                             "password": "a long new password"},
                         follow_redirects=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "we sent a link to jeanne@example.com" in response.get_data(as_text=True)
    assert guest.get(f"/missions/{mission.id}").status_code == 302  # not signed in yet
    caller = db.session.get(User, mission.client_id)
    db.session.refresh(caller)
    assert caller.email == "jeanne@example.com" and caller.email_confirmed_at is None
    assert ctx.test_client().get(claim_path).status_code == 410  # single use
    other = ctx.test_client()
    refused = post_form(other, "/login", {"email": "jeanne@example.com",
                                          "password": "a long new password"})
    assert "Confirm your email first" in refused.get_data(as_text=True)

    confirm = db.session.execute(db.select(Notification).where(
        Notification.event == "confirm_email", Notification.user_id == caller.id)
    ).scalar_one()
    confirm_path = (confirm.link or "").split("127.0.0.1:5000")[-1]
    done = post_form(other, confirm_path, {"password": "a long new password"})
    assert done.status_code == 302, done.get_data(as_text=True)
    assert other.get(f"/missions/{mission.id}").status_code == 200


def test_a_caller_whose_link_reached_their_mailbox_is_signed_in_at_once(
        client: FlaskClient, ctx: Flask, stripe_emulator: StripeEmulator) -> None:
    stripe_emulator.reset()
    mission = _book(client, email="paul@example.com")
    token = _send(client, mission)
    guest = ctx.test_client()
    session_id = _pay(guest, token, stripe_emulator)
    assert guest.get(f"/pay/{token}/done?session_id={session_id}").status_code == 200
    receipt = db.session.execute(db.select(Notification).where(
        Notification.event == "payment_link_paid")).scalar_one()
    claim_path = (receipt.link or "").split("127.0.0.1:5000")[-1]
    response = post_form(guest, claim_path, {"password": "a long new password"})
    assert response.status_code == 302 and guest.get(f"/missions/{mission.id}").status_code == 200


def test_resend_revokes_the_old_link_and_is_audited(client: FlaskClient, ctx: Flask,
                                                    stripe_emulator: StripeEmulator) -> None:
    mission = _book(client, email="jeanne@example.com")
    first = _send(client, mission)
    second = _send(client, mission)
    assert first != second
    links = db.session.execute(db.select(PaymentLink).order_by(PaymentLink.id)).scalars().all()
    assert [x.status for x in links] == [PaymentLinkState.REVOKED, PaymentLinkState.SENT]
    assert links[1].resend_count == 1
    guest = ctx.test_client()
    gone = guest.get(f"/pay/{first}")
    assert gone.status_code == 410 and "replaced" in gone.get_data(as_text=True)
    assert guest.get(f"/pay/{first}/done").status_code == 410
    assert guest.get(f"/pay/{second}").status_code == 200
    actions = db.session.execute(db.select(AuditEntry.action).where(
        AuditEntry.object_type == "mission")).scalars().all()
    assert actions == ["payment_link.send", "payment_link.resend"]
    channels = {d.channel for n in db.session.execute(db.select(Notification).where(
        Notification.event == "payment_link")).scalars() for d in n.deliveries}
    assert channels == {Channel.EMAIL}  # an address was given: SMS only when enabled
    html = client.get(f"/ops/hotline/{mission.id}").get_data(as_text=True)
    assert 'id="link-state">opened' in html and "resent 1 times" in html


def test_expired_and_foreign_links_are_gone(client: FlaskClient, ctx: Flask,
                                            stripe_emulator: StripeEmulator) -> None:
    mission = _book(client)
    token = _send(client, mission)
    link = _link(mission)
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert 'id="link-state">expired' in client.get(
        f"/ops/hotline/{mission.id}").get_data(as_text=True)
    guest = ctx.test_client()
    gone = guest.get(f"/pay/{token}")
    assert gone.status_code == 410 and "expired" in gone.get_data(as_text=True)
    assert _link(mission).status == PaymentLinkState.EXPIRED
    assert post_form(guest, "/login", action=f"/pay/{token}").status_code == 410
    for bad in ("x", "A" * 43, "../../etc", "A" * 300):
        assert guest.get(f"/pay/{bad}").status_code in (404, 410)
    assert guest.get("/pay/claim/not-a-token").status_code == 410


def test_only_operators_send_links(client: FlaskClient, ctx: Flask) -> None:
    mission = _book(client)
    stranger = ctx.test_client()
    response = stranger.post(f"/ops/hotline/{mission.id}/payment-link")
    assert response.status_code in (302, 400, 403)
    assert db.session.execute(db.select(PaymentLink)).first() is None
