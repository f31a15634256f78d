"""Off-session holds on saved cards, shortly before a far-away campaign closes.

Like missions (`holds.py`): the worker authorizes AUTHORIZE_BEFORE_HOURS before closing with
the key `mkt:group-offsession:<payment id>`, so a retried task replays Stripe's answer. A
refusal marks the payment FAILED; the flow then gives the participant 24 h to pay.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.groupbuy.lifecycle import CampaignStatus
from marketplace.groupbuy.models import Campaign
from marketplace.payments.gateway import CardDeclined, GatewayError
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.models import GroupPayment
from marketplace.payments.services.group_checkout import metadata, record_hold, transfer_group
from marketplace.payments.status import PaymentStatus, payment_transition

AUTH_NEEDED = "Your bank asks you to confirm this payment."


def due_payments(now: datetime | None = None) -> list[int]:
    """Saved cards of open campaigns closing within AUTHORIZE_BEFORE_HOURS."""
    ahead = timedelta(hours=current_app.config["AUTHORIZE_BEFORE_HOURS"])
    return list(db.session.execute(
        db.select(GroupPayment.id).join(Campaign, Campaign.id == GroupPayment.campaign_id)
        .where(GroupPayment.status == PaymentStatus.SAVED,
               Campaign.status == CampaignStatus.OPEN,
               Campaign.closes_at <= (now or utcnow()) + ahead)
        .order_by(GroupPayment.id)).scalars())


def authorize_saved(payment_id: int) -> PaymentStatus:
    """Place the hold off-session (caller commits); FAILED if the bank refuses.

    Transient errors roll back and re-raise for the task to retry."""
    payment = db.session.get(GroupPayment, payment_id, with_for_update=True)
    if payment is None or payment.status != PaymentStatus.SAVED:
        return payment.status if payment else PaymentStatus.CANCELED
    customer = payment.order.user.stripe_customer_id or ""
    try:
        pi = gateway().authorize_off_session(
            payment.amount_cents, payment.currency, customer, payment.payment_method_id or "",
            transfer_group(payment.campaign_id), metadata(payment),
            idempotency_key=f"mkt:group-offsession:{payment.id}:{payment.amount_cents}")
    except CardDeclined as exc:
        return _refused(payment, AUTH_NEEDED if exc.code == "authentication_required"
                        else str(exc))
    except GatewayError as exc:
        if exc.transient:
            db.session.rollback()
            raise
        return _refused(payment, str(exc))
    if pi.status != "requires_capture":
        return _refused(payment, AUTH_NEEDED)
    payment.status = payment_transition(payment.status, PaymentStatus.AUTHORIZED)
    payment.payment_intent_id, payment.charge_id = pi.id, pi.charge_id
    payment.authorized_at = utcnow()
    record_hold(payment, pi.id)
    return payment.status


def _refused(payment: GroupPayment, message: str) -> PaymentStatus:
    payment.status = payment_transition(payment.status, PaymentStatus.FAILED)
    payment.failure_message = f"Action needed: {message}"[:255]
    return payment.status
