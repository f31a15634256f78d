"""Every error under /api as application/problem+json (RFC 9457), in the caller's language.

A problem carries `type`, `title`, `status`, `detail`, a stable machine `code` and, for
invalid input, `errors` (field -> messages). The site's own error handlers are wrapped, not
replaced: a request outside /api gets the page it always got.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, json, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError, Forbidden, NotFound
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.payments.gateway import GatewayError

log = logging.getLogger(__name__)
NO_TOKEN = "No valid access token"  # noqa: S105 (the 401 description, not a secret)
PROBLEM_TYPE = "https://entraide.example/problems/"
API_PREFIX = "/api/"

# Stable codes and titles for the statuses the API answers.
_BY_STATUS: dict[int, tuple[str, Any]] = {
    400: ("bad_request", _l("Bad request")),
    401: ("unauthenticated", _l("Authentication required")),
    402: ("payment_refused", _l("Payment refused")),
    403: ("forbidden", _l("Forbidden")),
    404: ("not_found", _l("Not found")),
    405: ("method_not_allowed", _l("Method not allowed")),
    406: ("not_acceptable", _l("Not acceptable")),
    409: ("conflict", _l("Conflict")),
    413: ("payload_too_large", _l("Request too large")),
    415: ("unsupported_media_type", _l("Unsupported media type")),
    422: ("invalid_request", _l("Invalid request")),
    429: ("too_many_requests", _l("Too many requests")),
    500: ("server_error", _l("Server error")),
    503: ("service_unavailable", _l("Service unavailable")),
}
_DETAILS: dict[int, Any] = {
    401: _l("Send a valid access token: Authorization: Bearer <token>."),
    404: _l("There is nothing here, or it is not yours."),
    405: _l("This method is not allowed on this resource."),
    415: _l("Send a JSON body (Content-Type: application/json)."),
    422: _l("Some fields are invalid."),
    429: _l("Too many requests: wait a moment and try again."),
    500: _l("Something broke on our side; nothing was half-saved. Please try again."),
}


class ApiProblem(Exception):
    """Raised by API code for an answer the domain does not give (bad token, replay...)."""

    def __init__(self, status: int, code: str, detail: str,
                 errors: dict[str, Any] | None = None, headers: dict[str, str] | None = None
                 ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.errors, self.headers = errors, headers or {}


def problem(status: int, detail: str | None = None, code: str | None = None,
            errors: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> Response:
    default_code, title = _BY_STATUS.get(status, (f"http_{status}", _l("Error")))
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + (code or default_code), "title": str(title), "status": status,
        "detail": detail if detail is not None else str(_DETAILS.get(status, title)),
        "code": code or default_code,
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _domain_code(exc: DomainError) -> str:
    for cls, code in ((NotFound, "not_found"), (Forbidden, "forbidden"),
                      (Conflict, "conflict")):
        if isinstance(exc, cls):
            return code
    return getattr(exc, "api_code", None) or "rule_refused"


def _from_domain(exc: DomainError) -> Response:
    db.session.rollback()
    status = exc.status_code
    if status == 400:
        status = 422  # a business rule refused well-formed input
    if isinstance(exc, NotFound):
        return problem(404)
    return problem(status, _(str(exc)), _domain_code(exc))


def _field_errors(exc: HTTPException) -> dict[str, Any] | None:
    """webargs/marshmallow put {location: {field: [messages]}} on flask-smorest's abort."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(messages, dict):
        return None
    merged: dict[str, Any] = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            merged.update(fields)
        else:
            merged[str(location)] = fields
    return merged


def _from_http(exc: HTTPException) -> Response:
    status = exc.code or 500
    errors = _field_errors(exc)
    data = getattr(exc, "data", None) or {}
    detail = data.get("message") if isinstance(data, dict) else None
    headers = {}
    allowed = getattr(exc, "valid_methods", None)
    if status == 405 and allowed:
        headers["Allow"] = ", ".join(allowed)
    if status == 429:
        headers["Retry-After"] = "60"
    if errors is not None:
        return problem(422 if status == 400 else status, None, None, errors, headers)
    return problem(status, str(detail) if detail else None, None, None, headers)


def to_problem(exc: BaseException) -> Response:
    """The problem answer for anything raised under /api."""
    if isinstance(exc, ApiProblem):
        return problem(exc.status, exc.detail, exc.code, exc.errors, exc.headers)
    if isinstance(exc, DomainError):
        return _from_domain(exc)
    if isinstance(exc, HTTPException):
        return _from_http(exc)
    db.session.rollback()
    if isinstance(exc, GatewayError):
        log.warning("payment provider error: %s", exc)
        if exc.transient:
            return problem(503, _("Our payment provider did not answer. Nothing was charged; "
                                  "please try again in a minute."), "payment_provider_unavailable")
        return problem(402, _("The payment provider refused this operation."),
                       "payment_refused")
    log.exception("unhandled API error")
    return problem(500)


Handler = Callable[[BaseException], Any]


def install(app: Flask) -> None:
    """Wrap the app's error handlers: /api answers problems, the site keeps its pages."""
    spec = app.error_handler_spec.setdefault(None, {}).setdefault(None, {})
    for exc_class in (ApiProblem, DomainError, GatewayError, HTTPException, Exception):
        site: Handler | None = spec.get(exc_class)
        app.register_error_handler(exc_class, _dispatch(site))


def _dispatch(site: Handler | None) -> Handler:
    def handle(exc: BaseException) -> Any:
        if request.path.startswith(API_PREFIX) or site is None:
            return to_problem(exc)
        return site(exc)

    return handle


# How views document their error answers (flask-smorest's alt_response keywords).
PROBLEM: dict[str, Any] = {"schema": "Problem", "content_type": "application/problem+json"}
