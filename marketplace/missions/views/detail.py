"""What the mission page shows, gathered by the view so that the page runs no query.

The page reads the mission and its money together (the payment, the cancellation terms
and record, a pending final price, the helper's take-home), so this read model is built in
the web layer, which may read every domain.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.core.geo import haversine_km
from marketplace.flows import cancellation as cancellation_flow
from marketplace.flows.mission_page import MissionPage
from marketplace.missions.forms import ReviewForm
from marketplace.missions.lifecycle import MatchingMode, MissionStatus
from marketplace.missions.matching import modes
from marketplace.missions.models import Mission
from marketplace.missions.services import cancellation, completion, missions, reviews
from marketplace.missions.views.timeline import timeline
from marketplace.operators.hotline_forms import TipForm
from marketplace.payments.services import fee_rules, tips
from marketplace.places import services as places

PROPOSABLE = (MissionStatus.ASSIGNED, MissionStatus.DONE)


def detail_context(page: MissionPage, viewer: User) -> dict[str, Any]:
    """Every value the mission page and its partials display, for this viewer."""
    mission, state, payment = page.mission, page.state, page.payment
    # Each look-up below runs only in the statuses where its row can exist (a client's
    # cancellation record is written with the move to cancelled; a final price is proposed
    # and answered only while assigned or done): an open mission's page, the one helpers
    # load most, skips them.
    record = cancellation.cancellation_of(mission) \
        if mission.status == MissionStatus.CANCELLED else None
    is_client = mission.client_id == viewer.id
    if viewer.is_helper and not sees_exact_address(mission, viewer):
        accounts.helper_profile_of(viewer)  # profile and skills in one statement, kept
    quiet = timedelta(seconds=current_app.config["AUTO_CONFIRM_SECONDS"])
    return {
        "payment": payment,
        "timeline": timeline(mission, payment),
        "tip": tips.tip_of(mission.id) if mission.status == MissionStatus.COMPLETED else None,
        "tip_form": TipForm(),
        "done_refusal": None if missions.has_started(mission)
        else missions.not_started_reason(mission),
        "my_review": reviews.review_by(viewer.id, mission.id)
        if mission.status == MissionStatus.COMPLETED else None,
        "matching_mode": state.mode if state is not None else MatchingMode.INSTANT,
        "accept_refusal": modes.accept_refusal(mission, viewer, state)
        if viewer.is_helper and mission.status == MissionStatus.OPEN and not is_client
        else None,
        "review_form": ReviewForm(),
        "cancellation_record": record,
        "late_fee_state": cancellation_flow.late_fee_state(mission)
        if record is not None and record.late_fee_cents else None,
        "client_terms": cancellation_flow.terms_for_client(mission) if is_client else None,
        "proposal": completion.pending_proposal(mission.id) if mission.status in PROPOSABLE
        else None,
        "auto_confirm_at": mission.done_at + quiet if mission.done_at else None,
        "helper_terms": fee_rules.terms_for_helper(mission, viewer.id)
        if viewer.is_helper and not is_client and mission.helper_id != viewer.id else None,
        **place_context(mission, viewer),
    }


def sees_exact_address(mission: Mission, viewer: User) -> bool:
    """The client, the assigned helper and operators; everyone else sees the commune."""
    return viewer.is_operator or viewer.id in (mission.client_id, mission.helper_id)


def place_context(mission: Mission, viewer: User) -> dict[str, Any]:
    """The address for those who may see it, else the commune and a rounded distance."""
    if sees_exact_address(mission, viewer):
        return {"exact_address": True, "area": mission.city, "distance_km": None}
    profile = viewer.helper_profile
    return {"exact_address": False,
            "area": places.commune_of(mission.city, mission.lat, mission.lng),
            "distance_km": haversine_km(profile.lat, profile.lng, mission.lat, mission.lng)
            if profile is not None else None}
