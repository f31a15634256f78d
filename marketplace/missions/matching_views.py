"""Matching pages: ranked helpers for a mission ('why this helper'), operator assignment."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.core.auth import role_required
from marketplace.missions import matching, ranking
from marketplace.missions.forms import ConfirmForm
from marketplace.missions.views import bp


@bp.route("/missions/<int:mission_id>/helpers")
@login_required
def helpers(mission_id: int) -> str:
    mission, ranked = matching.ranked_helpers(current_user, mission_id)
    return render_template("missions/helpers.html", mission=mission, ranked=ranked,
                           explanation=ranking.EXPLANATION, form=ConfirmForm())


@bp.route("/missions/<int:mission_id>/assign", methods=["POST"])
@role_required("operator")
def assign(mission_id: int) -> Response:
    helper_id = request.form.get("helper_id", "")
    if not ConfirmForm().validate_on_submit() or not helper_id.isdigit():
        abort(400)
    mission = matching.operator_assign(current_user, mission_id, int(helper_id))
    flash(f"Assigned to {mission.helper.full_name if mission.helper else 'the helper'}.",
          "success")
    return redirect(url_for("missions.detail", mission_id=mission_id))
