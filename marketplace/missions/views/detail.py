"""What the mission page shows, gathered by the view so that the page runs no query.

The page reads the mission and its money together (the payment, the cancellation terms
and record, a pending final price, the helper's take-home), so this read model is built in
the web layer, which may read every domain.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app

from marketplace.accounts.models import User
from marketplace.core.geo import haversine_km
from marketplace.flows import cancellation as cancellation_flow
from marketplace.missions.forms import ReviewForm
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.matching import modes
from marketplace.missions.models import Mission
from marketplace.missions.services import cancellation, completion
from marketplace.payments.services import checkout, fee_rules
from marketplace.places import services as places


def detail_context(mission: Mission, viewer: User) -> dict[str, Any]:
    """Every value the mission page and its partials display, for this viewer."""
    record = cancellation.cancellation_of(mission)
    is_client = mission.client_id == viewer.id
    quiet = timedelta(seconds=current_app.config["AUTO_CONFIRM_SECONDS"])
    return {
        "payment": checkout.latest_payment(mission),
        "matching_mode": modes.mode_of(mission.id),
        "accept_refusal": modes.accept_refusal(mission, viewer)
        if viewer.is_helper and mission.status == MissionStatus.OPEN and not is_client
        else None,
        "review_form": ReviewForm(),
        "cancellation_record": record,
        "late_fee_state": cancellation_flow.late_fee_state(mission)
        if record is not None and record.late_fee_cents else None,
        "client_terms": cancellation_flow.terms_for_client(mission) if is_client else None,
        "proposal": completion.pending_proposal(mission.id),
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
