"""Per-account sign-in lockout, beside the per-IP rate limit on /login.

The per-IP limit stops one address guessing fast; it does not stop many addresses guessing
one account's password. Here `LOGIN_LOCKOUT_ATTEMPTS` wrong passwords within
`LOGIN_LOCKOUT_WINDOW_SECONDS` (a window opened by the first failure) lock the account for
`LOGIN_LOCKOUT_SECONDS`: even the right password is refused until the cool-down passes,
then the account opens again by itself (a lockout is never permanent, so an attacker can
only delay its owner, not shut them out).

The counters live on the user's row, not in the rate limiter's storage: that storage
defaults to `memory://`, one per web process, so several gunicorn workers would each allow
the full count and a restart would forget it; the row is shared by every process, survives
restarts, is read with the user we already load, and is written in the same transaction as
the attempt (locked against concurrent failures where the database can).

An email no account uses is counted the same way, on a `SignInProbe` row keyed by the
email's digest: the same answers after the same number of guesses, so the lockout does not
tell a stranger which addresses have an account here.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import datetime, timedelta
from typing import Protocol

from flask import current_app
from flask_babel import lazy_ngettext as _nl
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import SignInProbe, User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import DomainError


class AccountLocked(DomainError):
    """Too many wrong passwords for this account recently."""


def _seconds(name: str) -> timedelta:
    return timedelta(seconds=int(current_app.config[name]))


class Counter(Protocol):
    """What a lockout counts on: an account's row, or the probe row of an unknown email."""

    failed_logins: int
    failed_logins_since: datetime | None
    locked_until: datetime | None


def check_not_locked(counter: Counter, now: datetime | None = None) -> None:
    """Raise AccountLocked while the cool-down runs."""
    now = now or utcnow()
    if counter.locked_until is not None and counter.locked_until > now:
        minutes = max(1, math.ceil((counter.locked_until - now).total_seconds() / 60))
        raise AccountLocked(
            _nl("Too many failed sign-ins: this account is locked for %(num)d more minute. "
                "Try again later.",
                "Too many failed sign-ins: this account is locked for %(num)d more minutes. "
                "Try again later.", minutes))


def _count_failure(counter: Counter, now: datetime) -> bool:
    """Add one failure to a counter read under lock; True when it starts the cool-down."""
    since = counter.failed_logins_since
    if since is None or now - since > _seconds("LOGIN_LOCKOUT_WINDOW_SECONDS"):
        counter.failed_logins, counter.failed_logins_since = 0, now
    counter.failed_logins += 1
    if counter.failed_logins < int(current_app.config["LOGIN_LOCKOUT_ATTEMPTS"]):
        return False
    counter.locked_until = now + _seconds("LOGIN_LOCKOUT_SECONDS")
    counter.failed_logins, counter.failed_logins_since = 0, None
    return True


def record_failure(user: User) -> None:
    """Count a wrong password; the one that reaches the limit starts the cool-down (and
    raises AccountLocked). Commits."""
    db.session.refresh(user, with_for_update=True)  # concurrent failures count one by one
    now = utcnow()
    locked = _count_failure(user, now)
    db.session.commit()
    if locked:
        check_not_locked(user, now)


def email_digest(email: str) -> str:
    """A keyed digest of a normalised email: probe rows never hold the address itself."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def check_unknown_not_locked(email: str) -> None:
    """For an email no account uses: raise AccountLocked exactly when an account would be."""
    probe = db.session.get(SignInProbe, email_digest(email))
    if probe is not None:
        check_not_locked(probe)


def record_unknown_failure(email: str) -> None:
    """Count a password typed for an unknown email as an account's would count (and raise
    AccountLocked on the one that reaches the limit); expired probes go. Commits."""
    now = utcnow()
    digest = email_digest(email)
    probe = db.session.get(SignInProbe, digest, with_for_update=True)
    if probe is None:
        probe = SignInProbe(email_digest=digest, failed_logins=0, expires_at=now)
        db.session.add(probe)
    locked = _count_failure(probe, now)
    probe.expires_at = max(filter(None, (
        probe.locked_until,
        (probe.failed_logins_since or now) + _seconds("LOGIN_LOCKOUT_WINDOW_SECONDS"))))
    db.session.execute(db.delete(SignInProbe).where(SignInProbe.expires_at < now,
                                                    SignInProbe.email_digest != digest))
    try:
        db.session.commit()
    except IntegrityError:  # the same unknown email failed twice at once: count it once
        db.session.rollback()
        return
    if locked:
        check_not_locked(probe, now)


def record_success(user: User) -> bool:
    """The right password, outside a cool-down: forget earlier failures. True when the row
    changed (the caller commits)."""
    if not (user.failed_logins or user.locked_until is not None):
        return False
    user.failed_logins, user.failed_logins_since, user.locked_until = 0, None, None
    return True
