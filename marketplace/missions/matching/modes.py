"""Which way a mission finds its helper, read where a helper tries to take it.

Kept apart from the matching engine so `accept_mission` can ask it without an
import cycle: instant missions are taken by accepting, by eligible helpers the current
wave reaches; 'choose' missions by applying and being picked by the client; 'operator'
missions only by an operator's assignment.
"""

from __future__ import annotations

from typing import Literal

from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.core.geo import haversine_km
from marketplace.core.i18n import format_number
from marketplace.missions.lifecycle import MatchingMode
from marketplace.missions.matching.models import MissionMatching
from marketplace.missions.models import Mission


def mode_of(mission_id: int) -> MatchingMode:
    """Missions posted before matching existed behave as instant ones."""
    state = db.session.get(MissionMatching, mission_id)
    return state.mode if state is not None else MatchingMode.INSTANT


def state_of(mission_id: int) -> MissionMatching | None:
    """The mission's matching state (None: posted before matching existed, instant). A page
    that shows the mode and the refusal reads it once and passes it on: the session keeps
    loaded rows only while something refers to them."""
    return db.session.get(MissionMatching, mission_id)


def accept_refusal(mission: Mission, helper: User,
                   state: MissionMatching | Literal["load"] | None = "load") -> str | None:
    """Why this (eligible) helper may not take this mission by accepting it, if so."""
    if isinstance(state, str):
        state = state_of(mission.id)
    mode = state.mode if state is not None else MatchingMode.INSTANT
    if mode == MatchingMode.CHOOSE:
        return _("The client chooses a helper for this mission: apply with a message.")
    if mode == MatchingMode.OPERATOR:
        return _("An operator assigns this mission.")
    if state is None:  # posted before matching existed: no waves to wait for
        return None
    return wave_refusal(state, helper, mission)


def wave_refusal(state: MissionMatching, helper: User, mission: Mission) -> str | None:
    """An instant mission is offered only to helpers within its current wave's radius."""
    profile = helper.helper_profile
    if profile is None:
        return _("Only helpers with a profile can take missions.")
    if state.reach_km is None:
        return _("This mission is not offered to helpers yet.")
    km = haversine_km(profile.lat, profile.lng, mission.lat, mission.lng)
    if km > state.reach_km:
        return _("This mission is offered for now to helpers within %(reach)s km of it; you "
                 "are %(km)s km away. It reaches farther helpers only if nobody nearer takes it.",
                 reach=format_number(state.reach_km, places=0 if state.reach_km % 1 == 0 else 1),
                 km=format_number(km))
    return None


def modes_of(mission_ids: list[int]) -> dict[int, MatchingMode]:
    """Modes of many missions in one statement (for lists)."""
    if not mission_ids:
        return {}
    rows = db.session.execute(db.select(MissionMatching.mission_id, MissionMatching.mode)
                              .where(MissionMatching.mission_id.in_(mission_ids))).all()
    found: dict[int, MatchingMode] = {mission_id: mode for mission_id, mode in rows}
    return {i: found.get(i, MatchingMode.INSTANT) for i in mission_ids}
