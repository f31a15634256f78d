"""Helpers' bank payouts: Stripe pays their balance to the bank; we follow and show it."""

from __future__ import annotations

import json

import requests
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.flows.completion import confirm_completion
from marketplace.notifications.models import Notification
from marketplace.payments import ledger, webhooks
from marketplace.payments.models import BankPayout, Payout, StripeEvent
from marketplace.payments.services.reconcile import run_check
from stripe_emulator import StripeEmulator, sign_webhook
from tests.conftest import WEBHOOK_SECRET
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login, post_form
from tests.support.money import done_mission, release_now


def _paid_helper(make: Factories, emu: StripeEmulator) -> tuple[User, str]:
    """A helper whose share of a mission reached their connected account."""
    mission = done_mission(make, emu, price_cents=4500)
    confirm_completion(mission.id, mission.client)
    payout = db.session.execute(db.select(Payout)
                                .where(Payout.mission_id == mission.id)).scalar_one()
    release_now(payout.id)
    helper = mission.helper
    assert helper is not None and helper.helper_profile is not None
    return helper, helper.helper_profile.stripe_account_id or ""


def _stripe(emu: StripeEmulator, method: str, path: str, account: str,
            data: dict[str, str] | None = None) -> dict:
    """A call to the emulator's API over HTTP, on the connected account's behalf."""
    response = requests.request(method, f"{emu.base_url}{path}", data=data, timeout=10,
                                headers={"Authorization": "Bearer sk_test_emulator",
                                         "Stripe-Account": account})
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


def _pay_out(emu: StripeEmulator, account: str, bank_number: str | None = None) -> dict:
    """Pay the account's balance out over HTTP (POST /v1/payouts with Stripe-Account), to a
    Stripe test bank account whose number decides the bank's answer (000111111113: closed);
    returns the payout as the bank left it."""
    if bank_number is not None:
        _stripe(emu, "POST", f"/v1/accounts/{account}/external_accounts", account, {
            "external_account[object]": "bank_account", "external_account[country]": "FR",
            "external_account[currency]": "eur",
            "external_account[account_number]": bank_number})
    available = _stripe(emu, "GET", "/v1/balance", account)["available"][0]
    created = _stripe(emu, "POST", "/v1/payouts", account, {
        "amount": str(available["amount"]), "currency": available["currency"]})
    assert created["status"] == "pending"
    return _stripe(emu, "GET", f"/v1/payouts/{created['id']}", account)


def _deliver(client: FlaskClient, event: dict) -> None:
    """POST the event signed as Stripe does, then process it as the worker would."""
    payload = json.dumps(event)
    response = client.post("/stripe/webhook", data=payload, headers={
        "Content-Type": "application/json",
        "Stripe-Signature": sign_webhook(payload, WEBHOOK_SECRET)})
    assert response.status_code == 200
    stored = db.session.execute(db.select(StripeEvent)
                                .where(StripeEvent.event_id == event["id"])).scalar_one()
    webhooks.process(stored.id)


def _events(emu: StripeEmulator, payout_id: str) -> dict[str, dict]:
    return {e["type"]: e for e in emu.events() if e["type"].startswith("payout.")
            and e["data"]["object"]["id"] == payout_id}


def _row() -> BankPayout:
    return db.session.execute(db.select(BankPayout)).scalar_one()


def _page(ctx: Flask, email: str, path: str = "/helper/payouts") -> str:
    web = ctx.test_client()
    login(web, email)
    response = web.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _fix_bank_details(ctx: Flask, email: str, emu: StripeEmulator) -> None:
    """The helper's button leads to Stripe's Express Dashboard (a single-use login link),
    where a new IBAN is saved."""
    web = ctx.test_client()
    login(web, email)
    response = post_form(web, "/helper/payouts", action="/helper/payouts/bank")
    assert response.status_code == 303
    dashboard = response.headers["Location"]
    assert dashboard.startswith(f"{emu.base_url}/hosted/express/")
    page = requests.get(dashboard, timeout=10)
    assert page.status_code == 200 and "Stripe Express Dashboard" in page.text
    refused = requests.post(dashboard, data={"iban": "not an iban"}, timeout=10)
    assert refused.status_code == 400 and "Enter a valid IBAN." in refused.text
    saved = requests.post(dashboard, data={"iban": "FR76 3000 6000 0112 3456 7890 189"},
                          timeout=10)
    assert saved.status_code == 200 and "ending in 0189" in saved.text
    assert requests.get(dashboard, timeout=10).status_code == 410  # single use


def test_a_paid_bank_payout_is_shown_to_its_helper_and_moves_no_ledger(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    helper, account = _paid_helper(make, emu)
    txns = ledger.count_transactions()
    po = _pay_out(emu, account)
    assert po["amount"] == 3825 and po["status"] == "paid"
    events = _events(emu, po["id"])
    assert {e["account"] for e in events.values()} == {account}
    client = ctx.test_client()
    _deliver(client, events["payout.created"])
    assert _row().status == "pending" and _row().helper_id == helper.id
    assert "Sent to your bank, arriving on" in _page(ctx, helper.email)
    _deliver(client, events["payout.paid"])
    page = _page(ctx, helper.email)
    assert "Arrived in your bank on" in page and "€38.25" in page
    assert ledger.count_transactions() == txns and run_check().ok


def test_a_failed_bank_payout_tells_the_helper_and_the_operators(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    helper, account = _paid_helper(make, emu)
    other, other_account = _paid_helper(make, emu)
    po = _pay_out(emu, account, bank_number="000111111113")  # a closed bank account
    client = ctx.test_client()
    for event in _events(emu, po["id"]).values():
        _deliver(client, event)
    replay = {**_events(emu, po["id"])["payout.failed"], "id": "evt_redelivered"}
    _deliver(client, replay)  # the same change under another event id: notified once
    row = _row()
    assert row.status == "failed" and row.failure_code == "account_closed"
    page = _page(ctx, helper.email)
    assert "Failed: The bank account has been closed." in page
    assert "Update your bank details on Stripe" in page and "/helper/payouts/bank" in page
    _fix_bank_details(ctx, helper.email, emu)
    assert "Failed:" not in _page(ctx, other.email)  # another helper never sees it
    notes = db.session.execute(db.select(Notification).where(
        Notification.event == "bank_payout_failed")).scalars().all()
    assert [(n.user_id, n.dedupe_key) for n in notes] == [
        (helper.id, f"bank_payout_failed:{po['id']}")]
    accounts.make_operator("ops@example.com", PASSWORD)
    queue = _page(ctx, "ops@example.com", "/ops/queues")
    assert po["id"] in queue and "The bank account has been closed." in queue
    assert other_account != account and run_check().ok


def test_payout_events_only_move_forward_whatever_their_order(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    _helper, account = _paid_helper(make, emu)
    po = _pay_out(emu, account)
    emu.fail_paid_payout(po["id"], "no_account")  # the bank returns it days later (in-process:
    # that moment is the test's to choose)
    events = [e for e in emu.events() if e["type"].startswith("payout.")]
    assert [e["type"] for e in events] == ["payout.created", "payout.paid", "payout.failed"]
    created, paid, failed = events
    client = ctx.test_client()
    _deliver(client, paid)
    _deliver(client, created)  # late: an older snapshot changes nothing
    assert _row().status == "paid"
    _deliver(client, failed)
    assert _row().status == "failed" and _row().failure_code == "no_account"
    webhooks.CONNECT_HANDLERS["payout.paid"](paid["data"]["object"], account)  # replayed
    webhooks.CONNECT_HANDLERS["payout.failed"](failed["data"]["object"], account)
    db.session.commit()
    assert _row().status == "failed"
    assert db.session.execute(db.select(db.func.count(Notification.id)).where(
        Notification.event == "bank_payout_failed")).scalar_one() == 1
    assert emu.get(account)["id"] == account and run_check().ok


def test_payouts_of_the_platform_or_of_unknown_accounts_show_nowhere(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    helper, account = _paid_helper(make, emu)
    po = _pay_out(emu, account)
    event = _events(emu, po["id"])["payout.paid"]
    _deliver(ctx.test_client(), {**event, "id": "evt_platform", "account": None})
    assert db.session.execute(db.select(BankPayout)).first() is None
    stranger = {**event, "id": "evt_stranger", "account": "acct_nobody"}
    _deliver(ctx.test_client(), stranger)
    assert _row().helper_id is None
    assert "No bank payouts yet." in _page(ctx, helper.email)


def test_a_helper_not_yet_onboarded_is_sent_to_onboarding_instead(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    from marketplace.payments.services import onboarding

    helper = make.helper(onboarded=False)
    url = onboarding.bank_details_link(helper, "http://app/refresh", "http://app/return")
    assert url.startswith(f"{emu.base_url}/hosted/onboarding/")
