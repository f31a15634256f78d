"""Push devices: the FCM / APNs registration tokens of a person's phones."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.models import User
from marketplace.api.problems import ApiProblem
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import NotFound
from marketplace.notifications.models import PushDevice

MAX_DEVICES = 20


def register(user: User, platform: str, token: str) -> PushDevice:
    """Register (or take over: a phone changes hands) one device token for `user`."""
    device = db.session.execute(db.select(PushDevice).where(
        PushDevice.platform == platform, PushDevice.token == token)).scalar_one_or_none()
    if device is None:
        count = db.session.execute(db.select(db.func.count(PushDevice.id)).where(
            PushDevice.user_id == user.id)).scalar_one()
        if count >= MAX_DEVICES:
            raise ApiProblem(409, "too_many_devices",
                             _("Too many devices: remove one first."))
        device = PushDevice(user_id=user.id, platform=platform, token=token,
                            last_seen_at=utcnow())
        db.session.add(device)
    device.user_id, device.last_seen_at = user.id, utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # registered concurrently: the same row, whoever won
        db.session.rollback()
        return register(user, platform, token)
    return device


def devices_of(user_id: int) -> list[PushDevice]:
    return list(db.session.execute(db.select(PushDevice).where(
        PushDevice.user_id == user_id).order_by(PushDevice.id)).scalars())


def unregister(user: User, device_id: int) -> None:
    device = db.session.get(PushDevice, device_id)
    if device is None or device.user_id != user.id:
        raise NotFound("No such device.")
    db.session.delete(device)
    db.session.commit()
