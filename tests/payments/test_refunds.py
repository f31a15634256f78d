"""Operator refunds at every stage, each reconciled with Stripe and audited."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import force_locale

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.core.models import AuditEntry
from marketplace.flows.completion import confirm_completion
from marketplace.flows.refunds import refund
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.payments import ledger
from marketplace.payments.models import Payment, Payout
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.services.refunds import RefundRequest
from marketplace.payments.status import PaymentStatus, PayoutStatus
from stripe_emulator import StripeEmulator
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login, post_form
from tests.support.money import authorized_mission, done_mission, release_now


def _op() -> User:
    return accounts.make_operator("ops@example.com", PASSWORD)


def _payment(mission: Mission) -> Payment:
    return db.session.execute(db.select(Payment).where(Payment.mission_id == mission.id)
                              ).scalar_one()


def _payout() -> Payout:
    return db.session.execute(db.select(Payout)).scalar_one()


def _confirmed(make: Factories, emu: StripeEmulator) -> Mission:
    mission = done_mission(make, emu, price_cents=4500)  # commission 6,75 €, share 38,25 €
    confirm_completion(mission.id, mission.client)
    return mission


def _check_money(emu: StripeEmulator) -> None:
    result = run_check()
    assert result.ok, result.problems


def test_full_refund_before_capture_releases_the_hold(ctx: Flask, make: Factories,
                                                      emu: StripeEmulator) -> None:
    mission = authorized_mission(make, emu)
    refund(_op(), RefundRequest(mission.id, mission.total_cents, 0, "Duplicate booking"))
    assert mission.status == MissionStatus.CANCELLED
    assert emu.get(_payment(mission).payment_intent_id or "")["status"] == "canceled"


def test_partial_refund_before_capture_captures_less(ctx: Flask, make: Factories,
                                                     emu: StripeEmulator) -> None:
    mission = done_mission(make, emu, price_cents=4500)
    refund(_op(), RefundRequest(mission.id, 1000, 800, "Arrived one hour late"))
    confirm_completion(mission.id, mission.client)
    pi = emu.get(_payment(mission).payment_intent_id or "")
    assert pi["amount_received"] == 3500
    assert _payout().amount_cents == 3825 - 800
    assert ledger.balance(ledger.REFUNDS) == 200
    _check_money(emu)


def test_refund_after_capture_before_transfer_shrinks_the_payout(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = _confirmed(make, emu)
    row = refund(_op(), RefundRequest(mission.id, 2000, 1500, "Half the job"))
    assert row.stage == "before_transfer" and row.stripe_refund_id
    assert emu.get(row.stripe_refund_id)["amount"] == 2000
    assert _payout().amount_cents == 3825 - 1500
    assert release_now(_payout().id) == PayoutStatus.PAID
    assert ledger.balance(ledger.helper_payable(mission.helper_id or 0)) == 0
    _check_money(emu)


def test_refund_after_transfer_reverses_the_helpers_part(ctx: Flask, make: Factories,
                                                         emu: StripeEmulator) -> None:
    mission = _confirmed(make, emu)
    release_now(_payout().id)
    row = refund(_op(), RefundRequest(mission.id, 4500, 3825, "Work not done after all"))
    assert row.stage == "after_transfer" and row.stripe_reversal_id
    transfer = emu.get(_payout().transfer_id or "")
    assert transfer["amount_reversed"] == 3825
    assert ledger.balance(ledger.helper_payable(mission.helper_id or 0)) == 0
    _check_money(emu)


def test_refund_limits_are_enforced(ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = _confirmed(make, emu)
    op = _op()
    for amount, helper, note in [(4501, 0, "too much"), (0, 0, "nothing"),
                                 (1000, 1001, "helper part above refund"), (100, 0, "")]:
        with pytest.raises(DomainError):
            refund(op, RefundRequest(mission.id, amount, helper, note))
    refund(op, RefundRequest(mission.id, 675, 0, "our fees back"))
    with pytest.raises(DomainError):
        refund(op, RefundRequest(mission.id, 3826, 3825, "above what is left"))
    assert _payment(mission).status == PaymentStatus.CAPTURED


def test_a_refund_before_the_transfer_never_leaves_the_helper_unpayable(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    """The helper's transfer comes out of the charge: the platform alone cannot refund so
    much that less than the helper's share stays on it (their payout would fail)."""
    mission = _confirmed(make, emu)
    op = _op()
    with force_locale("en"), pytest.raises(
            DomainError, match=r"take at least €33\.25 from the helper's part"):
        refund(op, RefundRequest(mission.id, 4000, 0, "goodwill"))
    refund(op, RefundRequest(mission.id, 4000, 3325, "goodwill, shared"))
    assert _payout().amount_cents == 500
    assert release_now(_payout().id) == PayoutStatus.PAID
    assert emu.get(_payout().transfer_id or "")["amount"] == 500
    assert ledger.balance(ledger.helper_payable(mission.helper_id or 0)) == 0
    _check_money(emu)


def test_after_the_transfer_the_platform_may_bear_a_refund_alone(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = _confirmed(make, emu)
    release_now(_payout().id)
    row = refund(_op(), RefundRequest(mission.id, 4000, 0, "goodwill after payment"))
    assert row.stage == "after_transfer" and row.stripe_reversal_id is None
    assert emu.get(_payout().transfer_id or "")["amount_reversed"] == 0
    _check_money(emu)


def test_operator_refunds_through_the_console_with_an_audit(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = _confirmed(make, emu)
    _op()
    client = ctx.test_client()
    login(client, "ops@example.com")
    page = f"/ops/missions/{mission.id}/money"
    bad = post_form(client, page, {"amount": "99", "helper_part": "0", "note": "x too much"},
                    action=f"/ops/missions/{mission.id}/refund")
    assert bad.status_code == 400 and "The refund must be between" in bad.get_data(as_text=True)
    ok = post_form(client, page, {"amount": "5", "helper_part": "2.50", "note": "Scratch"},
                   action=f"/ops/missions/{mission.id}/refund")
    assert ok.status_code == 302
    entry = db.session.execute(db.select(AuditEntry)).scalar_one()
    assert entry.action == "refund.create" and entry.after["helper_cents"] == 250
    assert "Scratch" in client.get("/ops/queues").get_data(as_text=True)
    login(client, mission.client.email)
    assert client.get(page).status_code == 403
