"""Operator money cases: one mission's money (refunds, disputes), and the work queues."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.core import pagination
from marketplace.core.auth import role_required
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.core.routing import Routes
from marketplace.flows import disputes as dispute_flow
from marketplace.flows import refunds as refund_flow
from marketplace.missions.forms import ConfirmForm
from marketplace.missions.models import Mission
from marketplace.operators.money_forms import RefundForm, ResolveForm, WriteOffForm
from marketplace.payments import webhooks
from marketplace.payments.models import Dispute, LedgerTransaction
from marketplace.payments.services import bank_payouts, disputes, payout_queue, receivables, refunds

routes = Routes()


def _page(mission: Mission, refund_form: RefundForm, resolve_form: ResolveForm,
          status: int = 200) -> tuple[str, int]:
    txns = db.session.execute(db.select(LedgerTransaction).where(
        LedgerTransaction.mission_id == mission.id).order_by(LedgerTransaction.id)).scalars()
    return render_template(
        "operators/mission_money.html", mission=mission, refund_form=refund_form,
        resolve_form=resolve_form, refunds=refunds.refunds_of(mission.id),
        disputes=disputes.disputes_of(mission.id), ledger_txns=list(txns),
        split_bounds=disputes.split_bounds,
        payout=payout_queue.payout_of(mission.id)), status


@routes.route("/missions/<int:mission_id>/money")
@role_required("operator")
def mission_money(mission_id: int) -> tuple[str, int]:
    return _page(db.get_or_404(Mission, mission_id), RefundForm(), ResolveForm())


@routes.route("/missions/<int:mission_id>/refund", methods=["POST"])
@role_required("operator")
def refund(mission_id: int) -> tuple[str, int] | Response:
    mission = db.get_or_404(Mission, mission_id)
    form = RefundForm()
    if form.validate_on_submit():
        try:
            refund_flow.refund(current_user, refunds.RefundRequest(
                mission.id, form.amount.cents or 0, form.helper_part.cents or 0,
                form.note.data or ""))
        except DomainError as exc:
            db.session.rollback()  # nothing half-done shows on the page rendered below
            form.form_errors.append(str(exc))
        else:
            flash(_("Refund done."), "success")
            return redirect(url_for("ops_cases.mission_money", mission_id=mission.id))
    return _page(mission, form, ResolveForm(), 400)


@routes.route("/disputes/<int:dispute_id>/resolve", methods=["POST"])
@role_required("operator")
def resolve(dispute_id: int) -> tuple[str, int] | Response:
    dispute = db.get_or_404(Dispute, dispute_id)
    mission = db.get_or_404(Mission, dispute.mission_id)
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            dispute_flow.resolve(current_user, dispute.id, form.resolution.data or "",
                             form.helper_amount.cents, form.note.data or "",
                             client_cents=form.client_amount.cents)
        except DomainError as exc:
            db.session.rollback()  # nothing half-done shows on the page rendered below
            form.form_errors.append(str(exc))
        else:
            flash(_("Dispute resolved."), "success")
            return redirect(url_for("ops_cases.mission_money", mission_id=mission.id))
    return _page(mission, RefundForm(), form, 400)


@routes.route("/queues")
@role_required("operator")
def queues() -> str:
    """Each queue is paged on its own (?disputes=, ?payouts=, ?receivables= the id its next
    page starts after); the history tables show their latest 100."""
    open_disputes = disputes.open_disputes_page(pagination.start_arg("disputes"))
    payouts = payout_queue.open_payouts(pagination.start_arg("payouts"))
    owed = receivables.outstanding(pagination.start_arg("receivables"))
    return render_template("operators/queues.html", disputes=open_disputes.items,
                           pages={"disputes": open_disputes, "payouts": payouts,
                                  "receivables": owed},
                           refunds=refunds.recent_refunds(), payouts=payouts.items,
                           failed_bank_payouts=bank_payouts.failed_bank_payouts(),
                           receivables=owed.items, write_off_form=WriteOffForm(),
                           dead_events=webhooks.dead_letters(), form=ConfirmForm())


@routes.route("/payouts/<int:payout_id>/retry", methods=["POST"])
@role_required("operator")
def retry_payout(payout_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    payout_queue.retry(current_user, payout_id)
    flash(_("Payout queued again."), "success")
    return redirect(url_for("ops_cases.queues"))


@routes.route("/webhooks/<int:stored_id>/retry", methods=["POST"])
@role_required("operator")
def retry_webhook(stored_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    webhooks.replay(current_user, stored_id)
    flash(_("The event will be processed again."), "success")
    return redirect(url_for("ops_cases.queues"))


@routes.route("/receivables/<int:receivable_id>/retry", methods=["POST"])
@role_required("operator")
def retry_receivable(receivable_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    receivables.retry(current_user, receivable_id)
    flash(_("The card will be charged again."), "success")
    return redirect(url_for("ops_cases.queues"))


@routes.route("/receivables/<int:receivable_id>/write-off", methods=["POST"])
@role_required("operator")
def write_off_receivable(receivable_id: int) -> Response:
    form = WriteOffForm()
    if not form.validate_on_submit():
        flash(_("Say why the fee is written off."), "error")
        return redirect(url_for("ops_cases.queues"))
    receivables.write_off(current_user, receivable_id, form.note.data or "")
    flash(_("Fee written off."), "success")
    return redirect(url_for("ops_cases.queues"))
