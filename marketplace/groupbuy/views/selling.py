"""A seller's side: set up the Stripe Express account (the helpers' onboarding service),
create and edit campaigns, see the participants and confirm each handover."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.core.routing import Routes
from marketplace.flows.group_purchases import after, campaigns
from marketplace.groupbuy import services
from marketplace.groupbuy.models import Campaign
from marketplace.groupbuy.views import sellers
from marketplace.groupbuy.views.forms import (
    ActionForm,
    CampaignForm,
    SellerAddressForm,
    filled_form,
)
from marketplace.groupbuy.views.present import campaign_view, order_view
from marketplace.payments.services import group_payouts

routes = Routes()


@routes.route("/sell")
@login_required
def seller() -> str:
    return _seller_page(SellerAddressForm())


def _seller_page(address_form: SellerAddressForm) -> str:
    return render_template("groupbuy/seller.html", seller=sellers.seller_account(current_user),
                           form=ActionForm(), address_form=address_form,
                           needs_address=not sellers.can_onboard(current_user))


@routes.route("/sell/setup", methods=["POST"])
@login_required
def start_onboarding() -> Response | tuple[str, int]:
    """Our button (CSRF-checked): a seller who does not help gives their address first; the
    Express account is created once, then off to Stripe."""
    if not sellers.can_onboard(current_user):
        address_form = SellerAddressForm()
        if not address_form.validate_on_submit() or address_form.chosen_place is None:
            return _seller_page(address_form), 400
        sellers.save_seller_address(current_user, address_form.chosen_place)
    elif not ActionForm().validate_on_submit():
        abort(400)
    try:
        return redirect(_onboarding_link(), code=303)
    except DomainError as exc:
        flash(str(exc), "warning")
        return redirect(url_for("groupbuy.seller"))


@routes.route("/sell/setup/refresh")
@login_required
def onboarding_refresh() -> Response:
    """Stripe's refresh_url (a GET): a new link for the account that exists, else our page."""
    if sellers.seller_account(current_user) is None:
        return redirect(url_for("groupbuy.seller"))
    return redirect(_onboarding_link(), code=303)


@routes.route("/sell/setup/return")
@login_required
def onboarding_return() -> Response:
    account = sellers.refresh_seller(current_user)
    if account is not None and account.payouts_enabled:
        flash(_("Your seller account is ready: you can start a group purchase."), "success")
    else:
        flash(_("Stripe still needs some information before you can be paid."), "warning")
    return redirect(url_for("groupbuy.seller"))


def _onboarding_link() -> str:
    return sellers.onboarding_link(
        current_user, refresh_url=url_for("groupbuy.onboarding_refresh", _external=True),
        return_url=url_for("groupbuy.onboarding_return", _external=True))


@routes.route("/sell/campaigns/new", methods=["GET", "POST"])
@login_required
def new_campaign() -> Response | tuple[str, int]:
    form = CampaignForm()
    if form.validate_on_submit() and form.chosen_place is not None:
        try:
            created = campaigns.create_campaign(current_user, _draft(form))
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(_("Your group purchase is open: neighbours nearby can join."), "success")
            return redirect(url_for("groupbuy.campaign", campaign_id=created.id))
    return render_template("groupbuy/edit.html", form=form, title=_("Start a group purchase"),
                           submit=_("Open the group purchase")), 400 if form.errors else 200


@routes.route("/sell/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
def edit_campaign(campaign_id: int) -> Response | tuple[str, int]:
    """Edit while nobody has joined (after that, the terms neighbours agreed to stay)."""
    campaign = _own(campaign_id)
    form = CampaignForm() if _posted() else filled_form(campaign)
    if form.validate_on_submit() and form.chosen_place is not None:
        try:
            campaigns.update_campaign(campaign, current_user, _draft(form))
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("groupbuy.campaign", campaign_id=campaign_id))
    return render_template("groupbuy/edit.html", form=form, title=_("Edit the group purchase"),
                           submit=_("Save")), 400 if form.errors else 200


def _posted() -> bool:
    return request.method == "POST"


def _draft(form: CampaignForm) -> services.CampaignDraft:
    place = form.chosen_place
    assert place is not None
    return services.CampaignDraft(
        title=form.title.data or "", description=form.description.data or "",
        tiers=form.tier_inputs, minimum_quantity=form.min_total.data or 1,
        maximum_quantity=form.max_total.data, closes_at=form.utc("closes_at"),
        place=place, pickup_starts_at=form.utc("pickup_starts_at"),
        pickup_ends_at=form.utc("pickup_ends_at"), reach_km=form.km("radius_km") or 5.0,
        delivery_radius_km=form.km("delivery_radius_km"),
        photo=form.photo_upload)


@routes.route("/sell/campaigns/<int:campaign_id>/participants")
@login_required
def participants(campaign_id: int) -> str:
    """The seller's list (404 for anyone else): each participant's quantity and handover."""
    campaign = _own(campaign_id)
    return render_template(
        "groupbuy/participants.html", c=campaign_view(services.summary(campaign)),
        orders=[order_view(o, campaign) for o in services.orders_of_campaign(campaign)],
        payout=group_payouts.payout_of(campaign.id),
        share_cents=group_payouts.seller_share(campaign.id), form=ActionForm())


def _own(campaign_id: int) -> Campaign:
    """The signed-in seller's own campaign; 404 for anyone else's (no hint it exists)."""
    campaign = services.get_campaign(campaign_id)
    if campaign is None or campaign.seller_id != current_user.id:
        abort(404)
    return campaign


@routes.route("/sell/campaigns/<int:campaign_id>/orders/<int:order_id>/handover",
              methods=["POST"])
@login_required
def hand_over(campaign_id: int, order_id: int) -> Response:
    campaign = _own(campaign_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if order_id not in {o.id for o in services.orders_of_campaign(campaign)}:
        abort(404)
    try:
        after.confirm_handover(order_id, current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(_("Handover confirmed."), "success")
    return redirect(url_for("groupbuy.participants", campaign_id=campaign_id))
