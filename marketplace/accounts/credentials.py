"""Changing one's password or email address from /account (the current password first).

A new password ends every other session (the caller re-signs the current one in). A new
email address applies only once its owner opens the signed link we send to it: the token
carries the new address and a fingerprint of the current one, so it is dead once the
address has changed (single use) and after CONFIRM_EMAIL_MAX_AGE_SECONDS. The old address
is told of the change.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from marketplace.accounts import signals, tokens
from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password, verify_password
from marketplace.accounts.sessions import bump_session_version
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError
from marketplace.core.i18n import lazy_gettext as _l

SALT = "entraide.accounts.change-email"


class WrongPassword(DomainError):
    """The current password given to confirm a change is not the account's."""

    status_code = 400


def check_password(user: User, password: str) -> None:
    if not verify_password(user.password_hash, password):
        raise WrongPassword(_l("This is not your current password."))


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password and end every session (the caller signs the current one in)."""
    check_password(user, current)
    user.password_hash = hash_password(new)
    bump_session_version(user)
    signals.password_changed.send(user)
    db.session.commit()


def _taken(email: str, user: User) -> bool:
    return db.session.execute(db.select(User.id).where(
        func.lower(User.email) == email, User.id != user.id)).first() is not None


def request_email_change(user: User, password: str, new_email: str) -> None:
    """Send the link that moves the account to `new_email` to that address. An address
    another account uses gets nothing: the page answers the same, telling nobody it exists."""
    check_password(user, password)
    email = new_email.strip().lower()
    if email == user.email:
        raise DomainError(_l("This is already your email address."))
    if _taken(email, user):
        return
    token = tokens.make(SALT, {"u": user.id, "e": email, "o": tokens.fingerprint(user.email)})
    signals.email_change_requested.send(user, new_email=email, token=token)
    db.session.commit()


def pending_change(token: str) -> tuple[User, str]:
    """The account and new address a still-usable link names; tokens.InvalidLink otherwise."""
    claims = tokens.read(SALT, token, int(current_app.config["CONFIRM_EMAIL_MAX_AGE_SECONDS"]))
    user, email = db.session.get(User, claims["u"]), claims.get("e")
    if (user is None or not isinstance(email, str) or user.deleted_at is not None
            or user.is_suspended or claims.get("o") != tokens.fingerprint(user.email)):
        raise tokens.InvalidLink("used")
    return user, email


def apply_email_change(token: str) -> User:
    """Move the account to the address the link was sent to; tell the old address."""
    user, email = pending_change(token)
    if _taken(email, user):
        raise Conflict(_l("Another account uses this address now: the change was not made."))
    old = user.email
    user.email, user.email_confirmed_at = email, utcnow()
    try:
        db.session.flush()
    except IntegrityError as exc:  # taken a moment ago
        db.session.rollback()
        raise Conflict(_l("Another account uses this address now: the change was not made.")
                       ) from exc
    signals.email_changed.send(user, old_email=old)
    db.session.commit()
    return user
