"""Audit trail for operator actions: who did what, when, to which object, before and after.

Rows are written in the same transaction as the change they describe, so an action and
its audit line are committed (or rolled back) together.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.db import Model, db

if TYPE_CHECKING:  # the actor is a user; core only names it, accounts sits above core
    from marketplace.accounts.models import User
from marketplace.core.models import TimestampMixin


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


def record(actor: User | None, action: str, object_type: str, object_id: object, *,
           before: Any = None, after: Any = None, note: str | None = None) -> AuditEntry:
    """Add an audit line to the current transaction (the caller commits with its change)."""
    entry = AuditEntry(
        actor_id=actor.id if actor else None, action=action, object_type=object_type,
        object_id=str(object_id), note=note,
        before_json=json.dumps(before, sort_keys=True) if before is not None else None,
        after_json=json.dumps(after, sort_keys=True) if after is not None else None)
    db.session.add(entry)
    return entry


def recent(limit: int = 200, object_type: str | None = None) -> list[AuditEntry]:
    query = db.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if object_type is not None:
        query = query.where(AuditEntry.object_type == object_type)
    return list(db.session.execute(query).scalars())
