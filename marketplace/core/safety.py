"""Request-level safety: same-host redirects, security headers, no JSON into HTML forms."""

from __future__ import annotations

from typing import TypeGuard
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self' {stripe}; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def is_safe_next(target: str | None) -> TypeGuard[str]:
    """Allow only relative paths on our own host ('/x', not '//evil' or 'https://evil')."""
    if not target:
        return False
    parts = urlsplit(target)
    return (not parts.scheme and not parts.netloc and target.startswith("/")
            and not target.startswith("//") and "\\" not in target)


JSON_EXEMPT_PREFIXES = ("/stripe/webhook", "/api/")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def refuse_json_bodies(app: Flask) -> None:
    """Answer 415 to a JSON body sent to a form route: Flask-WTF would feed its numbers,
    lists and objects to fields that expect strings. The webhook and the API read JSON."""

    @app.before_request
    def _refuse_json() -> None:
        if (request.method in _BODY_METHODS and request.is_json
                and not request.path.startswith(JSON_EXEMPT_PREFIXES)):
            abort(415, "This page takes a form, not JSON.")


def install_security_headers(app: Flask) -> None:
    """Send a strict CSP and the usual hardening headers on every response."""
    stripe_origin = app.config.get("STRIPE_API_BASE") or "https://checkout.stripe.com"
    csp = CSP.format(stripe=stripe_origin)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        return response
