"""What each event says: English msgids, translated into the recipient's language.

A notification is written once, when its event happens, in the language of the person it is
for (`render`, under `force_locale`): amounts and dates in the context are formatted then,
for that language, so the in-app notice, the email and the SMS all agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import force_locale, gettext

from marketplace.core.dates import localtime
from marketplace.core.i18n import format_money, format_number, translate_stored


def N_(msgid: str) -> str:
    return msgid


@dataclass(frozen=True)
class Message:
    title: str
    body: str


@dataclass(frozen=True)
class Money:
    """An amount in a notification's context, formatted for its recipient."""

    cents: int
    currency: str = "eur"


@dataclass(frozen=True)
class Stored:
    """A sentence written in English by us or by Stripe (a card's decline message), shown in
    the recipient's language when the catalogue has it (marketplace/payments/declines.py)."""

    text: str


@dataclass(frozen=True)
class Distance:
    """A distance in km in a notification's context ('2,5' in French)."""

    km: float


CATALOG: dict[str, Message] = {
    "payment_authorized": Message(
        N_("Card authorized: “%(title)s”"),
        N_("Your card is authorized for %(total)s. Nearby helpers can now see your mission. "
           "Nothing is charged until you confirm the work is done.")),
    "payment_failed": Message(
        N_("Payment declined: “%(title)s”"),
        N_("Your card was declined (%(reason)s). Your mission is not published yet: "
           "authorize another card from the mission page.")),
    "helper_assigned": Message(
        N_("%(helper)s took “%(title)s”"),
        N_("%(helper)s accepted your mission planned for %(starts_at)s.")),
    "mission_done": Message(
        N_("Work done? Please confirm “%(title)s”"),
        N_("%(helper)s says the work is done. Confirm to pay %(total)s, or tell us about a "
           "problem.")),
    "payout_sent": Message(
        N_("Payout sent: %(amount)s"),
        N_("For “%(title)s”: price %(price)s, commission %(commission)s, you receive "
           "%(amount)s. Stripe then pays it to your bank on its usual schedule.")),
    "bank_payout_failed": Message(
        N_("Bank payout failed: %(amount)s"),
        N_("Your bank refused the payout of %(amount)s (%(reason)s). The money stays on your "
           "Stripe account: update your bank details on Stripe to receive it.")),
    "payment_action_needed": Message(
        N_("Action needed: “%(title)s”"),
        N_("Your mission's payment is not secured: %(reason)s Authorize your card again "
           "from the mission page.")),
    "payment_action_needed_helper": Message(
        N_("Payment pending: “%(title)s”"),
        N_("The client must authorize their card again. We will tell you as soon as the "
           "payment is secured.")),
    "dispute_opened": Message(
        N_("Dispute opened: “%(title)s”"),
        N_("A dispute is open (%(reason)s). The helper's payout is on hold while our team "
           "looks into it.")),
    "dispute_resolved": Message(
        N_("Dispute resolved: “%(title)s”"),
        N_("Decision: %(resolution)s. Helper: %(helper_amount)s; refunded to the client: "
           "%(refund_amount)s. Note: %(note)s")),
    "mission_cancelled": Message(
        N_("Mission cancelled: “%(title)s”"),
        N_("The client cancelled the mission (%(reason)s).")),
    "mission_cancelled_with_fee": Message(
        N_("Mission cancelled: “%(title)s”"),
        N_("The client cancelled the mission (%(reason)s). Late cancellation fee paid to "
           "you: %(fee)s.")),
    "helper_withdrew": Message(
        N_("%(helper)s can no longer do “%(title)s”"),
        N_("Your mission is offered to nearby helpers again. You pay nothing more.")),
    "mission_expired": Message(
        N_("Mission expired: “%(title)s”"),
        N_("Nobody could take your mission before it started. It is cancelled and nothing "
           "is charged; you can post it again for another date.")),
    "review_request": Message(
        N_("Your review of “%(title)s”"),
        N_("Rate %(other)s (1 to 5 stars). Both reviews are published together, or after "
           "7 days.")),
    "application_received": Message(
        N_("New application for “%(title)s”"),
        N_("%(helper)s offers to help: “%(message)s”")),
    "new_missions_nearby": Message(
        N_("New missions near you"),
        N_("“%(title)s” %(distance)s km away. First come, first served.")),
    "signup_with_existing_email": Message(
        N_("Someone tried to sign up with your email"),
        N_("Someone tried to create an Entraide account with your email address. If it was "
           "you, just sign in. If not, ignore this message: your account has not changed.")),
    "confirm_email": Message(
        N_("Confirm your email address"),
        N_("Hello %(name)s, welcome to Entraide! To activate your account, open the link "
           "below and confirm (it works for %(hours)s hours, and once). If you did not "
           "create an account, ignore this message: nothing will be activated.")),
    "password_reset": Message(
        N_("Reset your password"),
        N_("Hello %(name)s, to choose a new password, open the link below (it works for "
           "%(minutes)s minutes, and once). If you did not ask, ignore this message: your "
           "password does not change.")),
    "email_change": Message(
        N_("Confirm your new email address"),
        N_("Hello %(name)s, to use this address for your Entraide account, open the link "
           "below and confirm. If you did not ask, ignore this message: nothing will "
           "change.")),
    "email_changed": Message(
        N_("Your email address changed"),
        N_("Your Entraide account now uses %(new_email)s. If this was not you, contact us "
           "at once.")),
    "password_changed": Message(
        N_("Your password changed"),
        N_("The password of your Entraide account was just changed and your other sessions "
           "are closed. If this was not you, reset it at once.")),
    "reminder": Message(
        N_("Tomorrow: “%(title)s”"),
        N_("Reminder: the mission “%(title)s” starts on %(starts_at)s at %(address)s.")),
    "payment_link": Message(
        N_("Your payment link: “%(title)s”"),
        N_("For the mission “%(title)s” on %(starts_at)s (%(total)s), pay by card with the "
           "link below, no account needed. It works for %(hours)s hours, and once. Nothing "
           "is charged until the work is done.")),
    "payment_link_paid": Message(
        N_("Receipt: “%(title)s”"),
        N_("Your card is authorized for %(total)s (mission on %(starts_at)s). Nothing is "
           "charged until the work is done. To follow your mission online, choose a "
           "password with the link below.")),
    # Group purchases (notifications/group_events.py)
    "group_joined": Message(
        N_("You are in: “%(title)s”"),
        N_("%(quantity)s unit(s), %(amount)s at most (the highest price). The final price is "
           "fixed at closing on %(closes_at)s: the more neighbours join, the less everyone "
           "pays. You can change or withdraw for free until then.")),
    "group_tier_reached": Message(
        N_("%(count)s neighbours are in: the price is now %(price)s"),
        N_("“%(title)s” reached %(total)s units: everyone pays %(price)s per unit if it "
           "closes now.")),
    "group_confirmed": Message(
        N_("Confirmed: “%(title)s”"),
        N_("The group purchase reached %(total)s units: you pay %(price)s per unit, %(amount)s "
           "in all; the rest of your card hold is released. Pickup at %(address)s from "
           "%(starts_at)s to %(ends_at)s.")),
    "group_confirmed_seller": Message(
        N_("Your group purchase goes ahead: “%(title)s”"),
        N_("%(total)s units ordered at %(price)s per unit. Hand them over at %(address)s "
           "from %(starts_at)s and confirm each handover on the participants' page.")),
    "group_called_off": Message(
        N_("Called off: “%(title)s”"),
        N_("The minimum of %(minimum)s units was not reached (%(total)s ordered). Your card "
           "hold is released: nothing is charged.")),
    "group_cancelled": Message(
        N_("Cancelled: “%(title)s”"),
        N_("The seller cancelled this group purchase. Your card hold is released: nothing "
           "is charged.")),
    "group_called_off_seller": Message(
        N_("Your group purchase did not reach its minimum: “%(title)s”"),
        N_("%(total)s units were ordered, %(minimum)s were needed. Every participant's card "
           "hold is released.")),
    "group_payment_needed": Message(
        N_("Payment needed: “%(title)s”"),
        N_("Your bank refused the hold of %(amount)s. Pay before %(due_by)s to keep your "
           "%(quantity)s unit(s); after that your order is dropped.")),
    "group_dropped": Message(
        N_("Order dropped: “%(title)s”"),
        N_("The payment was not made in time, so your order is dropped. Nothing is charged.")),
    "group_pickup_reminder": Message(
        N_("Pickup soon: “%(title)s”"),
        N_("Pick up your %(quantity)s unit(s) at %(address)s between %(starts_at)s and "
           "%(ends_at)s.")),
    "group_handed_over": Message(
        N_("Handed over: “%(title)s”"),
        N_("The seller confirmed you have your %(quantity)s unit(s). Thank you! A problem? "
           "Tell us from the group purchase page.")),
    "group_received": Message(
        N_("Received: “%(title)s”"),
        N_("%(name)s confirmed receiving %(quantity)s unit(s).")),
    "group_disputed": Message(
        N_("A participant reports a problem: “%(title)s”"),
        N_("%(name)s says: “%(reason)s”. Your payout waits until our team decides.")),
    "group_dispute_resolved": Message(
        N_("Your report is settled: “%(title)s”"),
        N_("Our team decided: %(refund)s refunded to your card.")),
    "group_seller_paid": Message(
        N_("Payout sent: %(amount)s"),
        N_("For “%(title)s”: %(amount)s transferred to your account (what participants paid, "
           "less the platform's commission and any refund).")),
}


def message_for(event: str) -> Message:
    """The event's message (English msgids)."""
    try:
        return CATALOG[event]
    except KeyError as exc:
        raise ValueError(f"unknown notification event {event!r}") from exc


def present(value: Any) -> Any:
    """A context value as the current language writes it (amounts, moments, lazy labels)."""
    if isinstance(value, Money):
        return format_money(value.cents, value.currency)
    if isinstance(value, Distance):
        return format_number(value.km)
    if isinstance(value, Stored):
        return translate_stored(value.text)
    if isinstance(value, datetime):
        return localtime(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)  # a lazy string: a label, translated now


def render(event: str, context: dict[str, Any], locale: str) -> tuple[str, str, dict[str, Any]]:
    """The event's title and body in `locale`, and the context as they show it."""
    with_fee = event == "mission_cancelled" and bool(context.get("fee"))
    message = message_for(f"{event}_with_fee" if with_fee else event)
    with force_locale(locale):
        shown = {key: present(value) for key, value in context.items()}
        return str(gettext(message.title, **shown)), str(gettext(message.body, **shown)), shown
