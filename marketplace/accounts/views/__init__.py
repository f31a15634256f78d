"""Account pages: sign-up, sign-in, the helper profile and availability."""

from __future__ import annotations

from flask import Blueprint

from marketplace.accounts.views import auth, availability, language

bp = Blueprint("accounts", __name__, template_folder="../templates")
for module in (auth, availability, language):
    module.routes.register(bp)
