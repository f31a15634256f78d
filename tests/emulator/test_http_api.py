"""Disputes, payouts, SetupIntents and the other endpoints added for issue 16, over HTTP
through the SDK, each object checked against Stripe's fixtures."""

from __future__ import annotations

import http.client
import urllib.parse

import pytest
import requests
import stripe

from stripe_emulator import assert_matches_fixture


def _check(obj):
    assert_matches_fixture(obj.to_dict() if hasattr(obj, "to_dict") else obj)
    return obj


def _pay(client, pm="pm_card_visa", amount=4500, **extra):
    return client.v1.payment_intents.create(params={
        "amount": amount, "currency": "eur", "payment_method": pm, "confirm": True, **extra})


def test_unknown_parameters_and_enum_values_are_refused_as_stripe_does(client):
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.payment_intents.create(params={"amount": 1, "currency": "eur",
                                                 "bogus_param": "1"})
    body = err.value.json_body["error"]
    assert (err.value.http_status, body["type"], body["param"], body["message"]) == (
        400, "invalid_request_error", "bogus_param", "Received unknown parameter: bogus_param")
    with pytest.raises(stripe.InvalidRequestError, match=r"payment_method_options\[card\]\[x\]"):
        client.v1.payment_intents.create(params={
            "amount": 1, "currency": "eur", "payment_method_options": {"card": {"x": "1"}}})
    with pytest.raises(stripe.InvalidRequestError, match="must be one of automatic"):
        client.v1.payment_intents.create(params={"amount": 1, "currency": "eur",
                                                 "capture_method": "later"})
    with pytest.raises(stripe.InvalidRequestError, match="unknown parameter: expand_me"):
        client.v1.charges.list(params={"expand_me": "1"})


def test_accepted_parameters_are_echoed_and_expand_is_accepted(client):
    pi = client.v1.payment_intents.create(params={
        "amount": 900, "currency": "eur", "confirmation_method": "manual",
        "shipping": {"name": "Jenny Rosen", "address": {"line1": "1 rue X", "city": "Paris",
                                                        "country": "FR"}},
        "payment_method_options": {"card": {"request_three_d_secure": "challenge"}},
        "statement_descriptor_suffix": "MISSION", "expand": ["customer"]})
    _check(pi)
    assert pi.confirmation_method == "manual" and pi.shipping.name == "Jenny Rosen"
    assert pi.shipping.address.city == "Paris" and pi.shipping.address.line2 is None
    assert pi.payment_method_options.card.request_three_d_secure == "challenge"
    assert pi.statement_descriptor_suffix == "MISSION"


def test_test_cards_by_their_documented_ids(client):
    for pm in ("pm_card_visa", "pm_card_mastercard", "pm_card_bypassPending"):
        assert _pay(client, pm).status == "succeeded"
    for pm, code in [("pm_card_visa_chargeDeclined", "generic_decline"),
                     ("pm_card_chargeDeclined", "generic_decline"),
                     ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"),
                     ("pm_card_chargeDeclinedLostCard", "lost_card"),
                     ("pm_card_chargeDeclinedExpiredCard", "expired_card")]:
        with pytest.raises(stripe.CardError) as declined:
            _pay(client, pm)
        assert declined.value.json_body["error"]["decline_code"] == code
    assert _pay(client, "pm_card_authenticationRequired").status == "requires_action"
    cus = client.v1.customers.create(params={"email": "c@x.fr"})
    with pytest.raises(stripe.CardError, match="requires authentication"):
        _pay(client, "pm_card_authenticationRequired", customer=cus.id, off_session=True)
    pm = _check(client.v1.payment_methods.create(params={"type": "card",
                                                         "card": {"token": "tok_visa"}}))
    assert pm.card.last4 == "4242" and _pay(client, pm.id).status == "succeeded"


def test_a_dispute_card_opens_a_chargeback_won_with_winning_evidence(client, emulator):
    pi = _pay(client, "pm_card_createDispute")
    disputes = client.v1.disputes.list(params={"payment_intent": pi.id})
    assert len(disputes.data) == 1
    dp = _check(disputes.data[0])
    assert (dp.status, dp.amount, dp.charge) == ("needs_response", 4500, pi.latest_charge)
    assert dp.balance_transactions[0].net == -6000  # the amount and the 15 € fee
    staged = client.v1.disputes.update(dp.id, params={
        "evidence": {"customer_name": "Jenny", "uncategorized_text": "winning_evidence"},
        "metadata": {"case": "7"}, "submit": False})
    assert staged.status == "needs_response" and staged.evidence.customer_name == "Jenny"
    won = _check(client.v1.disputes.update(dp.id, params={
        "evidence": {"uncategorized_text": "winning_evidence"}}))
    assert won.status == "won" and won.evidence_details.submission_count == 1
    assert won.metadata["case"] == "7" and len(won.balance_transactions) == 2
    types = [e["type"] for e in emulator.events() if e["type"].startswith("charge.dispute")]
    assert types == ["charge.dispute.created", "charge.dispute.funds_withdrawn",
                     "charge.dispute.updated", "charge.dispute.updated",
                     "charge.dispute.closed", "charge.dispute.funds_reinstated"]
    assert _check(client.v1.disputes.retrieve(dp.id)).status == "won"
    with pytest.raises(stripe.InvalidRequestError, match="already closed"):
        client.v1.disputes.close(dp.id)


def test_losing_evidence_loses_and_close_accepts_and_inquiries(client):
    lost = _pay(client, "pm_card_createDispute")
    dp = client.v1.disputes.list(params={"charge": lost.latest_charge}).data[0]
    assert client.v1.disputes.update(dp.id, params={
        "evidence": {"uncategorized_text": "losing_evidence"}}).status == "lost"
    accepted = _pay(client, "pm_card_createDispute")
    dp2 = client.v1.disputes.list(params={"payment_intent": accepted.id}).data[0]
    assert client.v1.disputes.close(dp2.id).status == "lost"
    inquiry = _pay(client, "pm_card_createDisputeInquiry")
    dp3 = client.v1.disputes.list(params={"payment_intent": inquiry.id}).data[0]
    assert dp3.status == "warning_needs_response" and dp3.balance_transactions == []
    assert client.v1.disputes.update(dp3.id, params={
        "evidence": {"uncategorized_text": "winning_evidence"}}).status == "warning_closed"
    page = client.v1.disputes.list(params={"limit": 2})
    assert len(page.data) == 2 and page.has_more
    rest = client.v1.disputes.list(params={"limit": 2, "starting_after": page.data[-1].id})
    assert [d.id for d in rest.data] == [dp.id] and not rest.has_more
    with pytest.raises(stripe.InvalidRequestError, match="unknown parameter: evidence"):
        client.v1.disputes.update(dp3.id, params={"evidence": {"bogus": "x"}})


def _funded_account(client, flows, amount=3000):
    charge = _pay(client, "pm_card_bypassPending", amount=5000).latest_charge
    acct = flows.account()
    client.v1.transfers.create(params={"amount": amount, "currency": "eur",
                                       "destination": acct.id, "source_transaction": charge})
    return acct


def _bank(client, acct, number):
    return client.v1.accounts.external_accounts.create(acct.id, params={"external_account": {
        "object": "bank_account", "country": "FR", "currency": "eur",
        "account_number": number}})


def test_connected_account_payouts_over_http(client, flows, emulator, receiver):
    acct = _funded_account(client, flows)
    opts = {"stripe_account": acct.id}
    po = _check(client.v1.payouts.create(params={"amount": 1000, "currency": "eur",
                                                 "metadata": {"k": "v"}}, options=opts))
    assert po.status == "pending" and po.automatic is False
    assert _check(client.v1.payouts.retrieve(po.id, options=opts)).status == "paid"
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.payouts.retrieve(po.id)  # not the platform's payout
    updated = client.v1.payouts.update(po.id, params={"metadata": {"x": "y"}}, options=opts)
    assert updated.metadata.to_dict() == {"k": "v", "x": "y"}
    with pytest.raises(stripe.InvalidRequestError, match="pending"):
        client.v1.payouts.cancel(po.id, options=opts)
    _check(_bank(client, acct, "000111111116"))
    failed = client.v1.payouts.create(params={"amount": 500, "currency": "eur"}, options=opts)
    failed = client.v1.payouts.retrieve(failed.id, options=opts)
    assert (failed.status, failed.failure_code) == ("failed", "no_account")
    _bank(client, acct, "000000000009")
    pending = client.v1.payouts.create(params={"amount": 500, "currency": "eur"}, options=opts)
    assert client.v1.payouts.cancel(pending.id, options=opts).status == "canceled"
    with pytest.raises(stripe.InvalidRequestError, match="insufficient funds"):
        client.v1.payouts.create(params={"amount": 99999, "currency": "eur"}, options=opts)
    listed = client.v1.payouts.list(options=opts)
    assert [p.status for p in listed.data] == ["canceled", "failed", "paid"]
    assert client.v1.balance.retrieve(options=opts).available[0].amount == 2000
    emulator.wait_for_webhooks_idle()
    delivered = [(e["type"], e.get("account")) for e in receiver.events()
                 if e["type"].startswith("payout.")]
    assert delivered == [("payout.created", acct.id), ("payout.paid", acct.id),
                         ("payout.updated", acct.id), ("payout.created", acct.id),
                         ("payout.failed", acct.id), ("payout.created", acct.id),
                         ("payout.canceled", acct.id)]


def test_setup_intents(client, emulator):
    cus = client.v1.customers.create(params={"email": "c@x.fr"})
    si = _check(client.v1.setup_intents.create(params={"customer": cus.id, "usage":
                                                       "off_session", "metadata": {"a": "1"}}))
    assert si.status == "requires_payment_method"
    done = _check(client.v1.setup_intents.confirm(si.id, params={"payment_method":
                                                                 "pm_card_visa"}))
    assert done.status == "succeeded"
    assert client.v1.payment_methods.retrieve(done.payment_method).customer == cus.id
    three_ds = client.v1.setup_intents.create(params={
        "payment_method": "pm_card_authenticationRequired", "confirm": True})
    assert three_ds.status == "requires_action"
    assert client.v1.setup_intents.cancel(three_ds.id, params={
        "cancellation_reason": "abandoned"}).status == "canceled"
    challenged = client.v1.setup_intents.create(params={
        "customer": cus.id, "payment_method": "pm_card_authenticationRequiredOnSetup",
        "confirm": True, "return_url": "http://app.test/saved"})
    page = requests.post(challenged.next_action.redirect_to_url.url, data={
        "action": "complete"}, allow_redirects=False, timeout=10)
    assert page.status_code == 303 and page.headers["Location"] == "http://app.test/saved"
    assert client.v1.setup_intents.retrieve(challenged.id).status == "succeeded"
    with pytest.raises(stripe.CardError):
        client.v1.setup_intents.create(params={"payment_method": "pm_card_chargeDeclined",
                                               "confirm": True})
    assert client.v1.setup_intents.retrieve(si.id).metadata["a"] == "1"
    assert len(client.v1.setup_intents.list(params={"customer": cus.id}).data) == 2
    types = {e["type"] for e in emulator.events()}
    assert {"setup_intent.created", "setup_intent.succeeded", "setup_intent.requires_action",
            "setup_intent.canceled", "setup_intent.setup_failed"} <= types


def test_customer_update_delete_refund_and_transfer_update(client, flows, emulator):
    cus = client.v1.customers.create(params={"email": "c@x.fr"})
    updated = _check(client.v1.customers.update(cus.id, params={
        "name": "Jenny", "metadata": {"k": "v"}}))
    assert updated.name == "Jenny" and updated.metadata["k"] == "v"
    deleted = client.v1.customers.delete(cus.id)
    assert deleted.deleted is True and client.v1.customers.retrieve(cus.id).deleted is True
    assert client.v1.customers.list().data == []
    pi = _pay(client)
    refund = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 100})
    assert client.v1.refunds.update(refund.id, params={"metadata": {"o": "1"}}).metadata["o"]
    acct = flows.account()
    tr = client.v1.transfers.create(params={"amount": 100, "currency": "eur",
                                            "destination": acct.id})
    assert _check(client.v1.transfers.update(tr.id, params={
        "description": "d", "metadata": {"m": "1"}})).description == "d"
    types = {e["type"] for e in emulator.events()}
    assert {"customer.updated", "customer.deleted", "refund.updated", "charge.refund.updated",
            "transfer.updated", "balance.available"} <= types
    for event in emulator.events():
        assert_matches_fixture(event)


def test_the_server_keeps_connections_alive(base_url):
    parts = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        for _ in range(3):
            conn.request("GET", "/v1/balance",
                         headers={"Authorization": "Bearer sk_test_x"})
            resp = conn.getresponse()
            body = resp.read()
            assert resp.status == 200 and resp.version == 11
            assert resp.getheader("Content-Length") == str(len(body))
            assert resp.getheader("Connection") is None
        sock = conn.sock
        conn.request("GET", "/v1/balance", headers={"Authorization": "Bearer sk_test_x"})
        conn.getresponse().read()
        assert conn.sock is sock  # the same socket throughout
    finally:
        conn.close()


def test_the_hosted_checkout_page_takes_the_dispute_card_number(flows, client):
    session = flows.session(4500, capture="manual")
    assert flows.pay(session, "4000 0000 0000 0259").status == 303
    pi_id = client.v1.checkout.sessions.retrieve(session.id).payment_intent
    assert client.v1.disputes.list(params={"payment_intent": pi_id}).data == []  # a hold
    client.v1.payment_intents.capture(pi_id)
    assert client.v1.disputes.list(params={"payment_intent": pi_id}).data[0].status == \
        "needs_response"
    inquiry = flows.session(1000, capture="automatic")
    assert flows.pay(inquiry, "4000000000001976").status == 303
    pi_id = client.v1.checkout.sessions.retrieve(inquiry.id).payment_intent
    assert client.v1.disputes.list(params={"payment_intent": pi_id}).data[0].status == \
        "warning_needs_response"


def test_renamed_parameters_only_without_a_pinned_version(client, base_url):
    with pytest.raises(stripe.InvalidRequestError, match="unknown parameter: payment_method_t"):
        client.v1.payment_intents.create(params={"amount": 100, "currency": "eur",
                                                 "payment_method_types": ["card"]})
    # the Stripe CLI sends no Stripe-Version: the account's default (older) version applies

    old = requests.post(f"{base_url}/v1/payment_intents", timeout=10,
                        headers={"Authorization": "Bearer sk_test_x"},
                        data={"amount": "100", "currency": "eur",
                              "payment_method_types[]": "card"})
    assert old.status_code == 200 and old.json()["payment_method_types"] == ["card"]
