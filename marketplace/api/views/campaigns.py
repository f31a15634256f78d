"""Group purchases for a neighbour: campaigns near home, one campaign, join (the card on a
hosted page), change the quantity, withdraw (free until closing), my orders. The same flows
as the site's pages; the same privacy (commune and a rounded distance until one joins)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from marketplace.accounts.models import User
from marketplace.api import auth, pagination, places, returns
from marketplace.api.group_schemas import (
    CampaignDetailSchema,
    CampaignPageSchema,
    JoinSchema,
    NearCampaignsArgs,
    OrderPageSchema,
    OrderSchema,
    OrderStepSchema,
)
from marketplace.api.problems import NO_TOKEN, PROBLEM
from marketplace.api.schemas import CursorArgs, money
from marketplace.core.db import db
from marketplace.core.errors import NotFound
from marketplace.flows.group_purchases import joining
from marketplace.groupbuy import services, tiers
from marketplace.groupbuy.lifecycle import CHARGED, RESERVING, OrderStatus
from marketplace.groupbuy.models import Order
from marketplace.places.privacy import rounded_km

blp = Blueprint("api_campaigns", __name__, url_prefix="/api/v1",
                description="Group purchases: buy together from a seller nearby.")
NOT_FOUND = "No such campaign"
NO_ORDER = "No such order, or not yours"
NEAR_LIMIT = 100  # the nearest hundred open campaigns, paged by the cursor


def _campaign(found: services.CampaignSummary) -> dict[str, Any]:
    c = found.campaign
    return {"id": c.id, "title": c.title, "status": c.status.value,
            "seller": c.seller.full_name,
            "unit_price": money(c.final_unit_price_cents or found.unit_price_cents, c.currency),
            "total_quantity": found.total_quantity, "minimum_quantity": c.minimum_quantity,
            "remaining_stock": found.remaining_stock, "closes_at": c.closes_at,
            "city": c.city,
            "distance_km": rounded_km(found.distance_km) if found.distance_km is not None
            else None}


def _order(order: Order) -> dict[str, Any]:
    campaign = order.campaign
    held = order.status in (OrderStatus.ACTIVE, OrderStatus.PAYMENT_NEEDED)
    charged = order.charged_cents if order.status in CHARGED else None
    return {"id": order.id, "campaign_id": order.campaign_id, "quantity": order.quantity,
            "status": order.status.value,
            "authorized": money(order.quantity * campaign.highest_price_cents, campaign.currency)
            if held else None,
            "charged": money(charged, campaign.currency) if charged is not None else None}


def _own_order(user: User, order_id: int) -> Order:
    """The caller's own order; another neighbour's is 404, as one that does not exist."""
    order = db.session.get(Order, order_id)
    if order is None or order.user_id != user.id:
        raise NotFound(NO_ORDER)
    return order


def _urls(body: dict[str, Any]) -> tuple[str, str]:
    back = returns.checked(body["return_url"])
    cancel = returns.checked(body.get("cancel_url") or back, "cancel_url")
    joiner = "&" if "?" in back else "?"
    return f"{back}{joiner}session_id={{CHECKOUT_SESSION_ID}}", cancel


@blp.route("/campaigns", methods=["GET"])
@blp.arguments(NearCampaignsArgs, location="query")
@blp.response(200, CampaignPageSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(422, **PROBLEM, description="Address not found, or a bad cursor")
@blp.doc(operationId="listCampaignsNearMe")
def near_me(args: dict[str, Any]) -> dict[str, Any]:
    """Open campaigns whose reach covers my home, nearest first (commune and distance)."""
    user = auth.caller()
    home = places.resolve(args["address"], args.get("place"), "address")
    start = pagination.decode(args.get("cursor")) or 0
    if not isinstance(start, int) or not 0 <= start <= NEAR_LIMIT:
        raise pagination.not_ours()
    found = services.campaigns_near(home.lat, home.lon, limit=NEAR_LIMIT, viewer=user)
    page = found[start:start + args["limit"]]
    more = start + args["limit"] < len(found)
    return {"items": [_campaign(f) for f in page],
            "next_cursor": pagination.encode(start + args["limit"]) if more else None}


@blp.route("/campaigns/<int:campaign_id>", methods=["GET"])
@blp.response(200, CampaignDetailSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
@blp.doc(operationId="getCampaign")
def get_campaign(campaign_id: int) -> dict[str, Any]:
    """A campaign: tiers (the one reached now marked), progress, pickup, my order."""
    user = auth.caller()
    campaign = services.get_campaign(campaign_id)
    if campaign is None:
        raise NotFound(NOT_FOUND)
    found = services.summary(campaign, user)
    mine = [o for o in services.orders_of_campaign(campaign, (*RESERVING, *CHARGED))
            if o.user_id == user.id]
    order = mine[-1] if mine else None
    current = tiers.tier_at(found.tiers, found.total_quantity)
    shown = order is not None or campaign.seller_id == user.id or user.is_operator
    return {**_campaign(found), "description": campaign.description,
            "tiers": [{"from_quantity": t.from_quantity,
                       "unit_price": money(t.unit_price_cents, campaign.currency),
                       "current": t == current} for t in found.tiers],
            "pickup_address": campaign.address if shown else None,
            "pickup_starts_at": campaign.pickup_starts_at,
            "pickup_ends_at": campaign.pickup_ends_at,
            "my_order": _order(order) if order else None}


@blp.route("/campaigns/<int:campaign_id>/orders", methods=["POST"])
@blp.arguments(JoinSchema)
@blp.response(201, OrderStepSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NOT_FOUND)
@blp.alt_response(409, **PROBLEM, description="Closed, sold out, or already joined")
@blp.alt_response(422, **PROBLEM, description="Invalid quantity or return URL")
@blp.doc(operationId="joinCampaign")
def join(body: dict[str, Any], campaign_id: int) -> dict[str, Any]:
    """Join with a quantity; open `url` to authorize the card for quantity times the
    highest price (you pay the final tier's price at closing, or nothing if called off)."""
    user = auth.caller()
    if services.get_campaign(campaign_id) is None:
        raise NotFound(NOT_FOUND)
    step = joining.join(campaign_id, user, body["quantity"], *_urls(body))
    return {"order": _order(step.order), "url": step.url}


@blp.route("/group-orders", methods=["GET"])
@blp.arguments(CursorArgs, location="query")
@blp.response(200, OrderPageSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(422, **PROBLEM, description="A bad cursor")
@blp.doc(operationId="listMyGroupOrders")
def my_orders(args: dict[str, Any]) -> dict[str, Any]:
    """My group-purchase orders, newest first."""
    user = auth.caller()
    before = pagination.decode_id(args.get("cursor"))
    found = [o for o in services.orders_of_user(user, limit=500)
             if before is None or o.id < before][:args["limit"] + 1]
    page = found[:args["limit"]]
    return {"items": [_order(o) for o in page],
            "next_cursor": pagination.encode(page[-1].id) if len(found) > len(page) else None}


@blp.route("/group-orders/<int:order_id>/quantity", methods=["POST"])
@blp.arguments(JoinSchema)
@blp.response(200, OrderStepSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NO_ORDER)
@blp.alt_response(409, **PROBLEM, description="Closed, or not enough stock")
@blp.alt_response(422, **PROBLEM, description="Invalid quantity or return URL")
@blp.doc(operationId="changeGroupOrder")
def change(body: dict[str, Any], order_id: int) -> dict[str, Any]:
    """Change my quantity until closing (more units on a held card: `url` for the extra)."""
    user = auth.caller()
    order = _own_order(user, order_id)
    step = joining.change_quantity(order.id, user, body["quantity"], *_urls(body))
    return {"order": _order(step.order), "url": step.url}


@blp.route("/group-orders/<int:order_id>/withdraw", methods=["POST"])
@blp.response(200, OrderSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description=NO_ORDER)
@blp.alt_response(409, **PROBLEM, description="Closed: orders can no longer change")
@blp.doc(operationId="withdrawGroupOrder")
def withdraw(order_id: int) -> dict[str, Any]:
    """Leave the campaign, free of charge until closing (the card hold is released)."""
    user = auth.caller()
    return _order(joining.withdraw(_own_order(user, order_id).id, user))
