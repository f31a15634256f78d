"""The tables of the building blocks every domain shares: the audit trail, the outbox, the
workers' heartbeats and the categories of help. (Their column types and base: `base.py`.)"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.base import NAMING_CONVENTION, TimestampMixin, UTCDateTime, utcnow
from marketplace.core.db import Model

if TYPE_CHECKING:  # the actor is a user; core only names it, accounts sits above core
    from marketplace.accounts.models import User

STALE_AFTER = timedelta(minutes=2)  # a worker silent this long is shown as stale

__all__ = [
    "NAMING_CONVENTION",
    "AuditEntry",
    "Category",
    "OutboxMessage",
    "UTCDateTime",
    "WorkerHeartbeat",
]  # UTCDateTime: migrations name it as marketplace.core.models


class AuditEntry(TimestampMixin, Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(String(500))

    actor: Mapped[User | None] = relationship("User")

    @property
    def before(self) -> Any:
        return json.loads(self.before_json) if self.before_json else None

    @property
    def after(self) -> Any:
        return json.loads(self.after_json) if self.after_json else None


class OutboxMessage(TimestampMixin, Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_name: Mapped[str] = mapped_column(String(120))
    args_json: Mapped[str] = mapped_column(Text, default="[]")
    eta: Mapped[datetime | None]
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)

    @property
    def args(self) -> list[Any]:
        return list(json.loads(self.args_json))


class WorkerHeartbeat(Model):
    __tablename__ = "worker_heartbeats"

    id: Mapped[int] = mapped_column(primary_key=True)
    hostname: Mapped[str] = mapped_column(String(200), unique=True)
    last_seen: Mapped[datetime]

    @property
    def stale(self) -> bool:
        return utcnow() - self.last_seen > STALE_AFTER


class Category(Model):
    """A kind of help; free categories have price 0 and skip every payment step."""

    __tablename__ = "categories"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    is_free: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
