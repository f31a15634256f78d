"""Payment pages: payout settings and onboarding, the helper's payouts, the Stripe webhook,
and the phone caller's payment link."""

from __future__ import annotations

from flask import Blueprint

from marketplace.payments.views import guest, pages, tips

bp = Blueprint("payments", __name__, template_folder="../templates")
pages.routes.register(bp)
guest.routes.register(bp)
tips.routes.register(bp)
