"""Run the money flows once against a fresh SQLite database and an in-process emulator,
then print what `flask ledger check` prints.

    .venv/bin/python bench/demo_money.py

Flows: a paid mission (capture + payout), a refund after transfer (with reversal), a late
client cancellation (fee to the helper), a late cancellation with only a saved card (the fee
owed by the client, then charged off-session), a bank dispute split by an operator, a client
dispute split in two amounts, and the helpers' bank payouts (one refused by the bank).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # config.py, tests/support

from marketplace.flows import booking
from marketplace.flows import cancellation as cancellation_flow
from marketplace.flows import disputes as dispute_flow
from marketplace.flows.completion import confirm_completion


def main() -> None:
    from stripe_emulator import StripeEmulator

    tmp = tempfile.mkdtemp(prefix="entraide-demo-")
    emu = StripeEmulator()
    emu.start()
    os.environ.update(ENTRAIDE_ENV="testing", ENTRAIDE_INSTANCE_DIR=tmp,
                      DATABASE_URL=f"sqlite:///{tmp}/demo.sqlite",
                      CELERY_BROKER_URL=f"sqla+sqlite:///{tmp}/broker.sqlite",
                      STRIPE_API_BASE=emu.base_url or "", PAYOUT_DELAY_SECONDS="3600")
    from marketplace import create_app

    app = create_app("testing")
    started = time.perf_counter()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        _flows(emu)
    result = app.test_cli_runner().invoke(args=["ledger", "check"])
    print(result.output, end="")
    print(f"(flows + check in {time.perf_counter() - started:.1f} s, exit {result.exit_code})")
    emu.stop()


def _flows(emu) -> None:  # type: ignore[no-untyped-def]
    from marketplace.accounts import services as accounts
    from marketplace.core.base import utcnow
    from marketplace.core.db import db
    from marketplace.flows.refunds import refund
    from marketplace.payments import webhooks
    from marketplace.payments.services import disputes
    from marketplace.payments.services.refunds import RefundRequest
    from tests.support.factories import Factories
    from tests.support.money import authorized_mission, done_mission, onboarded_helper
    from tests.support.money import release_now as pay

    make = Factories()
    op = accounts.make_operator("ops@demo.example", "demo password 1")
    paid = done_mission(make, emu, price_cents=4500)
    confirm_completion(paid.id, paid.client)
    pay(_payout_id(paid.id))
    refunded = done_mission(make, emu, price_cents=6000)
    confirm_completion(refunded.id, refunded.client)
    pay(_payout_id(refunded.id))
    refund(op, RefundRequest(refunded.id, 2000, 1500, "Half the work redone by someone else"))
    late = authorized_mission(make, emu, price_cents=8000)
    booking.accept_mission(late.id, onboarded_helper(make, emu))
    late.starts_at = utcnow() + timedelta(hours=3)
    db.session.commit()
    cancellation_flow.cancel_by_client(late.id, late.client, "Plans changed")
    disputed = done_mission(make, emu, price_cents=3000)
    confirm_completion(disputed.id, disputed.client)
    charge = db.session.get(type(disputed), disputed.id)
    dispute = emu.create_dispute(_charge_id(charge.id))
    webhooks.HANDLERS["charge.dispute.created"](dispute)
    dispute_flow.resolve(op, disputes.open_disputes()[0].id, "split", 1500, "Partial evidence")
    pay(_payout_id(disputed.id))
    _late_with_saved_card(make, emu)
    contested = done_mission(make, emu, price_cents=5000)
    dispute_row = disputes.open_by_client(contested.id, contested.client, "Half done")
    dispute_flow.resolve(op, dispute_row.id, "split", 2000, "Half the shelves", client_cents=2500)
    pay(_payout_id(contested.id))
    _bank_payouts(emu, [paid, refunded])
    _group_purchases(make, emu, op)


def _group_purchases(make, emu, op) -> None:  # type: ignore[no-untyped-def]
    from marketplace.flows.group_purchases import after
    from marketplace.flows.group_purchases import disputes as group_disputes
    from tests.groupbuy.support import campaign, close_now, joined, payout_due_now

    box = campaign(make, emu, minimum=10)
    orders = [joined(emu, box, make.client(), quantity) for quantity in (4, 5, 3)]
    close_now(box)  # 12 units: everyone pays the 10+ tier's 20 EUR
    for order in orders[:2]:
        after.confirm_handover(order.id, box.seller)
    after.confirm_receipt(orders[2].id, orders[2].user)
    dispute = group_disputes.open_dispute(orders[2].id, orders[2].user, "One box was torn")
    group_disputes.resolve_dispute(dispute.id, op, 2000, "One box of three refunded")
    after.pay_seller(payout_due_now(box).id)
    too_few = campaign(make, emu, minimum=10)
    for quantity in (2, 3):
        joined(emu, too_few, make.client(), quantity)
    close_now(too_few)  # 5 < 10: called off, every hold released


def _late_with_saved_card(make, emu) -> None:  # type: ignore[no-untyped-def]
    from marketplace.core.base import utcnow
    from marketplace.core.db import db
    from marketplace.payments.services import receivables
    from tests.support.money import onboarded_helper, saved_card_mission
    from tests.support.money import release_now as pay

    far = saved_card_mission(make, emu, price_cents=6000)
    booking.accept_mission(far.id, onboarded_helper(make, emu))
    far.starts_at = utcnow() + timedelta(hours=3)  # the hold worker never ran
    db.session.commit()
    cancellation_flow.cancel_by_client(far.id, far.client, "Plans changed")
    owed = db.session.execute(db.select(receivables.ClientReceivable.id)).scalar_one()
    receivables.collect(owed)
    pay(_payout_id(far.id))


def _bank_payouts(emu, paid_missions) -> None:  # type: ignore[no-untyped-def]
    """Stripe pays the helpers' balances to their banks; their events reach the app."""
    import json

    from marketplace.core.base import utcnow
    from marketplace.core.db import db
    from marketplace.payments import webhooks
    from marketplace.payments.models import StripeEvent

    for mission, code in zip(paid_missions, (None, "account_closed"), strict=True):
        emu.pay_out_balance(mission.helper.helper_profile.stripe_account_id, code)
    for event in emu.events():
        if event["type"].startswith("payout."):
            stored = StripeEvent(event_id=event["id"], type=event["type"],
                                 payload=json.dumps(event), received_at=utcnow())
            db.session.add(stored)
            db.session.commit()
            webhooks.process(stored.id)


def _payout_id(mission_id: int) -> int:
    from marketplace.core.db import db
    from marketplace.payments.models import Payout

    return db.session.execute(db.select(Payout.id).where(Payout.mission_id == mission_id)
                              ).scalar_one()


def _charge_id(mission_id: int) -> str:
    from marketplace.core.db import db
    from marketplace.payments.models import Payment

    return db.session.execute(db.select(Payment.charge_id).where(
        Payment.mission_id == mission_id)).scalar_one() or ""


if __name__ == "__main__":
    main()
