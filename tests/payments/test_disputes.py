"""Disputes opened by the client or by the bank, resolved by an operator with a note."""

from __future__ import annotations

import json

import pytest
import requests
from flask import Flask

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError
from marketplace.core.models import AuditEntry
from marketplace.flows import disputes as dispute_flow
from marketplace.flows.completion import confirm_completion
from marketplace.flows.refunds import refund
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.payments import ledger, webhooks
from marketplace.payments.models import Payment, Payout, StripeEvent
from marketplace.payments.services import disputes, payout_queue
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.services.refunds import RefundRequest
from marketplace.payments.status import PayoutStatus
from stripe_emulator import StripeEmulator
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login, post_form
from tests.support.money import done_mission, release_now

CREATE_DISPUTE = "4000000000000259"  # Stripe's test card whose captured charge is disputed


def _op() -> User:
    return accounts.make_operator("ops@example.com", PASSWORD)


def _pi(mission: Mission, emu: StripeEmulator) -> dict:
    payment = db.session.execute(db.select(Payment).where(Payment.mission_id == mission.id)
                                 ).scalar_one()
    return emu.get(payment.payment_intent_id or "")


def _payout() -> Payout:
    return db.session.execute(db.select(Payout)).scalar_one()


def _win(emu: StripeEmulator, dispute_id: str) -> None:
    """Answer the bank with Stripe's winning test evidence, over HTTP."""
    response = requests.post(f"{emu.base_url}/v1/disputes/{dispute_id}", timeout=10,
                             data={"evidence[uncategorized_text]": "winning_evidence"},
                             headers={"Authorization": "Bearer sk_test_emulator"})
    assert response.status_code == 200 and response.json()["status"] == "won", response.text


def _deliver(emu: StripeEmulator, event_type: str) -> None:
    """Store and process the latest event of a type, as the webhook endpoint + worker do."""
    event = emu.events(event_type)[-1]
    stored = StripeEvent(event_id=event["id"], type=event["type"], payload=json.dumps(event),
                         received_at=utcnow())
    db.session.add(stored)
    db.session.commit()
    webhooks.process(stored.id)


@pytest.mark.parametrize(("resolution", "to_helper", "to_client", "captured"), [
    ("release", None, None, 4500), ("split", 2000, 1825, 4500 - 1825),
    ("split", 2000, 2300, 4500 - 2300), ("split", 0, 4000, 500), ("refund", None, None, 0)])
def test_client_dispute_holds_then_operator_decides_what_is_captured(
        ctx: Flask, make: Factories, emu: StripeEmulator, resolution: str,
        to_helper: int | None, to_client: int | None, captured: int) -> None:
    mission = done_mission(make, emu, price_cents=4500)
    client = ctx.test_client()
    login(client, mission.client.email)
    page = f"/missions/{mission.id}"
    assert "Open a dispute" in client.get(page).get_data(as_text=True)
    post_form(client, page, {"problem": "The shelf fell again"}, action=f"{page}/dispute")
    db.session.expire_all()
    assert mission.status == MissionStatus.DISPUTED
    with pytest.raises(Conflict):
        confirm_completion(mission.id, mission.client)
    dispute = disputes.open_disputes()[0]
    dispute_flow.resolve(_op(), dispute.id, resolution, to_helper, "Checked the photos",
                     client_cents=to_client)
    pi = _pi(mission, emu)
    assert pi["amount_received"] == captured
    if captured:
        helper_gets = 3825 if to_helper is None else to_helper
        payouts = db.session.execute(db.select(Payout.amount_cents)).scalars().all()
        assert payouts == ([helper_gets] if helper_gets else [])
        assert mission.status == MissionStatus.COMPLETED
        kept = -(ledger.balance(ledger.COMMISSION_REVENUE) + ledger.balance(
            ledger.SERVICE_FEE_REVENUE) + ledger.balance(ledger.REFUNDS))
        assert kept == captured - helper_gets  # what the operator page said it would keep
    else:
        assert pi["status"] == "canceled" and mission.status == MissionStatus.CANCELLED
    entry = db.session.execute(db.select(AuditEntry)).scalar_one()
    assert entry.action == "dispute.resolve" and entry.note == "Checked the photos"
    assert run_check().ok


def test_resolution_needs_a_note_and_a_sane_split(ctx: Flask, make: Factories,
                                                  emu: StripeEmulator) -> None:
    mission = done_mission(make, emu, price_cents=4500)
    dispute = disputes.open_by_client(mission.id, mission.client, "Not finished")
    op = _op()
    for resolution, helper, client, note in [
            ("release", None, None, ""), ("split", 3825, 676, "more than available"),
            ("split", 3826, 0, "more than the share"), ("split", 1000, None, "no client part"),
            ("split", None, 1000, "no helper part"), ("split", -1, 4501, "negative"),
            ("split", 1000, 1000, "platform would keep the helper's money"),
            ("pay-me", None, None, "no")]:
        with pytest.raises(DomainError):
            dispute_flow.resolve(op, dispute.id, resolution, helper, note, client_cents=client)
    assert disputes.open_disputes() == [dispute]
    assert db.session.execute(db.select(Payment.status)).scalar_one().value == "authorized"


def test_bank_dispute_holds_the_payout_until_resolved(ctx: Flask, make: Factories,
                                                      emu: StripeEmulator) -> None:
    mission = done_mission(make, emu, price_cents=4500, card=CREATE_DISPUTE)
    confirm_completion(mission.id, mission.client)  # captured: the bank disputes the charge
    _deliver(emu, "charge.dispute.created")
    replay = emu.events("charge.dispute.created")[-1]["data"]["object"]
    webhooks.HANDLERS["charge.dispute.created"](replay)  # a second delivery: no effect
    assert mission.status == MissionStatus.DISPUTED
    assert _payout().status == PayoutStatus.HELD and "dispute" in (_payout().hold_reason or "")
    assert release_now(_payout().id) == PayoutStatus.HELD
    with pytest.raises(Conflict):
        payout_queue.retry(_op(), _payout().id)
    assert run_check().ok  # the withdrawal and its 15 € fee are in the ledger
    dispute = disputes.open_disputes()[0]
    with pytest.raises(DomainError):  # the bank already gave the client its money back
        dispute_flow.resolve(_op(), dispute.id, "split", 1000, "Partial evidence", client_cents=50)
    dispute_flow.resolve(_op(), dispute.id, "split", 1000, "Partial evidence")
    assert _payout().amount_cents == 1000 and _payout().status == PayoutStatus.SCHEDULED
    release_now(_payout().id)
    assert ledger.balance(ledger.helper_payable(mission.helper_id or 0)) == 0
    _win(emu, dispute.stripe_dispute_id or "")
    _deliver(emu, "charge.dispute.closed")
    assert run_check().ok


def test_bank_dispute_after_the_transfer_claws_back_when_refunded(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = done_mission(make, emu, price_cents=4500, card=CREATE_DISPUTE)
    confirm_completion(mission.id, mission.client)
    release_now(_payout().id)  # the dispute's webhook reaches us after the transfer
    _deliver(emu, "charge.dispute.created")
    dispute_flow.resolve(_op(), disputes.open_disputes()[0].id, "refund", None, "Fraud confirmed")
    transfer = emu.get(_payout().transfer_id or "")
    assert transfer["amount_reversed"] == 3825
    assert ledger.balance(ledger.helper_payable(mission.helper_id or 0)) == 0
    assert run_check().ok


def test_operator_splits_a_client_dispute_in_the_console(ctx: Flask, make: Factories,
                                                         emu: StripeEmulator) -> None:
    mission = done_mission(make, emu, price_cents=4500)
    dispute = disputes.open_by_client(mission.id, mission.client, "Half done")
    _op()
    web = ctx.test_client()
    login(web, "ops@example.com")
    page = f"/ops/missions/{mission.id}/money"
    text = web.get(page).get_data(as_text=True).replace("\xa0", " ")
    assert "Available to share: €45.00" in text and "at most €38.25" in text
    action = f"/ops/disputes/{dispute.id}/resolve"
    for bad in [{"helper_amount": "30", "client_amount": "20"},  # 50 > 45 available
                {"helper_amount": "abc", "client_amount": "5"},
                {"helper_amount": "10", "client_amount": "5"}]:
        response = post_form(web, page, {"resolution": "split", "note": "Checked", **bad},
                             action=action)
        assert response.status_code == 400
    assert "at most €45.00" in post_form(web, page, {
        "resolution": "split", "note": "Checked", "helper_amount": "30",
        "client_amount": "20"}, action=action).get_data(as_text=True).replace("\xa0", " ")
    response = post_form(web, page, {"resolution": "split", "note": "Half the shelves",
                                     "helper_amount": "20", "client_amount": "22"},
                         action=action)
    assert response.status_code == 302
    assert _pi(mission, emu)["amount_received"] == 4500 - 2200
    assert _payout().amount_cents == 2000
    entry = db.session.execute(db.select(AuditEntry)).scalar_one()
    assert json.loads(entry.after_json or "{}") == {
        "resolution": "split", "helper_cents": 2000, "refund_cents": 2200,
        "platform_cents": 300}
    shown = web.get(page).get_data(as_text=True).replace("\xa0", " ")
    assert "back to the client €22.00" in shown
    assert run_check().ok


@pytest.mark.parametrize(("resolution", "to_helper", "payout", "paid"), [
    ("release", None, 3025, 3025), ("split", 1000, 1000, 1000), ("refund", None, 0, 0)])
def test_bank_dispute_after_a_refund_taken_from_the_helper(
        ctx: Flask, make: Factories, emu: StripeEmulator, resolution: str,
        to_helper: int | None, payout: int, paid: int) -> None:
    """A refund already took 8 € from the helper's 38,25 €: a bank dispute can leave them at
    most the 30,25 € they are still due, never their whole share again (the state machine's
    "a helper was paid more than owed")."""
    mission = done_mission(make, emu, price_cents=4500, card=CREATE_DISPUTE)
    confirm_completion(mission.id, mission.client)
    refund(_op(), RefundRequest(mission.id, 800, 800, "Missing a shelf"))
    assert _payout().amount_cents == 3025
    _deliver(emu, "charge.dispute.created")
    dispute = disputes.open_disputes()[0]
    assert disputes.split_bounds(dispute).helper_max == 3025
    with pytest.raises(DomainError):  # the whole share is no longer the helper's
        dispute_flow.resolve(_op(), dispute.id, "split", 3825, "Partial evidence")
    dispute_flow.resolve(_op(), dispute.id, resolution, to_helper, "Checked with the bank")
    if _payout().status == PayoutStatus.SCHEDULED:
        assert release_now(_payout().id) == PayoutStatus.PAID
    assert (_payout().amount_cents if _payout().status != PayoutStatus.CANCELED else 0) == payout
    transfers = sum(t["amount"] - t["amount_reversed"] for t in emu.objects("transfer"))
    assert transfers == paid
    assert ledger.balance(ledger.helper_payable(mission.helper_id or 0)) == 0
    assert run_check().ok


def test_bank_dispute_after_the_transfer_and_a_refund_claws_back_only_what_is_left(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    """Paid 38,25 €, then 8 € of it reversed by a refund: a lost dispute reverses the 30,25 €
    left, and the ledger owes the helper nothing either way."""
    mission = done_mission(make, emu, price_cents=4500, card=CREATE_DISPUTE)
    confirm_completion(mission.id, mission.client)
    release_now(_payout().id)
    refund(_op(), RefundRequest(mission.id, 800, 800, "Missing a shelf"))
    _deliver(emu, "charge.dispute.created")
    dispute_flow.resolve(_op(), disputes.open_disputes()[0].id, "refund", None, "Fraud confirmed")
    transfer = emu.get(_payout().transfer_id or "")
    assert transfer["amount_reversed"] == 3825
    assert ledger.balance(ledger.helper_payable(mission.helper_id or 0)) == 0
    assert run_check().ok
