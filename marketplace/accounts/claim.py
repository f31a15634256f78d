"""A hotline caller claims the account the operator opened for them by choosing a password.

The link in their receipt carries a token signed with SECRET_KEY (its own salt) naming the
user, their `session_version` and a digest of their current password hash. Setting the
password changes both in one conditional UPDATE, so a link works once. A caller booked
without an email gives one here: it becomes the address they sign in with once they follow
the confirmation link we email to it (an address mistyped, or someone else's, must not get
a working account, nor that person the caller's receipts).
"""

from __future__ import annotations

import hashlib
from typing import Any, cast

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import CursorResult, update

from marketplace.accounts.confirmation import is_confirmed, request_confirmation
from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.accounts.services import find_user_by_email, normalise_email
from marketplace.core.db import db
from marketplace.core.errors import DomainError

SALT = "entraide.accounts.claim-guest"
PLACEHOLDER_DOMAIN = "@callers.invalid"  # the address a caller booked without an email gets
MAX_AGE_SECONDS = 30 * 24 * 3600
MIN_PASSWORD = 10


class InvalidClaimLink(DomainError):
    status_code = 400


def needs_email(user: User) -> bool:
    return user.email.endswith(PLACEHOLDER_DOMAIN)


def _digest(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt=SALT)


def make_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "v": user.session_version, "h": _digest(user)})


def user_for_token(token: str) -> User:
    """The account a still-usable claim link names; InvalidClaimLink otherwise."""
    try:
        data = _serializer().loads(token[:512], max_age=MAX_AGE_SECONDS)
    except BadData as exc:
        raise InvalidClaimLink(_("This link is not valid or has expired.")) from exc
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) and type(
        data.get("u")) is int else None
    if (user is None or user.is_suspended or data.get("v") != user.session_version
            or data.get("h") != _digest(user)):
        raise InvalidClaimLink(_("This link was used already."))
    return user


def claim(token: str, password: str, email: str | None) -> User:
    """Give the caller's account the password (and, if it had none, the email) they chose;
    a new email must be confirmed (the link is emailed) before the account signs in."""
    user = user_for_token(token)
    if len(password) < MIN_PASSWORD:
        raise DomainError(_("Choose a password of at least %(n)s characters.", n=MIN_PASSWORD))
    values: dict[str, Any] = {"password_hash": hash_password(password),
                              "session_version": User.session_version + 1}
    if needs_email(user):
        address = normalise_email(email or "")
        if "@" not in address or address.endswith(PLACEHOLDER_DOMAIN) or len(address) > 254:
            raise DomainError(_("Give the email address you will sign in with."))
        if find_user_by_email(address) is not None:
            raise DomainError(_("This email belongs to another account."))
        values["email"], values["email_confirmed_at"] = address, None
    result = cast("CursorResult[Any]", db.session.execute(
        update(User).where(User.id == user.id, User.password_hash == user.password_hash,
                           User.session_version == user.session_version)
        .values(**values).execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        db.session.rollback()
        raise InvalidClaimLink(_("This link was used already."))
    db.session.commit()
    db.session.refresh(user)
    if not is_confirmed(user):
        request_confirmation(user)
        db.session.commit()
    return user
