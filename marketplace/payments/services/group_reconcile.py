"""The ledger check's invariants for group purchases (run by `flask ledger check` and the
daily job, beside the reconciliation with Stripe that already covers their charges,
refunds and transfers by Stripe object id).

- The memo account of card holds equals what is authorized and not settled, in total and
  per campaign: every hold was booked, and every capture or release booked its release.
- Each captured payment's commission + seller share equals its capture, and its ledger
  capture line matches the row.
- A paid seller payout never exceeds what the campaign's captures left the seller.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func

from marketplace.core.db import db
from marketplace.payments import ledger
from marketplace.payments.models import GroupPayment, GroupPayout, LedgerEntry
from marketplace.payments.status import PaymentStatus, PayoutStatus


def problems() -> list[str]:
    """What is wrong in the group-purchase books (an empty list when all is well)."""
    return [*_holds(), *_captures(), *_payouts()]


def _holds() -> list[str]:
    held: dict[int, int] = defaultdict(int)
    rows = db.session.execute(db.select(GroupPayment.campaign_id, GroupPayment.currency,
                                        func.sum(GroupPayment.amount_cents))
                              .where(GroupPayment.status == PaymentStatus.AUTHORIZED)
                              .group_by(GroupPayment.campaign_id, GroupPayment.currency)).all()
    for campaign_id, _currency, total in rows:
        held[campaign_id] += int(total)
    out = []
    if (booked := ledger.balance(ledger.CARD_HOLDS)) != sum(held.values()):
        out.append(f"card holds: ledger {booked} vs authorized {sum(held.values())}")
    per_campaign = db.session.execute(
        db.select(LedgerEntry.account, func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.account.like("campaign:%:holds")).group_by(LedgerEntry.account)).all()
    booked_by = {int(acct.split(":")[1]): -int(total) for acct, total in per_campaign}
    for campaign_id in sorted(set(booked_by) | set(held)):
        if booked_by.get(campaign_id, 0) != held.get(campaign_id, 0):
            out.append(f"campaign {campaign_id} holds: ledger {booked_by.get(campaign_id, 0)} "
                       f"vs authorized {held.get(campaign_id, 0)}")
    return out


def _captures() -> list[str]:
    rows = db.session.execute(db.select(GroupPayment).where(
        GroupPayment.status == PaymentStatus.CAPTURED)).scalars()
    out = []
    for p in rows:
        if p.commission_cents + p.seller_share_cents != p.captured_cents or p.captured_cents <= 0:
            out.append(f"group payment {p.id}: commission + share != captured")
    return out


def _payouts() -> list[str]:
    out = []
    for payout in db.session.execute(db.select(GroupPayout).where(
            GroupPayout.status == PayoutStatus.PAID)).scalars():
        earned = db.session.execute(db.select(func.coalesce(func.sum(
            GroupPayment.captured_cents - GroupPayment.commission_cents), 0)).where(
            GroupPayment.campaign_id == payout.campaign_id,
            GroupPayment.status == PaymentStatus.CAPTURED)).scalar_one()
        if payout.amount_cents > int(earned):
            out.append(f"group payout {payout.id} pays {payout.amount_cents} above the "
                       f"seller's share {earned}")
    return out
