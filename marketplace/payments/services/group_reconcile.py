"""The ledger check's invariants for group purchases (run by `flask ledger check` and the
daily job, beside the reconciliation with Stripe that already covers their charges,
refunds and transfers by Stripe object id).

- The memo account of card holds equals what is authorized and not settled, in total and
  per campaign: every hold was booked, and every capture or release booked its release.
- Each captured payment's commission + seller share equals its capture, and each order's
  commissions sum to the campaign's formula on the order's captured total (once per order).
- A paid transfer to the seller (one per captured charge) never exceeds what that charge
  left the seller, and is booked at its amount; a paid payout is the sum of its transfers.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func

from marketplace.core.db import db
from marketplace.payments import ledger
from marketplace.payments.fees import commission_split
from marketplace.payments.models import (
    GroupPayment,
    GroupPayout,
    GroupRefund,
    GroupTransfer,
    LedgerEntry,
    LedgerTransaction,
)
from marketplace.payments.services.group_capture import commission_formula
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
    rows = list(db.session.execute(db.select(GroupPayment).where(
        GroupPayment.status == PaymentStatus.CAPTURED)).scalars())
    out = []
    by_order: dict[int, list[GroupPayment]] = defaultdict(list)
    for p in rows:
        by_order[p.order_id].append(p)
        if p.commission_cents + p.seller_share_cents != p.captured_cents or p.captured_cents <= 0:
            out.append(f"group payment {p.id}: commission + share != captured")
    for order_id, payments in sorted(by_order.items()):
        formula = commission_formula(payments[0].campaign)
        due = commission_split(sum(p.captured_cents for p in payments), formula).fee_cents
        if (taken := sum(p.commission_cents for p in payments)) != due:
            out.append(f"group order {order_id}: commission {taken} vs {due} on its total")
    return out


def _payouts() -> list[str]:
    """Each paid transfer: no more than its charge left the seller, booked once at its
    amount; each paid payout: the sum of its paid transfers."""
    out = []
    shares = _shares_before_reversals()
    booked = dict(db.session.execute(
        db.select(LedgerTransaction.stripe_source_id, func.sum(LedgerEntry.amount_cents))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(LedgerTransaction.kind == "group_transfer", LedgerEntry.amount_cents > 0)
        .group_by(LedgerTransaction.stripe_source_id)).all())
    paid_by_payout: dict[int, int] = defaultdict(int)
    for t in db.session.execute(db.select(GroupTransfer).where(
            GroupTransfer.status == PayoutStatus.PAID)).scalars():
        paid_by_payout[t.payout_id] += t.amount_cents
        if t.amount_cents > shares.get(t.payment_id, 0):
            out.append(f"group transfer {t.id} pays {t.amount_cents} above the seller's "
                       f"share {shares.get(t.payment_id, 0)} of charge {t.charge_id}")
        if int(booked.get(t.transfer_id, 0)) != t.amount_cents:
            out.append(f"group transfer {t.id}: ledger {int(booked.get(t.transfer_id, 0))} "
                       f"vs {t.amount_cents}")
    for payout in db.session.execute(db.select(GroupPayout).where(
            GroupPayout.status == PayoutStatus.PAID)).scalars():
        if payout.amount_cents != paid_by_payout.get(payout.id, 0):
            out.append(f"group payout {payout.id} of {payout.amount_cents} != its transfers "
                       f"{paid_by_payout.get(payout.id, 0)}")
    return out


def _shares_before_reversals() -> dict[int, int]:
    """Per captured payment: captured - commission - the seller parts of refunds made
    before its transfer (those without a reversal), what the transfer may carry at most."""
    shares = {p.id: p.seller_share_cents for p in db.session.execute(db.select(GroupPayment)
              .where(GroupPayment.status == PaymentStatus.CAPTURED)).scalars()}
    for payment_id, seller_cents in db.session.execute(
            db.select(GroupRefund.payment_id, func.sum(GroupRefund.seller_cents))
            .where(GroupRefund.stripe_reversal_id.is_(None))
            .group_by(GroupRefund.payment_id)).all():
        if payment_id in shares:
            shares[payment_id] -= int(seller_cents)
    return shares
