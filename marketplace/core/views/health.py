"""Health endpoints for load balancers and orchestrators: /healthz and /readyz."""

from __future__ import annotations

from flask import current_app, jsonify
from sqlalchemy import text
from werkzeug.wrappers import Response

from marketplace.core.db import db
from marketplace.core.routing import Routes

routes = Routes()


@routes.route("/healthz")
def healthz() -> Response:
    """The process is up (no dependency checked: a load balancer restarts on failure)."""
    return jsonify(status="ok")


@routes.route("/readyz")
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
