"""Notification pages: the centre, settings, operators' failed deliveries."""

from __future__ import annotations

from flask import Blueprint

from marketplace.notifications.views import pages

bp = Blueprint("notifications", __name__, template_folder="../templates")
pages.routes.register(bp)
bp.app_context_processor(pages.unread_notifications)
