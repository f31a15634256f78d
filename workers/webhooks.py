"""Webhook processing: the web endpoint stored the event; this applies it."""

from __future__ import annotations

from celery import Task, shared_task

from marketplace.extensions import db
from marketplace.payments.gateway import GatewayError
from marketplace.payments.webhooks import process
from workers.retry import MAX_RETRIES, backoff


@shared_task(name="webhooks.process", bind=True, max_retries=MAX_RETRIES)
def process_event(self: Task, stored_event_id: int) -> bool:
    try:
        return process(stored_event_id)
    except GatewayError as exc:
        db.session.rollback()
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    finally:
        db.session.remove()
