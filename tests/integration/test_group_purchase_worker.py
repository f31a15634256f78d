"""A group purchase end to end with the real Celery worker and the emulator over HTTP.

Neighbours pay on the emulator's side only: its signed webhooks reach the app over HTTP,
the worker applies them (orders become active, routed by the payment's metadata), closes
the campaign from an outbox job, settles it (captures at the final tier price), and pays
the seller once every order is handed over. The ledger check passes at the end.
"""

from __future__ import annotations

import pytest
from flask import Flask

from marketplace.core import outbox
from marketplace.core.db import db
from marketplace.flows.group_purchases import after, joining
from marketplace.groupbuy.lifecycle import CampaignStatus, OrderStatus
from marketplace.groupbuy.models import Campaign, Order
from marketplace.payments.models import GroupPayment, GroupPayout
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.status import PaymentStatus, PayoutStatus
from stripe_emulator import StripeEmulator
from tests.groupbuy.support import CANCEL, OK, campaign, latest_payment, make_due
from tests.support.factories import Factories
from tests.support.servers import Worker, wait_until

pytestmark = pytest.mark.integration


def _statuses(model: type, campaign_id: int) -> set[object]:
    db.session.rollback()
    return set(db.session.execute(db.select(model.status).where(
        model.campaign_id == campaign_id)).scalars())


def test_worker_runs_a_campaign_from_webhooks_to_the_sellers_payout(
        ctx: Flask, make: Factories, stripe_emulator: StripeEmulator, live_server: object,
        worker: Worker) -> None:
    emu = stripe_emulator
    emu.reset()
    c = campaign(make, emu, minimum=10)
    orders = []
    for quantity in (4, 5, 3):
        result = joining.join(c.id, make.client(), quantity, OK, CANCEL)
        emu.pay_checkout_session(latest_payment(result.order).checkout_session_id or "")
        orders.append(result.order)
    wait_until(lambda: _statuses(Order, c.id) == {OrderStatus.ACTIVE}, timeout=60,
               message=f"webhooks applied by the worker\n{worker.log()[-3000:]}")
    make_due(c)
    outbox.enqueue("group_purchases.close", c.id)
    db.session.commit()
    wait_until(lambda: _statuses(GroupPayment, c.id) == {PaymentStatus.CAPTURED}, timeout=60,
               message=f"closing and settling by the worker\n{worker.log()[-3000:]}")
    campaign_row = db.session.get(Campaign, c.id)
    assert campaign_row is not None and campaign_row.final_unit_price_cents == 2000
    for order in orders:
        after.confirm_handover(order.id, c.seller)
    wait_until(lambda: _statuses(GroupPayout, c.id) == {PayoutStatus.PAID}, timeout=60,
               message=f"the seller's payout by the worker\n{worker.log()[-3000:]}")
    db.session.rollback()
    campaign_row = db.session.get(Campaign, c.id)
    assert campaign_row is not None and campaign_row.status == CampaignStatus.COMPLETED
    payments = db.session.execute(db.select(GroupPayment)).scalars().all()
    assert sorted(p.captured_cents for p in payments) == [6000, 8000, 10000]
    result = run_check()
    assert result.ok, result.problems
