"""Notifications (list, mark read) and push device registration."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields, validate

from marketplace.api import auth, pagination, push
from marketplace.api.problems import NO_TOKEN, PROBLEM
from marketplace.api.schemas import (
    CursorArgs,
    MarkedSchema,
    NotificationPageSchema,
    PushDeviceCreateSchema,
    PushDeviceSchema,
)
from marketplace.notifications import services as notifications

blp = Blueprint("api_inbox", __name__, url_prefix="/api/v1",
                description="Notifications and push devices.")


class NotificationListArgs(CursorArgs):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))


@blp.route("/notifications", methods=["GET"])
@blp.arguments(NotificationListArgs, location="query")
@blp.response(200, NotificationPageSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(422, **PROBLEM, description="A cursor we did not give")
def list_notifications(args: dict[str, Any]) -> dict[str, Any]:
    """My notifications, newest first, a page at a time (`next_cursor` continues), and how
    many are unread."""
    user = auth.caller()
    before = pagination.decode_id(args.get("cursor"))
    limit = args["limit"]
    found = notifications.recent(user.id, limit=limit + 1, before_id=before)
    page = found[:limit]
    return {"items": [{"id": n.id, "event": n.event, "title": n.title, "body": n.body,
                       "created_at": n.created_at, "read_at": n.read_at} for n in page],
            "unread": notifications.unread_count(user.id),
            "next_cursor": pagination.encode(page[-1].id) if len(found) > limit else None}


@blp.route("/notifications/read", methods=["POST"])
@blp.response(200, MarkedSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
def mark_notifications_read() -> dict[str, Any]:
    """Mark all my notifications read."""
    return {"marked": notifications.mark_all_read(auth.caller().id)}


def _device(d: push.PushDevice) -> dict[str, Any]:
    return {"id": d.id, "platform": d.platform, "created_at": d.created_at}


@blp.route("/push-devices", methods=["POST"])
@blp.arguments(PushDeviceCreateSchema)
@blp.response(201, PushDeviceSchema)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(409, **PROBLEM, description="Too many devices")
def register_push_device(body: dict[str, Any]) -> dict[str, Any]:
    """Register this phone's FCM or APNs token for push notifications."""
    return _device(push.register(auth.caller(), body["platform"], body["token"]))


@blp.route("/push-devices/<int:device_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(401, **PROBLEM, description=NO_TOKEN)
@blp.alt_response(404, **PROBLEM, description="No such device, or not yours")
def delete_push_device(device_id: int) -> None:
    """Stop pushing to this phone."""
    push.unregister(auth.caller(), device_id)
