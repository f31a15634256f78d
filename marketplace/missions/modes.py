"""Which way a mission finds its helper, read where a helper tries to take it.

Kept apart from the matching engine so `services.accept_mission` can ask it without an
import cycle: instant missions are taken by accepting; 'choose' missions by applying
and being picked by the client; 'operator' missions only by an operator's assignment.
"""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.missions.matching_models import MatchingMode, MissionMatching


def mode_of(mission_id: int) -> MatchingMode:
    """Missions posted before matching existed behave as instant ones."""
    state = db.session.get(MissionMatching, mission_id)
    return state.mode if state is not None else MatchingMode.INSTANT


def accept_refusal(mission_id: int) -> str | None:
    """Why a helper may not take this mission by accepting it directly, if so."""
    mode = mode_of(mission_id)
    if mode == MatchingMode.CHOOSE:
        return "The client chooses a helper for this mission: apply with a message."
    if mode == MatchingMode.OPERATOR:
        return "An operator assigns this mission."
    return None


def modes_of(mission_ids: list[int]) -> dict[int, MatchingMode]:
    """Modes of many missions in one statement (for lists)."""
    if not mission_ids:
        return {}
    rows = db.session.execute(db.select(MissionMatching.mission_id, MissionMatching.mode)
                              .where(MissionMatching.mission_id.in_(mission_ids))).all()
    found: dict[int, MatchingMode] = {mission_id: mode for mission_id, mode in rows}
    return {i: found.get(i, MatchingMode.INSTANT) for i in mission_ids}
