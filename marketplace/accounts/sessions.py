"""Sessions that really end: each user has a server-side session version.

Flask's session and Flask-Login's remember-me cookie are signed, not stored: a copy keeps
working as long as the server accepts it. Both carry `User.get_id()`, `<id>:<version>`;
the loader accepts a cookie only while the user is not suspended and its version is the
user's current one. Signing out, signing out everywhere, a new password and a suspension
bump the version, so every copy of every cookie issued before stops working at its next
request. (Cookies in the old `<id>` format are refused: people sign in once again.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.sql import ColumnElement

from marketplace.accounts.models import HelperProfile, User
from marketplace.core.converters import parse_id
from marketplace.core.db import db

_VERSION_RE = re.compile(r"[0-9]{1,10}")  # ASCII only: int() would read other digits
_EXTRAS: dict[str, Callable[[], ColumnElement[Any]]] = {}
_G_KEY = "_user_load_extras"


def load_with_user(name: str, column: Callable[[], ColumnElement[Any]]) -> None:
    """Fetch `column` (a scalar subquery correlated to User.id) in the statement that loads
    the signed-in user, so a per-page figure (the unread count) costs no statement of its
    own. Layers above register it at start-up; `loaded_with_user` reads it back."""
    _EXTRAS[name] = column


def loaded_with_user(name: str) -> Any | None:
    """The value fetched with this request's user, or None once this request committed
    (the figure may have changed: the caller counts again)."""
    extras = g.get(_G_KEY) if has_app_context() else None
    return None if extras is None else extras.get(name)


@event.listens_for(Session, "after_commit")
def _forget_extras(session: Session) -> None:
    if has_app_context():
        g.pop(_G_KEY, None)


def _load(user_id: int) -> User | None:
    """The user, with their helper profile and skills (helpers' pages almost all show or
    use them: one statement instead of two) and the registered per-page figures."""
    names = list(_EXTRAS)
    row = db.session.execute(
        db.select(User, *[_EXTRAS[n]().label(n) for n in names]).where(User.id == user_id)
        .options(joinedload(User.helper_profile).joinedload(HelperProfile.skills))
    ).unique().first()
    if row is None:
        return None
    setattr(g, _G_KEY, {n: row[i + 1] for i, n in enumerate(names)})
    return row[0]


def user_for_session(session_id: str) -> User | None:
    """The user a session or remember-me cookie names, if that session is still live."""
    raw_id, _, version = session_id.partition(":")
    user_id = parse_id(raw_id)
    if user_id is None or not _VERSION_RE.fullmatch(version):
        return None
    user = _load(user_id)
    if (user is None or user.is_suspended or user.deleted_at is not None
            or str(user.session_version) != version):
        return None
    return user


def bump_session_version(user: User) -> None:
    """End every session of `user` (in the caller's transaction; an atomic increment)."""
    user.session_version = User.session_version + 1


def end_all_sessions(user: User) -> None:
    """Sign out, everywhere: every session and remember-me cookie of `user` stops working."""
    bump_session_version(user)
    db.session.commit()


def suspend_user(user: User) -> None:
    """Suspend an account: its sessions end at their next request, and it cannot sign in."""
    user.is_suspended = True
    bump_session_version(user)
    db.session.commit()


def reinstate_user(user: User) -> None:
    user.is_suspended = False
    db.session.commit()
