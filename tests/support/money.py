"""Real money flows through the emulator for service-level tests (no browser, no worker)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.flows import booking
from marketplace.missions.models import Mission
from marketplace.missions.services import missions
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.models import Payout
from marketplace.payments.services import checkout
from marketplace.payments.services.payouts import release_payout
from marketplace.payments.status import PayoutStatus
from stripe_emulator import StripeEmulator
from tests.support.factories import Factories, started


def onboarded_helper(make: Factories, emu: StripeEmulator, **kw: object) -> User:
    """A helper with a real Express account at the emulator, onboarded."""
    helper = make.helper(onboarded=False, **kw)  # type: ignore[arg-type]
    acct = gateway().create_express_account(helper.email, {"user_id": str(helper.id)},
                                            idempotency_key=f"test:acct:{helper.id}")
    emu.complete_onboarding(acct.id)
    profile = helper.helper_profile
    assert profile is not None
    profile.stripe_account_id = acct.id
    profile.payouts_enabled = profile.charges_enabled = profile.details_submitted = True
    db.session.commit()
    return helper


def authorized_mission(make: Factories, emu: StripeEmulator, card: str = "4242424242424242",
                       **kw: object) -> Mission:
    """A mission whose card hold is real (checkout paid at the emulator) and applied."""
    mission = make.mission(authorized=False, **kw)  # type: ignore[arg-type]
    checkout.checkout_url(mission, "http://app.test/ok", "http://app.test/cancel")
    payment = checkout.latest_payment(mission)
    assert payment is not None and payment.checkout_session_id
    emu.pay_checkout_session(payment.checkout_session_id, card_number=card)
    checkout.sync_checkout_session(payment.checkout_session_id)
    return mission


def saved_card_mission(make: Factories, emu: StripeEmulator,
                       card: str = "4242424242424242", days: int = 10,
                       **kw: object) -> Mission:
    """A mission far enough away that Checkout only saved the card (no hold yet)."""
    mission = make.mission(authorized=False, **kw)  # type: ignore[arg-type]
    mission.starts_at = utcnow() + timedelta(days=days)
    mission.ends_at = mission.starts_at + timedelta(hours=2)
    db.session.commit()
    checkout.checkout_url(mission, "http://app.test/ok", "http://app.test/cancel")
    payment = checkout.latest_payment(mission)
    assert payment is not None and payment.checkout_session_id
    emu.pay_checkout_session(payment.checkout_session_id, card_number=card)
    checkout.sync_checkout_session(payment.checkout_session_id)
    return mission


def done_mission(make: Factories, emu: StripeEmulator, **kw: object) -> Mission:
    """Authorized, accepted by a real onboarded helper, marked done."""
    mission = authorized_mission(make, emu, **kw)
    helper = onboarded_helper(make, emu)
    booking.accept_mission(mission.id, helper)
    started(mission)
    missions.mark_done(mission.id, helper)
    return mission


def release_now(payout_id: int) -> PayoutStatus:
    """Make a payout due now and release it, as the worker would once the window passed."""
    db.session.execute(update(Payout).where(Payout.id == payout_id)
                       .values(release_after=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    return release_payout(payout_id)
