"""Matching pages: ranked helpers for a mission ('why this helper'), operator assignment."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.core.auth import role_required
from marketplace.core.converters import parse_id
from marketplace.core.routing import Routes
from marketplace.missions.forms import ApplyForm, ConfirmForm
from marketplace.missions.matching import ranking
from marketplace.missions.matching import services as matching

routes = Routes()


@routes.route("/missions/<int:mission_id>/helpers")
@login_required
def helpers(mission_id: int) -> str:
    mission, ranked = matching.ranked_helpers(current_user, mission_id)
    return render_template("missions/helpers.html", mission=mission, ranked=ranked,
                           explanation=ranking.EXPLANATION, form=ConfirmForm())


def _chosen_helper_id() -> int:
    """The helper picked on a list of helpers (assign, choose): a valid id, else 400."""
    helper_id = parse_id(request.form.get("helper_id"))
    if not ConfirmForm().validate_on_submit() or helper_id is None:
        abort(400)
    return helper_id


@routes.route("/missions/<int:mission_id>/assign", methods=["POST"])
@role_required("operator")
def assign(mission_id: int) -> Response:
    helper_id = _chosen_helper_id()
    mission = matching.operator_assign(current_user, mission_id, helper_id)
    flash(_("Assigned to %(name)s.", name=mission.helper.full_name) if mission.helper
          else _("Assigned to the helper."), "success")
    return redirect(url_for("missions.detail", mission_id=mission_id))


@routes.route("/missions/<int:mission_id>/apply", methods=["POST"])
@role_required("helper")
def apply(mission_id: int) -> Response:
    form = ApplyForm()
    if not form.validate_on_submit():
        flash(_("Write a message of 1 to 1000 characters to apply."), "error")
        return redirect(url_for("missions.near_me"))
    matching.apply(current_user, mission_id, form.message.data or "")
    flash(_("Applied: the client will choose."), "success")
    return redirect(url_for("missions.near_me"))


@routes.route("/missions/<int:mission_id>/applicants")
@login_required
def applicants(mission_id: int) -> str:
    mission, found = matching.applicants(current_user, mission_id)
    return render_template("missions/applicants.html", mission=mission, applicants=found,
                           explanation=ranking.EXPLANATION, form=ConfirmForm())


@routes.route("/missions/<int:mission_id>/choose", methods=["POST"])
@login_required
def choose(mission_id: int) -> Response:
    helper_id = _chosen_helper_id()
    matching.choose(current_user, mission_id, helper_id)
    flash(_("Helper chosen: you can now talk with them."), "success")
    return redirect(url_for("missions.detail", mission_id=mission_id))
