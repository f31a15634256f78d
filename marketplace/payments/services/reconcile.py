"""`ledger check`: every invariant of our ledger, reconciled against Stripe's balance.

For each Stripe object that moved the platform balance (a charge, transfer, refund,
reversal, dispute), the ledger's net on `platform:stripe_balance` for that object must equal
the net of its balance transactions at Stripe; objects present on one side only are
unmatched too. A run is stored so operators see the latest result.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.payments import commission_book, ledger
from marketplace.payments.gateway import GatewayError
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.models import LedgerCheckRun, LedgerEntry, LedgerTransaction
from marketplace.payments.services import group_reconcile


@dataclass
class CheckResult:
    transactions: int
    unbalanced: int
    unmatched: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.unbalanced == 0 and self.unmatched == 0 and not self.problems

    @property
    def summary(self) -> str:
        return (f"ledger: transactions={self.transactions} unbalanced={self.unbalanced} "
                f"unmatched={self.unmatched}")


def _ledger_nets() -> dict[tuple[str, str], int]:
    """Ledger net on the Stripe balance per (Stripe object id, currency)."""
    rows = db.session.execute(
        db.select(LedgerTransaction.stripe_source_id, LedgerEntry.currency,
                  func.sum(LedgerEntry.amount_cents))
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .where(LedgerEntry.account == ledger.STRIPE_BALANCE,
               LedgerTransaction.stripe_source_id.is_not(None))
        .group_by(LedgerTransaction.stripe_source_id, LedgerEntry.currency)
    ).all()
    return {(str(src), cur): int(total) for src, cur, total in rows}


def _untraced_stripe_moves() -> list[int]:
    """Transactions that move the Stripe balance without naming the Stripe object."""
    return list(db.session.execute(
        db.select(LedgerTransaction.id).distinct()
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .where(LedgerEntry.account == ledger.STRIPE_BALANCE,
               LedgerTransaction.stripe_source_id.is_(None))
    ).scalars())


def _stripe_nets() -> dict[tuple[str, str], int]:
    nets: dict[tuple[str, str], int] = defaultdict(int)
    for txn in gateway().list_balance_transactions():
        nets[(txn.source or txn.id, txn.currency)] += txn.net_cents
    return dict(nets)


def run_check() -> CheckResult:
    """Check every invariant; the result says what is wrong, never raises on bad data."""
    unbalanced = ledger.unbalanced_transactions()
    problems = [f"transaction {t} does not balance" for t in unbalanced]
    try:
        theirs = _stripe_nets()
    except GatewayError as exc:  # cannot reconcile: say so, and fail the check
        problems.append(f"could not read Stripe's balance transactions: {exc}"[:300])
        return CheckResult(ledger.count_transactions(), len(unbalanced), 0, problems)
    ours = _ledger_nets()
    unmatched = 0
    for key in sorted(set(ours) | set(theirs)):
        if ours.get(key, 0) != theirs.get(key, 0):
            unmatched += 1
            problems.append(f"{key[0]} ({key[1]}): ledger {ours.get(key, 0)} "
                            f"vs Stripe {theirs.get(key, 0)}")
    untraced = _untraced_stripe_moves()
    unmatched += len(untraced)
    problems += [f"transaction {t} moves the Stripe balance without a Stripe id"
                 for t in untraced]
    problems += [f"{acct} is overpaid" for acct in ledger.negative_helper_payables()]
    problems += commission_book.check(db.session.connection())
    problems += group_reconcile.problems()
    return CheckResult(ledger.count_transactions(), len(unbalanced), unmatched, problems)


def run_and_store() -> CheckResult:
    """Run the check and keep its result for the operators' page."""
    result = run_check()
    run = LedgerCheckRun(ran_at=utcnow(), transactions=result.transactions,
                         unbalanced=result.unbalanced,
                         unmatched=result.unmatched,
                         problems="\n".join(result.problems)[:20_000])
    db.session.add(run)
    db.session.commit()
    return result


def latest_run() -> LedgerCheckRun | None:
    return db.session.execute(
        db.select(LedgerCheckRun).order_by(LedgerCheckRun.id.desc()).limit(1)
    ).scalar_one_or_none()
