"""The commissions page: filters, totals from the ledger, CSV export, weekly SVG chart."""

from __future__ import annotations

from flask import Flask

from marketplace.accounts import services as accounts
from marketplace.core.db import db
from marketplace.flows.completion import confirm_completion
from marketplace.flows.refunds import refund
from marketplace.missions.lifecycle import Channel
from marketplace.payments.models import Payout
from marketplace.payments.services.refunds import RefundRequest
from stripe_emulator import StripeEmulator
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login
from tests.support.money import done_mission, release_now


def test_commissions_filter_total_export_and_chart(ctx: Flask, make: Factories,
                                                   emu: StripeEmulator) -> None:
    op = accounts.make_operator("ops@example.com", PASSWORD)
    first = done_mission(make, emu, price_cents=4500)
    second = done_mission(make, emu, price_cents=2000)
    second.channel, second.booked_by_id = Channel.HOTLINE, op.id
    db.session.commit()
    for mission in (first, second):
        confirm_completion(mission.id, mission.client)
    release_now(db.session.execute(db.select(Payout.id).where(Payout.mission_id == first.id))
                .scalar_one())  # a goodwill gesture beyond our fees waits for the helper's pay
    refund(op, RefundRequest(first.id, 1000, 0, "Goodwill gesture"))
    client = ctx.test_client()
    login(client, "ops@example.com")
    page = client.get("/ops/commissions").get_data(as_text=True)
    assert 'id="total-commission">€9.75' in page  # 6,75 + 3,00
    assert 'id="total-refunds">€10.00' in page and "<svg" in page and "<script" not in page
    hotline = client.get("/ops/commissions?channel=hotline").get_data(as_text=True)
    assert 'id="total-commission">€3.00' in hotline
    by_op = client.get("/ops/commissions?operator=ops@example.com").get_data(as_text=True)
    assert by_op.count('class="commission-row"') == 1
    helper_email = first.helper.email if first.helper else ""
    by_helper = client.get(f"/ops/commissions?helper={helper_email}").get_data(as_text=True)
    assert 'id="total-commission">€6.75' in by_helper
    nobody = client.get("/ops/commissions?helper=nobody@example.com").get_data(as_text=True)
    assert 'id="total-commission">€0.00' in nobody
    csv = client.get("/ops/commissions.csv?category=bricolage")
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).strip().splitlines()
    assert lines[0].startswith("mission_id,") and len(lines) == 3
    assert client.get("/ops/commissions?since=garbage").status_code == 400
