"""Payout tasks: release one payout; sweep for any that a lost message left behind; pay a tip."""

from __future__ import annotations

from celery import Task, shared_task

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.payments.gateway import GatewayError
from marketplace.payments.models import Payout
from marketplace.payments.services import tips
from marketplace.payments.services.payouts import release_payout
from marketplace.payments.status import PayoutStatus
from workers.retry import MAX_RETRIES, not_transient, run_retrying


@shared_task(name="payouts.release", bind=True, max_retries=MAX_RETRIES)
def release(self: Task, payout_id: int) -> str:
    return run_retrying(self, lambda: str(release_payout(payout_id)), errors=(GatewayError,),
                        permanent=not_transient)


@shared_task(name="payouts.sweep")
def sweep() -> int:
    """Re-drive scheduled payouts that are due (a message lost with Redis, a killed worker)."""
    try:
        due = db.session.execute(
            db.select(Payout.id).where(Payout.status == PayoutStatus.SCHEDULED,
                                       Payout.release_after <= utcnow())
        ).scalars().all()
        for payout_id in due:
            release.delay(payout_id)
        return len(due)
    finally:
        db.session.remove()


@shared_task(name="tips.transfer", bind=True, max_retries=MAX_RETRIES)
def transfer_tip(self: Task, tip_id: int) -> str:
    """Pay a captured tip to its helper (a no-op once paid)."""
    return run_retrying(self, lambda: str(tips.transfer_tip(tip_id)), errors=(GatewayError,),
                        permanent=not_transient)
