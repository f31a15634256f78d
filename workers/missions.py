"""Mission schedules: expire unassigned missions whose start has passed."""

from __future__ import annotations

from celery import shared_task

from marketplace.core.db import db
from marketplace.flows.expiry import expire_due


@shared_task(name="missions.expire_unassigned")
def expire_unassigned() -> int:
    try:
        return expire_due()
    finally:
        db.session.remove()
