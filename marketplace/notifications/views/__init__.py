"""Notification pages: the centre, settings, operators' failed deliveries, and the
development mailbox."""

from __future__ import annotations

from flask import Blueprint

from marketplace.accounts import sessions
from marketplace.notifications import services
from marketplace.notifications.views import mailbox, pages

bp = Blueprint("notifications", __name__, template_folder="../templates")
pages.routes.register(bp)
mailbox.routes.register(bp)
bp.app_context_processor(pages.unread_notifications)
sessions.load_with_user("unread_notifications", services.unread_count_of_user)
