"""Signed but malformed webhooks are refused before they are stored; a stored event whose
handler keeps failing is dead-lettered, shown to operators and left alone by the sweeper."""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any

import pytest
from flask.testing import FlaskClient

from marketplace.accounts.services import make_operator
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.models import AuditEntry, OutboxMessage
from marketplace.payments import webhooks
from marketplace.payments.gateway import GatewayError
from marketplace.payments.models import StripeEvent
from stripe_emulator import sign_webhook
from tests.conftest import WEBHOOK_SECRET
from tests.payments.test_webhooks import post, stored_count
from tests.support.factories import PASSWORD
from tests.support.forms import login, post_form


def event(event_id: str = "evt_shape_1", type_: str = "account.updated",
          obj: Any = None, **top: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": event_id, "object": "event", "type": type_, "api_version": "2026-10-28.endive",
        "created": int(time.time()), "livemode": False, "pending_webhooks": 1,
        "data": {"object": obj if obj is not None else {
            "id": "acct_unknown", "object": "account", "details_submitted": True,
            "charges_enabled": True, "payouts_enabled": True}}}
    body.update(top)
    return body


def without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


def signed_post(client: FlaskClient, payload: bytes):  # type: ignore[no-untyped-def]
    return post(client, payload, sign_webhook(payload.decode(), WEBHOOK_SECRET))


def as_json(value: Any) -> bytes:
    return json.dumps(value).encode()


MALFORMED: dict[str, bytes] = {
    "empty object": b"{}",
    "array": b"[]",
    "null": b"null",
    "string": b'"evt_1"',
    "number": b"42",
    "no id": as_json(without(event(), "id")),
    "no type": as_json(without(event(), "type")),
    "id not a string": as_json(event(event_id=17)),  # type: ignore[arg-type]
    "type not a string": as_json(event(type_=["account.updated"])),  # type: ignore[arg-type]
    "empty id": as_json(event(event_id="")),
    "id too long": as_json(event(event_id="evt_" + "x" * 90)),
    "id with a NUL": as_json(event(event_id="evt_\x00bad")),
    "no data": as_json(without(event(), "data")),
    "data an array": as_json(event(data=[])),
    "data without object": as_json(event(data={})),
    "data.object an array": as_json(event(data={"object": []})),
    "data.object null": as_json(event(data={"object": None})),
    "data.object a string": as_json(event(data={"object": "acct_1"})),
    "account not a string": as_json(event(account=123)),
    "object id missing": as_json(event(obj={"object": "account"})),
    "object id a number": as_json(event(obj={"id": 5, "object": "account"})),
    "session id an object": as_json(event(type_="checkout.session.completed",
                                          obj={"id": {"$ne": None}})),
    "dispute without charge": as_json(event(type_="charge.dispute.created",
                                            obj={"id": "dp_1", "amount": 100})),
    "dispute charge a list": as_json(event(type_="charge.dispute.created",
                                           obj={"id": "dp_1", "charge": ["ch_1"]})),
    "intent metadata a list": as_json(event(type_="payment_intent.payment_failed",
                                            obj={"id": "pi_1", "metadata": ["x"]})),
    "payout id a bool": as_json(event(type_="payout.paid", obj={"id": True},
                                      account="acct_1")),
}


@pytest.mark.parametrize("payload", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_signed_malformed_event_is_400_and_stores_nothing(client: FlaskClient,
                                                            payload: bytes) -> None:
    response = signed_post(client, payload)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json is not None and response.json["error"] == "malformed_event"
    assert stored_count() == 0
    assert db.session.execute(db.select(OutboxMessage)).first() is None


def test_a_signed_body_that_is_not_json_is_400(client: FlaskClient) -> None:
    assert signed_post(client, b"not json at all").status_code == 400
    assert stored_count() == 0


def test_unknown_types_need_only_the_common_shape(client: FlaskClient) -> None:
    payload = as_json(event("evt_other", "climate.order.created", obj={"amount": "12"}))
    assert signed_post(client, payload).status_code == 200 and stored_count() == 1


def _poison(client: FlaskClient) -> StripeEvent:
    """Well-formed, but its handler cannot read it: an account without its flags."""
    payload = as_json(event("evt_poison", obj={"id": "acct_poison", "object": "account"}))
    assert signed_post(client, payload).status_code == 200
    return db.session.execute(db.select(StripeEvent)).scalar_one()


def test_a_poison_event_is_dead_lettered_after_the_retry_cap(client: FlaskClient) -> None:
    stored_id = _poison(client).id
    for attempt in range(1, webhooks.MAX_ATTEMPTS):
        assert webhooks.unprocessed(grace_seconds=0) == [stored_id]  # what the sweeper sees
        with pytest.raises(KeyError):
            webhooks.process(stored_id)
        row = db.session.get(StripeEvent, stored_id)
        assert row is not None and row.attempts == attempt and row.dead_lettered_at is None
        assert row.last_error == "KeyError: 'details_submitted'"
    assert webhooks.process(stored_id) is False  # the last attempt: dead-lettered, not raised
    db.session.expire_all()
    row = db.session.get(StripeEvent, stored_id)
    assert row is not None and row.dead_lettered_at is not None and row.processed_at is None
    assert row.attempts == webhooks.MAX_ATTEMPTS

    assert webhooks.unprocessed(grace_seconds=0) == []  # later sweeps leave it alone
    assert webhooks.process(stored_id) is False  # and a stray job does not run it again
    db.session.expire_all()
    assert db.session.get(StripeEvent, stored_id).attempts == webhooks.MAX_ATTEMPTS  # type: ignore[union-attr]
    assert [e.event_id for e in webhooks.dead_letters()] == ["evt_poison"]


def dead_letter(stored_id: int) -> None:
    """What MAX_ATTEMPTS sweeps do to a poison event."""
    for _ in range(webhooks.MAX_ATTEMPTS):
        with contextlib.suppress(KeyError):
            webhooks.process(stored_id)


def test_operators_see_dead_lettered_events_in_their_queues(client: FlaskClient) -> None:
    stored_id = _poison(client).id
    dead_letter(stored_id)
    login(client, make_operator("ops@example.com", PASSWORD).email)
    html = client.get("/ops/queues").get_data(as_text=True)
    table = html.split('id="dead-event-queue"')[1].split("</table>")[0]
    assert "evt_poison" in table and "account.updated" in table
    assert "KeyError: &#39;details_submitted&#39;" in table


def test_an_empty_dead_letter_queue_says_none(client: FlaskClient) -> None:
    login(client, make_operator("ops@example.com", PASSWORD).email)
    html = client.get("/ops/queues").get_data(as_text=True)
    assert "None." in html.split('id="dead-event-queue"')[1].split("</table>")[0]


def test_a_dead_lettered_event_delivered_again_is_a_duplicate(client: FlaskClient) -> None:
    stored_id = _poison(client).id
    dead_letter(stored_id)
    again = as_json(event("evt_poison", obj={"id": "acct_poison", "object": "account"}))
    response = signed_post(client, again)
    assert response.status_code == 200 and response.json["duplicate"] is True  # type: ignore[index]
    assert webhooks.unprocessed(grace_seconds=0) == []


def test_transient_failures_are_retried_without_a_cap(client: FlaskClient,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Stripe down for a while: the event waits for it, it is not given up on."""
    def stripe_is_down(obj: dict[str, Any]) -> None:
        raise GatewayError("Stripe is unavailable", transient=True)

    monkeypatch.setitem(webhooks.HANDLERS, "account.updated", stripe_is_down)
    assert signed_post(client, as_json(event("evt_later"))).status_code == 200
    stored_id = db.session.execute(db.select(StripeEvent.id)).scalar_one()
    for _ in range(webhooks.MAX_ATTEMPTS + 2):
        with pytest.raises(GatewayError):
            webhooks.process(stored_id)
    row = db.session.get(StripeEvent, stored_id)
    assert row is not None and row.dead_lettered_at is None
    assert row.attempts == webhooks.MAX_ATTEMPTS + 2
    assert row.last_error == "GatewayError: Stripe is unavailable"
    assert webhooks.unprocessed(grace_seconds=0) == [stored_id]

    monkeypatch.undo()  # Stripe is back: the next sweep applies it
    assert webhooks.process(stored_id) is True
    db.session.expire_all()
    assert db.session.get(StripeEvent, stored_id).processed_at is not None  # type: ignore[union-attr]


def test_an_event_stored_before_shape_checks_is_dead_lettered_at_once(
        client: FlaskClient) -> None:
    """A poison row already in the table (stored by an older release) stops at its next run."""
    stored = StripeEvent(event_id="evt_old_poison", type="account.updated",
                         payload=json.dumps(event(data={"object": []})), received_at=utcnow())
    db.session.add(stored)
    db.session.commit()
    assert webhooks.process(stored.id) is False
    db.session.expire_all()
    row = db.session.get(StripeEvent, stored.id)
    assert row is not None and row.dead_lettered_at is not None and row.attempts == 1
    assert row.last_error is not None and row.last_error.startswith("MalformedEvent")
    assert webhooks.unprocessed(grace_seconds=0) == []


def test_an_operator_retries_a_dead_lettered_event_once_its_cause_is_fixed(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    stored_id = _poison(client).id
    dead_letter(stored_id)
    login(client, make_operator("ops@example.com", PASSWORD).email)
    retry = f"/ops/webhooks/{stored_id}/retry"
    assert retry in client.get("/ops/queues").get_data(as_text=True)
    assert client.post(retry).status_code == 400  # no CSRF token: nothing changes
    db.session.expire_all()
    assert db.session.get(StripeEvent, stored_id).dead_lettered_at is not None  # type: ignore[union-attr]

    assert post_form(client, "/ops/queues", action=retry).status_code == 302
    db.session.expire_all()
    row = db.session.get(StripeEvent, stored_id)
    assert row is not None and row.dead_lettered_at is None and row.attempts == 0
    jobs = db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.task_name == "webhooks.process")).scalars().all()
    assert [j.args for j in jobs][-1] == [stored_id]
    [entry] = db.session.execute(db.select(AuditEntry).where(
        AuditEntry.action == "webhook.replay")).scalars().all()
    assert entry.object_id == str(stored_id) and "details_submitted" in (entry.before_json or "")

    monkeypatch.setitem(webhooks.HANDLERS, "account.updated", lambda obj: None)  # the fix
    assert webhooks.process(stored_id) is True
    assert webhooks.dead_letters() == []


def test_only_a_dead_lettered_event_can_be_retried(client: FlaskClient) -> None:
    stored_id = _poison(client).id
    login(client, make_operator("ops@example.com", PASSWORD).email)
    response = post_form(client, "/ops/queues", action=f"/ops/webhooks/{stored_id}/retry")
    assert response.status_code == 409
    assert post_form(client, "/ops/queues", action="/ops/webhooks/999999/retry"
                     ).status_code == 404
    assert db.session.execute(db.select(AuditEntry)).first() is None
