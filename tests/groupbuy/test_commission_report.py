"""Group purchases have a row and a filter in the operators' commission report."""

from __future__ import annotations

from flask import Flask

from marketplace.accounts import services as accounts
from marketplace.core.db import db
from marketplace.payments.models import GroupPayment
from marketplace.payments.services import commission_report as report
from stripe_emulator import StripeEmulator
from tests.groupbuy.support import campaign, close_now, joined
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login
from tests.support.money import done_mission


def test_group_purchases_row_and_filter(ctx: Flask, make: Factories,
                                        emu: StripeEmulator) -> None:
    accounts.make_operator("ops@example.com", PASSWORD)
    c = campaign(make, emu, minimum=10)
    for quantity in (4, 5, 3):
        joined(emu, c, make.client(), quantity)
    close_now(c)
    done_mission(make, emu)  # a mission in the same period, not captured: no line
    payments = db.session.execute(db.select(GroupPayment)).scalars().all()
    commission = sum(p.commission_cents for p in payments)
    assert commission > 0
    everything = report.totals(report.ReportFilter())
    group = everything.by_category["group_purchase"]
    assert (group.missions, group.volume_cents, group.commission_cents) == (3, 24000, commission)
    assert everything.by_channel["web"].commission_cents == commission
    only = report.totals(report.ReportFilter(category="group_purchase"))
    assert only.commission_cents == commission and set(only.by_category) == {"group_purchase"}
    assert "group_purchase" not in report.totals(
        report.ReportFilter(category="bricolage")).by_category
    seller_only = report.totals(report.ReportFilter(helper_id=c.seller_id))
    assert seller_only.commission_cents == commission
    client = ctx.test_client()
    login(client, "ops@example.com")
    page = client.get("/ops/commissions?category=group_purchase")
    assert page.status_code == 200
    assert f'id="total-commission">€{commission / 100:.2f}' in page.get_data(as_text=True)
