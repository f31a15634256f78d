"""Group-purchase pages: the `groupbuy` blueprint (neighbours: campaigns near home, a
campaign, join / change / withdraw, receipt and disputes; sellers: onboarding, creating and
editing campaigns, participants and handover)."""

from __future__ import annotations

from flask import Blueprint

from marketplace.groupbuy.views import neighbours, selling

bp = Blueprint("groupbuy", __name__, template_folder="../templates")
for module in (neighbours, selling):
    module.routes.register(bp)
