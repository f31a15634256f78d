"""Joining a campaign, changing the quantity, withdrawing: free until closing.

Every change of reserved units happens under the campaign's row lock and is committed
before any Stripe call (claim local state first); the hosted page then authorizes the card
for the units x the highest tier price, or saves it when closing is more than
HOLD_WINDOW_DAYS away. Increasing an order that already holds money adds a payment for the
extra units only, so the participant keeps their place if they abandon the new page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.groupbuy import orders, signals
from marketplace.groupbuy.lifecycle import OrderStatus
from marketplace.groupbuy.models import Order
from marketplace.payments.models import GroupPayment
from marketplace.payments.services import group_capture, group_checkout
from marketplace.payments.status import PaymentStatus


@dataclass(frozen=True)
class JoinResult:
    """The order, and the hosted page to open next (None: nothing to authorize)."""

    order: Order
    url: str | None


def join(campaign_id: int, user: User, quantity: int, success_url: str, cancel_url: str,
         *, delivery: bool = False, now: datetime | None = None) -> JoinResult:
    """Reserve `quantity` units for the neighbour and return the page that secures them.

    Raises CampaignClosedError, SoldOutError, AlreadyJoinedError or CampaignError (with the
    message to show); nothing is written when it raises."""
    order = orders.place_order(campaign_id, user, quantity, delivery=delivery, now=now)
    payment = group_checkout.open_payment(order, quantity)
    db.session.commit()
    return JoinResult(order, group_checkout.payment_url(payment, user, success_url,
                                                        cancel_url))


def change_quantity(order_id: int, user: User, quantity: int, success_url: str,
                    cancel_url: str, now: datetime | None = None) -> JoinResult:
    """Change a live order before closing. Fewer units keep the hold (the capture takes
    less and releases the rest); more units on a held card open a page for the extra."""
    order = orders.own_order(order_id, user)
    orders.ensure_joinable(order.campaign, now)
    if order.status not in (OrderStatus.PENDING, OrderStatus.ACTIVE,
                            OrderStatus.PAYMENT_NEEDED):
        raise Conflict(_l("This order can no longer change."))
    orders.check_quantity(quantity)
    live = group_checkout.payments_of(order)
    held = [p for p in live if p.status == PaymentStatus.AUTHORIZED]
    if quantity == order.quantity and not _pending_extra(live, held):
        db.session.rollback()
        return JoinResult(order, None)
    if held:
        return _change_held(order, user, quantity, live, held, success_url, cancel_url)
    orders.reserve(order.campaign, quantity - order.quantity)
    orders.unreserve(order.campaign, max(0, order.quantity - quantity))
    old = order.quantity
    order.quantity = quantity
    for payment in live:
        group_checkout.resize(payment, quantity)
    signals.order_changed.send(order, old_quantity=old)
    db.session.commit()
    pending = next((p for p in live if p.status == PaymentStatus.CREATED), None)
    url = (group_checkout.payment_url(pending, user, success_url, cancel_url)
           if pending is not None else None)
    return JoinResult(order, url)


def _pending_extra(live: list[GroupPayment], held: list[GroupPayment]) -> bool:
    return bool(held) and any(p.status != PaymentStatus.AUTHORIZED for p in live)


def _change_held(order: Order, user: User, quantity: int, live: list[GroupPayment],
                 held: list[GroupPayment], success_url: str, cancel_url: str) -> JoinResult:
    """The card already holds money: cancel any pending extra, then add one if needed."""
    for extra in (p for p in live if p.status != PaymentStatus.AUTHORIZED):
        orders.unreserve(order.campaign, extra.quantity)
        group_capture.release(extra)
    if quantity <= order.quantity:
        old = order.quantity
        orders.unreserve(order.campaign, old - quantity)
        order.quantity = quantity
        if old != quantity:
            signals.order_changed.send(order, old_quantity=old)
        db.session.commit()
        return JoinResult(order, None)
    extra_units = quantity - order.quantity
    orders.reserve(order.campaign, extra_units)
    payment = group_checkout.open_payment(order, extra_units)
    db.session.commit()
    return JoinResult(order, group_checkout.payment_url(payment, user, success_url, cancel_url))


def withdraw(order_id: int, user: User, now: datetime | None = None) -> Order:
    """Leave the campaign before closing: every hold is released, nothing is charged."""
    order = orders.own_order(order_id, user)
    orders.ensure_joinable(order.campaign, now)
    if order.status not in (OrderStatus.PENDING, OrderStatus.ACTIVE,
                            OrderStatus.PAYMENT_NEEDED):
        raise Conflict(_l("This order can no longer change."))
    _end(order, OrderStatus.WITHDRAWN)
    signals.order_withdrawn.send(order)
    db.session.commit()
    return order


def _end(order: Order, target: OrderStatus) -> None:
    """End the order, give its units (and any pending extra's) back, release every hold.

    The Stripe cancels run inside the transaction, after the campaign lock: if one fails
    transiently the whole change rolls back and the person (or the task) tries again."""
    live = group_checkout.payments_of(order)
    extra = sum(p.quantity for p in live if order.status == OrderStatus.ACTIVE
                and p.status == PaymentStatus.CREATED)
    orders.end_order(order, target, extra_reserved=extra)
    for payment in live:
        group_capture.release(payment)


def pay_again(order_id: int, user: User, success_url: str, cancel_url: str) -> str:
    """The hosted page for an order whose off-session hold failed (24 h to pay)."""
    order = orders.own_order(order_id, user, lock_campaign_row=False)
    if order.status != OrderStatus.PAYMENT_NEEDED:
        raise Conflict(_l("This order needs no payment."))
    failed = [p for p in group_checkout.payments_of(order) if p.status == PaymentStatus.FAILED]
    if not failed:
        raise Conflict(_l("This order needs no payment."))
    return group_checkout.payment_url(failed[0], user, success_url, cancel_url)


def card_returned(session_id: str) -> Order | None:
    """The participant is back from the hosted page: apply what Stripe says."""
    payment = group_checkout.sync_checkout_session(session_id)
    return payment.order if payment is not None else None


def checkout_ttl() -> timedelta:
    return timedelta(minutes=current_app.config["GROUP_CHECKOUT_TTL_MINUTES"])


def abandon_stale(now: datetime | None = None) -> int:
    """Give back the units of card steps never finished within the TTL; returns how many."""
    cutoff = (now or utcnow()) - checkout_ttl()
    stale = list(db.session.execute(
        db.select(GroupPayment.id, GroupPayment.order_id)
        .join(Order, Order.id == GroupPayment.order_id)
        .where(GroupPayment.status.in_((PaymentStatus.CREATED, PaymentStatus.FAILED)),
               GroupPayment.created_at < cutoff,
               Order.status.in_((OrderStatus.PENDING, OrderStatus.ACTIVE)))).all())
    for payment_id, order_id in stale:
        _abandon(payment_id, order_id)
    return len(stale)


def _abandon(payment_id: int, order_id: int) -> None:
    order = db.session.get(Order, order_id)
    if order is None:
        return
    orders.lock_campaign(order.campaign_id)
    db.session.refresh(order)
    payment = db.session.get(GroupPayment, payment_id, populate_existing=True)
    if payment is None or payment.status not in (PaymentStatus.CREATED, PaymentStatus.FAILED):
        db.session.rollback()
        return
    if order.status == OrderStatus.PENDING:
        _end(order, OrderStatus.ABANDONED)
    elif order.status == OrderStatus.ACTIVE:
        orders.unreserve(order.campaign, payment.quantity)
        group_capture.release(payment)
    db.session.commit()
