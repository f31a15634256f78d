"""Paying the seller of a confirmed campaign: one payout row per campaign, made of one
Stripe Transfer per captured charge (a GroupTransfer row each), never two per charge.

A campaign draws on many charges; a transfer without `source_transaction` would need that
much *available* platform balance at Stripe (charges take days to become available), so
each charge pays its own seller share with `source_transaction` = the charge. The share is
captured - commission - what refunds took from the seller, fixed when the rows are made
(after the refund window, with no dispute open). The idempotency key is
`mkt:group-transfer:<transfer row id>`; past Stripe's 24 h key lifetime a retried transfer
is looked up by transfer_group and metadata first (like payouts.py). Status and ledger
change in the caller's one commit; a failure keeps the transfers already made.
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
from marketplace.payments.models import (
    GroupDispute,
    GroupPayment,
    GroupPayout,
    GroupRefund,
    GroupTransfer,
)
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
    return sum(_payment_shares(campaign_id).values())


def _payment_shares(campaign_id: int) -> dict[int, int]:
    """Each captured payment's seller share: captured - commission - refunds' seller parts
    (those reversed after the payout included: they came off the share all the same) - what
    the seller bears of a lost bank dispute on it."""
    payments = db.session.execute(db.select(GroupPayment).where(
        GroupPayment.campaign_id == campaign_id, GroupPayment.status == PaymentStatus.CAPTURED)
        .order_by(GroupPayment.id)).scalars()
    shares = {p.id: p.seller_share_cents for p in payments}
    refunded = db.session.execute(
        db.select(GroupRefund.payment_id, func.sum(GroupRefund.seller_cents))
        .where(GroupRefund.payment_id.in_(list(shares)))
        .group_by(GroupRefund.payment_id)).all()
    for payment_id, seller_cents in refunded:
        shares[payment_id] -= int(seller_cents)
    disputed = db.session.execute(
        db.select(GroupDispute.payment_id, GroupDispute.seller_cents)
        .where(GroupDispute.payment_id.in_(list(shares)), GroupDispute.seller_cents > 0)).all()
    for disputed_id, borne in disputed:  # a lost bank dispute the seller bears
        shares[int(disputed_id or 0)] -= int(borne or 0)
    return shares


def transfers_of(payout_id: int) -> list[GroupTransfer]:
    return list(db.session.execute(db.select(GroupTransfer).where(
        GroupTransfer.payout_id == payout_id).order_by(GroupTransfer.id)).scalars())


def transfer_of_payment(payment_id: int) -> GroupTransfer | None:
    return db.session.execute(db.select(GroupTransfer).where(
        GroupTransfer.payment_id == payment_id)).scalar_one_or_none()


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
    rows = _transfer_rows(payout)
    if not rows:
        payout.status = payout_transition(payout.status, PayoutStatus.CANCELED)
        return payout
    for row in rows:
        if row.status in (PayoutStatus.PAID, PayoutStatus.CANCELED):
            continue
        if row.status == PayoutStatus.FAILED:  # an operator retried the payout
            row.status = payout_transition(row.status, PayoutStatus.SCHEDULED)
        try:
            _record_paid(row, _transfer(payout, row, profile.stripe_account_id))
        except GatewayError as exc:
            return _failed(payout, row, exc)
    _payout_paid(payout, rows)
    return payout


def _transfer_rows(payout: GroupPayout) -> list[GroupTransfer]:
    """One row per captured charge with a seller share left; made once, at the first
    attempt, so a retry sends the same amounts under the same keys."""
    rows = transfers_of(payout.id)
    if rows:
        return rows
    payments = {p.id: p for p in db.session.execute(db.select(GroupPayment).where(
        GroupPayment.campaign_id == payout.campaign_id)).scalars()}
    for payment_id, share in _payment_shares(payout.campaign_id).items():
        if share > 0:
            rows.append(GroupTransfer(
                payout_id=payout.id, payment_id=payment_id, amount_cents=share,
                charge_id=payments[payment_id].charge_id or "", currency=payout.currency))
    db.session.add_all(rows)
    db.session.flush()
    payout.amount_cents = sum(r.amount_cents for r in rows)
    return rows


def _transfer(payout: GroupPayout, row: GroupTransfer, destination: str) -> TransferInfo:
    """Transfer one charge's share out of that charge (`source_transaction`), so Stripe
    takes it from the charge's pending funds rather than the platform's available balance."""
    group = transfer_group(payout.campaign_id)
    age_hours = (utcnow() - row.created_at).total_seconds() / 3600
    if row.attempts and age_hours >= KEY_LIFETIME_HOURS - 1:
        found = gateway().find_transfer(group, "group_transfer_id", str(row.id))
        if found is not None:
            return found
    row.attempts += 1
    payout.attempts += 1
    return gateway().create_transfer(
        amount_cents=row.amount_cents, currency=row.currency, destination=destination,
        source_transaction=row.charge_id, transfer_group=group,
        metadata={"group_transfer_id": str(row.id), "group_payout_id": str(payout.id),
                  "campaign_id": str(payout.campaign_id)},
        idempotency_key=f"mkt:group-transfer:{row.id}")


def _record_paid(row: GroupTransfer, transfer: TransferInfo) -> None:
    """The transfer row is paid; its ledger lines in the caller's commit."""
    row.status = payout_transition(row.status, PayoutStatus.PAID)
    row.transfer_id, row.paid_at, row.last_error = transfer.id, utcnow(), None
    row.amount_cents = transfer.amount_cents
    ledger.record("group_transfer", f"transfer:{transfer.id}", [
        Line(ledger.helper_payable(row.payout.seller_id), transfer.amount_cents),
        Line(ledger.STRIPE_BALANCE, -transfer.amount_cents),
    ], currency=row.currency, mission_id=None, stripe_source_id=transfer.id,
        description=f"Transfer to the seller of group purchase #{row.payout.campaign_id}, "
                    f"charge {row.charge_id}")


def _payout_paid(payout: GroupPayout, rows: list[GroupTransfer]) -> None:
    """Every transfer is made (or was cancelled by a refund before it was sent)."""
    paid = [r for r in rows if r.status == PayoutStatus.PAID]
    if not paid:  # refunds took every share before anything was sent
        payout.status = payout_transition(payout.status, PayoutStatus.CANCELED)
        payout.amount_cents = 0
        return
    payout.status = payout_transition(payout.status, PayoutStatus.PAID)
    payout.transfer_id = paid[0].transfer_id
    payout.paid_at = utcnow()
    payout.amount_cents = sum(r.amount_cents for r in paid)
    payout.hold_reason = payout.last_error = None


def _hold(payout: GroupPayout, reason: str) -> GroupPayout:
    if payout.status != PayoutStatus.HELD:
        payout.status = payout_transition(payout.status, PayoutStatus.HELD)
    payout.hold_reason = reason
    return payout


def _failed(payout: GroupPayout, row: GroupTransfer, exc: GatewayError) -> GroupPayout:
    """Keep the error on the row and the payout (transfers already made stay paid); a
    transient one re-raises (after the caller commits) until the cap."""
    payout.last_error = row.last_error = str(exc)[:500]
    if not (exc.transient and row.attempts < MAX_ATTEMPTS):
        payout.status = payout_transition(payout.status, PayoutStatus.FAILED)
        row.status = payout_transition(row.status, PayoutStatus.FAILED)
    log.warning("group transfer %s of payout %s failed (attempt %s): %s", row.id, payout.id,
                row.attempts, exc)
    return payout
