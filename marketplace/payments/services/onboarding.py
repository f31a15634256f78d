"""Helper onboarding on Stripe Connect Express.

The return URL proves nothing: only the account's own flags (from `account.updated`, or
a fresh retrieve) decide whether the helper can be paid.
"""

from __future__ import annotations

import secrets

from marketplace.accounts.models import HelperProfile, User
from marketplace.core import outbox
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.payments.gateway import ConnectedAccount
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.models import Payout
from marketplace.payments.status import PayoutStatus


def onboarding_link(user: User, refresh_url: str, return_url: str) -> str:
    """Create the helper's Express account once, then a fresh single-use onboarding link."""
    profile = user.helper_profile
    if profile is None:
        raise DomainError(_l("Set up your helper profile first."))
    if profile.stripe_account_id is None:
        account = gateway().create_express_account(
            email=user.email, metadata={"helper_profile_id": str(profile.id)},
            idempotency_key=f"mkt:account:{profile.id}")
        profile.stripe_account_id = account.id
        db.session.commit()
    # Links are single-use: each request (a refresh_url visit included) needs a new one.
    key = f"mkt:account_link:{profile.id}:{secrets.token_hex(8)}"
    return gateway().create_onboarding_link(profile.stripe_account_id, refresh_url,
                                            return_url, idempotency_key=key)


def bank_details_link(user: User, refresh_url: str, return_url: str) -> str:
    """Where a helper fixes their bank details: Stripe's Express Dashboard once onboarding is
    done (Express accounts change their bank account there, not in our app), the onboarding
    form before that."""
    profile = user.helper_profile
    if profile is None or not profile.stripe_account_id or not profile.details_submitted:
        return onboarding_link(user, refresh_url, return_url)
    key = f"mkt:login_link:{profile.id}:{secrets.token_hex(8)}"  # single-use, like links
    return gateway().create_login_link(profile.stripe_account_id, idempotency_key=key)


def refresh_account(user: User) -> HelperProfile | None:
    """Re-read the helper's account from Stripe (used on return from onboarding)."""
    profile = user.helper_profile
    if profile is None or profile.stripe_account_id is None:
        return profile
    apply_account_state(gateway().retrieve_account(profile.stripe_account_id))
    return profile


def apply_account_state(account: ConnectedAccount) -> None:
    """Store the account's capability flags and release payouts it was holding up."""
    profile = db.session.execute(
        db.select(HelperProfile).where(HelperProfile.stripe_account_id == account.id)
    ).scalar_one_or_none()
    if profile is None:
        return
    profile.details_submitted = account.details_submitted
    profile.charges_enabled = account.charges_enabled
    profile.payouts_enabled = account.payouts_enabled
    if account.payouts_enabled:
        _release_held_payouts(profile.user_id)
    db.session.commit()


def _release_held_payouts(helper_id: int) -> None:
    held = db.session.execute(
        db.select(Payout).where(Payout.helper_id == helper_id,
                                Payout.status == PayoutStatus.HELD)
    ).scalars().all()
    for payout in held:
        payout.status, payout.hold_reason = PayoutStatus.SCHEDULED, None
        outbox.enqueue("payouts.release", payout.id)
