"""Helpers' bank payouts: Stripe pays a connected account's balance to the helper's bank.

We do not create them (Stripe does, on the account's schedule); we follow them from the
`payout.*` events of the connected account so the helper sees when money reaches the bank,
and learns at once when the bank refuses it. Stripe's lifecycle is pending -> in_transit ->
paid, or failed / canceled; a payout already `paid` may still turn `failed` within a few
business days when the bank returns the funds, while `failed` and `canceled` are final.
Events may arrive twice or in any order, so a status only ever moves forward along that
lifecycle and a replay changes nothing.

No ledger entry: the money was the helper's from the moment we transferred it (the
transfer wrote `helper payable` against our Stripe balance); a payout moves it between the
helper's Stripe balance and the helper's bank, neither of which is in our books, and our
platform balance at Stripe does not change, so reconciliation has nothing to match.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import HelperProfile
from marketplace.core.db import db
from marketplace.payments import signals as payments_signals
from marketplace.payments.models import BankPayout
from marketplace.payments.status import (
    BANK_PAYOUT_TRANSITIONS,
    BankPayoutStatus,
    bank_payout_transition,
)

STATUSES = tuple(BankPayoutStatus)


def apply_stripe_payout(obj: dict[str, Any], account_id: str | None) -> BankPayout | None:
    """Record or advance a payout from a `payout.*` event; the caller commits."""
    if not account_id:
        return None  # a payout of the platform's own balance: not a helper's
    row = _locked(obj["id"]) or _insert(obj, account_id)
    row.helper_id = row.helper_id or _helper_of(account_id)  # onboarded after the first event
    incoming = _status(obj["status"])
    if incoming is None or (incoming != row.status
                            and incoming not in BANK_PAYOUT_TRANSITIONS[row.status]):
        return row  # an older snapshot, an unknown status, or a replay: forward only
    was_failed = row.failed
    if incoming != row.status:  # the locked assignment (row locked or just inserted)
        row.status = bank_payout_transition(row.status, incoming)
    _copy(row, obj)
    if row.failed and not was_failed and row.helper_id is not None:
        payments_signals.bank_payout_failed.send(row)
    return row


def _locked(payout_id: str) -> BankPayout | None:
    return db.session.execute(
        db.select(BankPayout).where(BankPayout.stripe_payout_id == payout_id)
        .with_for_update()).scalar_one_or_none()


def _insert(obj: dict[str, Any], account_id: str) -> BankPayout:
    """First event about this payout: insert it; a concurrent worker may have won the race."""
    row = BankPayout(stripe_payout_id=obj["id"], stripe_account_id=account_id,
                     helper_id=_helper_of(account_id), amount_cents=int(obj["amount"]),
                     currency=obj["currency"], status=BankPayoutStatus.PENDING)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        found = _locked(obj["id"])
        assert found is not None
        return found
    return row


def _helper_of(account_id: str) -> int | None:
    return db.session.execute(
        db.select(HelperProfile.user_id).where(HelperProfile.stripe_account_id == account_id)
    ).scalar_one_or_none()


def _status(value: str) -> BankPayoutStatus | None:
    """Stripe's status as ours; None for one we do not know (ignored, like a stale one)."""
    return BankPayoutStatus(value) if value in STATUSES else None


def _copy(row: BankPayout, obj: dict[str, Any]) -> None:
    row.amount_cents, row.currency = int(obj["amount"]), obj["currency"]
    if obj.get("arrival_date"):
        row.arrival_date = datetime.fromtimestamp(int(obj["arrival_date"]), UTC)
    row.failure_code = obj.get("failure_code")
    row.failure_message = (obj.get("failure_message") or "")[:255] or None


def bank_payouts_of_helper(helper_id: int, limit: int = 50) -> list[BankPayout]:
    """Only this helper's bank payouts, newest first."""
    return list(db.session.execute(
        db.select(BankPayout).where(BankPayout.helper_id == helper_id)
        .order_by(BankPayout.id.desc()).limit(limit)).scalars())


def failed_bank_payouts(limit: int = 100) -> list[BankPayout]:
    """Failed bank payouts, for the operators' payout queue (the helper must fix the bank)."""
    return list(db.session.execute(
        db.select(BankPayout).where(BankPayout.status == BankPayoutStatus.FAILED)
        .order_by(BankPayout.id.desc()).limit(limit)).scalars())
