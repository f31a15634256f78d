"""A late-cancellation fee with no card hold: owed by the client, then charged off-session."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from marketplace.accounts import services as accounts
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.models import AuditEntry, OutboxMessage
from marketplace.flows import booking
from marketplace.flows import cancellation as cancellation_flow
from marketplace.missions.models import Mission
from marketplace.payments import ledger
from marketplace.payments.models import Payout
from marketplace.payments.services import checkout, receivables
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.status import PaymentStatus, PayoutStatus
from stripe_emulator import StripeEmulator
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login, post_form
from tests.support.money import onboarded_helper, release_now, saved_card_mission


def _saved_card_mission_cancelled_late(make: Factories, emu: StripeEmulator,
                                       card: str) -> Mission:
    """Booked 10 days ahead (card saved, no hold), assigned; the start is now 5 h away and
    the off-session hold was never placed (the worker lagged); the client cancels."""
    mission = saved_card_mission(make, emu, card)
    payment = checkout.latest_payment(mission)
    assert payment is not None and payment.status == PaymentStatus.SAVED
    helper = onboarded_helper(make, emu)
    booking.accept_mission(mission.id, helper)
    mission.starts_at = utcnow() + timedelta(hours=5)
    mission.ends_at = mission.starts_at + timedelta(hours=2)
    db.session.commit()
    terms = cancellation_flow.cancel_by_client(mission.id, mission.client, "Plans changed")
    assert (terms.late_fee_cents, terms.helper_cents, terms.commission_cents) == (1125, 956, 169)
    return mission


def _client_sees(ctx: Flask, mission: Mission) -> str:
    """What the client's mission page says about the fee."""
    web = ctx.test_client()
    login(web, mission.client.email)
    page = web.get(f"/missions/{mission.id}").get_data(as_text=True)
    start = page.index('id="late-fee-state"')
    return page[start:page.index("</span>", start)]


def _row() -> receivables.ClientReceivable:
    db.session.expire_all()
    return db.session.execute(db.select(receivables.ClientReceivable)).scalar_one()


def test_the_fee_is_owed_at_cancellation_and_settled_by_the_off_session_charge(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = _saved_card_mission_cancelled_late(make, emu, "4242424242424242")
    owed = ledger.client_receivable(mission.client_id)
    helper_id = _row().helper_id
    assert ledger.balance(owed) == 1125 and _row().status == "outstanding"
    assert ledger.balance(ledger.helper_payable(helper_id)) == -956
    jobs = db.session.execute(db.select(OutboxMessage)).scalars().all()
    assert ("receivables.collect", [_row().id]) in [(j.task_name, j.args) for j in jobs]
    assert run_check().ok  # owed, not cash: nothing to reconcile with Stripe yet
    assert "we charge it to your saved card shortly" in _client_sees(ctx, mission)
    assert receivables.collect(_row().id) == "collected"
    assert "Late-cancellation fee charged: €11.25" in _client_sees(ctx, mission)
    assert receivables.collect(_row().id) == "collected"  # a replayed job charges nothing more
    pis = emu.objects("payment_intent")
    assert [(p["amount"], p["amount_received"], p["status"]) for p in pis] == [
        (1125, 1125, "succeeded")]
    assert ledger.balance(owed) == 0
    payout = db.session.execute(db.select(Payout)).scalar_one()
    assert (payout.amount_cents, payout.helper_id) == (956, helper_id)
    assert release_now(payout.id) == PayoutStatus.PAID
    assert ledger.balance(ledger.helper_payable(helper_id)) == 0
    assert run_check().ok


def test_a_refused_fee_stays_outstanding_for_operators_to_retry_or_write_off(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = _saved_card_mission_cancelled_late(make, emu, "4000002760003184")
    owed = ledger.client_receivable(mission.client_id)
    assert receivables.collect(_row().id) == "failed"
    assert "authentication" in (_row().failure_message or "")
    assert ledger.balance(owed) == 1125 and run_check().ok
    assert "your card was refused" in _client_sees(ctx, mission)
    accounts.make_operator("ops@example.com", PASSWORD)
    web = ctx.test_client()
    login(web, "ops@example.com")
    queue = web.get("/ops/queues").get_data(as_text=True)
    assert "Fees clients owe" in queue and "receivable-failed" in queue
    response = post_form(web, "/ops/queues",
                         action=f"/ops/receivables/{_row().id}/retry")
    assert response.status_code == 302 and _row().status == "outstanding"
    assert receivables.collect(_row().id) == "failed" and _row().attempts == 2
    response = post_form(web, "/ops/queues", {"note": "Client moved abroad"},
                         action=f"/ops/receivables/{_row().id}/write-off")
    assert response.status_code == 302 and _row().status == "written_off"
    assert "waived by our team, nothing is charged" in _client_sees(ctx, mission)
    assert ledger.balance(owed) == 0
    assert ledger.balance(ledger.helper_payable(_row().helper_id)) == 0
    actions = db.session.execute(db.select(AuditEntry.action)).scalars().all()
    assert actions == ["receivable.retry", "receivable.write_off"]
    assert "receivable-failed" not in web.get("/ops/queues").get_data(as_text=True)
    assert run_check().ok
