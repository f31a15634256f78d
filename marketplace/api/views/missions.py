"""The client's side of a mission: post, list, read, pay, cancel, confirm or dispute, choose
a helper, answer a final price; and, for both people, messages and reviews."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_smorest import Blueprint

from marketplace.accounts.models import User
from marketplace.api import auth, pagination, places, present, returns
from marketplace.api.problems import NO_TOKEN, PROBLEM, ApiProblem
from marketplace.api.schemas import (
    ApplicantListSchema,
    CancellationQuoteSchema,
    CheckoutArgs,
    CheckoutSyncArgs,
    ChooseSchema,
    DisputeSchema,
    FinalPriceAnswerSchema,
    MessageCreateSchema,
    MessagePageSchema,
    MessageSchema,
    MissionCreateSchema,
    MissionDetailSchema,
    MissionListArgs,
    MissionPageSchema,
    PlaceSuggestionArgs,
    PlaceSuggestionsSchema,
    ReasonSchema,
    ReviewCreateSchema,
    ReviewPageSchema,
    ReviewSchema,
    UrlSchema,
    money,
)
from marketplace.core.errors import NotFound
from marketplace.flows import booking
from marketplace.flows import cancellation as cancellation_flow
from marketplace.flows import completion as completion_flow
from marketplace.missions.lifecycle import Channel, MatchingMode, MissionStatus
from marketplace.missions.matching import modes
from marketplace.missions.matching import services as matching
from marketplace.missions.models import Message, Mission, Review
from marketplace.missions.services import completion, messaging, reviews
from marketplace.missions.services import missions as missions_service
from marketplace.missions.services.cancellation import CLIENT_CANCELLABLE
from marketplace.missions.services.missions import MissionDraft
from marketplace.payments.services import checkout, disputes
from marketplace.places import services as places_service
from marketplace.places.privacy import rounded_km

blp = Blueprint("api_missions", __name__, url_prefix="/api/v1",
                description="Missions, as their client (and their messages and reviews).")
NOT_FOUND = "No such mission, or not yours"


def detail(mission: Mission, viewer: User) -> dict[str, Any]:
    return present.detail(mission, viewer, modes.mode_of(mission.id))


def _own(user: User, mission_id: int) -> Mission:
    """The caller's own mission as its client (404 for anyone else's)."""
    mission = missions_service.get_visible_mission(user, mission_id)
    if mission.client_id != user.id:
        raise NotFound("No such mission.")
    return mission


def _mission_link(operation_id: str) -> dict[str, Any]:
    return {"operationId": operation_id, "parameters": {"mission_id": "$response.body#/id"}}


# What a client does next with the mission just posted (OpenAPI links: Schemathesis
# follows them in its stateful run, client generators turn them into methods).
CREATED_LINKS = {name: _mission_link(op) for name, op in (
    ("GetMission", "getMission"), ("CreateCheckout", "createCheckout"),
    ("CancellationQuote", "getCancellationQuote"), ("CancelMission", "cancelMission"),
    ("ListMessages", "listMessages"))}


@blp.route("/missions", methods=["POST"])
@blp.arguments(MissionCreateSchema)
@blp.response(201, MissionDetailSchema)
@blp.doc(operationId="createMission", responses={201: {"links": CREATED_LINKS}})
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(422, **PROBLEM, description="Invalid mission")
def create_mission(body: dict[str, Any]) -> dict[str, Any]:
    """Post a mission (channel `api`); a paid one then needs its card: see checkout."""
    user = auth.caller()
    price = body["price"]
    if price["currency"] != current_app.config["CURRENCY"]:
        raise ApiProblem(422, "unsupported_currency", _("Prices are in euros (eur)."),
                         errors={"price": {"currency": [_("Use eur.")]}})
    draft = MissionDraft(
        category=body["category"], title=body["title"], description=body["description"],
        starts_at=body["starts_at"], ends_at=body["ends_at"], price_cents=price["amount"],
        matching_mode=MatchingMode(body["matching_mode"]), **places.locate(body))
    return detail(booking.post_mission(user, draft, Channel.API), user)


@blp.route("/places/suggestions", methods=["GET"])
@blp.arguments(PlaceSuggestionArgs, location="query")
@blp.response(200, PlaceSuggestionsSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
def place_suggestions(args: dict[str, Any]) -> dict[str, Any]:
    """Addresses matching the typed text, best first (communes only if the address service
    is down: see `notice`); post the chosen one's `place` with its label."""
    auth.caller()
    lookup = places_service.find(args["q"], limit=args["limit"])
    return {"items": [places.suggestion(p) for p in lookup.places], "notice": lookup.notice}


@blp.route("/missions", methods=["GET"])
@blp.arguments(MissionListArgs, location="query")
@blp.response(200, MissionPageSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
def list_missions(args: dict[str, Any]) -> dict[str, Any]:
    """My missions as client (`role=client`) or as helper (`role=helper`), newest first."""
    user = auth.caller()
    before = pagination.decode_id(args.get("cursor"))
    limit = args["limit"]
    status = MissionStatus(args["status"]) if args.get("status") else None
    found = missions_service.missions_page(user, as_helper=args["role"] == "helper",
                                           status=status, before_id=before, limit=limit + 1)
    page = found[:limit]
    mode_of = modes.modes_of([m.id for m in page])
    return {"items": [present.mission(m, user, mode_of.get(m.id, MatchingMode.INSTANT))
                      for m in page],
            "next_cursor": pagination.encode(page[-1].id) if len(found) > limit else None}


@blp.route("/missions/<int:mission_id>", methods=["GET"])
@blp.response(200, MissionDetailSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
@blp.doc(operationId="getMission")
def get_mission(mission_id: int) -> dict[str, Any]:
    """A mission with its money, payment status and timeline (what the page shows)."""
    user = auth.caller()
    return detail(missions_service.get_visible_mission(user, mission_id), user)


@blp.route("/missions/<int:mission_id>/checkout", methods=["POST"])
@blp.arguments(CheckoutArgs)
@blp.response(201, UrlSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
@blp.alt_response(409, **PROBLEM, description="The card is already authorized")
@blp.alt_response(422, **PROBLEM, description="Return URL not allowed")
@blp.doc(operationId="createCheckout")
def create_checkout(body: dict[str, Any], mission_id: int) -> dict[str, Any]:
    """A hosted page where the client authorizes the card; it sends them back to
    `return_url?session_id=...` (then call checkout/sync, or wait for the status)."""
    user = auth.caller()
    mission = _own(user, mission_id)
    back = returns.checked(body["return_url"])
    cancel = returns.checked(body.get("cancel_url") or back, "cancel_url")
    joiner = "&" if "?" in back else "?"
    return {"url": checkout.checkout_url(
        mission, success_url=f"{back}{joiner}session_id={{CHECKOUT_SESSION_ID}}",
        cancel_url=cancel)}


@blp.route("/missions/<int:mission_id>/checkout/sync", methods=["POST"])
@blp.arguments(CheckoutSyncArgs)
@blp.response(200, MissionDetailSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
def sync_checkout(body: dict[str, Any], mission_id: int) -> dict[str, Any]:
    """Back from the hosted page: read the session's outcome now (the webhook also will)."""
    user = auth.caller()
    mission = _own(user, mission_id)
    payment = checkout.sync_checkout_session(body["session_id"])
    if payment is None or payment.mission_id != mission.id:
        raise NotFound("No such checkout session.")
    return detail(missions_service.get_visible_mission(user, mission_id), user)


@blp.route("/missions/<int:mission_id>/cancellation", methods=["GET"])
@blp.response(200, CancellationQuoteSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
@blp.alt_response(409, **PROBLEM, description="This mission can no longer be cancelled")
@blp.doc(operationId="getCancellationQuote")
def cancellation_quote(mission_id: int) -> dict[str, Any]:
    """What cancelling now would cost me (free, or a late fee)."""
    mission = _own(auth.caller(), mission_id)
    if mission.status not in CLIENT_CANCELLABLE:
        raise ApiProblem(409, "not_cancellable", _("This mission can no longer be cancelled."))
    terms = cancellation_flow.terms_for_client(mission)
    return {"free": terms.free, "late_fee": money(terms.late_fee_cents, mission.currency)}


@blp.route("/missions/<int:mission_id>/cancel", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(200, MissionDetailSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
@blp.alt_response(409, **PROBLEM, description="This mission can no longer be cancelled")
@blp.doc(operationId="cancelMission")
def cancel_mission(body: dict[str, Any], mission_id: int) -> dict[str, Any]:
    """Cancel my mission under the policy of the quote."""
    user = auth.caller()
    cancellation_flow.cancel_by_client(mission_id, user, body["reason"])
    return detail(missions_service.get_visible_mission(user, mission_id), user)


@blp.route("/missions/<int:mission_id>/confirm", methods=["POST"])
@blp.response(200, MissionDetailSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
@blp.alt_response(409, **PROBLEM, description="Not marked done")
def confirm_mission(mission_id: int) -> dict[str, Any]:
    """Confirm the work is done: the card is captured and the helper will be paid."""
    user = auth.caller()
    return detail(completion_flow.confirm_completion(mission_id, user), user)


@blp.route("/missions/<int:mission_id>/dispute", methods=["POST"])
@blp.arguments(DisputeSchema)
@blp.response(200, MissionDetailSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
@blp.alt_response(409, **PROBLEM, description="Not disputable now")
def dispute_mission(body: dict[str, Any], mission_id: int) -> dict[str, Any]:
    """Contest the work instead of confirming it: the payment stays on hold."""
    user = auth.caller()
    disputes.open_by_client(mission_id, user, body["problem"])
    return detail(missions_service.get_visible_mission(user, mission_id), user)


@blp.route("/missions/<int:mission_id>/final-price/answer", methods=["POST"])
@blp.arguments(FinalPriceAnswerSchema)
@blp.response(200, MissionDetailSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
@blp.alt_response(409, **PROBLEM, description="No proposal to answer")
def answer_final_price(body: dict[str, Any], mission_id: int) -> dict[str, Any]:
    """Accept (only the lower total is charged) or decline the helper's final price."""
    user = auth.caller()
    return detail(completion.answer_final_price(mission_id, user, body["accept"]), user)


@blp.route("/missions/<int:mission_id>/applicants", methods=["GET"])
@blp.response(200, ApplicantListSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
def list_applicants(mission_id: int) -> dict[str, Any]:
    """Helpers who applied to my mission, best first."""
    _mission, found = matching.applicants(auth.caller(), mission_id)
    return {"items": [{"helper": present.person(a.offer.helper), "message": a.offer.message,
                       "distance_km": rounded_km(a.offer.distance_km), "score": a.score}
                      for a in found]}


@blp.route("/missions/<int:mission_id>/choose", methods=["POST"])
@blp.arguments(ChooseSchema)
@blp.response(200, MissionDetailSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description="No such mission, or this helper did not apply")
@blp.alt_response(409, **PROBLEM, description="No longer open")
def choose_helper(body: dict[str, Any], mission_id: int) -> dict[str, Any]:
    """Pick one of the applicants."""
    user = auth.caller()
    return detail(matching.choose(user, mission_id, body["helper_id"]), user)


def _message(m: Message) -> dict[str, Any]:
    return {"id": m.id, "author": present.person(m.author), "as_operator": m.as_operator,
            "body": m.body, "created_at": m.created_at}


@blp.route("/missions/<int:mission_id>/messages", methods=["GET"])
@blp.response(200, MessagePageSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
@blp.doc(operationId="listMessages")
def list_messages(mission_id: int) -> dict[str, Any]:
    """The conversation between the client and the helper, oldest first."""
    _mission, found = messaging.thread(auth.caller(), mission_id)
    return {"items": [_message(m) for m in found]}


@blp.route("/missions/<int:mission_id>/messages", methods=["POST"])
@blp.arguments(MessageCreateSchema)
@blp.response(201, MessageSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
def post_message(body: dict[str, Any], mission_id: int) -> dict[str, Any]:
    """Write to the other person of the mission."""
    return _message(messaging.post_message(auth.caller(), mission_id, body["body"]))


def _review(r: Review) -> dict[str, Any]:
    return {"id": r.id, "mission_id": r.mission_id, "author": present.person(r.author),
            "stars": r.stars, "comment": r.comment, "published_at": r.published_at}


@blp.route("/missions/<int:mission_id>/reviews", methods=["POST"])
@blp.arguments(ReviewCreateSchema)
@blp.response(201, ReviewSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(403, **PROBLEM, description="Not completed, or too late")
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
@blp.alt_response(409, **PROBLEM, description="Already reviewed")
def post_review(body: dict[str, Any], mission_id: int) -> dict[str, Any]:
    """Rate the other person of a completed mission (published once both have, or later)."""
    return _review(reviews.submit_review(auth.caller(), mission_id, body["stars"],
                                         body["comment"]))


@blp.route("/users/<int:user_id>/reviews", methods=["GET"])
@blp.response(200, ReviewPageSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
def list_reviews(user_id: int) -> dict[str, Any]:
    """The published reviews about a person."""
    auth.caller()
    return {"items": [_review(r) for r in reviews.reviews_of(user_id)[:100]]}
