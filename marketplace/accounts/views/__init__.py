"""Account pages: sign-up, sign-in, password reset, the account page, public profiles, the
helper profile and availability, the privacy page."""

from __future__ import annotations

from flask import Blueprint

from marketplace.accounts.views import (
    account,
    auth,
    availability,
    language,
    profiles,
    recovery,
)

bp = Blueprint("accounts", __name__, template_folder="../templates")
for module in (auth, account, recovery, profiles, availability, language):
    module.routes.register(bp)
