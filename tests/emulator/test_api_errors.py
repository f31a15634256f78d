"""Idempotency, authentication and error mapping as seen by the SDK."""

from __future__ import annotations

import json

import pytest
import stripe


def test_idempotent_replay_returns_same_response(client, emulator):
    params = {"email": "a@x.fr", "name": "A", "metadata": {"user_id": "7"}}
    first = client.v1.customers.create(params=params, options={"idempotency_key": "mkt:c:7"})
    second = client.v1.customers.create(params=params, options={"idempotency_key": "mkt:c:7"})
    assert first.to_dict() == second.to_dict()
    assert second.last_response.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.last_response.headers
    assert len(emulator.objects("customer")) == 1


def test_idempotency_key_reuse_with_other_params_or_endpoint(client):
    client.v1.customers.create(params={"email": "a@x.fr"}, options={"idempotency_key": "k1"})
    with pytest.raises(stripe.IdempotencyError) as exc:
        client.v1.customers.create(params={"email": "b@x.fr"}, options={"idempotency_key": "k1"})
    assert exc.value.http_status == 400
    assert "same parameters" in str(exc.value.user_message)
    with pytest.raises(stripe.IdempotencyError):
        client.v1.payment_intents.create(params={"amount": 100, "currency": "eur"},
                                         options={"idempotency_key": "k1"})


def test_idempotency_keys_are_scoped_per_connected_account(client):
    a = client.v1.customers.create(params={"email": "a@x.fr"}, options={"idempotency_key": "k"})
    b = client.v1.customers.create(params={"email": "b@x.fr"},
                                   options={"idempotency_key": "k", "stripe_account": "acct_x"})
    assert a.id != b.id


def test_declines_are_replayed_but_validation_errors_are_not(client, emulator):
    opts = {"idempotency_key": "d1"}
    params = {"amount": 100, "currency": "eur", "payment_method": "pm_card_chargeDeclined",
              "confirm": True}
    with pytest.raises(stripe.CardError):
        client.v1.payment_intents.create(params=params, options=opts)
    with pytest.raises(stripe.CardError) as replay:
        client.v1.payment_intents.create(params=params, options=opts)
    assert replay.value.headers["Idempotent-Replayed"] == "true"
    assert len(emulator.objects("payment_intent")) == 1


def test_authentication_errors(base_url, browser):
    for key in ("sk_live_nope", "pk_test_nope"):
        bad = stripe.StripeClient(key, base_addresses={"api": base_url})
        with pytest.raises(stripe.AuthenticationError) as exc:
            bad.v1.balance.retrieve()
        assert exc.value.http_status == 401
    raw = browser.get(f"{base_url}/v1/balance")
    assert raw.status == 401
    body = json.loads(raw.text)
    assert body["error"]["type"] == "invalid_request_error"
    assert "API key" in body["error"]["message"]


def test_invalid_request_errors(client):
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.payment_intents.retrieve("pi_doesnotexist")
    assert missing.value.http_status == 404 and missing.value.code == "resource_missing"
    with pytest.raises(stripe.InvalidRequestError) as amount:
        client.v1.payment_intents.create(params={"amount": -5, "currency": "eur"})
    assert amount.value.param == "amount"
    with pytest.raises(stripe.InvalidRequestError) as currency:
        client.v1.payment_intents.create(params={"amount": 100})
    assert currency.value.param == "currency" and currency.value.code == "parameter_missing"
    with pytest.raises(stripe.InvalidRequestError) as expand:
        client.v1.payment_intents.create(params={"amount": 100, "currency": "eur",
                                                 "expand": ["nope"]})
    assert expand.value.param == "expand"
    with pytest.raises(stripe.InvalidRequestError) as limit:
        client.v1.events.list(params={"limit": 101})
    assert limit.value.param == "limit"


def test_unknown_url_and_basic_auth(base_url, browser):
    raw = browser.request("GET", f"{base_url}/v1/nothing",
                          headers={"Authorization": "Bearer sk_test_x"})
    assert raw.status == 404
    assert "Unrecognized request URL" in json.loads(raw.text)["error"]["message"]
    basic = browser.request("GET", f"{base_url}/v1/balance",
                            headers={"Authorization": "Basic c2tfdGVzdF94Og=="})  # sk_test_x:
    assert basic.status == 200 and json.loads(basic.text)["object"] == "balance"


def test_fault_hook(client, emulator, base_url):
    emulator.faults.append(lambda method, path, params: (
        (500, {"error": {"type": "api_error", "message": "boom"}})
        if path == "/v1/balance" else None))
    no_retry = stripe.StripeClient("sk_test_x", base_addresses={"api": base_url})
    with pytest.raises(stripe.APIError):
        no_retry.v1.balance.retrieve()
    emulator.faults.clear()
    assert client.v1.balance.retrieve().object == "balance"
