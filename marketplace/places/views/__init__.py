"""Address suggestions for the page script: the `places` blueprint."""

from __future__ import annotations

from flask import Blueprint

from marketplace.places.views import suggest

bp = Blueprint("places", __name__, template_folder="../templates")
suggest.routes.register(bp)
