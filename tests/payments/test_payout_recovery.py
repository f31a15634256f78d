"""Payout retries: same transfer on replay, and a lookup once our key may have expired."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.notifications.models import Notification, NotificationSettings, PushDevice
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


def test_a_payout_is_paid_in_one_read_and_one_flush_with_its_ledger_and_notification(
        ctx: Flask, stripe_emulator: StripeEmulator) -> None:
    """Payouts run by the thousand: the locked read (which also reads how the helper chose
    to be told), then one flush (notification, ledger transaction, its lines -- one INSERT on
    PostgreSQL, one per line on SQLite -- and the payout). The ledger is not searched for a
    transfer that the locked, unpaid payout proves new."""
    [payout_id] = seed_due_payouts(stripe_emulator, 1)
    db.session.remove()
    with count_statements() as statements:
        assert release_payout(payout_id) == PayoutStatus.PAID
    verbs = [statement.split(None, 1)[0].upper() for statement in statements]
    lines = 1 if db.engine.dialect.name == "postgresql" else 2
    assert verbs == ["SELECT", "INSERT", "INSERT", *["INSERT"] * lines, "UPDATE"]
    assert not any("FROM ledger_transactions" in statement for statement in statements)
    payout = db.session.get(Payout, payout_id)
    assert payout is not None and payout.transfer_id
    assert ledger.already_recorded(f"transfer:{payout.transfer_id}")
    assert ledger.unbalanced_transactions() == []
    assert db.session.execute(db.select(Notification.event).where(
        Notification.dedupe_key == f"payout_sent:{payout_id}")).scalar_one() == "payout_sent"


def _channels_told(payout_id: int) -> list[str]:
    notification = db.session.execute(db.select(Notification).where(
        Notification.dedupe_key == f"payout_sent:{payout_id}")).scalar_one()
    return sorted(str(delivery.channel) for delivery in notification.deliveries)


def test_each_helper_is_told_of_their_payout_the_way_they_chose(
        ctx: Flask, stripe_emulator: StripeEmulator) -> None:
    """Their settings are read with the payout's locked row, not in a statement of their
    own: email and push for one, the default (email) for one who never chose, and nothing
    but the in-app message for one who turned email off."""
    chose_email, never_chose, chose_nothing = seed_due_payouts(stripe_emulator, 3, email=True)
    helpers = {pid: db.session.get_one(Payout, pid).helper_id
               for pid in (chose_email, never_chose, chose_nothing)}
    db.session.add(PushDevice(user_id=helpers[chose_email], platform="fcm", token="t-1",
                              last_seen_at=utcnow()))
    db.session.execute(db.delete(NotificationSettings).where(
        NotificationSettings.user_id == helpers[never_chose]))
    db.session.execute(db.update(NotificationSettings).values(email_enabled=False).where(
        NotificationSettings.user_id == helpers[chose_nothing]))
    db.session.commit()
    for payout_id in helpers:
        assert release_payout(payout_id) == PayoutStatus.PAID
    assert _channels_told(chose_email) == ["email", "push"]
    assert _channels_told(never_chose) == ["email"]
    assert _channels_told(chose_nothing) == []


def test_a_helper_already_told_of_a_payout_is_paid_without_a_second_message(
        ctx: Flask, stripe_emulator: StripeEmulator) -> None:
    [payout_id] = seed_due_payouts(stripe_emulator, 1)
    helper_id = db.session.get_one(Payout, payout_id).helper_id
    db.session.add(Notification(user_id=helper_id, event="payout_sent", title="Sent",
                                body="Sent", dedupe_key=f"payout_sent:{payout_id}",
                                context_json="{}"))
    db.session.commit()
    assert release_payout(payout_id) == PayoutStatus.PAID
    told = db.session.execute(db.select(Notification).where(
        Notification.user_id == helper_id)).scalars().all()
    assert [notification.title for notification in told] == ["Sent"]
