"""Signed but malformed Stripe events: never a 5xx, never a poison event.

Every payload here carries a VALID signature (our webhook secret), so the endpoint's only
defence is its parsing. A refused event (400) stores no StripeEvent row; an accepted one is
stored, and the processor (`webhooks.process`, what the worker task and the sweep run) must
neither raise out on it nor leave it unprocessed for ever: an event still unprocessed after
the worker's whole retry budget would be re-queued by the sweep every minute, indefinitely.
"""

from __future__ import annotations

import json
import time
from itertools import count
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from marketplace.core.db import db
from marketplace.payments import webhooks
from marketplace.payments.models import StripeEvent
from stripe_emulator import sign_webhook
from tests.conftest import WEBHOOK_SECRET
from workers.retry import MAX_RETRIES

_ids = count(1)
TYPES = sorted({*webhooks.HANDLERS, *webhooks.CONNECT_HANDLERS})
HUGE = "x" * 200_000
# A well-formed account.updated object: each named case below breaks one thing only.
ACCOUNT = {"id": "acct_unknown", "object": "account", "details_submitted": True,
           "charges_enabled": True, "payouts_enabled": True}
UNICODE = "évt_ünïcødé_😀_١٢٣_\u202e_\u0000"


def envelope(**fields: Any) -> dict[str, Any]:
    event: dict[str, Any] = {"id": f"evt_fuzz_{next(_ids)}", "object": "event",
                             "type": "account.updated", "created": int(time.time()),
                             "livemode": False, "data": {"object": ACCOUNT}}
    event.update(fields)
    return {k: v for k, v in event.items() if v is not _MISSING}


_MISSING = object()

# The shapes a bad sender (or a Stripe API change) could sign: each one named.
MALFORMED: dict[str, Any] = {
    "empty object": {},
    "list": [],
    "null": None,
    "string": "event",
    "number": 42,
    "list of events": [envelope()],
    "no id": envelope(id=_MISSING),
    "no type": envelope(type=_MISSING),
    "no data": envelope(data=_MISSING),
    "data null": envelope(data=None),
    "data list": envelope(data=[]),
    "data without object": envelope(data={}),
    "object null": envelope(data={"object": None}),
    "object string": envelope(data={"object": "acct_x"}),
    "object list": envelope(data={"object": [1, 2]}),
    "id number": envelope(id=123),
    "id null": envelope(id=None),
    "id object": envelope(id={"a": 1}),
    "type number": envelope(type=7),
    "type list": envelope(type=["account.updated"]),
    "type huge": envelope(type="t" * 5000),
    "id huge": envelope(id="evt_" + HUGE),
    "id unicode": envelope(id=UNICODE),
    "type unicode": envelope(type=UNICODE),
    "huge body": envelope(data={"object": {**ACCOUNT, "pad": HUGE}}),
    **{f"{t}: empty object": envelope(type=t, data={"object": {}}) for t in TYPES},
    **{f"{t}: id number": envelope(type=t, data={"object": {"id": 5, "metadata": []}})
       for t in TYPES},
    **{f"{t}: wrong value types": envelope(type=t, account=12, data={"object": {
        "id": "x_1", "status": 3, "amount": "lots", "metadata": "m", "charge": [],
        "payment_intent": {}, "details_submitted": "yes", "arrival_date": "soon"}})
       for t in TYPES},
}


def post_signed(client: FlaskClient, body: bytes) -> Any:
    signature = sign_webhook(body.decode(), WEBHOOK_SECRET)
    return client.post("/stripe/webhook", data=body,
                       headers={"Content-Type": "application/json",
                                "Stripe-Signature": signature})


def stored_ids() -> set[int]:
    return set(db.session.execute(db.select(StripeEvent.id)).scalars())


def check_payload(client: FlaskClient, payload: Any) -> None:
    """Post it signed; no 5xx; a 400 stores nothing; whatever is stored gets processed."""
    body = json.dumps(payload).encode()
    db.session.rollback()
    before = stored_ids()
    response = post_signed(client, body)
    assert response.status_code < 500, (response.status_code, body[:200])
    db.session.rollback()
    new = stored_ids() - before
    if response.status_code == 400:
        assert not new, f"a refused event was stored: {body[:200]!r}"
        return
    assert response.status_code == 200, response.status_code
    for stored_id in new:
        drain(stored_id, body)


def drain(stored_id: int, body: bytes) -> None:
    """Process as the worker would, through its whole retry budget: it must settle."""
    for _attempt in range(MAX_RETRIES + 1):
        try:
            webhooks.process(stored_id)
        except Exception as exc:  # the processor must never raise out on a bad payload
            db.session.rollback()
            pytest.fail(f"webhooks.process raised {type(exc).__name__}: {exc} on {body[:200]!r}")
        db.session.rollback()
        if stored_id not in webhooks.unprocessed(grace_seconds=-60):
            return
    pytest.fail(f"event {stored_id} stays unprocessed for ever (poison): {body[:200]!r}")


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_signed_malformed_event(client: FlaskClient, name: str) -> None:
    check_payload(client, MALFORMED[name])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=12)

objects = st.dictionaries(
    st.sampled_from(["id", "object", "status", "amount", "amount_capturable", "metadata",
                     "payment_intent", "charge", "account", "details_submitted",
                     "payouts_enabled", "charges_enabled", "failure_code", "reason"]),
    json_values, max_size=8)

events = st.fixed_dictionaries(
    {"id": st.text(min_size=1, max_size=60).map(lambda s: f"evt_h_{next(_ids)}_{s}")},
    optional={"type": st.sampled_from(TYPES) | json_values,
              "data": st.fixed_dictionaries({}, optional={"object": objects | json_values})
              | json_values,
              "account": json_values, "object": json_values})

payloads = events | json_values

# The default run: a few examples, the same every run (derandomized), no shrinking (a
# failure prints its payload as drawn); the long run (-m slow) draws at random and shrinks.
FAST = settings(max_examples=25, deadline=None, database=None, derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
SLOW = settings(FAST, max_examples=1000, phases=list(Phase), derandomize=False)  # -m slow


@FAST
@given(payload=payloads)
def test_generated_signed_events(client: FlaskClient, payload: Any) -> None:
    check_payload(client, payload)


@pytest.mark.slow
@SLOW
@given(payload=payloads)
def test_generated_signed_events_long(client: FlaskClient, payload: Any) -> None:
    check_payload(client, payload)


def test_stored_garbage_does_not_poison_the_sweep(ctx: Flask) -> None:
    """Rows already stored (by an older release, or a backfill) whose body is not an event:
    the processor settles each of them, so the sweep stops re-queuing them."""
    from marketplace.core.base import utcnow

    bodies = ["{}", "[]", "null", "not json", '{"data": 1}', '{"data": {"object": 3}}',
              json.dumps(envelope(type="account.updated", data={"object": {}}))]
    for i, body in enumerate(bodies):
        db.session.add(StripeEvent(event_id=f"evt_stored_{i}", type="account.updated",
                                   payload=body, received_at=utcnow()))
    db.session.commit()
    for stored_id in sorted(stored_ids()):
        drain(stored_id, db.session.get(StripeEvent, stored_id).payload.encode())
