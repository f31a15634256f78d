"""What neighbours and the seller are told, in their language, through the outbox."""

from __future__ import annotations

from marketplace.core.db import db
from marketplace.core.models import OutboxMessage
from marketplace.flows.group_purchases import after
from marketplace.notifications.models import Notification
from stripe_emulator import StripeEmulator
from tests.groupbuy.support import campaign, close_now, joined, payout_due_now
from tests.support.factories import Factories


def _events(user_id: int) -> list[str]:
    return list(db.session.execute(db.select(Notification.event).where(
        Notification.user_id == user_id).order_by(Notification.id)).scalars())


def test_the_journey_tells_everyone_what_happens(make: Factories, emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=10)
    alice, bob = make.client(), make.client()
    a = joined(emu, c, alice, 6)
    joined(emu, c, bob, 4)  # 10 units: the price drops to 20 €
    tier = db.session.execute(db.select(Notification).where(
        Notification.user_id == alice.id, Notification.event == "group_tier_reached")
    ).scalar_one()
    assert "2 " in tier.title and "20,00\u00a0€" in tier.title
    close_now(c)
    after.confirm_handover(a.id, c.seller)
    payout = payout_due_now(c)
    after.pay_seller(payout.id)
    assert _events(alice.id) == ["group_joined", "group_tier_reached", "group_confirmed",
                                 "group_handed_over"]
    assert _events(bob.id) == ["group_joined", "group_tier_reached", "group_confirmed"]
    assert _events(c.seller_id)[-2:] == ["group_confirmed_seller", "group_seller_paid"]
    confirmed = db.session.execute(db.select(Notification).where(
        Notification.user_id == alice.id, Notification.event == "group_confirmed")
    ).scalar_one()
    assert "120,00\u00a0€" in confirmed.body  # 6 x 20 €
    deliveries = db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.task_name == "notifications.deliver")).scalars().all()
    assert deliveries  # sent through the outbox, with the state change


def test_called_off_tells_participants_and_seller(make: Factories, emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=10)
    user = make.client()
    joined(emu, c, user, 2)
    close_now(c)
    assert _events(user.id) == ["group_joined", "group_called_off"]
    assert "group_called_off_seller" in _events(c.seller_id)
