"""The matching clock: waves of offers, then escalation to the operator queue.

Driven by the worker: `matching.sweep` (beat, every MATCHING_SWEEP_SECONDS) advances
every open mission whose next step is due (the first step is due at posting, and waits
for the card authorization of paid missions), so nothing depends on a message that
could be lost. Each step is claimed by a conditional UPDATE on (mission, step), so two
sweeps (or a `matching.advance` task) can never both run the same wave.

- instant: wave k offers the mission to eligible helpers within MATCHING_WAVES_KM[k]
  (default 3, 6, 10 km), every MATCHING_WAVE_SECONDS (600); after the last wave, escalate.
  The first wave runs the moment the mission opens (posting of free help, card
  authorization, a helper giving it back), in that transaction. The wave's radius is kept
  in `reach_km`: only eligible helpers within it may see and accept the mission
  (`modes.accept_refusal`, and the 'missions near me' search), so a wider wave really
  is what lets farther helpers take it;
- choose: one invitation to the nearest eligible helpers, escalate after
  MATCHING_CHOOSE_ESCALATE_SECONDS if the client has picked nobody;
- operator: straight to the operator queue.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, update

from marketplace.accounts.models import HelperProfile
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.i18n import N_
from marketplace.missions import signals as missions_signals
from marketplace.missions.lifecycle import MatchingMode, MissionStatus
from marketplace.missions.matching import eligibility
from marketplace.missions.matching.models import MissionMatching, MissionOffer
from marketplace.missions.models import Mission

INVITATIONS = 20


def waves_km() -> list[float]:
    return [float(km) for km in str(current_app.config["MATCHING_WAVES_KM"]).split(",")]


def start_matching(mission: Mission, mode: MatchingMode) -> MissionMatching:
    """Record how the mission finds its helper; its first step is due now (same transaction)."""
    state = MissionMatching(mission_id=mission.id, mode=mode, wave=0, next_wave_at=utcnow())
    db.session.add(state)
    db.session.flush()
    open_first_wave(mission)
    return state


def restart_matching(mission: Mission) -> None:
    """A helper withdrew: look again from the first wave, run at once (caller commits)."""
    state = db.session.get(MissionMatching, mission.id)
    if state is None:
        return
    state.wave, state.reach_km, state.next_wave_at = 0, None, utcnow()
    state.escalated_at = state.escalation_reason = None
    db.session.flush()
    open_first_wave(mission)


def open_first_wave(mission: Mission) -> None:
    """An instant mission that just opened is offered to its first wave now, so the
    nearest helpers can accept at once rather than after the next sweep (caller commits)."""
    state = db.session.get(MissionMatching, mission.id)
    if (state is None or state.mode != MatchingMode.INSTANT or state.wave != 0
            or mission.status != MissionStatus.OPEN):
        return
    now = utcnow()
    if _claim(state, now, rollback=False):
        _step(mission, state, now)


def advance(mission_id: int, now: datetime | None = None) -> str:
    """Run the mission's next matching step if it is due; say what happened."""
    now = now or utcnow()
    state = db.session.get(MissionMatching, mission_id)
    mission = db.session.get(Mission, mission_id)
    if state is None or mission is None or state.next_wave_at is None:
        return "nothing to do"
    if mission.status != MissionStatus.OPEN or state.next_wave_at > now:
        return "not due"
    if not _claim(state, now):
        return "taken by another run"
    outcome = _step(mission, state, now)
    db.session.commit()
    return outcome


def _claim(state: MissionMatching, now: datetime, rollback: bool = True) -> bool:
    """Move to the next step only if nobody else did meanwhile (`rollback`: our own
    transaction, else the caller's, which must survive a lost claim)."""
    result = cast("CursorResult[Any]", db.session.execute(
        update(MissionMatching).where(MissionMatching.mission_id == state.mission_id,
                                      MissionMatching.wave == state.wave)
        .values(wave=state.wave + 1).execution_options(synchronize_session="fetch")))
    if result.rowcount != 1:
        if rollback:
            db.session.rollback()
        return False
    return True


def _step(mission: Mission, state: MissionMatching, now: datetime) -> str:
    cfg = current_app.config
    if state.mode == MatchingMode.OPERATOR:
        return _escalate(state, N_("Operator matching requested."))
    waves = waves_km()
    if state.mode == MatchingMode.INSTANT and state.wave <= len(waves):
        state.reach_km = waves[state.wave - 1]
        offered = _offer(mission, state.wave, state.reach_km)
        state.next_wave_at = now + timedelta(seconds=cfg["MATCHING_WAVE_SECONDS"])
        return f"wave {state.wave}: {offered} helpers within {waves[state.wave - 1]:g} km"
    if state.mode == MatchingMode.CHOOSE and state.wave == 1:
        offered = _offer(mission, 1, None)
        state.next_wave_at = now + timedelta(seconds=cfg["MATCHING_CHOOSE_ESCALATE_SECONDS"])
        return f"invited {offered} helpers"
    return _escalate(state, N_("Nobody took the mission in time."))


def _offer(mission: Mission, wave: int, within_km: float | None) -> int:
    """Offer the mission to eligible helpers not offered it yet (within_km: wave radius)."""
    rows = eligibility.eligible_helpers(mission, limit=INVITATIONS * wave, within_km=within_km)
    already = set(db.session.execute(db.select(MissionOffer.helper_id).where(
        MissionOffer.mission_id == mission.id)).scalars())
    users: dict[int, int] = {pid: uid for pid, uid in db.session.execute(
        db.select(HelperProfile.id, HelperProfile.user_id).where(
            HelperProfile.id.in_([pid for pid, _ in rows])))} if rows else {}
    fresh = [(users[pid], km) for pid, km in rows if users[pid] not in already]
    db.session.add_all(MissionOffer(mission_id=mission.id, helper_id=uid, wave=wave,
                                    distance_km=km) for uid, km in fresh)
    missions_signals.new_missions_nearby.send(mission, helper_ids_km=fresh)
    return len(fresh)


def _escalate(state: MissionMatching, reason: str) -> str:
    state.escalated_at, state.escalation_reason, state.next_wave_at = utcnow(), reason, None
    return f"escalated: {reason}"


def due_missions(now: datetime | None = None) -> list[int]:
    """Open missions whose next matching step is due (the sweeper's work list)."""
    return list(db.session.execute(
        db.select(MissionMatching.mission_id)
        .join(Mission, Mission.id == MissionMatching.mission_id)
        .where(MissionMatching.next_wave_at <= (now or utcnow()),
               Mission.status == MissionStatus.OPEN)
        .order_by(MissionMatching.next_wave_at).limit(500)).scalars())


def operator_queue() -> list[tuple[Mission, MissionMatching]]:
    """Escalated missions still open, oldest first, for the operators."""
    rows = db.session.execute(
        db.select(Mission, MissionMatching).join(MissionMatching,
                                                 MissionMatching.mission_id == Mission.id)
        .where(MissionMatching.escalated_at.is_not(None), Mission.status == MissionStatus.OPEN)
        .order_by(MissionMatching.escalated_at)).all()
    return [(mission, state) for mission, state in rows]
