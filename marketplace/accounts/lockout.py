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
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_ngettext as _nl

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import DomainError


class AccountLocked(DomainError):
    """Too many wrong passwords for this account recently."""


def _seconds(name: str) -> timedelta:
    return timedelta(seconds=int(current_app.config[name]))


def check_not_locked(user: User, now: datetime | None = None) -> None:
    """Raise AccountLocked while the account's cool-down runs."""
    now = now or utcnow()
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, math.ceil((user.locked_until - now).total_seconds() / 60))
        raise AccountLocked(
            _nl("Too many failed sign-ins: this account is locked for %(num)d more minute. "
                "Try again later.",
                "Too many failed sign-ins: this account is locked for %(num)d more minutes. "
                "Try again later.", minutes))


def record_failure(user: User) -> None:
    """Count a wrong password; the one that reaches the limit starts the cool-down (and
    raises AccountLocked). Commits."""
    db.session.refresh(user, with_for_update=True)  # concurrent failures count one by one
    now = utcnow()
    since = user.failed_logins_since
    if since is None or now - since > _seconds("LOGIN_LOCKOUT_WINDOW_SECONDS"):
        user.failed_logins, user.failed_logins_since = 0, now
    user.failed_logins += 1
    locked = user.failed_logins >= int(current_app.config["LOGIN_LOCKOUT_ATTEMPTS"])
    if locked:
        user.locked_until = now + _seconds("LOGIN_LOCKOUT_SECONDS")
        user.failed_logins, user.failed_logins_since = 0, None
    db.session.commit()
    if locked:
        check_not_locked(user, now)


def record_success(user: User) -> bool:
    """The right password, outside a cool-down: forget earlier failures. True when the row
    changed (the caller commits)."""
    if not (user.failed_logins or user.locked_until is not None):
        return False
    user.failed_logins, user.failed_logins_since, user.locked_until = 0, None, None
    return True
