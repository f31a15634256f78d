"""Notification delivery tasks: one delivery per task; a sweeper re-drives lost ones."""

from __future__ import annotations

from celery import Task, shared_task

from marketplace.extensions import db
from marketplace.notifications.delivery import deliver as deliver_one
from marketplace.notifications.delivery import due_deliveries
from marketplace.notifications.reminders import send_reminders
from marketplace.notifications.senders import TransientSendError
from workers.retry import MAX_RETRIES, backoff


@shared_task(name="notifications.deliver", bind=True, max_retries=MAX_RETRIES)
def deliver(self: Task, delivery_id: int) -> str | None:
    try:
        status = deliver_one(delivery_id)
        return str(status) if status else None
    except TransientSendError as exc:
        db.session.rollback()
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    finally:
        db.session.remove()


@shared_task(name="notifications.sweep")
def sweep() -> int:
    try:
        due = due_deliveries()
        for delivery_id in due:
            deliver.delay(delivery_id)
        return len(due)
    finally:
        db.session.remove()


@shared_task(name="notifications.reminders")
def reminders() -> int:
    try:
        return send_reminders()
    finally:
        db.session.remove()
