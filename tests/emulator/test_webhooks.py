"""Webhook delivery: signed like Stripe, asynchronous, retried until acknowledged."""

from __future__ import annotations

import time

import pytest
import stripe

from stripe_emulator import sign_webhook

WEBHOOK_SECRET = "whsec_test_emulator"  # same as conftest


def test_events_are_delivered_signed(flows, client, emulator, receiver):
    pi = flows.paid_intent(4500)
    client.v1.payment_intents.capture(pi.id)
    emulator.wait_for_webhooks_idle(timeout=10)
    delivered = receiver.events()  # construct_event verifies every signature
    assert [e["id"] for e in delivered] == [e["id"] for e in emulator.events()]
    types = [e["type"] for e in delivered]
    assert "checkout.session.completed" in types and types[-2:] == [
        "payment_intent.succeeded", "balance.available"]
    event = delivered[-2]
    assert event["api_version"] == "2026-10-28.endive" and event["livemode"] is False
    assert event["data"]["object"]["id"] == pi.id
    stored = client.v1.events.retrieve(event["id"])
    assert stored.pending_webhooks == 0
    assert stored.request.id.startswith("req_")


def test_signature_rejects_other_secret(flows, emulator, receiver):
    flows.account()
    emulator.wait_for_webhooks_idle(timeout=10)
    payload, header = receiver.received[0]
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, header, "whsec_other")
    ts = header.split(",")[0].removeprefix("t=")
    assert sign_webhook(payload, WEBHOOK_SECRET, int(ts)) == header


def test_failed_deliveries_are_retried(client, emulator, receiver):
    receiver.fail_first = 2
    emulator.webhooks.retry_delays = (0.05, 0.1, 0.2)
    started = time.monotonic()
    cus = client.v1.customers.create(params={"email": "x@x.fr"})
    assert time.monotonic() - started < 0.5  # the API call does not wait for delivery
    emulator.wait_for_webhooks_idle(timeout=10)
    assert receiver.attempts == 3
    assert [e["data"]["object"]["id"] for e in receiver.events()] == [cus.id]
    attempts = [h for h in emulator.webhooks.log if h["event"] == receiver.events()[0]["id"]]
    assert [h["status"] for h in attempts] == [500, 500, 200]


def test_events_api_lists_newest_first(client, emulator):
    client.v1.customers.create(params={"email": "a@x.fr"})
    client.v1.customers.create(params={"email": "b@x.fr"})
    events = client.v1.events.list(params={"limit": 100}).data
    assert [e.data.object.email for e in events] == ["b@x.fr", "a@x.fr"]
    assert client.v1.events.list(params={"type": "customer.*"}).data
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.events.retrieve("evt_missing")
