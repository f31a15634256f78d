"""Operator pages."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import Blueprint, render_template, request

from marketplace.core.auth import role_required
from marketplace.operators.forms import PeriodForm
from marketplace.payments import reports

bp = Blueprint("operators", __name__, url_prefix="/ops", template_folder="templates")


@bp.route("/commissions")
@role_required("operator")
def commissions() -> tuple[str, int]:
    form = PeriodForm(request.args)
    since = until = None
    if form.validate():
        if form.since.data:
            since = datetime.combine(form.since.data, time.min, tzinfo=UTC)
        if form.until.data:
            until = datetime.combine(form.until.data + timedelta(days=1), time.min, tzinfo=UTC)
    rows = reports.captured_missions(since, until)
    return render_template("operators/commissions.html", form=form, rows=rows,
                           totals=reports.commission_totals(rows)), (400 if form.errors else 200)

from marketplace.operators import hotline_views  # noqa: E402,F401  (routes on bp)
