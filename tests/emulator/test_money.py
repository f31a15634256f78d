"""Transfers (with source_transaction limits), reversals, refunds and the balance."""

from __future__ import annotations

import pytest
import stripe


@pytest.fixture
def captured(flows, client):
    """A 45.00 EUR captured charge and an onboarded helper account."""
    pi = flows.paid_intent(4500)
    client.v1.payment_intents.capture(pi.id)
    charge = client.v1.charges.retrieve(pi.latest_charge.id)
    return pi, charge, flows.account()


def _transfer(client, charge, acct, amount, key=None, group="mission-4"):
    return client.v1.transfers.create(params={
        "amount": amount, "currency": "eur", "destination": acct.id,
        "source_transaction": charge.id, "transfer_group": group,
        "metadata": {"payout_id": "5"},
    }, options={"idempotency_key": key} if key else None)


def test_transfer_and_over_transfer(client, captured, emulator):
    _pi, charge, acct = captured
    tr = _transfer(client, charge, acct, 3825, key="mkt:transfer:5")
    assert tr.id.startswith("tr_") and tr.destination_payment.startswith("py_")
    assert tr.source_transaction == charge.id and tr.amount_reversed == 0
    txn = client.v1.balance_transactions.retrieve(tr.balance_transaction)
    assert (txn.type, txn.amount, txn.net) == ("transfer", -3825, -3825)
    assert emulator.events("transfer.created")[-1]["data"]["object"]["id"] == tr.id

    with pytest.raises(stripe.InvalidRequestError) as over:
        _transfer(client, charge, acct, 676)
    assert over.value.param == "amount" and over.value.http_status == 400
    assert _transfer(client, charge, acct, 675).amount == 675

    listed = client.v1.transfers.list(params={"transfer_group": "mission-4", "limit": 10})
    assert [t.amount for t in listed.data] == [675, 3825]
    assert client.v1.transfers.list(params={"transfer_group": "other"}).data == []
    assert client.v1.transfers.retrieve(tr.id).amount == 3825


def test_transfer_validation(flows, client, captured):
    _pi, charge, _acct = captured
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        client.v1.transfers.create(params={
            "amount": 100, "currency": "eur", "destination": "acct_nope"})
    assert unknown.value.param == "destination" and unknown.value.code == "resource_missing"

    fresh = flows.account(onboard=False)
    with pytest.raises(stripe.InvalidRequestError) as not_ready:
        _transfer(client, charge, fresh, 100)
    assert not_ready.value.param == "destination"
    assert "capabilities" in str(not_ready.value.user_message)

    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.transfers.create(params={"currency": "eur", "destination": fresh.id})
    assert missing.value.param == "amount"


def test_uncaptured_charge_cannot_fund_transfer(flows, client):
    pi = flows.paid_intent(4500)
    acct = flows.account()
    with pytest.raises(stripe.InvalidRequestError) as exc:
        _transfer(client, pi.latest_charge, acct, 100)
    assert exc.value.param == "source_transaction"


def test_reversal(client, captured, emulator):
    _pi, charge, acct = captured
    tr = _transfer(client, charge, acct, 3825)
    rev = client.v1.transfers.reversals.create(tr.id, params={"amount": 825})
    assert rev.object == "transfer_reversal" and rev.amount == 825 and rev.transfer == tr.id
    tr = client.v1.transfers.retrieve(tr.id)
    assert tr.amount_reversed == 825 and not tr.reversed
    client.v1.transfers.reversals.create(tr.id)
    tr = client.v1.transfers.retrieve(tr.id)
    assert tr.reversed and tr.amount_reversed == 3825
    assert len(emulator.events("transfer.reversed")) == 2
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.transfers.reversals.create(tr.id, params={"amount": 1})
    # Reversed funds can be transferred again from the same charge.
    assert _transfer(client, charge, acct, 4500).amount == 4500


def test_refunds(client, captured, emulator):
    pi, charge, acct = captured
    ref = client.v1.refunds.create(
        params={"payment_intent": pi.id, "amount": 1000, "metadata": {"payment_id": "9"}},
        options={"idempotency_key": "mkt:refund:1"})
    assert ref.status == "succeeded" and ref.charge == charge.id and ref.amount == 1000
    charge = client.v1.charges.retrieve(charge.id)
    assert charge.amount_refunded == 1000 and not charge.refunded
    txn = client.v1.balance_transactions.retrieve(ref.balance_transaction)
    assert (txn.type, txn.amount) == ("refund", -1000)
    assert emulator.events("refund.created") and emulator.events("charge.refunded")

    with pytest.raises(stripe.InvalidRequestError) as over:
        client.v1.refunds.create(params={"charge": charge.id, "amount": 3501})
    assert over.value.param == "amount"
    with pytest.raises(stripe.InvalidRequestError):  # 3500 left, transfer limited too
        _transfer(client, charge, acct, 3501)
    client.v1.refunds.create(params={"charge": charge.id})
    charge = client.v1.charges.retrieve(charge.id)
    assert charge.refunded and charge.amount_refunded == 4500
    with pytest.raises(stripe.InvalidRequestError) as again:
        client.v1.refunds.create(params={"payment_intent": pi.id})
    assert again.value.code == "charge_already_refunded"


def test_balance_and_balance_transactions(client, captured):
    _pi, charge, acct = captured
    _transfer(client, charge, acct, 3825)
    balance = client.v1.balance.retrieve()
    assert balance.available[0].currency == "eur"
    assert balance.available[0].amount == 4500 - 93 - 3825
    txns = client.v1.balance_transactions.list(params={"limit": 100})
    assert [t.type for t in txns.data] == ["transfer", "charge"]
    page = client.v1.balance_transactions.list(params={"limit": 1})
    assert page.has_more and len(page.data) == 1
    rest = client.v1.balance_transactions.list(
        params={"limit": 100, "starting_after": page.data[0].id})
    assert [t.type for t in rest.data] == ["charge"] and not rest.has_more
    charges_only = client.v1.balance_transactions.list(params={"type": "charge"})
    assert len(charges_only.data) == 1
    connected = client.v1.balance.retrieve(options={"stripe_account": acct.id})
    assert connected.available[0].amount == 3825


def test_bank_payouts_of_a_connected_account(client, captured, emulator, receiver):
    from stripe_emulator import assert_matches_fixture

    _pi, charge, acct = captured
    tr = _transfer(client, charge, acct, 3825)
    client.v1.transfers.reversals.create(tr.id, params={"amount": 825})
    po = emulator.pay_out_balance(acct.id)
    assert_matches_fixture(po)
    assert (po["amount"], po["status"], po["currency"]) == (3000, "paid", "eur")
    assert po["arrival_date"] > po["created"] and po["destination"].startswith("ba_")
    with pytest.raises(ValueError):
        emulator.pay_out_balance(acct.id)  # nothing left on the account
    platform = client.v1.balance_transactions.list(params={"limit": 100}).data
    assert not any(t.type == "payout" for t in platform)  # the helper's money, not ours
    client.v1.transfers.create(params={
        "amount": 500, "currency": "eur", "destination": acct.id,
        "source_transaction": charge.id})
    failed = emulator.pay_out_balance(acct.id, failure_code="account_closed")
    assert failed["status"] == "failed" and failed["failure_code"] == "account_closed"
    assert failed["failure_message"] and failed["failure_balance_transaction"]
    emulator.fail_paid_payout(po["id"], "no_account")
    assert emulator.get(po["id"])["status"] == "failed"
    emulator.wait_for_webhooks_idle()
    delivered = [e for e in receiver.events() if e["type"].startswith("payout.")]
    assert [e["type"] for e in delivered] == [
        "payout.created", "payout.paid", "payout.created", "payout.failed", "payout.failed"]
    assert {e["account"] for e in delivered} == {acct.id}
    for event in delivered:
        assert_matches_fixture(event)
    assert emulator.pay_out_balance(acct.id)["amount"] == 3500  # both failures came back
