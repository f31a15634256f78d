"""Structured JSON logs that carry the request id, the Celery task id and the mission id."""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar

from flask import Flask, Response, g, request

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
mission_id_var: ContextVar[int | None] = ContextVar("mission_id", default=None)
_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{8,64}")


def _task_context() -> tuple[str | None, str | None]:
    try:
        from celery import current_task
    except ImportError:  # pragma: no cover
        return None, None
    if current_task and current_task.request and current_task.request.id:
        return current_task.request.id, current_task.name
    return None, None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: easy to ship, grep and correlate across web and workers."""

    def format(self, record: logging.LogRecord) -> str:
        task_id, task_name = _task_context()
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": request_id_var.get(),
            "task_id": task_id,
            "task": task_name,
            "mission_id": mission_id_var.get(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps({k: v for k, v in entry.items() if v is not None}, default=str)


def configure_logging(app: Flask) -> None:
    """JSON lines on stderr (LOG_FORMAT=text for plain lines), once per process."""
    root = logging.getLogger()
    if getattr(root, "_entraide_configured", False):
        return
    handler = logging.StreamHandler()
    if app.config.get("LOG_FORMAT", "json") == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.handlers = [handler]
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    logging.getLogger("alembic").setLevel(logging.WARNING)
    root._entraide_configured = True  # type: ignore[attr-defined]


def install_request_ids(app: Flask) -> None:
    """Take the caller's X-Request-ID when it looks sane, else mint one; echo it back."""

    @app.before_request
    def _bind() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _REQUEST_ID_RE.fullmatch(incoming) else uuid.uuid4().hex
        g.request_id = rid
        request_id_var.set(rid)
        mission = (request.view_args or {}).get("mission_id")
        mission_id_var.set(mission if isinstance(mission, int) else None)

    @app.after_request
    def _echo(response: Response) -> Response:
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response

    @app.teardown_request
    def _unbind(_exc: BaseException | None) -> None:
        request_id_var.set(None)
        mission_id_var.set(None)
