"""Build users, helpers and missions through the real services (no Stripe calls)."""

from __future__ import annotations

from datetime import timedelta

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.flows import booking
from marketplace.missions.lifecycle import MatchingMode, MissionStatus
from marketplace.missions.models import Mission
from marketplace.missions.services import missions
from marketplace.payments.models import Payment
from marketplace.payments.services import holds
from marketplace.payments.status import PaymentStatus

ASNIERES = (48.9146, 2.2874)
PASSWORD = "correct horse battery"


class Factories:
    def __init__(self) -> None:
        self._n = 0

    def _email(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n}@example.com"

    def client(self, email: str | None = None) -> User:
        return accounts.register_user(email or self._email("client"), PASSWORD, "Client",
                                      client=True, helper=False)

    def helper(self, *, lat: float = ASNIERES[0], lng: float = ASNIERES[1], radius_km: float = 5,
               skills: tuple[str, ...] = ("bricolage",), onboarded: bool = True,
               email: str | None = None) -> User:
        user = accounts.register_user(email or self._email("helper"), PASSWORD, "Helper",
                                      client=False, helper=True)
        profile = accounts.save_helper_profile(user, lat=lat, lng=lng, radius_km=radius_km,
                                               skills=skills)
        if onboarded:
            profile.stripe_account_id = f"acct_test{user.id}"
            profile.payouts_enabled = profile.charges_enabled = True
            profile.details_submitted = True
            db.session.commit()
        return user

    def mission(self, client: User | None = None, *, lat: float = ASNIERES[0],
                lng: float = ASNIERES[1], category: str = "bricolage", price_cents: int = 4500,
                authorized: bool = True, mode: MatchingMode = MatchingMode.INSTANT,
                address: str = "3 Rue des Bourguignons 92600 Asnières-sur-Seine",
                city: str | None = "Asnières-sur-Seine") -> Mission:
        """A posted mission; `authorized` gives it a card hold and makes it open."""
        start = utcnow() + timedelta(days=1)
        draft = missions.MissionDraft(
            category=category, title="Fix a shelf", description="Two shelves to fix",
            address=address, city=city, lat=lat, lng=lng, starts_at=start,
            ends_at=start + timedelta(hours=2), price_cents=price_cents, matching_mode=mode)
        mission = booking.post_mission(client or self.client(), draft)
        if authorized and mission.status == MissionStatus.PENDING_PAYMENT:
            db.session.add(Payment(mission_id=mission.id, amount_cents=mission.total_cents,
                                   currency=mission.currency, status=PaymentStatus.AUTHORIZED,
                                   payment_intent_id=f"pi_test{mission.id}"))
            holds.open_mission(mission)  # what a held card does: open, first wave
            db.session.commit()
        return mission
