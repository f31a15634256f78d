"""Payout retries: same transfer on replay, and a lookup once our key may have expired."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from marketplace.core.db import db
from marketplace.notifications.models import Notification
from marketplace.payments import ledger
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.models import Payout
from marketplace.payments.services.payouts import release_payout
from marketplace.payments.status import PayoutStatus
from stripe_emulator import StripeEmulator
from tests.support.seed import seed_due_payouts
from tests.support.statements import count_statements


@pytest.fixture(autouse=True)
def _fresh_emulator(stripe_emulator: StripeEmulator) -> None:
    """Our row ids restart at 1 in every test: no earlier test's idempotency key may answer
    (`mkt:transfer:1` stored with other parameters was an occasional IdempotencyError)."""
    stripe_emulator.reset()


def test_a_retry_days_later_finds_the_transfer_instead_of_paying_twice(
        ctx: Flask, stripe_emulator: StripeEmulator) -> None:
    [payout_id] = seed_due_payouts(stripe_emulator, 1)
    payout = db.session.get(Payout, payout_id)
    assert payout is not None
    # The first attempt reached Stripe, then the worker died before recording it...
    profile_account = payout.payment.mission.helper.helper_profile.stripe_account_id
    gateway().create_transfer(
        amount_cents=payout.amount_cents, currency="eur", destination=profile_account,
        source_transaction=payout.payment.charge_id or "",
        transfer_group=f"mission-{payout.mission_id}",
        metadata={"payout_id": str(payout.id), "mission_id": str(payout.mission_id)},
        idempotency_key=f"mkt:transfer:{payout.id}")
    assert len(stripe_emulator.objects("transfer")) == 1
    # ...and the retry comes after Stripe forgot our idempotency key.
    payout.attempts = max(payout.attempts, 1)
    payout.created_at -= timedelta(days=2)
    db.session.commit()
    stripe_emulator.reset_idempotency_keys()
    assert release_payout(payout_id) == PayoutStatus.PAID
    transfers = stripe_emulator.objects("transfer")
    assert len(transfers) == 1
    db.session.refresh(payout)
    assert payout.transfer_id == transfers[0]["id"]


def test_replaying_a_paid_payout_does_nothing(ctx: Flask, stripe_emulator: StripeEmulator) -> None:
    [payout_id] = seed_due_payouts(stripe_emulator, 1)
    assert release_payout(payout_id) == PayoutStatus.PAID
    assert release_payout(payout_id) == PayoutStatus.PAID
    assert len(stripe_emulator.objects("transfer")) == 1


def test_transient_failures_stop_at_the_cap_and_wait_for_an_operator(
        ctx: Flask, stripe_emulator: StripeEmulator) -> None:
    from marketplace.payments.gateway import GatewayError
    from marketplace.payments.services.payouts import MAX_ATTEMPTS

    [payout_id] = seed_due_payouts(stripe_emulator, 1)
    stripe_emulator.faults.append(
        lambda method, path, params: (503, {"error": {"type": "api_error", "message": "down"}})
        if path == "/v1/transfers" else None)
    try:
        for _ in range(MAX_ATTEMPTS - 1):
            with pytest.raises(GatewayError):
                release_payout(payout_id)
            db.session.rollback()
        assert release_payout(payout_id) == PayoutStatus.FAILED
    finally:
        stripe_emulator.faults.clear()
    payout = db.session.get(Payout, payout_id)
    assert payout is not None and payout.attempts == MAX_ATTEMPTS
    assert payout.last_error and stripe_emulator.objects("transfer") == []


def test_a_payout_is_paid_in_two_reads_and_one_flush_with_its_ledger_and_notification(
        ctx: Flask, stripe_emulator: StripeEmulator) -> None:
    """Payouts run by the thousand: the locked read, the notification settings, then one
    flush (notification, ledger transaction, its lines -- one INSERT on PostgreSQL, one per
    line on SQLite -- and the payout). The ledger is not searched for a transfer that the
    locked, unpaid payout proves new."""
    [payout_id] = seed_due_payouts(stripe_emulator, 1)
    db.session.remove()
    with count_statements() as statements:
        assert release_payout(payout_id) == PayoutStatus.PAID
    verbs = [statement.split(None, 1)[0].upper() for statement in statements]
    lines = 1 if db.engine.dialect.name == "postgresql" else 2
    assert verbs == ["SELECT", "SELECT", "INSERT", "INSERT", *["INSERT"] * lines, "UPDATE"]
    assert not any("FROM ledger_transactions" in statement for statement in statements)
    payout = db.session.get(Payout, payout_id)
    assert payout is not None and payout.transfer_id
    assert ledger.already_recorded(f"transfer:{payout.transfer_id}")
    assert ledger.unbalanced_transactions() == []
    assert db.session.execute(db.select(Notification.event).where(
        Notification.dedupe_key == f"payout_sent:{payout_id}")).scalar_one() == "payout_sent"
