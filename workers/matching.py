"""Matching tasks: run one mission's due step; sweep for every due step (beat)."""

from __future__ import annotations

from celery import shared_task

from marketplace.core.db import db
from marketplace.missions.matching import engine as matching_engine


@shared_task(name="matching.advance")
def advance(mission_id: int) -> str:
    try:
        return matching_engine.advance(mission_id)
    finally:
        db.session.remove()


@shared_task(name="matching.sweep")
def sweep() -> int:
    """Advance every mission whose wave or escalation is due."""
    try:
        due = matching_engine.due_missions()
        for mission_id in due:
            matching_engine.advance(mission_id)
        return len(due)
    finally:
        db.session.remove()
