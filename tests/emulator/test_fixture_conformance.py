"""Every object the emulator returns has the shape of Stripe's published fixtures."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from stripe_emulator import assert_matches_fixture
from stripe_emulator.conformance import FixtureMismatch


def _check(obj: Any, seen: set[str]) -> None:
    data = obj.to_dict() if hasattr(obj, "to_dict") else obj
    assert_matches_fixture(data)
    seen.add(data["object"])
    for item in data.get("data", []) if data["object"] == "list" else []:
        seen.add(item["object"])


def test_full_flow_objects_match_fixtures(flows, client, emulator, receiver):
    seen: set[str] = set()
    check = lambda obj: _check(obj, seen)  # noqa: E731

    acct = flows.account(onboard=False)
    check(acct)
    check(flows.link(acct.id))
    acct = flows.account()
    check(acct)
    check(client.v1.accounts.login_links.create(acct.id))
    check(client.v1.accounts.list())
    cus = client.v1.customers.create(params={"email": "c@x.fr", "name": "C"})
    check(cus)
    check(client.v1.customers.retrieve(cus.id))
    session = flows.session(customer=cus.id)
    check(session)
    assert flows.pay(session, "4000000000000002").status == 402
    assert flows.pay(session).status == 303
    session = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent", "payment_intent.latest_charge"]})
    check(session)
    pi = session.payment_intent
    check(client.v1.payment_intents.retrieve(pi.id, params={"expand": ["latest_charge"]}))
    check(client.v1.payment_intents.capture(pi.id, params={"amount_to_capture": 4000}))
    charge = client.v1.charges.retrieve(pi.latest_charge.id)
    check(charge)
    check(client.v1.payment_methods.retrieve(charge.payment_method))
    check(client.v1.balance_transactions.retrieve(charge.balance_transaction))
    tr = client.v1.transfers.create(params={
        "amount": 3000, "currency": "eur", "destination": acct.id,
        "source_transaction": charge.id, "transfer_group": "mission-4"})
    check(tr)
    check(client.v1.transfers.reversals.create(tr.id, params={"amount": 500}))
    check(client.v1.transfers.retrieve(tr.id))
    check(client.v1.transfers.list(params={"transfer_group": "mission-4"}))
    check(client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 500}))
    check(client.v1.charges.retrieve(charge.id))
    check(client.v1.balance.retrieve())
    check(client.v1.balance_transactions.list(params={"limit": 100}))
    auto = client.v1.payment_intents.create(params={
        "amount": 1000, "currency": "eur", "payment_method": "pm_card_visa", "confirm": True})
    check(auto)
    check(client.v1.payment_intents.cancel(client.v1.payment_intents.create(
        params={"amount": 1000, "currency": "eur"}).id))
    with pytest.raises(stripe.CardError) as declined:
        client.v1.payment_intents.create(params={
            "amount": 1000, "currency": "eur", "payment_method": "pm_card_chargeDeclined",
            "confirm": True})
    error = declined.value.json_body["error"]
    check(error["payment_intent"])
    check(error["payment_method"])
    three_ds = client.v1.payment_intents.create(params={
        "amount": 1000, "currency": "eur", "confirm": True,
        "payment_method": "pm_card_authenticationRequired"})
    check(three_ds)
    expired = flows.session()
    check(client.v1.checkout.sessions.expire(expired.id))

    events = client.v1.events.list(params={"limit": 100})
    check(events)
    for event in events.data:
        check(client.v1.events.retrieve(event.id))
    emulator.wait_for_webhooks_idle(timeout=10)
    for event in receiver.events():
        check(event)
    for kind in ("charge", "refund", "transfer", "transfer_reversal", "balance_transaction",
                 "payment_method", "payment_intent", "checkout.session", "event"):
        for obj in emulator.objects(kind):
            check(obj)
    assert seen >= {
        "account", "account_link", "customer", "checkout.session", "payment_intent", "charge",
        "transfer", "transfer_reversal", "refund", "balance", "balance_transaction", "event",
        "list", "payment_method",
    }
    types = {e["type"] for e in emulator.events()}
    assert {"payment_intent.payment_failed", "charge.failed", "transfer.reversed",
            "checkout.session.expired", "payment_intent.canceled"} <= types


def test_comparator_catches_drift():
    good = {"object": "transfer_reversal", "amount": 1, "balance_transaction": None,
            "created": 1, "currency": "eur", "destination_payment_refund": None, "id": "trr_1",
            "metadata": {"k": "v"}, "source_refund": None, "transfer": "tr_1"}
    assert_matches_fixture(good)
    with pytest.raises(FixtureMismatch, match="extra keys"):
        assert_matches_fixture({**good, "surprise": 1})
    with pytest.raises(FixtureMismatch, match="amount"):
        assert_matches_fixture({**good, "amount": "1"})
    with pytest.raises(FixtureMismatch, match="missing keys"):
        assert_matches_fixture({k: v for k, v in good.items() if k != "transfer"})
    bad_nested = {"object": "list", "data": [{**good, "created": True}], "has_more": False,
                  "url": "/v1/x"}
    with pytest.raises(FixtureMismatch, match=r"data\[0\]"):
        assert_matches_fixture(bad_nested)


def test_dispute_payout_setup_intent_and_balance_objects_match_fixtures(flows, client,
                                                                        emulator, receiver):
    """The objects added for issue 16 keep their fixture's keys and types too."""
    pi = client.v1.payment_intents.create(params={
        "amount": 5000, "currency": "eur", "payment_method": "pm_card_createDispute",
        "confirm": True})
    dispute = client.v1.disputes.list(params={"payment_intent": pi.id}).data[0]
    _check(dispute, set())
    _check(client.v1.disputes.update(dispute.id, params={
        "evidence": {"uncategorized_text": "winning_evidence"}}), set())
    acct = flows.account()
    client.v1.transfers.create(params={"amount": 2000, "currency": "eur",
                                       "destination": acct.id})
    opts = {"stripe_account": acct.id}
    _check(client.v1.accounts.external_accounts.create(acct.id, params={
        "external_account": {"object": "bank_account", "country": "FR", "currency": "eur",
                             "account_number": "000000000009"}}), set())
    payout = client.v1.payouts.create(params={"amount": 500, "currency": "eur"}, options=opts)
    _check(payout, set())
    _check(client.v1.payouts.cancel(payout.id, options=opts), set())
    _check(client.v1.payouts.list(options=opts), set())
    _check(client.v1.balance.retrieve(options=opts), set())
    si = client.v1.setup_intents.create(params={"payment_method": "pm_card_visa",
                                                "confirm": True})
    _check(si, set())
    emulator.wait_for_webhooks_idle(timeout=10)
    for event in receiver.events():
        _check(event, set())
    for kind in ("dispute", "payout", "setup_intent", "bank_account", "event"):
        objs = emulator.objects(kind)
        assert objs, kind
        for obj in objs:
            _check(obj, set())
    types = {e["type"] for e in emulator.events()}
    assert {"charge.dispute.created", "charge.dispute.closed", "payout.canceled",
            "setup_intent.succeeded", "balance.available"} <= types
