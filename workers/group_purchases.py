"""Group-purchase tasks: ids in, one flow call, retries on transient gateway errors.

Jobs written by the outbox (close at the closing time, settle after the decision, pay the
seller after the refund window) and beat's sweeps (due campaigns, off-session holds before
closing, abandoned card steps, pickup reminders, payouts a lost message left behind).
"""

from __future__ import annotations

from celery import Task, shared_task

from marketplace.core.db import db
from marketplace.flows.group_purchases import after, closing, joining
from marketplace.payments.gateway import GatewayError
from workers.retry import MAX_RETRIES, not_transient, run_retrying


@shared_task(name="group_purchases.close", bind=True, max_retries=MAX_RETRIES)
def close(self: Task, campaign_id: int) -> str:
    """Close one campaign (a no-op unless due and still unclaimed)."""
    return run_retrying(self, lambda: str(closing.close_campaign(campaign_id)),
                        errors=(GatewayError,), permanent=not_transient)


@shared_task(name="group_purchases.settle", bind=True, max_retries=MAX_RETRIES)
def settle(self: Task, campaign_id: int) -> int:
    """Capture at the final price, or release every hold, order by order."""
    return run_retrying(self, lambda: closing.settle_campaign(campaign_id),
                        errors=(GatewayError,), permanent=not_transient)


@shared_task(name="group_purchases.pay_seller", bind=True, max_retries=MAX_RETRIES)
def pay_seller(self: Task, payout_id: int) -> str:
    return run_retrying(self, lambda: str(after.pay_seller(payout_id)),
                        errors=(GatewayError,), permanent=not_transient)


@shared_task(name="group_purchases.close_due")
def close_due() -> int:
    """Beat: queue the closing of every due campaign (each close claims it once)."""
    try:
        due = closing.due_campaigns()
        for campaign_id in due:
            close.delay(campaign_id)
        return len(due)
    finally:
        db.session.remove()


@shared_task(name="group_purchases.authorize_due", bind=True, max_retries=MAX_RETRIES)
def authorize_due(self: Task) -> int:
    """Beat: off-session holds on saved cards of campaigns closing within 48 h."""
    return run_retrying(self, closing.authorize_due, errors=(GatewayError,),
                        permanent=not_transient)


@shared_task(name="group_purchases.abandon_stale", bind=True, max_retries=MAX_RETRIES)
def abandon_stale(self: Task) -> int:
    """Beat: give back the units of card steps never finished."""
    return run_retrying(self, joining.abandon_stale, errors=(GatewayError,),
                        permanent=not_transient)


@shared_task(name="group_purchases.pickup_reminders")
def pickup_reminders() -> int:
    try:
        return after.send_pickup_reminders()
    finally:
        db.session.remove()


@shared_task(name="group_purchases.sweep_payouts")
def sweep_payouts() -> int:
    """Beat: re-drive payouts that are due (a message lost with Redis, a killed worker)."""
    try:
        due = after.due_payouts()
        for payout_id in due:
            pay_seller.delay(payout_id)
        return len(due)
    finally:
        db.session.remove()
