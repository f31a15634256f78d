"""Money jobs: the daily ledger check (its result is shown on the operators' ledger page),
confirmations, off-session holds, and fees clients owe."""

from __future__ import annotations

from celery import Task, shared_task

from marketplace.core.db import db
from marketplace.flows.completion import auto_confirm_due as confirm_due
from marketplace.payments.gateway import GatewayError
from marketplace.payments.services.holds import authorize_saved, due_payments
from marketplace.payments.services.receivables import collect
from marketplace.payments.services.reconcile import run_and_store
from workers.retry import MAX_RETRIES, not_transient, run_retrying


@shared_task(name="ledger.check")
def ledger_check() -> str:
    try:
        return run_and_store().summary
    finally:
        db.session.remove()


@shared_task(name="missions.auto_confirm_due")
def auto_confirm_due() -> int:
    """Confirm missions left unconfirmed past the quiet period (runs every few minutes)."""
    try:
        return len(confirm_due())
    finally:
        db.session.remove()


@shared_task(name="payments.authorize_due")
def authorize_due() -> int:
    """Place off-session holds on saved cards for missions starting within 48 h."""
    try:
        due = due_payments()
        for payment_id in due:
            authorize_saved(payment_id)
        return len(due)
    finally:
        db.session.remove()


@shared_task(name="receivables.collect", bind=True, max_retries=MAX_RETRIES)
def collect_receivable(self: Task, receivable_id: int) -> str:
    """Charge a fee the client owes (late cancellation with no hold) on their saved card."""
    return run_retrying(self, lambda: collect(receivable_id), errors=(GatewayError,),
                        permanent=not_transient)
