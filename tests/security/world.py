"""Real objects for the security suites, built through the services and flows.

`World` holds the people (a client, another client, the helper a mission concerns, another
helper, an operator) and builds the objects a route acts on only when asked, each in the
state where the route means something: an open mission, one waiting for payment, one
assigned with a real card hold at the emulator, one done, a final-price proposal, a dispute,
a scheduled payout, a refused late-cancellation fee, a review, a failed notification, a fee
rule, an availability slot.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property

from flask.testing import FlaskClient
from sqlalchemy import select, text

from marketplace.accounts import availability
from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.flows import booking
from marketplace.flows import cancellation as cancellation_flow
from marketplace.flows import tips as tips_flow
from marketplace.flows.completion import confirm_completion
from marketplace.groupbuy import orders as group_orders
from marketplace.groupbuy import services as groupbuy
from marketplace.groupbuy.models import Campaign
from marketplace.groupbuy.tiers import Tier
from marketplace.missions.lifecycle import MatchingMode
from marketplace.missions.matching import services as matching
from marketplace.missions.models import Mission
from marketplace.missions.services import completion, missions, reviews
from marketplace.notifications.models import (
    Channel,
    DeliveryStatus,
    Notification,
    NotificationDelivery,
)
from marketplace.payments.fees import FeeFormula
from marketplace.payments.models import FeeKind, GroupDispute, Payout, StripeEvent
from marketplace.payments.services import (
    checkout,
    disputes,
    fee_rules,
    payment_links,
    receivables,
)
from marketplace.places import services as places
from stripe_emulator import StripeEmulator
from tests.support.factories import PASSWORD, Factories, started
from tests.support.forms import login
from tests.support.money import authorized_mission, onboarded_helper, saved_card_mission
from tests.support.places import ADDRESS
from tests.support.web import csrf_token

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
REFUSED_CARD = "4000002760003184"  # needs authentication: the off-session fee is refused


class World:
    def __init__(self, make: Factories, emu: StripeEmulator) -> None:
        self.make, self.emu = make, emu

    # -- people ---------------------------------------------------------------------------
    @cached_property
    def client(self) -> User:
        return self.make.client()

    @cached_property
    def client2(self) -> User:
        return self.make.client()

    @cached_property
    def helper(self) -> User:
        """The helper the objects concern: a real Express account at the emulator."""
        return onboarded_helper(self.make, self.emu)

    @cached_property
    def helper2(self) -> User:
        return self.make.helper()

    @cached_property
    def new_helper(self) -> User:
        """A helper with a profile whose payout account does not exist yet."""
        return self.make.helper(onboarded=False)

    @cached_property
    def operator(self) -> User:
        return accounts.make_operator("ops@example.com", PASSWORD)

    @cached_property
    def suspended_client(self) -> User:
        """A client an operator suspended (the object of a reinstatement)."""
        user = self.make.client()
        user.is_suspended = True
        db.session.commit()
        return user

    # -- missions -------------------------------------------------------------------------
    @cached_property
    def open_mission(self) -> Mission:
        return authorized_mission(self.make, self.emu, client=self.client)

    @cached_property
    def choose_mission(self) -> Mission:
        """Open in "choose" mode, the helper has applied."""
        mission = authorized_mission(self.make, self.emu, client=self.client,
                                     mode=MatchingMode.CHOOSE)
        matching.apply(self.helper, mission.id, "I can come tomorrow")
        return mission

    @cached_property
    def operator_mission(self) -> Mission:
        return authorized_mission(self.make, self.emu, client=self.client,
                                  mode=MatchingMode.OPERATOR)

    @cached_property
    def pending_mission(self) -> Mission:
        """Posted, card not yet given (pending payment)."""
        return self.make.mission(self.client, authorized=False)

    @cached_property
    def assigned_mission(self) -> Mission:
        mission = authorized_mission(self.make, self.emu, client=self.client)
        booking.accept_mission(mission.id, self.helper)
        return mission

    @cached_property
    def done_mission(self) -> Mission:
        mission = started(self.assigned_mission)
        missions.mark_done(mission.id, self.helper)
        return mission

    @cached_property
    def proposal_mission(self) -> Mission:
        mission = self.done_mission
        completion.propose_final_price(mission.id, self.helper, mission.price_cents - 500)
        return mission

    @cached_property
    def completed_mission(self) -> Mission:
        mission = self.done_mission
        confirm_completion(mission.id, self.client)
        return mission

    @cached_property
    def checkout_session_id(self) -> str:
        payment = checkout.latest_payment(self.open_mission)
        assert payment is not None and payment.checkout_session_id
        return payment.checkout_session_id

    @cached_property
    def payment_link_token(self) -> str:
        """The raw token of the pending mission's payment link (the hotline's guest page)."""
        _link, token = payment_links.send_link(self.pending_mission, self.operator)
        return token

    @cached_property
    def tip_session_id(self) -> str:
        """The hosted checkout of a tip the client started on the completed mission."""
        started_tip = tips_flow.add_tip(self.completed_mission.id, self.client, 500,
                                        "http://app.test/ok", "http://app.test/cancel")
        assert started_tip.tip.checkout_session_id
        return started_tip.tip.checkout_session_id

    # -- money objects --------------------------------------------------------------------
    @cached_property
    def dispute_id(self) -> int:
        return disputes.open_by_client(self.done_mission.id, self.client, "Not finished").id

    @cached_property
    def payout_id(self) -> int:
        mission = self.completed_mission
        return db.session.execute(select(Payout.id).where(
            Payout.mission_id == mission.id)).scalar_one()

    @cached_property
    def receivable_id(self) -> int:
        """A late-cancellation fee the client's card refused (failed, to retry or waive)."""
        mission = saved_card_mission(self.make, self.emu, REFUSED_CARD, client=self.client)
        booking.accept_mission(mission.id, self.helper)
        mission.starts_at = utcnow() + timedelta(hours=5)
        mission.ends_at = mission.starts_at + timedelta(hours=2)
        db.session.commit()
        cancellation_flow.cancel_by_client(mission.id, self.client, "Plans changed")
        row = db.session.execute(select(receivables.ClientReceivable)).scalar_one()
        receivables.collect(row.id)
        return row.id

    @cached_property
    def review_id(self) -> int:
        mission = self.completed_mission
        return reviews.submit_review(self.client, mission.id, 4, "Good work").id

    @cached_property
    def fee_rule_id(self) -> int:
        return fee_rules.save_rule(self.operator, fee_rules.RuleInput(
            kind=FeeKind.COMMISSION, category="bricolage", channel=None, helper_email=None,
            formula=FeeFormula(bps=1200, fixed_cents=0, min_cents=None, cap_cents=None))).id

    @cached_property
    def delivery_id(self) -> int:
        note = Notification(user_id=self.client.id, event="test.failed", dedupe_key="test:1",
                            title="A notice", body="Could not be sent")
        db.session.add(note)
        db.session.flush()
        delivery = NotificationDelivery(notification_id=note.id, channel=Channel.EMAIL,
                                        status=DeliveryStatus.FAILED, attempts=5,
                                        last_error="550 mailbox unavailable")
        db.session.add(delivery)
        db.session.commit()
        return delivery.id

    @cached_property
    def dead_event_id(self) -> int:
        """A Stripe event whose handler kept failing: dead-lettered, for operators to retry."""
        event = StripeEvent(event_id="evt_dead_letter", type="payout.failed", payload="{}",
                            received_at=utcnow(), attempts=5, last_error="KeyError: 'id'",
                            dead_lettered_at=utcnow())
        db.session.add(event)
        db.session.commit()
        return event.id

    # -- group purchases ----------------------------------------------------------------
    @cached_property
    def campaign(self) -> Campaign:
        """An open campaign of the helper (the seller: an onboarded Express account), with a
        photo, in Asnières."""
        place = places.find(ADDRESS, limit=1).places[0]
        closes = utcnow() + timedelta(days=3)
        campaign = groupbuy.build_campaign(self.helper, groupbuy.CampaignDraft(
            title="Box potager", description="Graines et terreau bio",
            tiers=[Tier(1, 2400), Tier(10, 2000)], minimum_quantity=5, maximum_quantity=None,
            closes_at=closes, place=place, pickup_starts_at=closes + timedelta(days=1),
            pickup_ends_at=closes + timedelta(days=1, hours=2),
            photo=groupbuy.PhotoUpload(PNG, "image/png")))
        db.session.commit()
        return campaign

    @cached_property
    def group_order_id(self) -> int:
        """The client's order in the helper's campaign (its card step not done yet)."""
        order = group_orders.place_order(self.campaign.id, self.client, 2)
        db.session.commit()
        return order.id

    @cached_property
    def campaign_with_order(self) -> Campaign:
        assert self.group_order_id
        return self.campaign

    @cached_property
    def group_dispute_id(self) -> int:
        """An open dispute on the client's order (for the operators' resolve form)."""
        dispute = GroupDispute(order_id=self.group_order_id, campaign_id=self.campaign.id,
                               opened_by_id=self.client.id, reason="Never received")
        db.session.add(dispute)
        db.session.commit()
        return dispute.id

    @cached_property
    def slot_id(self) -> int:
        profile = self.helper.helper_profile
        assert profile is not None
        return availability.add_slot(profile, 0, 9 * 60, 12 * 60).id


def sign_in(client: FlaskClient, user: User | None) -> str:
    """Sign `user` in through the real form (None: stay anonymous); return a CSRF token."""
    if user is None:
        return csrf_token(client.get("/login").get_data(as_text=True))
    login(client, user.email)
    return csrf_token(client.get("/notifications").get_data(as_text=True))


def suspend(user: User) -> None:
    user.is_suspended = True
    db.session.commit()


# A refused sign-in is meant to write here: the lockout counts wrong passwords for emails
# no account uses (marketplace/accounts/lockout.py), as it does on an account's own row.
COUNTERS = frozenset({"sign_in_probes"})


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of our schema (not PostGIS's reference tables, not the
    sign-in counters), to show that a refused request changed nothing."""
    db.session.expire_all()
    out: dict[str, list[tuple[object, ...]]] = {}
    with db.engine.connect() as conn:
        for name in sorted(set(db.metadata.tables) - COUNTERS):
            rows = conn.execute(text(f"SELECT * FROM {name}")).all()  # noqa: S608 (our names)
            out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def row_counts() -> dict[str, int]:
    return {name: len(rows) for name, rows in snapshot().items()}


def diff(before: dict[str, list[tuple[object, ...]]],
         after: dict[str, list[tuple[object, ...]]]) -> list[str]:
    return [name for name in sorted(set(before) | set(after))
            if before.get(name) != after.get(name)]
