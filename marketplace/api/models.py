"""The API's own tables: bearer tokens and stored idempotent responses (push devices are the
notifications' PushDevice, which this API registers)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core.base import TimestampMixin
from marketplace.core.db import Model


class ApiToken(TimestampMixin, Model):
    """One opaque token (sha256 of it stored); a refresh token's rotations share a family.

    A token counts only while its `session_version` is the user's: a new password, signing
    out everywhere and a suspension bump the user's version and so end every token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # access | refresh
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family: Mapped[str] = mapped_column(String(32), index=True)
    session_version: Mapped[int]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]  # a refresh token, once rotated
    revoked_at: Mapped[datetime | None]


class IdempotencyKey(Model):
    """A POST's answer kept for 24 h under the caller's Idempotency-Key."""

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_api_idempotency_user_key"),
                      Index("ix_api_idempotency_created", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]  # None while the first request runs
    content_type: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
