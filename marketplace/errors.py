"""Error pages for people, JSON errors for machines; never a bare 500 for bad input."""

from __future__ import annotations

import logging

from flask import Flask, Request, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.payments.gateway import GatewayError

log = logging.getLogger(__name__)


def wants_json(req: Request) -> bool:
    return req.path.startswith(("/api/", "/stripe/")) or req.accept_mimetypes.best == \
        "application/json"


def _render(status: int, title: str, message: str) -> tuple[Response | str, int]:
    if wants_json(request):
        return jsonify(error=title, message=message), status
    return render_template("errors/error.html", status=status, title=title,
                           message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> tuple[Response | str, int]:
        db.session.rollback()
        return _render(exc.status_code, "That did not work", str(exc))

    @app.errorhandler(GatewayError)
    def gateway_error(exc: GatewayError) -> tuple[Response | str, int]:
        db.session.rollback()
        log.warning("payment provider error: %s", exc)
        if exc.transient:
            return _render(503, "Payment service unavailable",
                           "Our payment provider did not answer. Nothing was charged; "
                           "please try again in a minute.")
        return _render(402, "Payment refused", str(exc))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> tuple[Response | str, int]:
        return _render(400, "Form expired", "The form expired or was not sent from our site. "
                       "Go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response | str, int]:
        return _render(exc.code or 500, exc.name, exc.description or "")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Response | str, int]:
        db.session.rollback()
        log.exception("unhandled error")
        return _render(500, "Something broke", "We are sorry: the error is logged and nothing "
                       "was half-saved. Please try again.")
