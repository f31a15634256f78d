"""Error pages for people, JSON errors for machines; never a bare 500 for bad input."""

from __future__ import annotations

import logging

from flask import Flask, Request, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.payments.gateway import GatewayError

log = logging.getLogger(__name__)

# What a person reads for each HTTP error (werkzeug's names and descriptions are English).
_HTTP_PAGES = {
    400: (_l("Bad request"), _l("The page could not understand what was sent. Go back and try "
                                "again.")),
    401: (_l("Sign in needed"), _l("Sign in to see this page.")),
    403: (_l("Not allowed"), _l("You are not allowed to do this.")),
    404: (_l("Page not found"), _l("This page does not exist, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    409: (_l("Conflict"), _l("Someone changed this at the same time. Reload the page and try "
                             "again.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    415: (_l("Unsupported content"), _l("This page takes a form, not JSON.")),
    422: (_l("Cannot be processed"), _l("Some of what you sent cannot be used. Check the form "
                                        "and try again.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Wait a minute and try "
                                      "again.")),
    500: (_l("Something broke"), _l("We are sorry: the error is logged and nothing was "
                                    "half-saved. Please try again.")),
    503: (_l("Service unavailable"), _l("The service is briefly unavailable. Please try again "
                                        "in a minute.")),
}


def wants_json(req: Request) -> bool:
    return req.path.startswith(("/api/", "/stripe/")) or req.accept_mimetypes.best == \
        "application/json"


def _render(status: int, title: object, message: object) -> tuple[Response | str, int]:
    title, message = str(title), str(message)
    if wants_json(request):
        return jsonify(error=title, message=message), status
    return render_template("errors/error.html", status=status, title=title,
                           message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> tuple[Response | str, int]:
        db.session.rollback()
        return _render(exc.status_code, _("That did not work"), str(exc))

    @app.errorhandler(GatewayError)
    def gateway_error(exc: GatewayError) -> tuple[Response | str, int]:
        db.session.rollback()
        log.warning("payment provider error: %s", exc)
        if exc.transient:
            return _render(503, _("Payment service unavailable"),
                           _("Our payment provider did not answer. Nothing was charged; "
                             "please try again in a minute."))
        return _render(402, _("Payment refused"), str(exc))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> tuple[Response | str, int]:
        return _render(400, _("Form expired"), _("The form expired or was not sent from our "
                                                  "site. Go back, reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response | str, int]:
        code = exc.code or 500
        title, message = _HTTP_PAGES.get(code, (exc.name, exc.description or ""))
        if exc.description and exc.description != type(exc).description:
            message = _(exc.description)  # an abort's own words: translated if catalogued
        return _render(code, title, message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Response | str, int]:
        db.session.rollback()
        log.exception("unhandled error")
        title, message = _HTTP_PAGES[500]
        return _render(500, title, message)
