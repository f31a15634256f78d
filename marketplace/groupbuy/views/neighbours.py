"""A neighbour's side of a group purchase: find campaigns near home, read one, join (the card
on Stripe's hosted page), change the quantity or withdraw until closing, confirm receipt or
open a dispute. Thin: parse, call one service or flow, render."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.core.routing import Routes
from marketplace.flows.group_purchases import after, disputes, joining
from marketplace.groupbuy import orders, services
from marketplace.groupbuy.lifecycle import CHARGED, JOINABLE, RESERVING
from marketplace.groupbuy.models import Campaign, Order
from marketplace.groupbuy.views import sellers
from marketplace.groupbuy.views.forms import ActionForm, DisputeForm, JoinForm, NearForm
from marketplace.groupbuy.views.present import campaign_view, order_view
from marketplace.places import services as places

routes = Routes()
_SESSION_ID_RE = re.compile(r"cs_[A-Za-z0-9_]{1,250}")  # Stripe's shape: anything else is 404


@routes.route("/group-purchases")
@login_required
def near() -> tuple[str, int]:
    """Campaigns whose reach covers the address typed (or the helper's home): the commune
    and a rounded distance only, the pickup address is on the campaign page."""
    form = NearForm(request.args, meta={"csrf": False})
    searched = bool(request.args.get("address"))
    results, home_area, home = [], None, None
    profile = current_user.helper_profile
    if searched and form.validate() and form.chosen_place is not None:
        place = form.chosen_place
        home, home_area = (place.lat, place.lon), places.commune_of(place.city, place.lat,
                                                                    place.lon)
    elif not searched and profile is not None:  # a helper's home is already known
        form.address.data = profile.home_label or ""
        home, home_area = (profile.lat, profile.lng), places.commune_of(
            profile.home_city, profile.lat, profile.lng)
        searched = True
    if home is not None:
        results = [campaign_view(found) for found in
                   services.campaigns_near(*home, viewer=current_user)]
    return render_template("groupbuy/near.html", form=form, searched=searched,
                           results=results, home_area=home_area), 400 if form.errors else 200


@routes.route("/group-purchases/mine")
@login_required
def mine() -> str:
    selling = services.summarize(services.campaigns_of_seller(current_user))
    return render_template(
        "groupbuy/mine.html", selling=[campaign_view(found) for found in selling],
        orders=[order_view(o, o.campaign) for o in services.orders_of_user(current_user)],
        is_seller=sellers.seller_account(current_user) is not None)


@routes.route("/group-purchases/<int:campaign_id>")
@login_required
def campaign(campaign_id: int) -> str:
    return _campaign_page(campaign_id, JoinForm(), DisputeForm())[0]


def _campaign_page(campaign_id: int, join_form: JoinForm, dispute_form: DisputeForm,
                   status: int = 200) -> tuple[str, int]:
    campaign = services.get_campaign(campaign_id)
    if campaign is None:
        abort(404)
    order = _my_order(campaign)
    if order is not None and order.status in RESERVING and join_form.quantity.raw_data is None:
        join_form.quantity.data = order.quantity  # type: ignore[assignment]
    is_seller = campaign.seller_id == current_user.id
    # The exact pickup address: its seller, operators, and neighbours with an order.
    show_address = is_seller or current_user.is_operator or order is not None
    return render_template(
        "groupbuy/campaign.html", c=campaign_view(services.summary(campaign, current_user)),
        order=order_view(order, campaign) if order else None, is_seller=is_seller,
        show_address=show_address, join_form=join_form, dispute_form=dispute_form,
        action_form=ActionForm()), status


def _own_order(campaign_id: int) -> Order:
    """My order in this campaign, or 404 (nobody acts on another neighbour's order)."""
    campaign = services.get_campaign(campaign_id)
    order = _my_order(campaign) if campaign is not None else None
    if order is None:
        abort(404)
    return order


def _my_order(campaign: Campaign) -> Order | None:
    """The signed-in person's order in this campaign: the live one (one indexed look-up),
    else, once the campaign has closed, the charged one."""
    live = orders.live_order(campaign.id, current_user.id)
    if live is not None or campaign.status in JOINABLE:
        return live
    mine = [o for o in services.orders_of_campaign(campaign, tuple(CHARGED))
            if o.user_id == current_user.id]
    return mine[-1] if mine else None


@routes.route("/group-purchases/<int:campaign_id>/photo")
@login_required
def photo(campaign_id: int) -> Response:
    campaign = services.get_campaign(campaign_id)
    found = campaign.photo if campaign is not None else None
    if found is None:
        abort(404)
    response = Response(found.data, mimetype=found.content_type)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@routes.route("/group-purchases/<int:campaign_id>/join", methods=["POST"])
@login_required
def join(campaign_id: int) -> Response | tuple[str, int]:
    """Join (or change the quantity of) my order; a new card hold goes through Stripe's
    hosted page, a change within the hold is done at once."""
    form = JoinForm()
    if form.validate_on_submit() and form.quantity.data is not None:
        live = orders.live_order(campaign_id, current_user.id)
        try:
            if live is None:
                step = joining.join(campaign_id, current_user, form.quantity.data,
                                    *_return_urls(campaign_id))
            else:
                step = joining.change_quantity(live.id, current_user, form.quantity.data,
                                               *_return_urls(campaign_id))
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            if step.url:
                return redirect(step.url, code=303)
            flash(_("Your order is now %(n)s units.", n=form.quantity.data), "success")
            return redirect(url_for("groupbuy.campaign", campaign_id=campaign_id))
    return _campaign_page(campaign_id, form, DisputeForm(), 400)


def _return_urls(campaign_id: int) -> tuple[str, str]:
    """Where Stripe's hosted page sends the neighbour back: paid, or changed their mind."""
    return (url_for("groupbuy.checkout_return", campaign_id=campaign_id, _external=True)
            + "?session_id={CHECKOUT_SESSION_ID}",
            url_for("groupbuy.campaign", campaign_id=campaign_id, _external=True))


@routes.route("/group-purchases/<int:campaign_id>/checkout/return")
@login_required
def checkout_return(campaign_id: int) -> Response:
    session_id = request.args.get("session_id", "")
    order = (joining.card_returned(session_id)
             if _SESSION_ID_RE.fullmatch(session_id) else None)
    if order is None or order.campaign_id != campaign_id or order.user_id != current_user.id:
        abort(404)
    flash(_("You are in! Your card is authorized; you pay the final price only if the group "
            "purchase goes ahead."), "success")
    return redirect(url_for("groupbuy.campaign", campaign_id=campaign_id))


def _order_action(campaign_id: int, action: Callable[[int, User], object],
                  message: str) -> Response:
    """A button on my order (CSRF-checked); 404 without an order of mine here."""
    order = _own_order(campaign_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(order.id, current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(message, "success")
    return redirect(url_for("groupbuy.campaign", campaign_id=campaign_id))


@routes.route("/group-purchases/<int:campaign_id>/withdraw", methods=["POST"])
@login_required
def withdraw(campaign_id: int) -> Response:
    return _order_action(campaign_id, joining.withdraw,
                         _("Your order is withdrawn; the hold on your card is released."))


@routes.route("/group-purchases/<int:campaign_id>/pay", methods=["POST"])
@login_required
def pay(campaign_id: int) -> Response:
    """After a refused off-session hold: pay on Stripe's hosted page within 24 h."""
    order = _own_order(campaign_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        url = joining.pay_again(order.id, current_user, *_return_urls(campaign_id))
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("groupbuy.campaign", campaign_id=campaign_id))
    return redirect(url, code=303)


@routes.route("/group-purchases/<int:campaign_id>/received", methods=["POST"])
@login_required
def confirm_receipt(campaign_id: int) -> Response:
    return _order_action(campaign_id, after.confirm_receipt,
                         _("Thank you! The seller will be paid after the refund window."))


@routes.route("/group-purchases/<int:campaign_id>/dispute", methods=["POST"])
@login_required
def dispute(campaign_id: int) -> Response | tuple[str, int]:
    order = _own_order(campaign_id)
    form = DisputeForm()
    if form.validate_on_submit():
        try:
            disputes.open_dispute(order.id, current_user, form.problem.data or "")
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(_("Our team will look into it; the seller's payment is held meanwhile."),
                  "success")
            return redirect(url_for("groupbuy.campaign", campaign_id=campaign_id))
    return _campaign_page(campaign_id, JoinForm(), form, 400)
