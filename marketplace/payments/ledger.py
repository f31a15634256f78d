"""Append-only double-entry ledger.

Every line is signed (debit > 0, credit < 0) and a transaction's lines sum to zero per
currency. Each transaction records one provider object id (`external_id`, unique), so
replaying the same capture or transfer writes nothing twice. Balances are derived.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func

from marketplace.core.db import db
from marketplace.payments.models import LedgerEntry, LedgerTransaction

STRIPE_BALANCE = "platform:stripe_balance"
COMMISSION_REVENUE = "platform:commission_revenue"
SERVICE_FEE_REVENUE = "platform:service_fee_revenue"
STRIPE_FEES = "platform:stripe_fees"
REFUNDS = "platform:refunds"  # contra-revenue: what the platform gave back to clients
DISPUTES = "platform:dispute_losses"
# Card authorizations for group purchases: memo lines (no cash moves), so that every hold,
# capture and release of a campaign shows in the books and nets to zero once it settles.
CARD_HOLDS = "platform:card_holds"

# The chart of accounts, for pages and checks. Per-person accounts are templates.
PLATFORM_ACCOUNTS = (STRIPE_BALANCE, COMMISSION_REVENUE, SERVICE_FEE_REVENUE, STRIPE_FEES,
                     REFUNDS, DISPUTES)


def client_receivable(client_id: int) -> str:
    """What one client owes the platform before any cash arrives (a late-cancellation fee
    with no card hold: booked when due, settled by the off-session charge)."""
    return f"client:{client_id}:receivable"


def campaign_holds(campaign_id: int) -> str:
    """The card holds placed for one group-purchase campaign (the other side of CARD_HOLDS)."""
    return f"campaign:{campaign_id}:holds"


def helper_payable(helper_id: int) -> str:
    """What the platform owes one helper."""
    return f"helper:{helper_id}:payable"


class UnbalancedTransaction(ValueError):
    """Debits and credits differ: refusing to write it."""


@dataclass(frozen=True)
class Line:
    account: str
    amount_cents: int


def already_recorded(external_id: str) -> bool:
    """In the database or pending in this transaction; reading does not flush the caller's
    other changes, so a state change and its ledger lines go out in one flush at commit."""
    if any(isinstance(obj, LedgerTransaction) and obj.external_id == external_id
           for obj in db.session.new):
        return True
    with db.session.no_autoflush:
        return db.session.execute(
            db.select(LedgerTransaction.id).where(LedgerTransaction.external_id == external_id)
        ).first() is not None


def record(kind: str, external_id: str, lines: list[Line], *, currency: str,
           mission_id: int | None, description: str, stripe_source_id: str | None = None,
           reverses_id: int | None = None, first_time: bool = False
           ) -> LedgerTransaction | None:
    """Add a balanced transaction to the session (the caller commits with its state change).

    Returns None when `external_id` is already recorded, which makes replays no-ops.
    `first_time` skips that lookup for a caller whose own locked row proves no earlier
    transaction wrote it (a payout turning PAID writes its transfer's lines with that
    change, and only then); the unique `external_id` remains the backstop.
    """
    lines = [line for line in lines if line.amount_cents != 0]
    if sum(line.amount_cents for line in lines) != 0 or not lines:
        raise UnbalancedTransaction(f"{kind} {external_id}: lines do not balance")
    if not first_time and already_recorded(external_id):
        return None
    txn = LedgerTransaction(kind=kind, external_id=external_id, mission_id=mission_id,
                            description=description, stripe_source_id=stripe_source_id,
                            reverses_id=reverses_id)
    txn.entries = [LedgerEntry(account=line.account, amount_cents=line.amount_cents,
                               currency=currency) for line in lines]
    db.session.add(txn)
    return txn


def balance(account: str, currency: str = "eur") -> int:
    """Derived balance of one account (debits minus credits)."""
    total = db.session.execute(
        db.select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
        .where(LedgerEntry.account == account, LedgerEntry.currency == currency)
    ).scalar_one()
    return int(total)


def unbalanced_transactions() -> list[int]:
    """Ids of transactions whose lines do not sum to zero in some currency."""
    sums: dict[tuple[int, str], int] = defaultdict(int)
    rows = db.session.execute(
        db.select(LedgerEntry.transaction_id, LedgerEntry.currency,
                  func.sum(LedgerEntry.amount_cents))
        .group_by(LedgerEntry.transaction_id, LedgerEntry.currency)
    ).all()
    for txn_id, currency, total in rows:
        sums[(txn_id, currency)] = int(total)
    return sorted({txn_id for (txn_id, _), total in sums.items() if total != 0})


def reverse(txn: LedgerTransaction, reason: str) -> LedgerTransaction | None:
    """Cancel a transaction by writing its mirror image; the original is never touched."""
    lines = [Line(e.account, -e.amount_cents) for e in txn.entries]
    currency = txn.entries[0].currency
    return record(f"reversal:{txn.kind}"[:40], f"reversal:{txn.external_id}"[:120], lines,
                  currency=currency, mission_id=txn.mission_id,
                  description=f"Reversal: {reason}"[:255], reverses_id=txn.id)


def negative_helper_payables(currency: str = "eur") -> list[str]:
    """Helper accounts where we paid out more than we owed (balance > 0 means a debit)."""
    rows = db.session.execute(
        db.select(LedgerEntry.account, func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.account.like("helper:%:payable"), LedgerEntry.currency == currency)
        .group_by(LedgerEntry.account)
    ).all()
    return sorted(account for account, total in rows if int(total) > 0)


def count_transactions() -> int:
    return int(db.session.execute(db.select(func.count(LedgerTransaction.id))).scalar_one())
