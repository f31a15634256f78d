"""The language switch in every page's footer, for visitors and signed-in people alike."""

from __future__ import annotations

from flask import redirect, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.accounts import preferences
from marketplace.core.i18n import LOCALES, SESSION_KEY
from marketplace.core.routing import Routes
from marketplace.core.safety import is_safe_next

routes = Routes()


@routes.route("/language", methods=["POST"])
def set_language() -> Response:
    """Remember the chosen language (the session; the account too when signed in), go back."""
    locale = request.form.get("locale", "")
    target = request.form.get("next")
    back = target if is_safe_next(target) else url_for("missions.home")
    if locale not in LOCALES:
        return redirect(back)
    session[SESSION_KEY] = locale
    if current_user.is_authenticated:
        preferences.set_locale(current_user, locale)
    return redirect(back)
