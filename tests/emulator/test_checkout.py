"""Hosted Checkout: success, declines, 3D Secure, cancel link."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import stripe

from stripe_emulator import StripeEmulator


def test_manual_capture_checkout_authorizes_and_redirects(flows, client, emulator):
    session = flows.session(capture="manual")
    assert session.status == "open" and session.payment_status == "unpaid"
    assert session.amount_total == 4500 and session.payment_intent is None
    assert session.url.startswith(f"{emulator.base_url}/hosted/checkout/cs_")

    page = flows.browser.get(session.url)
    assert "Mission #4" in page.text and "€45.00" in page.text
    assert "<script" not in page.text and 'href="http://app.test/missions/4"' in page.text
    done = flows.pay(session, "4242 4242 4242 4242")
    assert done.status == 303
    query = parse_qs(urlsplit(done.location).query)
    assert query["session_id"] == [session.id]

    session = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent", "payment_intent.latest_charge"]})
    assert session.status == "complete" and session.payment_status == "unpaid"
    pi = session.payment_intent
    assert pi.status == "requires_capture" and pi.amount_capturable == 4500
    assert pi.capture_method == "manual" and pi.transfer_group == "mission-4"
    assert pi.metadata.to_dict() == {"mission_id": "4", "payment_id": "9"}
    assert pi.customer == session.customer
    charge = pi.latest_charge
    assert charge.paid and not charge.captured and charge.status == "succeeded"
    assert charge.payment_method_details.card.last4 == "4242"
    assert charge.payment_method.startswith("pm_")
    types = [e["type"] for e in emulator.events()]
    assert "checkout.session.completed" in types
    assert "payment_intent.amount_capturable_updated" in types
    assert "payment_intent.succeeded" not in types
    # Paying again is impossible: the page now sends the browser back to success_url.
    assert flows.browser.get(session.url).status == 303


def test_automatic_capture_checkout_is_paid(flows, client, emulator):
    pi = flows.paid_intent(capture="automatic")
    assert pi.status == "succeeded" and pi.amount_received == 4500
    assert pi.latest_charge.captured and pi.latest_charge.balance_transaction
    session = emulator.objects("checkout.session")[-1]
    assert session["payment_status"] == "paid"
    types = [e["type"] for e in emulator.events()]
    assert {"payment_intent.succeeded", "charge.succeeded"} <= set(types)


def test_declined_card_rerenders_page_with_402(flows, client, emulator: StripeEmulator):
    session = flows.session()
    page = flows.pay(session, "4000000000000002")
    assert page.status == 402 and "Your card was declined." in page.text
    session = client.v1.checkout.sessions.retrieve(session.id)
    assert session.status == "open" and session.payment_intent is None
    failed = emulator.events("payment_intent.payment_failed")
    assert len(failed) == 1
    pi = failed[0]["data"]["object"]
    assert pi["status"] == "requires_payment_method" and pi["amount_capturable"] == 0
    assert pi["last_payment_error"]["code"] == "card_declined"
    assert pi["last_payment_error"]["decline_code"] == "generic_decline"
    assert not [p for p in emulator.objects("payment_intent") if p["amount_capturable"]]
    # The customer can retry with a good card on the same session and PaymentIntent.
    assert flows.pay(session).status == 303
    session = client.v1.checkout.sessions.retrieve(session.id)
    assert session.payment_intent == pi["id"]


def test_insufficient_funds_decline(flows, emulator):
    page = flows.pay(flows.session(), "4000000000009995")
    assert page.status == 402 and "insufficient funds" in page.text
    err = emulator.events("payment_intent.payment_failed")[0]["data"]["object"]
    assert err["last_payment_error"]["decline_code"] == "insufficient_funds"


def test_unknown_card_and_bad_expiry(flows):
    session = flows.session()
    assert flows.pay(session, "1234123412341234").status == 402
    page = flows.browser.get(session.url)
    assert flows.browser.submit(page, flows.base_url, exp="13/99").status == 400


def test_3ds_card_complete_and_fail(flows, client, emulator):
    session = flows.session()
    page = flows.pay(session, "4000002760003184")
    assert page.status == 200 and "Authentication required" in page.text
    assert "Complete authentication" in page.text and "Fail authentication" in page.text
    pi = emulator.objects("payment_intent")[-1]
    assert pi["status"] == "requires_action"

    action, _ = page.form()
    failed = flows.browser.post(flows.base_url + action, {"action": "fail"})
    assert failed.status == 402 and "unable to authenticate" in failed.text
    assert emulator.get(pi["id"])["status"] == "requires_payment_method"

    page = flows.pay(session, "4000002760003184")
    done = flows.browser.post(flows.base_url + page.form()[0], {"action": "complete"})
    assert done.status == 303 and session.id in done.location
    pi = client.v1.payment_intents.retrieve(pi["id"], params={"expand": ["latest_charge"]})
    assert pi.status == "requires_capture"
    assert pi.latest_charge.payment_method_details.card.three_d_secure.result == "authenticated"


def test_expire_session(flows, client):
    session = flows.session()
    expired = client.v1.checkout.sessions.expire(session.id)
    assert expired.status == "expired"
    assert flows.browser.get(session.url).status == 410
    try:
        client.v1.checkout.sessions.expire(session.id)
    except stripe.InvalidRequestError as exc:
        assert exc.code == "checkout_session_unexpected_state"
    else:
        raise AssertionError("expected an error")
