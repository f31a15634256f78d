"""The helper's side: missions near me (the page's gating), apply, accept, withdraw, done,
and a lower final price."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_smorest import Blueprint

from marketplace.accounts import services as accounts
from marketplace.api import auth, pagination, present
from marketplace.api.problems import NO_TOKEN, PROBLEM, ApiProblem
from marketplace.api.schemas import (
    ApplySchema,
    CursorArgs,
    FinalPriceSchema,
    MissionDetailSchema,
    NearbyPageSchema,
    ProposalSchema,
    ReasonSchema,
    money,
)
from marketplace.api.views.missions import detail
from marketplace.flows import booking
from marketplace.flows import cancellation as cancellation_flow
from marketplace.missions.matching import nearby
from marketplace.missions.matching import services as matching
from marketplace.missions.services import completion
from marketplace.missions.services import missions as missions_service
from marketplace.places.privacy import rounded_km

blp = Blueprint("api_helping", __name__, url_prefix="/api/v1",
                description="Missions, as a helper.")
NOT_HELPER = "Not a helper"
NOT_FOUND = "No such mission, or not yours"
NEARBY_MAX = 200  # the nearest this many, paged


def _position(cursor: str | None) -> tuple[float, int] | None:
    raw = pagination.decode(cursor)
    if raw is None:
        return None
    if (not isinstance(raw, list) or len(raw) != 2 or not isinstance(raw[0], int | float)
            or not isinstance(raw[1], int)):
        raise pagination.not_ours()
    return float(raw[0]), raw[1]


@blp.route("/helper/nearby-missions", methods=["GET"])
@blp.arguments(CursorArgs, location="query")
@blp.response(200, NearbyPageSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(403, **PROBLEM, description=NOT_HELPER)
@blp.alt_response(409, **PROBLEM, description="No helper profile yet")
def nearby_missions(args: dict[str, Any]) -> dict[str, Any]:
    """Open missions I may take, nearest first (my skills, my radius, the instant waves)."""
    user = auth.helper()
    profile = accounts.helper_profile_of(user)
    if profile is None:
        raise ApiProblem(409, "no_helper_profile",
                         _("Tell us your skills and where you live first."))
    after = _position(args.get("cursor"))
    # The search ranks the nearest NEARBY_MAX (ids and distances only); the cursor picks a
    # page of them and only that page's missions are loaded, with their clients and modes.
    rows = nearby.open_mission_rows(profile, limit=NEARBY_MAX)
    if after is not None:
        rows = [(i, d) for i, d in rows if (round(d, 6), i) > after]
    page = rows[:args["limit"]]
    found = nearby.load_missions_with_modes([i for i, _ in page])
    shown = [(found[i], d) for i, d in page if i in found]
    take_home = present.take_homes([m for (m, _), _ in shown], user)
    items = [{"mission": present.mission(m, user, mode), "distance_km": rounded_km(d),
              "helper_take_home": take_home.get(m.id)
              or money(m.helper_share_cents, m.currency)} for (m, mode), d in shown]
    more = len(rows) > len(page)
    return {"items": items, "next_cursor": pagination.encode(
        [round(page[-1][1], 6), page[-1][0]]) if more and page else None}


@blp.route("/missions/<int:mission_id>/apply", methods=["POST"])
@blp.arguments(ApplySchema)
@blp.response(200, MissionDetailSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(403, **PROBLEM, description="Not eligible")
@blp.alt_response(404, **PROBLEM, description="No such open mission")
@blp.alt_response(409, **PROBLEM, description="Not matched by applications")
def apply_to_mission(body: dict[str, Any], mission_id: int) -> dict[str, Any]:
    """Apply to a mission whose client chooses, with a short message."""
    user = auth.helper()
    matching.apply(user, mission_id, body["message"])
    return detail(missions_service.get_visible_mission(user, mission_id), user)


@blp.route("/missions/<int:mission_id>/accept", methods=["POST"])
@blp.response(200, MissionDetailSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(403, **PROBLEM, description="Not eligible, or not offered to me yet")
@blp.alt_response(404, **PROBLEM, description="No such open mission")
@blp.alt_response(409, **PROBLEM, description="Another helper took it")
def accept_mission(mission_id: int) -> dict[str, Any]:
    """Take an open mission at its booked terms (first eligible helper wins)."""
    user = auth.helper()
    return detail(booking.accept_mission(mission_id, user), user)


@blp.route("/missions/<int:mission_id>/withdraw", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(204)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
@blp.alt_response(409, **PROBLEM, description="Too late to give it back")
def withdraw_from_mission(body: dict[str, Any], mission_id: int) -> None:
    """Give the mission back: it reopens for other helpers."""
    cancellation_flow.cancel_by_helper(mission_id, auth.caller(), body["reason"])


@blp.route("/missions/<int:mission_id>/done", methods=["POST"])
@blp.response(200, MissionDetailSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(403, **PROBLEM, description=NOT_HELPER)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
@blp.alt_response(409, **PROBLEM, description="Not assigned to me now")
def mark_done(mission_id: int) -> dict[str, Any]:
    """Say the work is done: the client confirms (or it confirms itself later)."""
    user = auth.helper()
    return detail(missions_service.mark_done(mission_id, user), user)


@blp.route("/missions/<int:mission_id>/final-price", methods=["POST"])
@blp.arguments(FinalPriceSchema)
@blp.response(201, ProposalSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
@blp.alt_response(409, **PROBLEM, description="A proposal is waiting, or too late")
@blp.alt_response(422, **PROBLEM, description="Not lower than the booked price")
def propose_final_price(body: dict[str, Any], mission_id: int) -> dict[str, Any]:
    """Propose a lower final price (a shorter job); the client accepts or declines."""
    price = body["price"]
    mission = missions_service.get_visible_mission(auth.caller(), mission_id)
    if price["currency"] != mission.currency:
        raise ApiProblem(422, "unsupported_currency", _("Use the mission's currency."),
                         errors={"price": {"currency": [_("Use the mission's currency.")]}})
    proposal = completion.propose_final_price(mission_id, auth.caller(), price["amount"])
    return {"id": proposal.id, "price": money(proposal.price_cents, mission.currency),
            "status": str(proposal.status)}
