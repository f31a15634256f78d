"""Email confirmation: a sign-up becomes an account its owner can use once they follow the
link we emailed them.

The link carries a token signed with the app's SECRET_KEY (itsdangerous, a salt of its own
so no other signed value can pass for it), naming the user and their `session_version`. It
expires after CONFIRM_EMAIL_MAX_AGE_SECONDS. Confirming stamps `email_confirmed_at` and
bumps the version in one conditional UPDATE, so a link works once: a second use, or two at
the same moment, finds the account confirmed and the version moved on.

Following the link also asks for the password chosen at sign-up: the link proves the person
reads the mailbox, the password that they are the one who chose it. Someone who signs up
again with another person's address before its owner confirms (which replaces the pending
details) therefore cannot have the owner confirm an account whose password they know.
"""

from __future__ import annotations

from typing import Any, cast

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import CursorResult, update

from marketplace.accounts import signals
from marketplace.accounts.models import User
from marketplace.accounts.passwords import verify_password
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.core.i18n import lazy_gettext as _l

SALT = "entraide.accounts.confirm-email"
MAX_TOKEN_LENGTH = 512  # ours are about 80 characters; anything far longer is not ours

INVALID = _l("This confirmation link is not valid. Sign in to have a new one sent to you.")
EXPIRED = _l("This confirmation link has expired. Sign in to have a new one sent to you.")
USED = _l("This confirmation link was used already or has been replaced. "
          "Sign in: if your email still needs confirming, we will send you a new link.")
NOT_CONFIRMED = _l("Confirm your email first: we sent you a link.")
MISMATCH = _l("This is not the password chosen when this address signed up. If you did "
              "not sign up, ignore the email; to choose another password, sign up again.")


class InvalidConfirmationLink(DomainError):
    """A confirmation link that is tampered with, expired or used (a 400, never a 500)."""

    status_code = 400


class EmailNotConfirmed(DomainError):
    """The right password for an account whose email is not confirmed yet."""

    status_code = 403

    def __init__(self, user: User) -> None:
        super().__init__(NOT_CONFIRMED)
        self.user_id = user.id


class EmailNotVerified(DomainError):
    """Paid work (posting a paid mission, taking a mission) needs a verified email."""

    status_code = 403


def is_confirmed(user: User) -> bool:
    return user.email_confirmed_at is not None


def require_verified_email(user: User) -> None:
    """Raise EmailNotVerified unless `user` has confirmed their email address: we must be
    able to reach both sides of paid work (receipts, changes, disputes)."""
    if not is_confirmed(user):
        raise EmailNotVerified(_l(
            "Confirm your email address first: we must be able to reach you about paid "
            "work. Open the link we emailed you, or ask for a new one from your account page."))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt=SALT)


def make_token(user: User) -> str:
    """A link token for `user` as they are now (flushed: it needs the id)."""
    return _serializer().dumps({"u": user.id, "v": user.session_version})


def request_confirmation(user: User) -> None:
    """Email `user` a confirmation link (a notification in the caller's transaction)."""
    signals.email_confirmation_requested.send(user, token=make_token(user))


def _claims(token: str) -> tuple[int, int]:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidConfirmationLink(INVALID)
    try:
        data = _serializer().loads(
            token, max_age=int(current_app.config["CONFIRM_EMAIL_MAX_AGE_SECONDS"]))
    except SignatureExpired as exc:
        raise InvalidConfirmationLink(EXPIRED) from exc
    except BadData as exc:
        raise InvalidConfirmationLink(INVALID) from exc
    if not isinstance(data, dict):
        raise InvalidConfirmationLink(INVALID)
    user_id, version = data.get("u"), data.get("v")
    if type(user_id) is not int or type(version) is not int:
        raise InvalidConfirmationLink(INVALID)
    return user_id, version


def user_for_token(token: str) -> User:
    """The account a still-usable link confirms; InvalidConfirmationLink otherwise."""
    user_id, version = _claims(token)
    user = db.session.get(User, user_id)
    if (user is None or is_confirmed(user) or user.is_suspended
            or user.session_version != version):
        raise InvalidConfirmationLink(USED)
    return user


def confirm_email(token: str, password: str) -> User:
    """Confirm the account the link names, once, for the person who chose its password;
    the caller signs them in."""
    user = user_for_token(token)
    if not verify_password(user.password_hash, password):
        raise InvalidConfirmationLink(MISMATCH)
    result = cast("CursorResult[Any]", db.session.execute(
        update(User)
        .where(User.id == user.id, User.email_confirmed_at.is_(None),
               User.session_version == user.session_version,
               User.password_hash == user.password_hash)  # not replaced meanwhile
        .values(email_confirmed_at=utcnow(), session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)))
    if result.rowcount != 1:  # another request used the link a moment ago
        db.session.rollback()
        raise InvalidConfirmationLink(USED)
    db.session.commit()  # expires `user`: its new version is read back when it signs in
    return user
