"""Liveness, readiness, and the worker heartbeat operators look at."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.db import Model, db
from marketplace.core.models import utcnow

STALE_AFTER = timedelta(minutes=2)


class WorkerHeartbeat(Model):
    __tablename__ = "worker_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    hostname: Mapped[str] = mapped_column(String(200), unique=True)
    last_seen: Mapped[datetime]

    @property
    def stale(self) -> bool:
        return utcnow() - self.last_seen > STALE_AFTER


def beat(hostname: str) -> None:
    """Record that a worker on `hostname` is alive and running scheduled tasks."""
    row = db.session.execute(
        db.select(WorkerHeartbeat).where(WorkerHeartbeat.hostname == hostname)
    ).scalar_one_or_none()
    if row is None:
        row = WorkerHeartbeat(hostname=hostname, last_seen=utcnow())
        db.session.add(row)
    row.last_seen = utcnow()
    db.session.commit()
