"""Operators' view of notifications that could not be delivered, and the retry button."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from marketplace.core import pagination
from marketplace.core.auth import role_required
from marketplace.core.routing import Routes
from marketplace.missions.forms import ConfirmForm
from marketplace.notifications import services

routes = Routes()


@routes.route("/notifications/failed")
@role_required("operator")
def failed_notifications() -> str:
    page = services.failed_deliveries_page(pagination.start_arg())
    return render_template("operators/failed_notifications.html",
                           page=page, deliveries=page.items, form=ConfirmForm())


@routes.route("/notifications/<int:delivery_id>/retry", methods=["POST"])
@role_required("operator")
def retry_notification(delivery_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.retry_delivery(delivery_id)
    flash(_("Sent to the queue again."), "success")
    return redirect(url_for("operators.failed_notifications"))
