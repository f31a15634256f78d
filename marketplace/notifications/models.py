"""A notification is one message to one person; each channel's delivery is tracked apart."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.base import TimestampMixin, str_enum
from marketplace.core.db import Model
from marketplace.core.state import check_transition


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"  # the person's phones (PushDevice), through the push provider


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a worker; a stale claim is retried
    SENT = "sent"
    FAILED = "failed"  # gave up after the attempt cap
    SKIPPED = "skipped"  # no address, or the channel is switched off


T = DeliveryStatus
DELIVERY_TRANSITIONS: dict[DeliveryStatus, frozenset[DeliveryStatus]] = {
    T.PENDING: frozenset({T.SENDING, T.SKIPPED}),
    # SENDING -> SENDING: a claim older than the timeout is taken over by another worker
    T.SENDING: frozenset({T.SENDING, T.SENT, T.PENDING, T.FAILED}),  # PENDING: retry later
    T.FAILED: frozenset({T.PENDING}),  # an operator sends it again
    T.SENT: frozenset(),
    T.SKIPPED: frozenset(),
}


def delivery_transition(current: DeliveryStatus, target: DeliveryStatus) -> DeliveryStatus:
    return check_transition(DELIVERY_TRANSITIONS, current, target)


class Notification(TimestampMixin, Model):
    """The in-app copy; `dedupe_key` makes a replayed cause notify once."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    event: Mapped[str] = mapped_column(String(60))
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(255))
    context_json: Mapped[str] = mapped_column(Text, default="{}")
    read_at: Mapped[datetime | None]

    deliveries: Mapped[list[NotificationDelivery]] = relationship(
        back_populates="notification", cascade="all, delete-orphan")


class NotificationDelivery(TimestampMixin, Model):
    __tablename__ = "notification_deliveries"
    __table_args__ = (UniqueConstraint("notification_id", "channel", name="uq_delivery_channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"), index=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus),
                                                   default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))

    notification: Mapped[Notification] = relationship(back_populates="deliveries")


class NotificationSettings(Model):
    """Per-person choices: language and which channels besides in-app."""

    __tablename__ = "notification_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    locale: Mapped[str] = mapped_column(String(2), default="fr")
    email_enabled: Mapped[bool] = mapped_column(default=True)
    sms_enabled: Mapped[bool] = mapped_column(default=False)


class PushDevice(TimestampMixin, Model):
    """A phone's FCM or APNs registration token (registered through the API): a person
    with one gets their notifications pushed too."""

    __tablename__ = "api_push_devices"
    __table_args__ = (UniqueConstraint("platform", "token", name="uq_api_push_device"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    platform: Mapped[str] = mapped_column(String(10))  # fcm | apns
    token: Mapped[str] = mapped_column(String(4096))
    last_seen_at: Mapped[datetime]
