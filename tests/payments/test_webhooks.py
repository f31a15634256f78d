"""POST /stripe/webhook: verified on the raw body, stored once by event id."""

from __future__ import annotations

import json
import time

from flask.testing import FlaskClient

from marketplace.core.db import db
from marketplace.core.models import OutboxMessage
from marketplace.payments.models import StripeEvent
from stripe_emulator import sign_webhook
from tests.conftest import WEBHOOK_SECRET


def event_payload(event_id: str = "evt_test_1", type_: str = "account.updated") -> bytes:
    return json.dumps({
        "id": event_id, "object": "event", "type": type_, "api_version": "2026-10-28.endive",
        "created": int(time.time()), "livemode": False, "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": {"id": "acct_unknown", "object": "account",
                            "details_submitted": True, "charges_enabled": True,
                            "payouts_enabled": True}},
    }).encode()


def post(client: FlaskClient, payload: bytes, signature: str | None):  # type: ignore[no-untyped-def]
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return client.post("/stripe/webhook", data=payload, headers=headers)


def stored_count() -> int:
    return len(db.session.execute(db.select(StripeEvent.id)).all())


def test_a_signed_event_is_stored_once_and_queued(client: FlaskClient) -> None:
    payload = event_payload()
    first = post(client, payload, sign_webhook(payload.decode(), WEBHOOK_SECRET))
    again = post(client, payload, sign_webhook(payload.decode(), WEBHOOK_SECRET))
    assert first.status_code == 200 and first.json == {
        "received": True, "duplicate": False, "id": "evt_test_1"}
    assert again.status_code == 200 and again.json["duplicate"] is True
    assert stored_count() == 1
    stored = db.session.execute(db.select(StripeEvent)).scalar_one()
    jobs = db.session.execute(db.select(OutboxMessage)).scalars().all()
    assert [(j.task_name, j.args) for j in jobs] == [("webhooks.process", [stored.id])]


def test_unknown_event_types_are_acknowledged(client: FlaskClient) -> None:
    payload = event_payload("evt_new_kind", "climate.order.created")
    response = post(client, payload, sign_webhook(payload.decode(), WEBHOOK_SECRET))
    assert response.status_code == 200 and stored_count() == 1


def test_missing_signature_is_400_and_stores_nothing(client: FlaskClient) -> None:
    response = post(client, event_payload(), None)
    assert response.status_code == 400 and response.json["error"] == "invalid_signature"
    assert stored_count() == 0


def test_wrong_secret_is_400(client: FlaskClient) -> None:
    payload = event_payload()
    response = post(client, payload, sign_webhook(payload.decode(), "whsec_someone_else"))
    assert response.status_code == 400 and stored_count() == 0


def test_tampered_body_is_400(client: FlaskClient) -> None:
    payload = event_payload()
    signature = sign_webhook(payload.decode(), WEBHOOK_SECRET)
    response = post(client, payload.replace(b"acct_unknown", b"acct_attacker"), signature)
    assert response.status_code == 400 and stored_count() == 0


def test_stale_signature_is_400(client: FlaskClient) -> None:
    payload = event_payload()
    old = int(time.time()) - 3600
    signature = sign_webhook(payload.decode(), WEBHOOK_SECRET, timestamp=old)
    response = post(client, payload, signature)
    assert response.status_code == 400 and stored_count() == 0


def test_garbage_is_400_not_500(client: FlaskClient) -> None:
    response = post(client, b"\xff\xfe not json", "t=1,v1=abc")
    assert response.status_code == 400 and stored_count() == 0


def test_csrf_is_not_required_for_the_webhook_but_is_for_forms(client: FlaskClient) -> None:
    assert client.post("/login", data={"email": "a@b.fr", "password": "x"}).status_code == 400


def test_connect_endpoint_secret_is_accepted_too(client: FlaskClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Helpers' account events come from Stripe's Connect endpoint, signed with its secret."""
    from flask import current_app

    from marketplace.payments.gateway.stripe_adapter import StripeGateway

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    both = StripeGateway("sk_test_x", WEBHOOK_SECRET, app.config["STRIPE_API_BASE"] or None,
                         connect_webhook_secret="whsec_connect_endpoint")
    monkeypatch.setitem(app.extensions, "payment_gateway", both)
    connect = event_payload("evt_from_connect")
    stranger = event_payload("evt_from_stranger")
    assert post(client, connect, sign_webhook(connect.decode(), "whsec_connect_endpoint")
                ).status_code == 200
    assert post(client, stranger, sign_webhook(stranger.decode(), "whsec_someone_else")
                ).status_code == 400
    assert [e.event_id for e in db.session.execute(db.select(StripeEvent)).scalars()] == [
        "evt_from_connect"]
