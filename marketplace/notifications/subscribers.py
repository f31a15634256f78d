"""Notifications listen to the domains' signals; nothing below this package imports it.

`connect()` runs once per app (the factory calls it; connecting again is harmless). Each
receiver is the `events` function that writes the notification into the sender's
transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from blinker import NamedSignal

from marketplace.accounts import signals as accounts
from marketplace.groupbuy import signals as groupbuy
from marketplace.missions import signals as missions
from marketplace.notifications import events, personal_data
from marketplace.notifications import group_events as group
from marketplace.payments import signals as payments
from marketplace.payments.services import payouts

RECEIVERS: tuple[tuple[NamedSignal, Callable[..., Any]], ...] = (
    (accounts.signup_with_existing_email, events.signup_with_existing_email),
    (accounts.email_confirmation_requested, events.confirm_email),
    (accounts.password_reset_requested, events.password_reset),
    (accounts.email_change_requested, events.email_change),
    (accounts.email_changed, events.email_changed),
    (accounts.password_changed, events.password_changed),
    (accounts.personal_data_requested, personal_data.export_section),
    (accounts.account_erasing, personal_data.erase),
    (missions.helper_assigned, events.helper_assigned),
    (missions.mission_done, events.mission_done),
    (missions.mission_completed, events.review_request),
    (missions.mission_cancelled, events.mission_cancelled),
    (missions.helper_withdrew, events.helper_withdrew),
    (missions.mission_expired, events.mission_expired),
    (missions.application_received, events.application_received),
    (missions.new_missions_nearby, events.new_missions_nearby),
    (payments.payment_authorized, events.payment_authorized),
    (payments.payment_failed, events.payment_failed),
    (payments.payment_link_sent, events.payment_link_sent),
    (payments.payment_link_paid, events.payment_link_paid),
    (payments.payment_action_needed, events.payment_action_needed),
    (payments.payout_sent, events.payout_sent),
    (payments.bank_payout_failed, events.bank_payout_failed),
    (payments.dispute_opened, events.dispute_opened),
    (payments.dispute_resolved, events.dispute_resolved),
    (groupbuy.order_joined, group.order_joined),
    (groupbuy.tier_reached, group.tier_reached),
    (groupbuy.campaign_confirmed, group.campaign_confirmed),
    (groupbuy.campaign_called_off, group.campaign_called_off),
    (groupbuy.payment_needed, group.payment_needed),
    (groupbuy.order_dropped, group.order_dropped),
    (groupbuy.pickup_reminder, group.pickup_reminder),
    (groupbuy.order_handed_over, group.order_handed_over),
    (groupbuy.order_disputed, group.order_disputed),
    (groupbuy.dispute_resolved, group.dispute_resolved),
    (groupbuy.seller_paid, group.seller_paid),
)


def connect() -> None:
    """Subscribe every notification to the signal that causes it (strong references), and
    have each payout's helper settings read with the payout (one statement fewer each)."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, weak=False)
    payouts.load_with_release(events.PAYOUT_HELPER_REACH, events.payout_helper_reach)
