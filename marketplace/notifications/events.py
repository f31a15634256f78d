"""The notifications our state changes cause, one function per event (called in-transaction)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import String, cast, literal
from sqlalchemy.sql import ColumnElement

from marketplace.accounts import claim
from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.notifications.catalog import Distance, Money, Stored
from marketplace.notifications.services import EMAIL_TO, notify, public_url, reach_of
from marketplace.payments.models import Payout
from marketplace.payments.models.links import PaymentLink as PaymentLinkRow
from marketplace.places.privacy import rounded_km

if TYPE_CHECKING:
    from marketplace.missions.models import Mission
    from marketplace.payments.models import BankPayout, Payment


RESOLUTIONS = {"release": _l("paid to the helper"), "refund": _l("refunded to the client"),
               "split": _l("split between the helper and the client")}


def mission_link(mission: Mission) -> str:
    return public_url(f"/missions/{mission.id}")


def payment_authorized(payment: Payment) -> None:
    mission = payment.mission
    if _paid_through_link(mission):
        return  # a phone caller gets the payment link's receipt instead (payment_link_paid)
    notify(mission.client, "payment_authorized",
           {"title": mission.title, "total": Money(payment.amount_cents, payment.currency)},
           key=f"payment_authorized:{payment.id}", link=mission_link(mission))


def payment_failed(payment: Payment, payment_intent_id: str) -> None:
    mission = payment.mission
    notify(mission.client, "payment_failed",
           {"title": mission.title,
            "reason": Stored(payment.failure_message) if payment.failure_message
            else _l("declined")},
           key=f"payment_failed:{payment.id}:{payment_intent_id}", link=mission_link(mission))


def helper_assigned(mission: Mission, helper: User, assignment_id: int) -> None:
    notify(mission.client, "helper_assigned",
           {"title": mission.title, "helper": helper.full_name,
            "starts_at": mission.starts_at},
           key=f"helper_assigned:{assignment_id}", link=mission_link(mission))


def mission_done(mission: Mission) -> None:
    helper_name = mission.helper.full_name if mission.helper else ""
    notify(mission.client, "mission_done",
           {"title": mission.title, "helper": helper_name,
            "total": Money(mission.total_cents, mission.currency)},
           key=f"mission_done:{mission.id}", link=mission_link(mission))


def payout_sent(payout: Payout, loaded: Mapping[str, Sequence[Any]] | None = None) -> None:
    mission = payout.mission
    notify(payout.helper, "payout_sent",
           {"title": mission.title, "amount": Money(payout.amount_cents, payout.currency),
            "price": Money(mission.price_cents, payout.currency),
            "commission": Money(mission.commission_cents, payout.currency)},
           key=f"payout_sent:{payout.id}", link=public_url("/helper/payouts"),
           known_reach=(loaded or {}).get(PAYOUT_HELPER_REACH))


PAYOUT_HELPER_REACH = "helper_reach"


def payout_helper_reach() -> tuple[ColumnElement[Any], ...]:
    """How to reach a payout's helper, read with the payout's locked row
    (`payouts.load_with_release`): the key is `payout_sent`'s, written in SQL."""
    return reach_of(Payout.helper_id,
                    literal("payout_sent:", String()) + cast(Payout.id, String()))


def bank_payout_failed(bank_payout: BankPayout) -> None:
    """The helper's bank refused a payout: only they can fix their bank details."""
    helper = db.session.get(User, bank_payout.helper_id)
    if helper is None:
        return
    notify(helper, "bank_payout_failed",
           {"amount": Money(bank_payout.amount_cents, bank_payout.currency),
            "reason": bank_payout.failure_message or bank_payout.failure_code or _l("refused")},
           key=f"bank_payout_failed:{bank_payout.stripe_payout_id}",
           link=public_url("/helper/payouts"))


def payment_action_needed(payment: Payment) -> None:
    """The client must act; the assigned helper learns the payment is not secured yet."""
    mission = payment.mission
    hour = int(utcnow().timestamp()) // 3600  # at most one reminder an hour per payment
    reason = (payment.failure_message or "").removeprefix("Action needed: ")
    notify(mission.client, "payment_action_needed",
           {"title": mission.title, "reason": Stored(reason)},
           key=f"action_needed:{payment.id}:{hour}", link=mission_link(mission))
    if mission.helper is not None:
        notify(mission.helper, "payment_action_needed_helper", {"title": mission.title},
               key=f"action_needed_helper:{payment.id}:{hour}", link=mission_link(mission))


def _parties(mission: Mission) -> list[User]:
    return [p for p in (mission.client, mission.helper) if p is not None]


def dispute_opened(mission: Mission, dispute_id: int, reason: str) -> None:
    for person in _parties(mission):
        notify(person, "dispute_opened", {"title": mission.title, "reason": reason},
               key=f"dispute_opened:{dispute_id}:{person.id}", link=mission_link(mission))


def dispute_resolved(mission: Mission, dispute_id: int, resolution: str, helper_cents: int,
                     refund_cents: int, note: str) -> None:
    context = {"title": mission.title, "resolution": RESOLUTIONS.get(resolution, resolution),
               "note": note,
               "helper_amount": Money(helper_cents, mission.currency),
               "refund_amount": Money(refund_cents, mission.currency)}
    for person in _parties(mission):
        notify(person, "dispute_resolved", context,
               key=f"dispute_resolved:{dispute_id}:{person.id}", link=mission_link(mission))


def mission_cancelled(mission: Mission, helper: User | None, reason: str, fee_cents: int) -> None:
    if helper is None:
        return
    fee = Money(fee_cents, mission.currency) if fee_cents else ""
    notify(helper, "mission_cancelled", {"title": mission.title, "reason": reason, "fee": fee},
           key=f"mission_cancelled:{mission.id}:{helper.id}", link=mission_link(mission))


def helper_withdrew(mission: Mission, helper: User, cancellation_id: int) -> None:
    notify(mission.client, "helper_withdrew", {"title": mission.title, "helper": helper.full_name},
           key=f"helper_withdrew:{cancellation_id}", link=mission_link(mission))


def mission_expired(mission: Mission) -> None:
    notify(mission.client, "mission_expired", {"title": mission.title},
           key=f"mission_expired:{mission.id}", link=mission_link(mission))


def review_request(mission: Mission) -> None:
    """Both sides of a completed mission are asked to rate each other."""
    pairs = [(mission.client, mission.helper), (mission.helper, mission.client)]
    for person, other in pairs:
        if person is not None and other is not None:
            notify(person, "review_request", {"title": mission.title, "other": other.full_name},
                   key=f"review_request:{mission.id}:{person.id}", link=mission_link(mission))


def application_received(mission: Mission, helper: User, offer_id: int, message: str) -> None:
    notify(mission.client, "application_received",
           {"title": mission.title, "helper": helper.full_name, "message": message[:200]},
           key=f"application:{offer_id}", link=public_url(f"/missions/{mission.id}/applicants"))


NEARBY_EVERY_S = 1800  # at most one "new missions near you" per helper per half hour


def new_missions_nearby(mission: Mission, helper_ids_km: list[tuple[int, float]]) -> None:
    """Tell offered helpers, rate-limited: a burst of missions makes one notification."""
    slot = int(utcnow().timestamp()) // NEARBY_EVERY_S
    for helper_id, km in helper_ids_km:
        helper = db.session.get(User, helper_id)
        if helper is not None:
            notify(helper, "new_missions_nearby",
                   {"title": mission.title, "distance": Distance(rounded_km(km))},
                   key=f"nearby:{helper_id}:{slot}", link=public_url("/helper/missions"))


def signup_with_existing_email(user: User) -> None:
    """Someone tried to sign up with `user`'s email: tell them (at most once an hour)."""
    hour = int(utcnow().timestamp()) // 3600
    notify(user, "signup_with_existing_email", {},
           key=f"signup_existing:{user.id}:{hour}", link=public_url("/login"))


CONFIRM_EVERY_S = 60  # at most one confirmation link a minute per account


def confirm_email(user: User, token: str) -> None:
    """A new account: email its owner the link that confirms it (any earlier link still
    works until one is used)."""
    slot = int(utcnow().timestamp()) // CONFIRM_EVERY_S
    hours = int(current_app.config["CONFIRM_EMAIL_MAX_AGE_SECONDS"]) // 3600
    notify(user, "confirm_email", {"name": user.full_name, "hours": hours},
           key=f"confirm_email:{user.id}:{user.session_version}:{slot}",
           link=public_url(f"/signup/confirm/{token}"))


def password_reset(user: User, token: str) -> None:
    """Email the reset link (at most one a minute per account; never listed in the app)."""
    slot = int(utcnow().timestamp()) // CONFIRM_EVERY_S
    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"]) // 60
    notify(user, "password_reset", {"name": user.full_name, "minutes": minutes},
           key=f"password_reset:{user.id}:{slot}", link=public_url(f"/password/reset/{token}"))


def email_change(user: User, new_email: str, token: str) -> None:
    """Email the link that applies the change to the new address only."""
    slot = int(utcnow().timestamp()) // CONFIRM_EVERY_S
    notify(user, "email_change", {"name": user.full_name, EMAIL_TO: new_email},
           key=f"email_change:{user.id}:{new_email}:{slot}"[:160],
           link=public_url(f"/account/email/confirm/{token}"))


def email_changed(user: User, old_email: str) -> None:
    """Tell the old address that the account moved to another one."""
    notify(user, "email_changed", {"new_email": user.email, EMAIL_TO: old_email},
           key=f"email_changed:{user.id}:{old_email}:{int(utcnow().timestamp())}"[:160])


def password_changed(user: User) -> None:
    notify(user, "password_changed", {},
           key=f"password_changed:{user.id}:{utcnow().timestamp()}")


def _paid_through_link(mission: Mission) -> bool:
    return db.session.execute(db.select(PaymentLinkRow.id).where(
        PaymentLinkRow.mission_id == mission.id).limit(1)).first() is not None


def payment_link_sent(link: PaymentLinkRow, token: str) -> None:
    """The phone caller's payment link, by SMS (and email when we know one)."""
    mission = link.mission
    notify(mission.client, "payment_link",
           {"title": mission.title, "total": Money(mission.total_cents, mission.currency),
            "starts_at": mission.starts_at,
            "hours": int(current_app.config["PAYMENT_LINK_TTL_HOURS"])},
           key=f"payment_link:{link.id}", link=public_url(f"/pay/{token}"))


def payment_link_paid(link: PaymentLinkRow, payment: Payment) -> None:
    """The caller's receipt; its link lets them set a password and keep the account."""
    mission = link.mission
    notify(mission.client, "payment_link_paid",
           {"title": mission.title, "total": Money(payment.amount_cents, payment.currency),
            "starts_at": mission.starts_at},
           key=f"payment_link_paid:{link.id}",
           link=public_url(f"/pay/claim/{claim.make_token(mission.client)}"))
