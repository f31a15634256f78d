"""Signed, expiring links for account changes (password reset, a new email address).

Each purpose has its own salt, so a token minted for one cannot pass for another (nor for
the sign-up confirmation link). A token names its user and a fingerprint of the state it
was minted against (the password hash, or the current email): once that state changes the
link is dead, which is what makes it single-use without a table of used tokens.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from marketplace.core.errors import DomainError

MAX_TOKEN_LENGTH = 512  # ours are about 100 characters; anything far longer is not ours


class InvalidLink(DomainError):
    """A link that is tampered with, expired or used (a 400 page, never a 500)."""

    status_code = 400

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "invalid", "expired" or "used"


def fingerprint(value: str) -> str:
    """A short digest of `value`: enough to notice it changed, revealing nothing of it."""
    return hashlib.sha256(value.encode()).hexdigest()[:20]


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt=salt)


def make(salt: str, claims: dict[str, Any]) -> str:
    return _serializer(salt).dumps(claims)


def read(salt: str, token: str, max_age: int) -> dict[str, Any]:
    """The claims of a genuine, unexpired token; InvalidLink otherwise."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidLink("invalid")
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidLink("expired") from exc
    except BadData as exc:
        raise InvalidLink("invalid") from exc
    if not isinstance(data, dict) or type(data.get("u")) is not int:
        raise InvalidLink("invalid")
    return data
