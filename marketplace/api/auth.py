"""Who calls: a Bearer access token in the Authorization header (never a cookie)."""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.api import tokens
from marketplace.api.models import ApiToken
from marketplace.api.problems import ApiProblem

BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
PUBLIC: list[dict[str, list[str]]] = []


def _unauthenticated(detail: str) -> ApiProblem:
    return ApiProblem(401, "unauthenticated", detail,
                      headers={"WWW-Authenticate": 'Bearer realm="entraide"'})


def load_caller() -> None:
    """Before every API view: remember the caller when a live token is presented."""
    g.api_user, g.api_token = None, None
    header = request.headers.get("Authorization", "")
    scheme, _sep, raw = header.partition(" ")
    if not header or scheme.lower() != "bearer":
        return
    try:
        g.api_token, g.api_user = tokens.authenticate(raw.strip())
    except tokens.InvalidToken:
        raise _unauthenticated(_("This access token is not valid (expired, revoked or "
                                 "unknown): refresh it or sign in again.")) from None


def caller() -> User:
    """The signed-in caller, else 401."""
    user = g.get("api_user")
    if user is None:
        raise _unauthenticated(_("Send a valid access token: Authorization: Bearer <token>."))
    return user


def caller_token() -> ApiToken:
    caller()
    return g.api_token


def helper() -> User:
    """The caller, who must be a helper (403 otherwise)."""
    user = caller()
    if not user.is_helper:
        raise ApiProblem(403, "not_a_helper", _("Only helpers can do this."))
    return user
