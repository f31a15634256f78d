"""Bearer tokens for the mobile app: opaque, random, stored as their sha256, short-lived.

`POST /tokens` gives an access token (ACCESS_TTL) and a refresh token (REFRESH_TTL) of a new
family. Refreshing uses the refresh token up and gives a new pair of the same family; a
refresh token presented a second time means a copy leaked, so the whole family is revoked
(the thief's and the owner's tokens alike: the owner signs in again). Every token carries
the user's session version (marketplace/accounts/sessions.py): a new password, signing out
everywhere and a suspension bump it, which ends every token at its next use.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update

from marketplace.accounts.models import User
from marketplace.api.models import ApiToken
from marketplace.core.base import utcnow
from marketplace.core.db import db

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
ACCESS, REFRESH = "access", "refresh"
_PREFIX = {ACCESS: "ent_at_", REFRESH: "ent_rt_"}


class InvalidToken(Exception):
    """Unknown, expired, revoked or superseded (the caller answers 401)."""


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _mint(user: User, kind: str, family: str, ttl: timedelta) -> tuple[str, datetime]:
    raw = _PREFIX[kind] + secrets.token_urlsafe(32)
    expires = utcnow() + ttl
    db.session.add(ApiToken(user_id=user.id, kind=kind, token_hash=token_hash(raw),
                            family=family, session_version=user.session_version,
                            expires_at=expires))
    return raw, expires


def _pair(user: User, family: str) -> TokenPair:
    access, access_exp = _mint(user, ACCESS, family, ACCESS_TTL)
    refresh, refresh_exp = _mint(user, REFRESH, family, REFRESH_TTL)
    db.session.commit()
    return TokenPair(access, refresh, access_exp, refresh_exp)


def issue(user: User) -> TokenPair:
    """A new family for a user whose password was just checked."""
    return _pair(user, secrets.token_hex(16))


def _live(row: ApiToken | None, kind: str) -> tuple[ApiToken, User]:
    if row is None or row.kind != kind or row.revoked_at is not None:
        raise InvalidToken
    user = db.session.get(User, row.user_id)
    if (user is None or user.is_suspended or user.session_version != row.session_version
            or row.expires_at <= utcnow()):
        raise InvalidToken
    return row, user


def _find(raw: str) -> ApiToken | None:
    if not raw or len(raw) > 200:
        return None
    return db.session.execute(db.select(ApiToken).where(
        ApiToken.token_hash == token_hash(raw))).scalar_one_or_none()


def authenticate(raw: str) -> tuple[ApiToken, User]:
    """The live access token `raw` and its user, else InvalidToken."""
    row = _find(raw)
    if row is not None and row.used_at is not None:
        raise InvalidToken
    return _live(row, ACCESS)


def refresh(raw: str) -> TokenPair:
    """Use a refresh token up for a new pair; a second use revokes its family."""
    row = _find(raw)
    if row is not None and row.kind == REFRESH and row.used_at is not None:
        revoke_family(row.family)
        raise InvalidToken
    row, user = _live(row, REFRESH)
    used = db.session.execute(update(ApiToken).where(
        ApiToken.id == row.id, ApiToken.used_at.is_(None)).values(used_at=utcnow()))
    if used.rowcount != 1:  # type: ignore[attr-defined]  # a concurrent refresh won
        db.session.rollback()
        revoke_family(row.family)
        raise InvalidToken
    return _pair(user, row.family)


def revoke_family(family: str) -> None:
    db.session.execute(update(ApiToken).where(
        ApiToken.family == family, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow()))
    db.session.commit()
