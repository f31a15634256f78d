"""Operators' view of group purchases: every campaign by state (keyset pages), and one
campaign's participants, money per order, payout and disputes, with the resolve form
(audited by the flow it calls, in the transaction of the decision)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.core import pagination
from marketplace.core.auth import role_required
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.core.routing import Routes
from marketplace.flows.group_purchases import disputes as dispute_flow
from marketplace.groupbuy import services
from marketplace.groupbuy.lifecycle import CampaignStatus
from marketplace.groupbuy.models import Campaign
from marketplace.groupbuy.views.forms import BankResolveForm, ResolveForm
from marketplace.groupbuy.views.present import CAMPAIGN_LABELS, campaign_view, order_view
from marketplace.payments.models import GroupDispute, GroupPayment, GroupPayout
from marketplace.payments.services import group_bank_disputes, group_refunds

routes = Routes()


@routes.route("/campaigns")
@role_required("operator")
def campaigns() -> str:
    raw = request.args.get("state") or ""
    if raw and raw not in CampaignStatus.__members__.values():
        abort(400)  # a link we did not write
    query = db.select(Campaign)
    if raw:
        query = query.where(Campaign.status == CampaignStatus(raw))
    page = pagination.by_id(query, Campaign.id, start=pagination.start_arg(), size=50)
    return render_template(
        "operators/campaigns.html", page=page, state=raw, states=CAMPAIGN_LABELS,
        rows=[campaign_view(found) for found in services.summarize(page.items)])


@routes.route("/campaigns/<int:campaign_id>")
@role_required("operator")
def campaign(campaign_id: int) -> tuple[str, int]:
    return _page(campaign_id, ResolveForm(), BankResolveForm())


def _page(campaign_id: int, form: ResolveForm, bank_form: BankResolveForm,
          status: int = 200) -> tuple[str, int]:
    found = db.get_or_404(Campaign, campaign_id)
    payments = {p.order_id: p for p in db.session.execute(db.select(GroupPayment).where(
        GroupPayment.campaign_id == found.id).order_by(GroupPayment.id)).scalars()}
    disputes = list(db.session.execute(db.select(GroupDispute).where(
        GroupDispute.campaign_id == found.id).order_by(GroupDispute.id)).scalars())
    payout = db.session.execute(db.select(GroupPayout).where(
        GroupPayout.campaign_id == found.id)).scalar_one_or_none()
    orders = services.orders_of_campaign(found)
    return render_template(
        "operators/campaign.html", c=campaign_view(services.summary(found)),
        campaign=found, orders=[(order_view(o, found), payments.get(o.id)) for o in orders],
        disputes=disputes, payout=payout, form=form, bank_form=bank_form,
        bank_limits={d.id: group_bank_disputes.seller_limit(d) for d in disputes
                     if d.payment_id is not None}), status


def _refund_cents(dispute: GroupDispute, form: ResolveForm) -> int:
    """The decision in cents: all that was paid, nothing (the seller keeps it), or a split."""
    if form.resolution.data == "refund":
        return group_refunds.refundable(dispute.order)
    return 0 if form.resolution.data == "seller" else form.refund.cents or 0


def _seller_cents(dispute: GroupDispute, form: BankResolveForm) -> int:
    """A lost chargeback in cents from the seller's share: none, all it can bear, a split."""
    if form.resolution.data == "seller":
        return group_bank_disputes.seller_limit(dispute)
    return 0 if form.resolution.data == "platform" else form.seller.cents or 0


@routes.route("/campaigns/disputes/<int:dispute_id>/resolve", methods=["POST"])
@role_required("operator")
def resolve(dispute_id: int) -> tuple[str, int] | Response:
    """A participant's dispute (refund or not) or a bank's (who bears the loss)."""
    dispute = db.get_or_404(GroupDispute, dispute_id)
    bank = dispute.stripe_dispute_id is not None
    form, bank_form = ResolveForm(), BankResolveForm()
    used: ResolveForm | BankResolveForm = bank_form if bank else form
    if used.validate_on_submit():
        cents = (_seller_cents(dispute, bank_form) if bank
                 else _refund_cents(dispute, form))
        try:
            dispute_flow.resolve_dispute(dispute.id, current_user, cents, used.note.data or "")
        except DomainError as exc:
            db.session.rollback()  # nothing half-done shows on the page rendered below
            used.form_errors.append(str(exc))
        else:
            flash(_("Dispute resolved."), "success")
            return redirect(url_for("ops_campaigns.campaign", campaign_id=dispute.campaign_id))
    return _page(dispute.campaign_id, form, bank_form, 400)
