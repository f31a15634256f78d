"""Sign in for a token pair, rotate it, sign out (the site's rate limit and lockout apply)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_smorest import Blueprint

from marketplace.accounts import confirmation, lockout, services
from marketplace.api import auth, tokens
from marketplace.api.problems import PROBLEM, ApiProblem
from marketplace.api.schemas import RefreshSchema, TokenCreateSchema, TokenPairSchema
from marketplace.extensions import limiter

blp = Blueprint("api_tokens", __name__, url_prefix="/api/v1/tokens",
                description="Access and refresh tokens.")


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _pair(pair: tokens.TokenPair) -> dict[str, Any]:
    return {"token_type": "Bearer", "access_token": pair.access_token,
            "expires_at": pair.access_expires_at, "refresh_token": pair.refresh_token,
            "refresh_expires_at": pair.refresh_expires_at}


@blp.route("", methods=["POST"])
@limiter.limit(_login_limit)
@blp.arguments(TokenCreateSchema)
@blp.response(201, TokenPairSchema)
@blp.alt_response(401, **PROBLEM, description="Wrong email or password")
@blp.alt_response(403, **PROBLEM, description="Email not confirmed, or account suspended")
@blp.alt_response(429, **PROBLEM, description="Too many attempts, or the account is locked")
@blp.doc(security=auth.PUBLIC)
def create_token(body: dict[str, Any]) -> dict[str, Any]:
    """Sign in: an access token (15 minutes) and a refresh token (30 days)."""
    try:
        user = services.authenticate(body["email"], body["password"])
    except confirmation.EmailNotConfirmed:
        raise ApiProblem(403, "email_not_confirmed",
                         _("Confirm your email first: follow the link we sent you.")) from None
    except services.AccountSuspended:
        raise ApiProblem(403, "account_suspended", _("This account is suspended.")) from None
    except lockout.AccountLocked as exc:
        raise ApiProblem(429, "account_locked", _(str(exc)),
                         headers={"Retry-After": "900"}) from None
    if user is None:
        raise ApiProblem(401, "invalid_credentials", _("Wrong email or password."))
    if not user.is_active:
        raise ApiProblem(403, "account_suspended", _("This account is suspended."))
    return _pair(tokens.issue(user))


@blp.route("/refresh", methods=["POST"])
@limiter.limit(_login_limit)
@blp.arguments(RefreshSchema)
@blp.response(201, TokenPairSchema)
@blp.alt_response(401, **PROBLEM, description="Unknown, expired, revoked or already used")
@blp.doc(security=auth.PUBLIC)
def refresh_token(body: dict[str, Any]) -> dict[str, Any]:
    """Use the refresh token up for a new pair (a second use revokes the whole family)."""
    try:
        return _pair(tokens.refresh(body["refresh_token"]))
    except tokens.InvalidToken:
        raise ApiProblem(401, "invalid_refresh_token",
                         _("This refresh token is not valid: sign in again.")) from None


@blp.route("/current", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(401, **PROBLEM, description="No valid access token")
def delete_current_token() -> None:
    """Sign out this device: its access and refresh tokens stop working."""
    tokens.revoke_family(auth.caller_token().family)
