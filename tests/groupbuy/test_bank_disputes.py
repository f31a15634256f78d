"""A participant's bank charges a group-purchase payment back: Stripe takes the money from
the platform at once, so the ledger books it, the seller's payout waits for the bank, and a
lost dispute is borne by the platform or by the seller's share of that charge."""

from __future__ import annotations

import json

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts import services as accounts
from marketplace.core.db import db
from marketplace.core.models import AuditEntry
from marketplace.flows.group_purchases import after
from marketplace.groupbuy.lifecycle import OrderStatus
from marketplace.groupbuy.models import Campaign, Order
from marketplace.payments import ledger, webhooks
from marketplace.payments.models import GroupDispute, GroupPayment, GroupTransfer, StripeEvent
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.status import DisputeStatus, PayoutStatus
from stripe_emulator import StripeEmulator, sign_webhook
from tests.conftest import WEBHOOK_SECRET
from tests.groupbuy.support import campaign, close_now, joined, payout_due_now
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login, post_form

CREATE_DISPUTE = "4000000000000259"  # Stripe's test card whose captured charge is disputed
AUTH = {"Authorization": "Bearer sk_test_emulator"}


def _deliver(web: FlaskClient, emu: StripeEmulator, event_type: str) -> None:
    """The emulator's latest event of a type, signed, to our endpoint; then the worker's job."""
    event = emu.events(event_type)[-1]
    payload = json.dumps(event)
    response = web.post("/stripe/webhook", data=payload, headers={
        "Content-Type": "application/json",
        "Stripe-Signature": sign_webhook(payload, WEBHOOK_SECRET)})
    assert response.status_code == 200, response.get_data(as_text=True)
    stored = db.session.execute(db.select(StripeEvent).where(
        StripeEvent.event_id == event["id"])).scalar_one()
    webhooks.process(stored.id)
    db.session.expire_all()


def _decide(emu: StripeEmulator, dispute_id: str, won: bool) -> None:
    """Answer the bank over HTTP: winning evidence, or accept (close) the dispute."""
    if won:
        response = requests.post(f"{emu.base_url}/v1/disputes/{dispute_id}", timeout=10,
                                 data={"evidence[uncategorized_text]": "winning_evidence"},
                                 headers=AUTH)
    else:
        response = requests.post(f"{emu.base_url}/v1/disputes/{dispute_id}/close",
                                 timeout=10, headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == ("won" if won else "lost")


def _two_buyers(make: Factories, emu: StripeEmulator) -> tuple[Campaign, Order, Order]:
    """A closed campaign: one neighbour paid with a good card, one whose bank disputes."""
    c = campaign(make, emu, minimum=2)
    happy = joined(emu, c, make.client(), 2)
    disputed = joined(emu, c, make.client(), 3, card=CREATE_DISPUTE)
    close_now(c)
    return c, happy, disputed


def _share(order: Order) -> int:
    return int(db.session.execute(db.select(GroupPayment).where(
        GroupPayment.order_id == order.id)).scalar_one().seller_share_cents)


def _dispute() -> GroupDispute:
    return db.session.execute(db.select(GroupDispute)).scalar_one()


def _ops(ctx: Flask) -> FlaskClient:
    accounts.make_operator("ops@example.com", PASSWORD)
    web = ctx.test_client()
    login(web, "ops@example.com")
    return web


def test_a_won_chargeback_holds_the_payout_then_releases_it(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    c, happy, disputed = _two_buyers(make, emu)
    web = ctx.test_client()
    _deliver(web, emu, "charge.dispute.created")
    _deliver(web, emu, "charge.dispute.created")  # a redelivery
    replay = emu.events("charge.dispute.created")[-1]["data"]["object"]
    webhooks.HANDLERS["charge.dispute.created"](replay)  # the same dispute again: no effect
    dispute = _dispute()
    assert dispute.order_id == disputed.id and dispute.disputed_cents == replay["amount"]
    assert db.session.get(Order, disputed.id).status == OrderStatus.DISPUTED  # type: ignore
    assert ledger.balance(ledger.DISPUTES) == replay["amount"]
    assert after.pay_seller(payout_due_now(c).id) == PayoutStatus.HELD
    assert run_check().ok
    page = _ops(ctx).get(f"/ops/campaigns/{c.id}").get_data(as_text=True)
    assert dispute.stripe_dispute_id in page and "Waiting for the bank" in page
    _decide(emu, dispute.stripe_dispute_id or "", won=True)
    _deliver(web, emu, "charge.dispute.closed")
    _deliver(web, emu, "charge.dispute.closed")
    dispute = _dispute()
    assert dispute.status == DisputeStatus.RESOLVED and dispute.resolution == "won"
    assert ledger.balance(ledger.DISPUTES) == 0
    payout = payout_due_now(c)
    assert after.pay_seller(payout.id) == PayoutStatus.PAID
    assert payout.amount_cents == _share(happy) + _share(disputed)
    assert ledger.balance(ledger.helper_payable(c.seller_id)) == 0
    assert run_check().ok


@pytest.mark.parametrize(("resolution", "extra", "seller_bears"), [
    ("platform", {}, 0), ("seller", {}, None), ("split", {"seller": "10"}, 1000)])
def test_a_lost_chargeback_before_the_payout_is_decided_in_the_console(
        ctx: Flask, make: Factories, emu: StripeEmulator, resolution: str,
        extra: dict[str, str], seller_bears: int | None) -> None:
    c, happy, disputed = _two_buyers(make, emu)
    web = _ops(ctx)
    _deliver(web, emu, "charge.dispute.created")
    amount = _dispute().disputed_cents or 0
    _decide(emu, _dispute().stripe_dispute_id or "", won=False)
    _deliver(web, emu, "charge.dispute.closed")
    assert _dispute().status == DisputeStatus.OPEN and _dispute().bank_status == "lost"
    assert ledger.balance(ledger.DISPUTES) == amount
    page = f"/ops/campaigns/{c.id}"
    action = f"/ops/campaigns/disputes/{_dispute().id}/resolve"
    too_much = post_form(web, page, {"resolution": "split", "seller": "9999",
                                     "note": "Checked"}, action=action)
    assert too_much.status_code == 400 and _dispute().status == DisputeStatus.OPEN
    response = post_form(web, page, {"resolution": resolution, "note": "Bank said fraud",
                                     **extra}, action=action)
    assert response.status_code == 302, response.get_data(as_text=True)
    bears = _share(disputed) if seller_bears is None else seller_bears
    dispute = _dispute()
    assert dispute.status == DisputeStatus.RESOLVED and dispute.seller_cents == bears
    entry = db.session.execute(db.select(AuditEntry).where(
        AuditEntry.action == "group_dispute.resolve")).scalar_one()
    assert json.loads(entry.after_json or "{}")["seller_cents"] == bears
    assert ledger.balance(ledger.DISPUTES) == amount - bears  # what the platform bears
    payout = payout_due_now(c)
    assert after.pay_seller(payout.id) == PayoutStatus.PAID
    assert payout.amount_cents == _share(happy) + _share(disputed) - bears
    assert ledger.balance(ledger.helper_payable(c.seller_id)) == 0
    assert run_check().ok


def test_a_lost_chargeback_after_the_payout_reverses_that_charges_transfer(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    c, happy, disputed = _two_buyers(make, emu)
    for order in (happy, disputed):
        after.confirm_receipt(order.id, order.user)
    assert after.pay_seller(payout_due_now(c).id) == PayoutStatus.PAID
    web = _ops(ctx)
    _deliver(web, emu, "charge.dispute.created")  # the bank's notice reaches us afterwards
    _decide(emu, _dispute().stripe_dispute_id or "", won=False)
    _deliver(web, emu, "charge.dispute.closed")
    page = f"/ops/campaigns/{c.id}"
    response = post_form(web, page, {"resolution": "split", "seller": "12",
                                     "note": "Half the loss"},
                         action=f"/ops/campaigns/disputes/{_dispute().id}/resolve")
    assert response.status_code == 302
    transfer = db.session.execute(db.select(GroupTransfer).where(
        GroupTransfer.payment_id == _dispute().payment_id)).scalar_one()
    assert transfer.reversed_cents == 1200
    at_stripe = emu.get(transfer.transfer_id or "")
    assert at_stripe["amount_reversed"] == 1200
    assert ledger.balance(ledger.helper_payable(c.seller_id)) == 0
    assert "€12.00" in web.get(page).get_data(as_text=True).replace("\xa0", " ")
    assert run_check().ok
