"""Notification delivery tasks: one delivery per task; a sweeper re-drives lost ones."""

from __future__ import annotations

from celery import Task, shared_task

from marketplace.core.db import db
from marketplace.notifications.delivery import deliver as deliver_one
from marketplace.notifications.delivery import due_deliveries
from marketplace.notifications.reminders import send_reminders
from marketplace.notifications.senders import TransientSendError
from workers.retry import MAX_RETRIES, run_retrying


@shared_task(name="notifications.deliver", bind=True, max_retries=MAX_RETRIES)
def deliver(self: Task, delivery_id: int) -> str | None:
    status = run_retrying(self, lambda: deliver_one(delivery_id), errors=(TransientSendError,))
    return str(status) if status else None


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
