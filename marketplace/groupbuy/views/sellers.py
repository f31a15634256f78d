"""A seller's Stripe Express account, through the helpers' onboarding service
(`payments/services/onboarding.py`): a seller's connected account is the one on their helper
profile, so a neighbour who already helps is paid to the same account, and the
`account.updated` webhook keeps its flags as it does for helpers.

A seller who does not help (a shop, a producer) gives the address they sell from, which
creates a profile without skills: they stay out of helper searches.

(Until the group-purchase domain stores sellers of its own, this is the one place that says
where a seller's account lives: the pages ask it, never the profile directly.)
"""

from __future__ import annotations

from marketplace.accounts import services as accounts
from marketplace.accounts.models import HelperProfile, User
from marketplace.payments.services import onboarding
from marketplace.places import Place


def seller_account(user: User) -> HelperProfile | None:
    """The profile holding the seller's connected account; None before onboarding starts."""
    profile = user.helper_profile
    return profile if profile is not None and profile.stripe_account_id else None


def can_onboard(user: User) -> bool:
    return user.helper_profile is not None


def onboarding_link(user: User, refresh_url: str, return_url: str) -> str:
    return onboarding.onboarding_link(user, refresh_url, return_url)


def refresh_seller(user: User) -> HelperProfile | None:
    return onboarding.refresh_account(user)


def save_seller_address(user: User, home: Place) -> HelperProfile:
    return accounts.save_seller_home(user, home)
