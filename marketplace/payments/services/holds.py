"""Card holds for missions far away: save the card now, authorize off-session later.

A card authorization lasts about 7 days (under 5 for Visa merchant-initiated), so a
mission starting more than HOLD_WINDOW_DAYS away gets its card saved at booking (Checkout
in setup mode) and a worker places the manual-capture hold AUTHORIZE_BEFORE_HOURS before
the start. A decline, a bank asking for authentication, or a hold that lapsed marks the
payment FAILED: the mission shows "action needed" to the client (who authorizes again on
the hosted page) and to the helper; nothing is captured until a hold exists again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _

from marketplace.core.base import utcnow
from marketplace.core.dates import localtime
from marketplace.core.db import db
from marketplace.core.i18n import format_money
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.matching.engine import open_first_wave
from marketplace.missions.models import Mission
from marketplace.missions.transitions import move_mission
from marketplace.payments import signals as payments_signals
from marketplace.payments.gateway import CardDeclined, GatewayError, PaymentIntentInfo
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.models import Payment
from marketplace.payments.status import PaymentStatus, payment_transition

ACTIVE = (MissionStatus.OPEN, MissionStatus.ASSIGNED, MissionStatus.DONE)
AUTH_MESSAGES = {"authentication_required": "Your bank asks you to confirm this payment."}


def defers_hold(mission: Mission, now: datetime | None = None) -> bool:
    """True when the start is too far for a hold to last until the work is done."""
    window = timedelta(days=current_app.config["HOLD_WINDOW_DAYS"])
    return mission.starts_at - (now or utcnow()) > window


def setup_url(mission: Mission, payment: Payment, customer_id: str, success_url: str,
              cancel_url: str) -> str | None:
    """A hosted page that saves the card (no money is held yet)."""
    payment.checkout_attempts += 1
    db.session.commit()
    session = gateway().create_setup_session(
        customer_id, success_url, cancel_url,
        {"mission_id": str(mission.id), "payment_id": str(payment.id)},
        idempotency_key=f"mkt:setup:{payment.id}:{payment.checkout_attempts}",
        submit_message=saved_card_terms(mission, payment))
    payment.checkout_session_id, payment.checkout_url = session.id, session.url
    db.session.commit()
    return session.url


def hold_date(mission: Mission) -> datetime:
    """When the worker places the hold on a saved card."""
    return mission.starts_at - timedelta(hours=current_app.config["AUTHORIZE_BEFORE_HOURS"])


def saved_card_terms(mission: Mission, payment: Payment) -> str:
    """What saving the card means, shown on the hosted page before the client saves it."""
    hours = current_app.config["AUTHORIZE_BEFORE_HOURS"]
    return str(_("Nothing is charged now. We place a hold of %(amount)s (price + service fee) on "
             "this card on %(when)s, %(hours)s h before the start of the mission; you are "
             "charged only once you confirm the work is done.",
             amount=format_money(payment.amount_cents, payment.currency),
             when=localtime(hold_date(mission)), hours=hours))


def apply_saved_card(payment: Payment, payment_method_id: str) -> None:
    """The card is saved: the mission opens; the hold comes later from the worker."""
    if payment.status != PaymentStatus.CREATED:
        return
    payment.status = payment_transition(payment.status, PaymentStatus.SAVED)
    payment.payment_method_id = payment_method_id
    open_mission(payment.mission)


def due_payments(now: datetime | None = None) -> list[int]:
    ahead = timedelta(hours=current_app.config["AUTHORIZE_BEFORE_HOURS"])
    return list(db.session.execute(
        db.select(Payment.id).join(Mission, Mission.id == Payment.mission_id)
        .where(Payment.status == PaymentStatus.SAVED, Mission.status.in_(ACTIVE),
               Mission.starts_at <= (now or utcnow()) + ahead)).scalars())


def authorize_saved(payment_id: int) -> PaymentStatus:
    """Place the hold off-session; a refusal marks the mission as needing the client."""
    payment = db.session.get(Payment, payment_id, with_for_update=True)
    if payment is None or payment.status != PaymentStatus.SAVED:
        db.session.rollback()
        return payment.status if payment else PaymentStatus.CANCELED
    mission = payment.mission
    try:
        pi = gateway().authorize_off_session(
            payment.amount_cents, payment.currency, mission.client.stripe_customer_id or "",
            payment.payment_method_id or "", f"mission-{mission.id}",
            {"mission_id": str(mission.id), "payment_id": str(payment.id)},
            idempotency_key=f"mkt:offsession:{payment.id}")
    except CardDeclined as exc:
        return _needs_client(payment, AUTH_MESSAGES.get(exc.code or "", str(exc)))
    except GatewayError as exc:
        if exc.transient:
            db.session.rollback()
            raise
        return _needs_client(payment, str(exc))
    return _held(payment, pi)


def _held(payment: Payment, pi: PaymentIntentInfo) -> PaymentStatus:
    if pi.status != "requires_capture":
        return _needs_client(payment, AUTH_MESSAGES["authentication_required"])
    payment.status = payment_transition(payment.status, PaymentStatus.AUTHORIZED)
    payment.payment_intent_id, payment.charge_id = pi.id, pi.charge_id
    payment.authorized_at = utcnow()
    db.session.commit()
    return payment.status


def _needs_client(payment: Payment, message: str) -> PaymentStatus:
    payment.status = payment_transition(payment.status, PaymentStatus.FAILED)
    payment.failure_message = f"Action needed: {message}"[:255]
    payments_signals.payment_action_needed.send(payment)
    db.session.commit()
    return payment.status


def needs_action(mission: Mission, payment: Payment | None) -> bool:
    """The mission goes on, but its money is not secured until the client acts."""
    return payment is not None and payment.status == PaymentStatus.FAILED \
        and mission.status in ACTIVE


def hold_lapsed(payment: Payment) -> None:
    """Stripe released an uncaptured hold (`payment_intent.canceled` we did not ask for)."""
    if payment.status == PaymentStatus.AUTHORIZED and payment.mission.status in ACTIVE:
        payment.status = payment_transition(payment.status, PaymentStatus.FAILED)
        payment.failure_message = "Action needed: the card hold expired; authorize again."
        payments_signals.payment_action_needed.send(payment)
        payment.payment_intent_id = None


def open_mission(mission: Mission) -> None:
    """A mission waiting for its card opens once the card is held or saved (caller commits)."""
    if mission.status == MissionStatus.PENDING_PAYMENT:
        move_mission(mission, MissionStatus.OPEN)
        open_first_wave(mission)  # instant missions reach their first wave at once
