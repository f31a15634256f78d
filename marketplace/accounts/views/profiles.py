"""Public profiles of helpers and clients, and the privacy page."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from marketplace.core.categories import category_name
from marketplace.core.routing import Routes
from marketplace.flows.account_erasure import DELETED_NAME
from marketplace.missions.services import profiles

routes = Routes()


@routes.route("/helpers/<int:user_id>")
@login_required
def helper_profile_page(user_id: int) -> str:
    profile = profiles.helper_profile(user_id)
    return render_template("accounts/public_profile.html", profile=profile, kind="helper",
                           skills=[category_name(s) for s in profile.skills])


@routes.route("/clients/<int:user_id>")
@login_required
def client_profile_page(user_id: int) -> str:
    profile = profiles.client_profile(current_user, user_id)
    return render_template("accounts/public_profile.html", profile=profile, kind="client",
                           skills=[])


@routes.route("/privacy")
def privacy() -> str:
    return render_template("accounts/privacy.html", deleted_name=DELETED_NAME)
