"""Mission pages: the `missions` blueprint (posting, detail, matching, conversation) and the
`cancellations` blueprint (cancel, dispute, final price)."""

from __future__ import annotations

from flask import Blueprint

from marketplace.missions.views import cancel, conversation, matching, pages

bp = Blueprint("missions", __name__, template_folder="../templates")
for module in (pages, matching, conversation):
    module.routes.register(bp)

cancellations_bp = Blueprint("cancellations", __name__)
cancel.routes.register(cancellations_bp)
