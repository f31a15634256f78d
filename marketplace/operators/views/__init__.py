"""Every /ops page: commissions, the hotline, system pages, failed notifications and
users (`operators`), fee rules and the ledger (`ops_money`), money cases and queues
(`ops_cases`), group purchases (`ops_campaigns`)."""

from __future__ import annotations

from flask import Blueprint

from marketplace.operators.views import (
    campaigns,
    cases,
    commissions,
    hotline,
    money,
    notifications,
    system,
    users,
)

bp = Blueprint("operators", __name__, url_prefix="/ops", template_folder="../templates")
for module in (commissions, hotline, notifications, system, users):
    module.routes.register(bp)

money_bp = Blueprint("ops_money", __name__, url_prefix="/ops")
money.routes.register(money_bp)

cases_bp = Blueprint("ops_cases", __name__, url_prefix="/ops")
cases.routes.register(cases_bp)

campaigns_bp = Blueprint("ops_campaigns", __name__, url_prefix="/ops")
campaigns.routes.register(campaigns_bp)

BLUEPRINTS = (bp, money_bp, cases_bp, campaigns_bp)
