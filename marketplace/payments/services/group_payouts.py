"""Paying the seller of a confirmed campaign: one Stripe Transfer per payout row, never two.

The share is captured - commission - what refunds took from the seller, summed over the
campaign's orders when the transfer is made (after the refund window, with no dispute
open). The idempotency key is `mkt:group-transfer:<payout id>`; past Stripe's 24 h key
lifetime the transfer is looked up by transfer_group and metadata first (like payouts.py).
Status and ledger change in the caller's one commit.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func

from marketplace.accounts.models import HelperProfile
from marketplace.core import outbox
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import NotFound
from marketplace.core.i18n import N_
from marketplace.groupbuy.models import Campaign
from marketplace.payments import ledger
from marketplace.payments.gateway import GatewayError, TransferInfo
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.ledger import Line
from marketplace.payments.models import GroupDispute, GroupPayment, GroupPayout, GroupRefund
from marketplace.payments.services.group_checkout import transfer_group
from marketplace.payments.status import (
    DisputeStatus,
    PaymentStatus,
    PayoutStatus,
    payout_transition,
)

log = logging.getLogger(__name__)
KEY_LIFETIME_HOURS = 24
MAX_ATTEMPTS = 10
TASK = "group_purchases.pay_seller"


def refund_window() -> timedelta:
    return timedelta(seconds=current_app.config["PAYOUT_DELAY_SECONDS"])


def schedule_payout(campaign: Campaign, release_after: datetime) -> GroupPayout:
    """The seller's payout row (one per campaign) and its job at `release_after`."""
    payout = payout_of(campaign.id)
    if payout is None:
        payout = GroupPayout(campaign_id=campaign.id, seller_id=campaign.seller_id,
                             currency=campaign.currency, release_after=release_after)
        db.session.add(payout)
        db.session.flush()
        outbox.enqueue(TASK, payout.id, eta=release_after)
    return payout


def bring_forward(payout: GroupPayout, release_after: datetime) -> None:
    """Every order is handed over: pay once the refund window after the last one ends."""
    if payout.status == PayoutStatus.SCHEDULED and release_after < payout.release_after:
        payout.release_after = release_after
        outbox.enqueue(TASK, payout.id, eta=release_after)


def payout_of(campaign_id: int) -> GroupPayout | None:
    return db.session.execute(db.select(GroupPayout).where(
        GroupPayout.campaign_id == campaign_id)).scalar_one_or_none()


def seller_share(campaign_id: int) -> int:
    """Captured - commission over the campaign's payments, less refunds' seller parts."""
    share = db.session.execute(
        db.select(func.coalesce(func.sum(GroupPayment.captured_cents
                                         - GroupPayment.commission_cents), 0))
        .where(GroupPayment.campaign_id == campaign_id,
               GroupPayment.status == PaymentStatus.CAPTURED)).scalar_one()
    refunded = db.session.execute(
        db.select(func.coalesce(func.sum(GroupRefund.seller_cents), 0))
        .join(GroupPayment, GroupPayment.id == GroupRefund.payment_id)
        .where(GroupPayment.campaign_id == campaign_id,
               GroupRefund.stripe_reversal_id.is_(None))).scalar_one()
    return int(share) - int(refunded)


def open_disputes(campaign_id: int) -> int:
    return int(db.session.execute(db.select(func.count(GroupDispute.id)).where(
        GroupDispute.campaign_id == campaign_id,
        GroupDispute.status == DisputeStatus.OPEN)).scalar_one())


def release_payout(payout_id: int, now: datetime | None = None) -> GroupPayout:
    """Transfer the seller's share if it is due (caller commits); safe to repeat."""
    payout = db.session.get(GroupPayout, payout_id, with_for_update=True)
    if payout is None:
        raise NotFound(f"group payout {payout_id} does not exist")
    if payout.status not in (PayoutStatus.SCHEDULED, PayoutStatus.HELD):
        return payout
    if (now or utcnow()) < payout.release_after:
        return payout
    if open_disputes(payout.campaign_id):
        return _hold(payout, N_("A dispute is open on this group purchase."))
    profile = db.session.execute(db.select(HelperProfile).where(
        HelperProfile.user_id == payout.seller_id)).scalar_one_or_none()
    if profile is None or not profile.payouts_enabled or not profile.stripe_account_id:
        return _hold(payout, N_("Waiting for the seller to finish payout setup with Stripe."))
    amount = seller_share(payout.campaign_id)
    if amount <= 0:
        payout.status = payout_transition(payout.status, PayoutStatus.CANCELED)
        return payout
    payout.amount_cents = amount
    try:
        transfer = _transfer(payout, profile.stripe_account_id)
    except GatewayError as exc:
        return _failed(payout, exc)
    _record_paid(payout, transfer)
    return payout


def _transfer(payout: GroupPayout, destination: str) -> TransferInfo:
    group = transfer_group(payout.campaign_id)
    age_hours = (utcnow() - payout.created_at).total_seconds() / 3600
    if payout.attempts and age_hours >= KEY_LIFETIME_HOURS - 1:
        found = gateway().find_transfer(group, "group_payout_id", str(payout.id))
        if found is not None:
            return found
    payout.attempts += 1
    return gateway().create_transfer(
        amount_cents=payout.amount_cents, currency=payout.currency, destination=destination,
        source_transaction="", transfer_group=group,
        metadata={"group_payout_id": str(payout.id), "campaign_id": str(payout.campaign_id)},
        idempotency_key=f"mkt:group-transfer:{payout.id}")


def _record_paid(payout: GroupPayout, transfer: TransferInfo) -> None:
    payout.status = payout_transition(payout.status, PayoutStatus.PAID)
    payout.transfer_id, payout.paid_at = transfer.id, utcnow()
    payout.amount_cents = transfer.amount_cents
    payout.hold_reason = payout.last_error = None
    ledger.record("group_transfer", f"transfer:{transfer.id}", [
        Line(ledger.helper_payable(payout.seller_id), transfer.amount_cents),
        Line(ledger.STRIPE_BALANCE, -transfer.amount_cents),
    ], currency=payout.currency, mission_id=None, stripe_source_id=transfer.id,
        description=f"Transfer to the seller of group purchase #{payout.campaign_id}")


def _hold(payout: GroupPayout, reason: str) -> GroupPayout:
    if payout.status != PayoutStatus.HELD:
        payout.status = payout_transition(payout.status, PayoutStatus.HELD)
    payout.hold_reason = reason
    return payout


def _failed(payout: GroupPayout, exc: GatewayError) -> GroupPayout:
    """Keep the error; a transient one re-raises (after the caller commits) until the cap."""
    payout.last_error = str(exc)[:500]
    if not (exc.transient and payout.attempts < MAX_ATTEMPTS):
        payout.status = payout_transition(payout.status, PayoutStatus.FAILED)
    log.warning("group payout %s failed (attempt %s): %s", payout.id, payout.attempts, exc)
    return payout
