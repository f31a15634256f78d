"""The client's tip to the helper of a confirmed mission (card on file, or a checkout)."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.core.auth import role_required
from marketplace.core.errors import DomainError
from marketplace.core.routing import Routes
from marketplace.flows import tips as tips_flow
from marketplace.operators.hotline_forms import TipForm
from marketplace.payments.status import TipStatus

routes = Routes()
_SESSION_ID_RE = re.compile(r"cs_[A-Za-z0-9_]{1,250}")


@routes.route("/missions/<int:mission_id>/tip", methods=["POST"])
@role_required("client")
def add_tip(mission_id: int) -> Response:
    form = TipForm()
    back = url_for("missions.detail", mission_id=mission_id)
    if not form.validate_on_submit():
        for error in form.amount.errors or [_("The form expired; please submit it again.")]:
            flash(str(error), "error")
        return redirect(back)
    done = url_for("payments.tip_return", mission_id=mission_id, _external=True)
    try:
        started = tips_flow.add_tip(mission_id, current_user, form.amount.cents or 0,
                                    success_url=done + "?session_id={CHECKOUT_SESSION_ID}",
                                    cancel_url=url_for("missions.detail", mission_id=mission_id,
                                                       _external=True))
    except DomainError as exc:
        if exc.status_code == 404:
            abort(404)
        flash(str(exc), "error")
        return redirect(back)
    if started.redirect_url:
        return redirect(started.redirect_url, code=303)
    _flash_state(started.tip.status, started.tip.failure_message)
    return redirect(back)


@routes.route("/missions/<int:mission_id>/tip/return")
@role_required("client")
def tip_return(mission_id: int) -> Response:
    session_id = request.args.get("session_id", "")
    if not _SESSION_ID_RE.fullmatch(session_id):
        abort(404)
    tip = tips_flow.tip_returned(mission_id, current_user, session_id)
    if tip is None:
        abort(404)
    _flash_state(tip.status, tip.failure_message)
    return redirect(url_for("missions.detail", mission_id=mission_id))


def _flash_state(status: TipStatus, failure: str | None) -> None:
    if status in (TipStatus.CAPTURED, TipStatus.PAID):
        flash(_("Thank you! Your tip goes in full to your helper."), "success")
    elif status == TipStatus.FAILED:
        flash(_("The tip was not charged: %(reason)s", reason=failure or ""), "error")
    else:
        flash(_("We are waiting for the confirmation of your payment."), "info")
