"""Push notifications go through the existing outbox: a person with a registered phone gets
a push delivery beside email, sent by the delivery worker through the push provider."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from flask import Flask

from marketplace.core.db import db
from marketplace.core.models import OutboxMessage
from marketplace.notifications import senders
from marketplace.notifications.delivery import deliver
from marketplace.notifications.models import (
    Channel,
    DeliveryStatus,
    NotificationDelivery,
    PushDevice,
)
from marketplace.notifications.services import notify
from tests.support.factories import Factories


class RecordingPush:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, platform: str, token: str, title: str, body: str,
             data: Mapping[str, str]) -> None:
        if token.startswith("dead"):
            raise senders.DeadDeviceToken("unregistered")
        self.sent.append((platform, token, title))


@pytest.fixture
def recorder(ctx: Flask) -> Iterator[RecordingPush]:
    previous = ctx.extensions["push_provider"]
    ctx.extensions["push_provider"] = recorder = RecordingPush()
    yield recorder
    ctx.extensions["push_provider"] = previous


def _push_delivery(user_id: int) -> NotificationDelivery:
    return db.session.execute(db.select(NotificationDelivery).where(
        NotificationDelivery.channel == Channel.PUSH)).scalar_one()


def test_a_registered_phone_gets_pushes_through_the_outbox(
        api_as: Any, make: Factories, recorder: RecordingPush) -> None:
    user = make.client()
    api = api_as(user)
    for token in ("fcm-token-0123456789", "dead-token-0123456789"):
        assert api.post("/push-devices", {"platform": "fcm", "token": token}).status_code == 201
    notify(user, "payment_authorized", {"title": "Fix a shelf", "total": "45,00 €"},
           key="test:push:1", link="/missions/1")
    db.session.commit()
    delivery = _push_delivery(user.id)
    jobs = [m.args_json for m in db.session.execute(db.select(OutboxMessage)).scalars()
            if m.task_name == "notifications.deliver"]
    assert any(str(delivery.id) in args for args in jobs)
    assert deliver(delivery.id) == DeliveryStatus.SENT
    assert [(p, t) for p, t, _ in recorder.sent] == [("fcm", "fcm-token-0123456789")]
    tokens = [d.token for d in db.session.execute(db.select(PushDevice)).scalars()]
    assert tokens == ["fcm-token-0123456789"]  # the dead one is forgotten


def test_no_device_no_push(make: Factories, ctx: Flask) -> None:
    user = make.client()
    notify(user, "payment_authorized", {"title": "Fix a shelf", "total": "45,00 €"},
           key="test:push:2")
    db.session.commit()
    channels = {d.channel for d in db.session.execute(db.select(NotificationDelivery)).scalars()}
    assert Channel.PUSH not in channels
