"""Create notifications inside the caller's transaction, and read them back for people."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, Integer, Select, String, bindparam, func, update
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import ColumnElement

from marketplace.accounts.models import User
from marketplace.core import outbox, pagination
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import DomainError, NotFound
from marketplace.core.i18n import DEFAULT_LOCALE, LOCALES
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.notifications.catalog import render
from marketplace.notifications.models import (
    Channel,
    DeliveryStatus,
    Notification,
    NotificationDelivery,
    NotificationSettings,
    PushDevice,
    delivery_transition,
)

# Account messages sent by email only, to the address in the context under EMAIL_TO when
# there is one (a new address to verify, the old one told of a change), and never listed
# in the app: a session alone must not open a link meant for a mailbox.
EMAIL_TO = "email_to"
EMAIL_ONLY_EVENTS = frozenset({"password_reset", "email_change", "email_changed"})


def settings_for(user_id: int) -> NotificationSettings:
    """The person's settings, with defaults (French, email on, SMS off) until they choose."""
    found = db.session.execute(
        db.select(NotificationSettings).where(NotificationSettings.user_id == user_id)
    ).scalar_one_or_none()
    return found or _default_settings(user_id)


def recipient_locale(user: User) -> str:
    """The language a person's notifications speak: their setting, else French."""
    return user.locale if user.locale in LOCALES else DEFAULT_LOCALE


def _default_settings(user_id: int) -> NotificationSettings:
    return NotificationSettings(user_id=user_id, locale="fr", email_enabled=True,
                                sms_enabled=False)


def notify(user: User, event: str, context: dict[str, Any], *, key: str,
           link: str | None = None, known_reach: Sequence[Any] | None = None
           ) -> Notification | None:
    """Queue `event` for `user` in the current transaction; None if `key` was used already.

    Nothing is flushed unless a delivery needs its id for the outbox: the caller's commit
    writes the notification with the state change, in one round of statements. A caller
    that read `reach_of(user, key)` with its own row passes the values as `known_reach`."""
    with db.session.no_autoflush:
        reach = _reach_unless_sent(user.id, key, known_reach)
    if reach is None:  # the same cause, replayed: it was notified already
        return None
    locale = recipient_locale(user)
    title, body, shown = render(event, context, locale)
    notification = Notification(
        user_id=user.id, event=event, dedupe_key=key, link=link, title=title, body=body,
        context_json=json.dumps({**shown, "locale": locale}, default=str))
    channels = _channels(user, reach, email_only=event in EMAIL_ONLY_EVENTS)
    notification.deliveries = [NotificationDelivery(channel=c) for c in channels]
    db.session.add(notification)
    if notification.deliveries:
        db.session.flush()
        for delivery in notification.deliveries:
            outbox.enqueue("notifications.deliver", delivery.id)
    return notification


@dataclass(frozen=True)
class _Reach:
    """How a person may be reached: their channel settings (the defaults until they choose)
    and whether they registered a phone for pushes."""

    email: bool
    sms: bool
    push: bool


def _reach_unless_sent(user_id: int, key: str, known: Sequence[Any] | None) -> _Reach | None:
    """How to reach the person, or None when `key` was notified already (pending in this
    transaction included): one query, or none when the caller read it. Callers notify
    after winning a guarded state change, so check-then-insert suffices; the unique key is
    the backstop."""
    if any(isinstance(obj, Notification) and obj.dedupe_key == key for obj in db.session.new):
        return None
    email, sms, already, push = known if known is not None else db.session.execute(
        _reach_statement(), {"reach_user_id": user_id, "reach_key": key}).one()
    if already:
        return None
    if email is None:  # no settings row: they have not chosen yet
        default = _default_settings(user_id)
        email, sms = default.email_enabled, default.sms_enabled
    return _Reach(bool(email), bool(sms), bool(push))


def reach_of(user_id: ColumnElement[int] | QueryableAttribute[int], key: ColumnElement[str]
             ) -> tuple[ColumnElement[Any], ...]:
    """What `notify` reads to reach a person, as expressions: their email and SMS settings
    (NULL until they choose), whether `key` was notified already, whether they registered a
    phone for pushes. Correlated to an outer row, they let a caller that reads that row
    anyway (a payout being released) read them in the same statement."""
    def setting(column: Any) -> ColumnElement[Any]:
        return (db.select(column).where(NotificationSettings.user_id == user_id)
                .scalar_subquery())

    return (setting(NotificationSettings.email_enabled),
            setting(NotificationSettings.sms_enabled),
            db.select(Notification.id).where(Notification.dedupe_key == key).exists(),
            db.select(PushDevice.id).where(PushDevice.user_id == user_id).exists())


@functools.cache
def _reach_statement() -> Select[Any]:
    """Built once (columns, not an entity: nothing to keep in the session): building the
    statement cost as much as running it."""
    return db.select(*reach_of(bindparam("reach_user_id", type_=Integer()),
                               bindparam("reach_key", type_=String())))


def _channels(user: User, reach: _Reach, *, email_only: bool = False) -> list[Channel]:
    if user.deleted_at is not None:
        return []
    if email_only:
        return [Channel.EMAIL]
    channels = []
    # A phone caller booked without an email has a placeholder address (*.invalid, which
    # no server accepts): they are reached by SMS instead.
    deliverable = bool(user.email) and not user.email.endswith(".invalid")
    if reach.email and deliverable:
        channels.append(Channel.EMAIL)
    if (reach.sms or not deliverable) and user.phone:
        channels.append(Channel.SMS)
    if reach.push:  # registering a phone is asking for its pushes
        channels.append(Channel.PUSH)
    return channels


def public_url(path: str) -> str:
    """An absolute link for emails and SMS (workers have no request to take a host from)."""
    base: str = current_app.config["PUBLIC_BASE_URL"]
    return base.rstrip("/") + path


def unread_count_of_user() -> ColumnElement[int]:
    """The unread count as a scalar subquery correlated to the user being loaded."""
    return (db.select(func.count(Notification.id))
            .where(Notification.user_id == User.id, Notification.read_at.is_(None))
            .scalar_subquery())


def unread_count(user_id: int) -> int:
    return int(db.session.execute(
        db.select(func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None),
               Notification.event.not_in(EMAIL_ONLY_EVENTS))
    ).scalar_one())


def recent(user_id: int, limit: int = 50, before_id: int | None = None) -> list[Notification]:
    """Newest first; `before_id` continues a list (keyset: any page costs what the first does)."""
    query = db.select(Notification).where(Notification.user_id == user_id,
                                          Notification.event.not_in(EMAIL_ONLY_EVENTS))
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    return list(db.session.execute(
        query.order_by(Notification.id.desc()).limit(limit)).scalars())


def mark_all_read(user_id: int) -> int:
    result = cast("CursorResult[Any]", db.session.execute(
        update(Notification).where(Notification.user_id == user_id,
                                   Notification.read_at.is_(None)).values(read_at=utcnow())))
    db.session.commit()
    return int(result.rowcount or 0)


def save_settings(user_id: int, *, locale: str, email: bool, sms: bool) -> NotificationSettings:
    """The person's channels, and their language (User.locale: pages and notifications)."""
    if locale not in LOCALES:
        raise DomainError(_l("Unknown language."))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such user."))
    settings = settings_for(user_id)
    user.locale = settings.locale = locale
    settings.email_enabled, settings.sms_enabled = email, sms
    db.session.add(settings)
    db.session.commit()
    return settings


def failed_deliveries_page(start: int | None = None,
                           size: int = pagination.PAGE_SIZE) -> pagination.Keyset[Any]:
    """Deliveries that gave up, newest first, one keyset page at a time."""
    return pagination.by_id(
        db.select(NotificationDelivery).where(NotificationDelivery.status == DeliveryStatus.FAILED),
        NotificationDelivery.id, start=start, size=size)


def failed_deliveries(limit: int = 50) -> list[NotificationDelivery]:
    """Deliveries that gave up after their attempt cap, newest first (operators' view)."""
    return list(db.session.execute(
        db.select(NotificationDelivery).where(NotificationDelivery.status == DeliveryStatus.FAILED)
        .order_by(NotificationDelivery.id.desc()).limit(limit)).scalars())


def retry_delivery(delivery_id: int) -> None:
    """An operator sends a failed delivery again (after fixing an address, say)."""
    delivery = db.session.get(NotificationDelivery, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.FAILED:
        raise DomainError(_l("Only a failed delivery can be retried."))
    delivery.status = delivery_transition(delivery.status, DeliveryStatus.PENDING)
    delivery.attempts, delivery.last_error = 0, None
    outbox.enqueue("notifications.deliver", delivery.id)
    db.session.commit()
