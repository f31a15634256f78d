"""The notifications' part of RGPD requests (they subscribe: nothing below imports us)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.notifications.models import (
    Notification,
    NotificationDelivery,
    NotificationSettings,
)


def export_section(user: User) -> dict[str, Any]:
    """The person's notifications and settings, for their data archive."""
    notes = db.session.execute(db.select(Notification).where(Notification.user_id == user.id)
                               .order_by(Notification.id)).scalars()
    settings = db.session.execute(db.select(NotificationSettings).where(
        NotificationSettings.user_id == user.id)).scalar_one_or_none()
    return {
        "notifications": [{"event": n.event, "title": n.title, "body": n.body,
                           "at": n.created_at.isoformat() if n.created_at else None}
                          for n in notes],
        "notification_settings": None if settings is None else {
            "locale": settings.locale, "email": settings.email_enabled,
            "sms": settings.sms_enabled},
    }


def erase(user: User) -> None:
    """Delete the person's notifications, deliveries and settings (caller commits)."""
    ids = db.select(Notification.id).where(Notification.user_id == user.id)
    db.session.execute(delete(NotificationDelivery).where(
        NotificationDelivery.notification_id.in_(ids)))
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(delete(NotificationSettings).where(
        NotificationSettings.user_id == user.id))
