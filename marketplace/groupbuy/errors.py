"""Errors of the group-purchase domain; their messages are shown to the person as is."""

from __future__ import annotations

from marketplace.core.errors import Conflict, DomainError, Forbidden, InvalidTransition
from marketplace.core.i18n import lazy_gettext as _l


class CampaignError(DomainError):
    """A campaign's details break a rule (the form shows the message)."""


class CampaignClosedError(Conflict, InvalidTransition):
    """The campaign no longer takes joins, changes or withdrawals."""


class SoldOutError(Conflict):
    """Not enough stock left for the quantity asked."""


class AlreadyJoinedError(Conflict):
    """A participant has one live order per campaign: change it instead."""


class NotSellerError(Forbidden):
    """Only the campaign's seller (or an operator) may do this."""


class NotParticipantError(Forbidden):
    """Only the order's participant may do this."""


class SellerNotReadyError(Conflict):
    """The seller has not finished onboarding with Stripe: no campaign can take money yet."""


CLOSED = _l("This group purchase is closed: orders can no longer change.")
SOLD_OUT = _l("Sold out: only %(left)s left.")
SOLD_OUT_NONE = _l("Sold out: no units are left.")
ALREADY_JOINED = _l("You are already in this group purchase: change your quantity instead.")
OWN_CAMPAIGN = _l("You cannot join your own group purchase.")
NOT_SELLER = _l("Only the seller can do this.")
NOT_PARTICIPANT = _l("This order is not yours.")
SELLER_NOT_READY = _l("Finish setting up payouts with Stripe before opening a group purchase.")
TIER_MESSAGES = {
    "empty": _l("Give at least one price."),
    "too_many": _l("Six price tiers at most."),
    "first_not_one": _l("The first price tier must start at 1 unit."),
    "quantity_range": _l("Tier quantities must be between 1 and 10000."),
    "price_range": _l("Each unit price must be between 0.01 and 10000."),
    "duplicate_quantity": _l("Two tiers start at the same quantity."),
    "price_not_decreasing": _l("Each tier must be cheaper per unit than the one before."),
}
NO_DELIVERY = _l("This group purchase has no delivery: pick your order up.")
BAD_QUANTITY = _l("Choose between 1 and 10000 units.")
