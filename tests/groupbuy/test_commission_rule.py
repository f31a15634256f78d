"""The commission of group purchases comes from the fee engine (category group_purchase)."""

from __future__ import annotations

from marketplace.core.db import db
from marketplace.payments.models import FeeKind, FeeRule, GroupPayment
from marketplace.payments.services.fee_rules import scope_key
from stripe_emulator import StripeEmulator
from tests.groupbuy.support import campaign, close_now, joined
from tests.support.factories import Factories


def test_an_operator_rule_for_group_purchases_is_fixed_on_the_campaign(
        make: Factories, emu: StripeEmulator) -> None:
    db.session.add(FeeRule(kind=FeeKind.COMMISSION, category="group_purchase", bps=800,
                           scope_key=scope_key("commission", "group_purchase", None, None)))
    db.session.commit()
    c = campaign(make, emu, minimum=1)
    assert c.commission_bps == 800 and "group_purchase" in c.commission_basis
    db.session.execute(db.delete(FeeRule))  # a later change does not touch this campaign
    db.session.commit()
    joined(emu, c, make.client(), 3)
    close_now(c)
    payment = db.session.execute(db.select(GroupPayment)).scalar_one()
    assert payment.captured_cents == 7200
    assert payment.commission_cents == 576  # 8 % of 72 €
    assert payment.seller_share_cents == 7200 - 576
