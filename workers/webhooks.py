"""Webhook processing: the web endpoint stored the event; this applies it."""

from __future__ import annotations

import time

from celery import Task, shared_task

from marketplace.core.db import db
from marketplace.payments.gateway import GatewayError
from marketplace.payments.webhooks import backfill as backfill_events
from marketplace.payments.webhooks import process, unprocessed
from workers.retry import MAX_RETRIES, run_retrying

BACKFILL_WINDOW_S = 3 * 24 * 3600  # Stripe retries deliveries for up to three days


@shared_task(name="webhooks.process", bind=True, max_retries=MAX_RETRIES)
def process_event(self: Task, stored_event_id: int) -> bool:
    return run_retrying(self, lambda: process(stored_event_id), errors=(GatewayError,))


@shared_task(name="webhooks.backfill", bind=True, max_retries=3)
def backfill(self: Task) -> int:
    """List recent events at Stripe and process any whose webhook never reached us."""
    return run_retrying(self, lambda: backfill_events(int(time.time()) - BACKFILL_WINDOW_S),
                        errors=(GatewayError,))


@shared_task(name="webhooks.sweep")
def sweep(grace_seconds: int = 60) -> int:
    """Re-queue stored events whose processing job was lost (a flushed broker, a crash) or
    whose handler failed; those it failed MAX_ATTEMPTS times are dead-lettered, left out."""
    try:
        ids = unprocessed(grace_seconds)
        for stored_id in ids:
            process_event.delay(stored_id)
        return len(ids)
    finally:
        db.session.remove()
