"""Operator pages."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask import Response, render_template, request, stream_with_context

from marketplace.accounts.services import find_user_by_email
from marketplace.core.auth import role_required
from marketplace.core.routing import Routes
from marketplace.operators.forms import PeriodForm
from marketplace.operators.views import report_rows
from marketplace.payments.services import commission_report as report

routes = Routes()


def _user_id(email: str | None) -> int | None:
    """An unknown email matches nobody (id 0), rather than silently matching everyone."""
    if not email:
        return None
    user = find_user_by_email(email)
    return user.id if user else 0


def _filter(form: PeriodForm) -> report.ReportFilter | None:
    """The filter the form asks for, or None when it is invalid (then no row is shown)."""
    if not form.validate():
        return None
    since = until = None
    if form.since.data:
        since = datetime.combine(form.since.data, time.min, tzinfo=UTC)
    if form.until.data:
        until = datetime.combine(form.until.data + timedelta(days=1), time.min, tzinfo=UTC)
    return report.ReportFilter(since, until, form.category.data or None,
                               form.channel.data or None, _user_id(form.operator.data),
                               _user_id(form.helper.data))


def _filter_args() -> dict[str, str]:
    """The filter's query arguments, for the CSV link and the page links (not the cursor)."""
    return {k: v for k, v in request.args.items() if k != "cursor" and v}


@routes.route("/commissions")
@role_required("operator")
def commissions() -> tuple[str, int]:
    form = PeriodForm(request.args)
    wanted = _filter(form)
    page, totals, bad_cursor = report.Page([], None, None), report.Totals(), False
    if wanted is not None:
        try:
            page = report.page(wanted, request.args.get("cursor") or None)
        except report.BadCursor:
            bad_cursor = True
        else:
            totals = report.totals(wanted)
    return render_template("operators/commissions.html", form=form, page=page, totals=totals,
                           rows=report_rows.report_rows(page.rows),
                           bars=report_rows.bars(report.chart_bars(totals.weekly)),
                           breakdowns=report_rows.breakdowns(
                               totals.by_category, totals.by_channel, totals.by_operator),
                           bad_cursor=bad_cursor,
                           last_cursor=report.encode_cursor("last"),
                           filters=_filter_args()), (400 if form.errors or bad_cursor else 200)


@routes.route("/commissions.csv")
@role_required("operator")
def commissions_csv() -> Response:
    form = PeriodForm(request.args)
    wanted = _filter(form)
    if wanted is None:
        problems = "; ".join(f"{name}: {message}" for name, messages in form.errors.items()
                             for message in messages)
        return Response(f"Invalid filter ({problems})\n", status=400, mimetype="text/plain")
    return Response(stream_with_context(report.csv_chunks(wanted)), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=commissions.csv"})
