"""Seed captured missions whose payouts are due (chaos suite and payout benchmark)."""

from __future__ import annotations

import time
from datetime import timedelta

from marketplace.accounts.models import HelperProfile, HelperSkill, User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.notifications.models import NotificationSettings
from marketplace.payments import ledger
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.ledger import Line
from marketplace.payments.models import Payment, Payout
from marketplace.payments.status import PaymentStatus
from stripe_emulator import StripeEmulator

PRICE, COMMISSION = 4500, 675


def _helper(emulator: StripeEmulator, tag: str, email: bool) -> User:
    stripe = gateway().v1  # type: ignore[attr-defined]
    acct = stripe.accounts.create(params={"type": "express", "country": "FR"})
    emulator.complete_onboarding(acct["id"])
    helper = User(email=f"helper-{tag}@example.com", password_hash="-", full_name=f"Helper {tag}",
                  is_helper=True)
    db.session.add(helper)
    db.session.flush()
    db.session.add_all([
        HelperProfile(user_id=helper.id, lat=48.9, lng=2.28, radius_km=5,
                      stripe_account_id=acct["id"], payouts_enabled=True, charges_enabled=True,
                      details_submitted=True, skills=[HelperSkill(category="bricolage")]),
        NotificationSettings(user_id=helper.id, email_enabled=email, sms_enabled=False)])
    return helper


def seed_due_payouts(emulator: StripeEmulator, count: int, *, email: bool = False) -> list[int]:
    """Helpers with onboarded accounts, captured charges, and one due payout each."""
    stripe = gateway().v1  # type: ignore[attr-defined]
    run = time.time_ns()
    client = User(email=f"client-{run}@example.com", password_hash="-", full_name="Client",
                  is_client=True)
    db.session.add(client)
    db.session.flush()
    start = utcnow() + timedelta(days=1)
    payout_ids = []
    for i in range(count):
        helper = _helper(emulator, f"{run}-{i}", email)
        mission = Mission(client_id=client.id, helper_id=helper.id, category="bricolage",
                          title=f"Job {i}", description="seeded", address="seeded", lat=48.9,
                          lng=2.28, starts_at=start, ends_at=start + timedelta(hours=1),
                          price_cents=PRICE, commission_bps=1500, commission_cents=COMMISSION,
                          status=MissionStatus.COMPLETED)
        db.session.add(mission)
        db.session.flush()
        pi = stripe.payment_intents.create(params={
            "amount": PRICE, "currency": "eur", "payment_method": "pm_card_visa",
            "confirm": True, "transfer_group": f"mission-{mission.id}"})
        payment = Payment(mission_id=mission.id, amount_cents=PRICE, currency="eur",
                          status=PaymentStatus.CAPTURED, payment_intent_id=pi["id"],
                          charge_id=pi["latest_charge"], captured_cents=PRICE)
        db.session.add(payment)
        db.session.flush()
        ledger.record("capture", f"capture:{pi['id']}", [
            Line(ledger.STRIPE_BALANCE, PRICE), Line(ledger.helper_payable(helper.id), -(
                PRICE - COMMISSION)), Line(ledger.COMMISSION_REVENUE, -COMMISSION),
        ], currency="eur", mission_id=mission.id, description="seeded capture")
        payout = Payout(mission_id=mission.id, payment_id=payment.id, helper_id=helper.id,
                        amount_cents=PRICE - COMMISSION, currency="eur", release_after=utcnow())
        db.session.add(payout)
        db.session.flush()
        payout_ids.append(payout.id)
    db.session.commit()
    return payout_ids
