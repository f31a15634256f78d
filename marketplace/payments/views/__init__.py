"""Payment pages: payout settings and onboarding, the helper's payouts, the Stripe webhook."""

from __future__ import annotations

from flask import Blueprint

from marketplace.payments.views import pages

bp = Blueprint("payments", __name__, template_folder="../templates")
pages.routes.register(bp)
