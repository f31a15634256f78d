"""Operator money console: fee rules (audited), the audit log, the ledger check."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.core import audit, pagination
from marketplace.core.auth import role_required
from marketplace.core.errors import DomainError
from marketplace.core.routing import Routes
from marketplace.missions.forms import ConfirmForm
from marketplace.operators.money_forms import FeeRuleForm
from marketplace.payments.fees import FeeFormula
from marketplace.payments.models import FeeKind
from marketplace.payments.services import fee_rules, reconcile

routes = Routes()


def _rule_input(form: FeeRuleForm) -> fee_rules.RuleInput:
    """The form's fields already parsed the amounts and the rate exactly (core/money.py)."""
    formula = FeeFormula(bps=form.percent.bps or 0, fixed_cents=form.fixed.cents or 0,
                         min_cents=form.minimum.cents, cap_cents=form.cap.cents)
    return fee_rules.RuleInput(kind=FeeKind(form.kind.data), category=form.category.data or None,
                               channel=form.channel.data or None,
                               helper_email=form.helper_email.data or None, formula=formula)


@routes.route("/fees", methods=["GET", "POST"])
@role_required("operator")
def fees() -> tuple[str, int] | Response:
    form = FeeRuleForm()
    if form.validate_on_submit():
        try:
            fee_rules.save_rule(current_user, _rule_input(form))
        except DomainError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(_("Fee rule saved. Missions already booked keep their fees."), "success")
            return redirect(url_for("ops_money.fees"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("operators/fees.html", form=form, rules=fee_rules.all_rules(),
                           delete_form=ConfirmForm(), history=audit.recent(50, "fee_rule")), status


@routes.route("/fees/<int:rule_id>/delete", methods=["POST"])
@role_required("operator")
def delete_fee_rule(rule_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    fee_rules.delete_rule(current_user, rule_id)
    flash(_("Fee rule deleted."), "success")
    return redirect(url_for("ops_money.fees"))


@routes.route("/audit")
@role_required("operator")
def audit_log() -> str:
    page = audit.page(pagination.start_arg())
    return render_template("operators/audit.html", entries=page.items, page=page)


@routes.route("/ledger", methods=["GET", "POST"])
@role_required("operator")
def ledger() -> str | Response:
    form = ConfirmForm()
    if form.validate_on_submit():
        result = reconcile.run_and_store()
        flash(result.summary, "success" if result.ok else "error")
        return redirect(url_for("ops_money.ledger"))
    return render_template("operators/ledger.html", run=reconcile.latest_run(), form=form)
