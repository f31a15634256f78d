"""The in-app notification centre and per-person channel settings."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    flash,
    has_request_context,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.accounts import sessions
from marketplace.core.i18n import current_locale
from marketplace.core.routing import Routes
from marketplace.missions.forms import ConfirmForm
from marketplace.notifications import services
from marketplace.notifications.forms import SettingsForm

routes = Routes()


def unread_notifications() -> dict[str, Any]:
    """The unread count in the navigation bar: fetched with the signed-in user (no statement
    of its own), counted again only if the request committed since."""
    if has_request_context() and current_user.is_authenticated:
        folded = sessions.loaded_with_user("unread_notifications")
        return {"unread_notifications": services.unread_count(current_user.id)
                if folded is None else int(folded)}
    return {"unread_notifications": 0}


@routes.route("/notifications")
@login_required
def centre() -> str:
    return render_template("notifications/centre.html",
                           notifications=services.recent(current_user.id), form=ConfirmForm())


@routes.route("/notifications/read", methods=["POST"])
@login_required
def mark_read() -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.mark_all_read(current_user.id)
    return redirect(url_for("notifications.centre"))


@routes.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings() -> str | Response:
    current = services.settings_for(current_user.id)
    form = SettingsForm(obj=current)
    if not form.is_submitted():  # the language is the person's (User.locale), else the page's
        form.locale.data = current_user.locale or current_locale()
    if form.validate_on_submit():
        services.save_settings(current_user.id, locale=form.locale.data or "fr",
                               email=form.email_enabled.data, sms=form.sms_enabled.data)
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form)

