"""PaymentIntents through the API: capture (full / partial), fees, cancel, declines."""

from __future__ import annotations

import pytest
import stripe


def test_full_capture_creates_balance_transaction_with_eu_fee(flows, client, emulator):
    pi = flows.paid_intent(4500)
    captured = client.v1.payment_intents.capture(
        pi.id, params={"amount_to_capture": 4500}, options={"idempotency_key": "mkt:capture:9"})
    assert captured.status == "succeeded" and captured.amount_received == 4500
    assert captured.amount_capturable == 0
    charge = client.v1.payment_intents.retrieve(
        pi.id, params={"expand": ["latest_charge"]}).latest_charge
    assert charge.captured and charge.amount_captured == 4500 and charge.amount_refunded == 0
    txn = client.v1.balance_transactions.retrieve(charge.balance_transaction)
    # 1.5 % of 45.00 = 0.675 -> 0.68 (half up) + 0.25 = 0.93
    assert (txn.type, txn.amount, txn.fee, txn.net) == ("charge", 4500, 93, 4407)
    assert txn.source == charge.id and txn.currency == "eur"
    assert txn.fee_details[0].amount == 93 and txn.fee_details[0].type == "stripe_fee"
    types = [e["type"] for e in emulator.events()]
    assert types[-3:] == ["charge.captured", "payment_intent.succeeded", "balance.available"]


@pytest.mark.parametrize(("amount", "fee"), [(1000, 40), (100, 27), (3333, 75), (10000, 175)])
def test_fee_rounding(flows, client, amount, fee):
    pi = flows.paid_intent(amount)
    client.v1.payment_intents.capture(pi.id)
    charge = client.v1.charges.retrieve(pi.latest_charge.id)
    txn = client.v1.balance_transactions.retrieve(charge.balance_transaction)
    assert txn.fee == fee and txn.net == amount - fee


def test_partial_capture_releases_the_rest(flows, client):
    pi = flows.paid_intent(4500)
    captured = client.v1.payment_intents.capture(pi.id, params={"amount_to_capture": 3000})
    assert captured.amount_received == 3000
    charge = client.v1.charges.retrieve(pi.latest_charge.id)
    assert charge.amount == 4500 and charge.amount_captured == 3000
    assert charge.amount_refunded == 1500 and not charge.refunded
    txn = client.v1.balance_transactions.retrieve(charge.balance_transaction)
    assert txn.amount == 3000 and txn.fee == 70  # 45 + 25


def test_capture_errors(flows, client):
    pi = flows.paid_intent(4500)
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        client.v1.payment_intents.capture(pi.id, params={"amount_to_capture": 5000})
    assert too_much.value.param == "amount_to_capture"
    client.v1.payment_intents.capture(pi.id)
    with pytest.raises(stripe.InvalidRequestError) as twice:
        client.v1.payment_intents.capture(pi.id)
    assert twice.value.code == "payment_intent_unexpected_state"
    assert twice.value.http_status == 400


def test_cancel_releases_authorization(flows, client, emulator):
    pi = flows.paid_intent(4500)
    canceled = client.v1.payment_intents.cancel(pi.id, options={"idempotency_key": "c1"})
    assert canceled.status == "canceled" and canceled.canceled_at
    charge = client.v1.charges.retrieve(pi.latest_charge.id)
    assert charge.refunded and charge.amount_refunded == 4500
    assert emulator.events("payment_intent.canceled")
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client.v1.payment_intents.cancel(pi.id)
    assert exc.value.code == "payment_intent_unexpected_state"


def _create(client, customer, pm, **extra):
    return client.v1.payment_intents.create(params={
        "amount": 4500, "currency": "eur", "capture_method": "manual", "customer": customer,
        "payment_method": pm, "confirm": True, "off_session": True,
        "transfer_group": "mission-4", "metadata": {"mission_id": "4"}, **extra,
    }, options={"idempotency_key": f"pi-{pm}-{customer}"})


def test_off_session_payment_with_test_pm_ids(client):
    cus = client.v1.customers.create(params={"email": "c@x.fr"})
    pi = _create(client, cus.id, "pm_card_visa")
    assert pi.status == "requires_capture" and pi.amount_capturable == 4500
    assert pi.payment_method.startswith("pm_") and pi.latest_charge.startswith("ch_")

    with pytest.raises(stripe.CardError) as declined:
        _create(client, cus.id, "pm_card_chargeDeclined")
    assert declined.value.code == "card_declined" and declined.value.http_status == 402
    err = declined.value.error
    assert err.decline_code == "generic_decline"
    assert err.payment_intent.status == "requires_payment_method"
    assert err.payment_intent.last_payment_error.code == "card_declined"

    with pytest.raises(stripe.CardError) as auth:
        _create(client, cus.id, "pm_card_authenticationRequired")
    assert auth.value.code == "authentication_required"


def test_saved_checkout_payment_method_can_be_reused_off_session(flows, client):
    pi = flows.paid_intent(4500)
    again = _create(client, pi.customer, pi.payment_method)
    assert again.status == "requires_capture" and again.payment_method == pi.payment_method


def test_on_session_3ds_requires_action(client):
    pi = client.v1.payment_intents.create(params={
        "amount": 1000, "currency": "eur", "payment_method": "pm_card_authenticationRequired",
        "confirm": True})
    assert pi.status == "requires_action"
    assert pi.next_action.type == "redirect_to_url"
    assert "/hosted/authenticate/" in pi.next_action.redirect_to_url.url


def test_automatic_capture_via_api(client):
    pi = client.v1.payment_intents.create(params={
        "amount": 2000, "currency": "EUR", "payment_method": "pm_card_visa", "confirm": True})
    assert pi.status == "succeeded" and pi.currency == "eur" and pi.amount_received == 2000


def test_unconfirmed_then_confirm(client):
    pi = client.v1.payment_intents.create(params={
        "amount": 2000, "currency": "eur", "capture_method": "manual"})
    assert pi.status == "requires_payment_method"
    pi = client.v1.payment_intents.confirm(pi.id, params={"payment_method": "pm_card_visa"})
    assert pi.status == "requires_capture"
