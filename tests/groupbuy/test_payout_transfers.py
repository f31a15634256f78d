"""The seller's payout as real Stripe takes it: one transfer out of each captured charge
(`source_transaction`), so it never needs available platform balance."""

from __future__ import annotations

from typing import Any

import pytest

from marketplace.accounts import services as accounts
from marketplace.core.db import db
from marketplace.flows.group_purchases import after
from marketplace.flows.group_purchases import disputes as group_disputes
from marketplace.payments import ledger
from marketplace.payments.gateway import GatewayError
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.models import GroupPayment, GroupPayout, GroupTransfer
from marketplace.payments.services.group_checkout import transfer_group
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.status import PaymentStatus, PayoutStatus
from stripe_emulator import StripeEmulator
from tests.groupbuy.support import campaign, close_now, joined, payout_due_now
from tests.support.factories import PASSWORD, Factories


def _paid_campaign(make: Factories, emu: StripeEmulator, quantities: tuple[int, ...]) -> Any:
    c = campaign(make, emu, minimum=1)
    orders = [joined(emu, c, make.client(), q) for q in quantities]
    close_now(c)
    for order in orders:
        after.confirm_handover(order.id, c.seller)
    return c, orders


def _captured() -> list[GroupPayment]:
    return list(db.session.execute(db.select(GroupPayment).where(
        GroupPayment.status == PaymentStatus.CAPTURED).order_by(GroupPayment.id)).scalars())


def test_each_charge_pays_its_own_share_with_source_transaction(
        make: Factories, emu: StripeEmulator) -> None:
    c, _orders = _paid_campaign(make, emu, (4, 5, 3))
    payout = payout_due_now(c)
    assert after.pay_seller(payout.id) == PayoutStatus.PAID
    assert after.pay_seller(payout.id) == PayoutStatus.PAID  # a replayed job sends nothing
    transfers = emu.objects("transfer")
    payments = _captured()
    assert len(transfers) == len(payments) == 3
    by_charge = {t["source_transaction"]: t for t in transfers}
    for p in payments:
        tr = by_charge[p.charge_id]
        assert tr["amount"] == p.captured_cents - p.commission_cents
        assert tr["transfer_group"] == transfer_group(c.id)
    db.session.refresh(payout)
    assert payout.amount_cents == sum(t["amount"] for t in transfers)
    rows = db.session.execute(db.select(GroupTransfer)).scalars().all()
    assert {r.transfer_id for r in rows} == {t["id"] for t in transfers}
    assert all(r.status == PayoutStatus.PAID for r in rows)
    assert ledger.balance(ledger.helper_payable(c.seller_id)) == 0
    assert ledger.unbalanced_transactions() == []
    assert run_check().ok, run_check().problems


def test_a_failure_mid_payout_keeps_what_was_sent_and_never_pays_a_charge_twice(
        make: Factories, emu: StripeEmulator) -> None:
    c, _orders = _paid_campaign(make, emu, (2, 3))
    payout = payout_due_now(c)
    second_charge = _captured()[1].charge_id

    def stripe_down_for_second(method: str, path: str,
                               params: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        if path == "/v1/transfers" and params.get("source_transaction") == second_charge:
            return 500, {"error": {"type": "api_error", "message": "boom"}}
        return None

    emu.faults.append(stripe_down_for_second)
    with pytest.raises(GatewayError):
        after.pay_seller(payout.id)
    emu.faults.remove(stripe_down_for_second)
    db.session.expire_all()
    assert db.session.get(GroupPayout, payout.id).status == PayoutStatus.SCHEDULED
    assert len(emu.objects("transfer")) == 1  # the first charge's share went out and stays
    assert after.pay_seller(payout.id) == PayoutStatus.PAID
    assert len(emu.objects("transfer")) == 2
    assert sorted(t["source_transaction"] for t in emu.objects("transfer")) == sorted(
        p.charge_id for p in _captured())
    assert ledger.balance(ledger.helper_payable(c.seller_id)) == 0
    assert run_check().ok, run_check().problems


def test_a_refund_after_payout_reverses_the_transfer_of_its_own_charge(
        make: Factories, emu: StripeEmulator) -> None:
    op = accounts.make_operator("ops@example.com", PASSWORD)
    c, orders = _paid_campaign(make, emu, (2, 3))
    after.pay_seller(payout_due_now(c).id)
    unhappy = orders[1]
    dispute = group_disputes.open_dispute(unhappy.id, unhappy.user, "Two jars broken")
    group_disputes.resolve_dispute(dispute.id, op, 1000, "Part refund")
    payment = db.session.execute(db.select(GroupPayment).where(
        GroupPayment.order_id == unhappy.id)).scalar_one()
    for tr in emu.objects("transfer"):
        expected = 1000 if tr["source_transaction"] == payment.charge_id else 0
        assert tr["amount_reversed"] == expected
    row = db.session.execute(db.select(GroupTransfer).where(
        GroupTransfer.payment_id == payment.id)).scalar_one()
    assert row.reversed_cents == 1000
    assert ledger.balance(ledger.helper_payable(c.seller_id)) == 0
    assert run_check().ok, run_check().problems


def test_the_emulator_refuses_a_transfer_above_what_the_charge_has_left(
        make: Factories, emu: StripeEmulator) -> None:
    """Stripe's rule for source_transaction: the transfers out of a charge never exceed it."""
    c, _orders = _paid_campaign(make, emu, (2,))
    after.pay_seller(payout_due_now(c).id)
    payment = _captured()[0]
    left = payment.captured_cents - (payment.captured_cents - payment.commission_cents)
    destination = emu.objects("transfer")[0]["destination"]
    with pytest.raises(GatewayError):
        gateway().create_transfer(
            amount_cents=left + 1, currency="eur", destination=destination,
            source_transaction=payment.charge_id or "", transfer_group="t", metadata={},
            idempotency_key="test:too-much")
    tr = gateway().create_transfer(
        amount_cents=left, currency="eur", destination=destination,
        source_transaction=payment.charge_id or "", transfer_group="t", metadata={},
        idempotency_key="test:exactly-left")
    assert tr.amount_cents == left


def test_a_refund_between_a_failed_payout_and_its_retry_shrinks_the_unsent_transfer(
        make: Factories, emu: StripeEmulator) -> None:
    op = accounts.make_operator("ops@example.com", PASSWORD)
    c, orders = _paid_campaign(make, emu, (2, 3))
    payout = payout_due_now(c)

    def stripe_down(method: str, path: str,
                    params: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        if path == "/v1/transfers":
            return 500, {"error": {"type": "api_error", "message": "boom"}}
        return None

    emu.faults.append(stripe_down)
    with pytest.raises(GatewayError):
        after.pay_seller(payout.id)  # the first transfer fails: the second is never tried
    emu.faults.remove(stripe_down)
    unhappy = orders[1]
    dispute = group_disputes.open_dispute(unhappy.id, unhappy.user, "Two jars broken")
    group_disputes.resolve_dispute(dispute.id, op, 1000, "Part refund")
    assert after.pay_seller(payout.id) == PayoutStatus.PAID
    payment = db.session.execute(db.select(GroupPayment).where(
        GroupPayment.order_id == unhappy.id)).scalar_one()
    tr = next(t for t in emu.objects("transfer") if t["source_transaction"] == payment.charge_id)
    assert tr["amount"] == payment.seller_share_cents - 1000 and tr["amount_reversed"] == 0
    assert ledger.balance(ledger.helper_payable(c.seller_id)) == 0
    assert run_check().ok, run_check().problems
