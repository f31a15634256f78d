"""Liveness, readiness, and the worker heartbeat operators look at."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, current_app, jsonify, render_template
from sqlalchemy import String, func, text
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.wrappers import Response

from marketplace.core.auth import role_required
from marketplace.core.models import utcnow
from marketplace.extensions import db

bp = Blueprint("health", __name__, template_folder="templates")
STALE_AFTER = timedelta(minutes=2)


class WorkerHeartbeat(db.Model):
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


@bp.route("/healthz")
def healthz() -> Response:
    """The process is up (no dependency checked: a load balancer restarts on failure)."""
    return jsonify(status="ok")


@bp.route("/readyz")
def readyz() -> tuple[Response, int]:
    """Ready to serve: the database answers and the broker accepts connections."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    ready = all(v == "ok" for v in checks.values())
    return jsonify(status="ready" if ready else "unavailable", checks=checks), (
        200 if ready else 503)


def _check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # any driver error means "not ready"
        db.session.rollback()
        return f"error: {type(exc).__name__}"


def _check_broker() -> str:
    celery = current_app.extensions["celery"]
    try:
        with celery.connection_for_write(current_app.config["CELERY_BROKER_URL"]) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:  # kombu raises transport-specific errors
        return f"error: {type(exc).__name__}"


@bp.route("/ops/health")
@role_required("operator")
def ops_health() -> str:
    from marketplace.core.outbox import OutboxMessage

    workers = db.session.execute(
        db.select(WorkerHeartbeat).order_by(WorkerHeartbeat.hostname)).scalars().all()
    backlog = db.session.execute(
        db.select(func.count(OutboxMessage.id)).where(OutboxMessage.published_at.is_(None))
    ).scalar_one()
    return render_template("health/ops_health.html", workers=workers, backlog=backlog)



