"""Audit trail for operator actions: who did what, when, to which object, before and after.

Rows are written in the same transaction as the change they describe, so an action and
its audit line are committed (or rolled back) together.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from marketplace.core import pagination
from marketplace.core.db import db
from marketplace.core.models import AuditEntry

if TYPE_CHECKING:  # the actor is a user; core only names it, accounts sits above core
    from marketplace.accounts.models import User


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


def page(start: int | None = None, size: int = pagination.PAGE_SIZE) -> pagination.Keyset[Any]:
    """The audit log newest first, one keyset page at a time."""
    return pagination.by_id(db.select(AuditEntry), AuditEntry.id, start=start, size=size)


def recent(limit: int = 200, object_type: str | None = None) -> list[AuditEntry]:
    query = db.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if object_type is not None:
        query = query.where(AuditEntry.object_type == object_type)
    return list(db.session.execute(query).scalars())
