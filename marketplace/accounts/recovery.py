"""Password reset by email: "Forgot your password?" for someone who cannot sign in.

The form answers the same whether or not the address has an account, after the same work
(a token is signed either way). The emailed link is signed, expires after
PASSWORD_RESET_MAX_AGE_SECONDS (default one hour) and is bound to a fingerprint of the
current password hash: setting a new password, by this link or any other way, kills it,
so it works once. Resetting ends every session, clears the sign-in lockout and, since the
link proves the person reads the mailbox, confirms the email if it was not yet.
"""

from __future__ import annotations

from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, func, update

from marketplace.accounts import signals, tokens
from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.core.base import utcnow
from marketplace.core.db import db

SALT = "entraide.accounts.password-reset"


def _max_age() -> int:
    return int(current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"])


def make_token(user: User) -> str:
    return tokens.make(SALT, {"u": user.id, "h": tokens.fingerprint(user.password_hash)})


def request_reset(user: User | None) -> None:
    """Email `user` a reset link; for no account, the same work and no email. Commits."""
    if user is None or user.deleted_at is not None or user.is_suspended:
        tokens.make(SALT, {"u": 0, "h": tokens.fingerprint("")})  # the same work
        return
    signals.password_reset_requested.send(user, token=make_token(user))
    db.session.commit()


def user_for_token(token: str) -> User:
    """The account a still-usable reset link names; tokens.InvalidLink otherwise."""
    claims = tokens.read(SALT, token, _max_age())
    user = db.session.get(User, claims["u"])
    if (user is None or user.deleted_at is not None or user.is_suspended
            or claims.get("h") != tokens.fingerprint(user.password_hash)):
        raise tokens.InvalidLink("used")
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set the new password the link allows, once; end every session, clear the lockout.
    The caller signs the person in (their new session version is read back)."""
    user = user_for_token(token)
    now = utcnow()
    result = cast("CursorResult[Any]", db.session.execute(
        update(User)
        .where(User.id == user.id, User.password_hash == user.password_hash)  # not used yet
        .values(password_hash=hash_password(new_password),
                session_version=User.session_version + 1,
                failed_logins=0, failed_logins_since=None, locked_until=None,
                email_confirmed_at=func.coalesce(User.email_confirmed_at, now))
        .execution_options(synchronize_session=False)))
    if result.rowcount != 1:  # another request used the link a moment ago
        db.session.rollback()
        raise tokens.InvalidLink("used")
    db.session.expire(user)
    signals.password_changed.send(user)
    db.session.commit()
    return user
