"""Changing and leaving orders, stock, and closing exactly once (sequentially)."""

from __future__ import annotations

import pytest

from marketplace.core.db import db
from marketplace.flows.group_purchases import closing, joining
from marketplace.groupbuy.errors import (
    AlreadyJoinedError,
    CampaignClosedError,
    CampaignError,
    SoldOutError,
)
from marketplace.groupbuy.lifecycle import CampaignStatus, OrderStatus
from marketplace.payments.models import GroupPayment
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.status import PaymentStatus
from stripe_emulator import StripeEmulator
from tests.groupbuy.support import (
    CANCEL,
    OK,
    campaign,
    close_now,
    holds_outstanding,
    joined,
    latest_payment,
    make_due,
    pay,
)
from tests.support.factories import Factories


def test_fewer_units_keep_the_hold_and_capture_less(make: Factories, emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=2)
    user = make.client()
    order = joined(emu, c, user, 5)
    result = joining.change_quantity(order.id, user, 2, OK, CANCEL)
    assert result.url is None and result.order.quantity == 2
    db.session.refresh(c)
    assert c.reserved_quantity == 2
    close_now(c)
    payment = latest_payment(order)
    assert payment.amount_cents == 5 * 2400 and payment.captured_cents == 2 * 2400
    assert holds_outstanding() == 0


def test_more_units_on_a_held_card_add_a_payment_for_the_extra(
        make: Factories, emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=10)
    user = make.client()
    order = joined(emu, c, user, 4)
    joined(emu, c, make.client(), 3)
    result = joining.change_quantity(order.id, user, 7, OK, CANCEL)
    assert result.url
    db.session.refresh(order)
    assert order.quantity == 4  # until the extra is authorized
    pay(emu, latest_payment(order))
    db.session.refresh(order)
    assert order.quantity == 7
    close_now(c)  # 10 units: the second tier
    payments = db.session.execute(db.select(GroupPayment).where(
        GroupPayment.order_id == order.id).order_by(GroupPayment.id)).scalars().all()
    assert [p.captured_cents for p in payments] == [4 * 2000, 3 * 2000]
    assert holds_outstanding() == 0
    assert run_check().ok


def test_stock_is_never_oversold(make: Factories, emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=1, maximum=5)
    joined(emu, c, make.client(), 4)
    with pytest.raises(SoldOutError):
        joining.join(c.id, make.client(), 2, OK, CANCEL)
    db.session.rollback()
    joined(emu, c, make.client(), 1)
    with pytest.raises(SoldOutError):
        joining.join(c.id, make.client(), 1, OK, CANCEL)
    db.session.rollback()
    db.session.refresh(c)
    assert c.reserved_quantity == 5


def test_one_live_order_per_neighbour_and_not_the_seller(
        make: Factories, emu: StripeEmulator) -> None:
    c = campaign(make, emu)
    user = make.client()
    joined(emu, c, user, 1)
    with pytest.raises(AlreadyJoinedError):
        joining.join(c.id, user, 1, OK, CANCEL)
    db.session.rollback()
    with pytest.raises(CampaignError):
        joining.join(c.id, c.seller, 1, OK, CANCEL)
    db.session.rollback()


def test_closing_twice_captures_once(make: Factories, emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=1)
    order = joined(emu, c, make.client(), 2)
    make_due(c)
    assert closing.close_campaign(c.id) == CampaignStatus.CONFIRMED
    assert closing.close_campaign(c.id) == CampaignStatus.CONFIRMED  # nothing more
    closing.settle_campaign(c.id)
    closing.settle_campaign(c.id)
    db.session.refresh(order)
    assert order.status == OrderStatus.CAPTURED
    assert latest_payment(order).status == PaymentStatus.CAPTURED
    assert run_check().ok
    with pytest.raises(CampaignClosedError):
        joining.join(c.id, make.client(), 1, OK, CANCEL)


def test_unfinished_card_steps_give_their_units_back(make: Factories, emu: StripeEmulator) -> None:
    c = campaign(make, emu, minimum=1, maximum=3)
    result = joining.join(c.id, make.client(), 3, OK, CANCEL)
    from datetime import timedelta

    from marketplace.core.base import utcnow
    assert joining.abandon_stale(utcnow() + timedelta(hours=2)) == 1
    db.session.refresh(result.order)
    db.session.refresh(c)
    assert result.order.status == OrderStatus.ABANDONED and c.reserved_quantity == 0
