"""Group purchases have a row and a filter in the operators' commission report."""

from __future__ import annotations

from flask import Flask

from marketplace.accounts import services as accounts
from marketplace.core.db import db
from marketplace.flows.completion import confirm_completion
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


def test_group_purchase_rows_in_pages_and_csv(ctx: Flask, make: Factories,
                                              emu: StripeEmulator) -> None:
    """Each captured group payment is a row of the report's pages and of its CSV, merged
    with mission lines in capture order; paging by 2 visits every row once, both ways."""
    accounts.make_operator("ops@example.com", PASSWORD)
    mission = done_mission(make, emu, price_cents=4500)
    confirm_completion(mission.id, mission.client)
    c = campaign(make, emu, minimum=3)
    for quantity in (1, 2, 3):
        joined(emu, c, make.client(), quantity)
    close_now(c)
    payments = db.session.execute(db.select(GroupPayment)).scalars().all()
    everything = report.ReportFilter()
    first = report.page(everything, size=2)
    seen, current = [*first.rows], first
    while current.next_cursor:
        current = report.page(everything, current.next_cursor, size=2)
        seen += current.rows
    assert len(seen) == 4 and len({r.position for r in seen}) == 4
    assert [r.position for r in seen] == sorted((r.position for r in seen), reverse=True)
    back, current = [], current
    while current.prev_cursor:
        current = report.page(everything, current.prev_cursor, size=2)
        back = current.rows + back
    assert [r.position for r in back] == [r.position for r in seen[:len(back)]]
    group_rows = [r for r in seen if r.campaign_id == c.id]
    assert sorted(r.commission_cents for r in group_rows) == sorted(
        p.commission_cents for p in payments)
    assert all(r.category == "group_purchase" and r.mission_id is None for r in group_rows)
    assert report.page(report.ReportFilter(category="bricolage")).rows[0].campaign_id is None
    client = ctx.test_client()
    login(client, "ops@example.com")
    html = client.get("/ops/commissions?category=group_purchase").get_data(as_text=True)
    assert html.count('class="commission-row"') == 3
    assert f"/ops/campaigns/{c.id}" in html
    lines = client.get("/ops/commissions.csv").get_data(as_text=True).strip().splitlines()
    assert lines[0].endswith(",tips_cents,campaign_id") and len(lines) == 5
    group_lines = [line.split(",") for line in lines[1:] if line.endswith(f",{c.id}")]
    assert len(group_lines) == 3
    assert sorted(int(cells[7]) for cells in group_lines) == sorted(
        p.commission_cents for p in payments)
    assert all(cells[0] == "" and cells[2] == "group_purchase" for cells in group_lines)
    only = client.get("/ops/commissions.csv?category=group_purchase").get_data(as_text=True)
    assert len(only.strip().splitlines()) == 4
