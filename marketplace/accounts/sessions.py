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

from marketplace.accounts.models import User
from marketplace.core.converters import parse_id
from marketplace.core.db import db

_VERSION_RE = re.compile(r"[0-9]{1,10}")  # ASCII only: int() would read other digits


def user_for_session(session_id: str) -> User | None:
    """The user a session or remember-me cookie names, if that session is still live."""
    raw_id, _, version = session_id.partition(":")
    user_id = parse_id(raw_id)
    if user_id is None or not _VERSION_RE.fullmatch(version):
        return None
    user = db.session.get(User, user_id)
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
