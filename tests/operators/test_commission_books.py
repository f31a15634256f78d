"""The commission report at scale: its books follow the ledger, keyset pages walk every row
once, the CSV streams the same rows, and the rollup answers what the lines answer."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta

from flask import Flask
from sqlalchemy import func, select, update

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.missions.lifecycle import Channel
from marketplace.missions.models import Mission
from marketplace.payments import commission_book, ledger
from marketplace.payments.gateway import PaymentIntentInfo
from marketplace.payments.ledger import Line
from marketplace.payments.models import CommissionLine, LedgerEntry, Payment
from marketplace.payments.services import capture, reconcile
from marketplace.payments.services import commission_report as report
from marketplace.payments.status import PaymentStatus
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login


def _capture(mission: Mission, helper: User) -> None:
    """The real capture path (ledger lines, books) without a Stripe round trip."""
    mission.helper_id = helper.id
    payment = db.session.execute(select(Payment).where(Payment.mission_id == mission.id)
                                 ).scalar_one()
    total = mission.total_cents
    capture.record_capture(mission, payment, PaymentIntentInfo(
        id=f"pi_book{mission.id}", status="succeeded", amount_cents=total,
        amount_capturable_cents=0, amount_received_cents=total, currency="eur",
        charge_id=f"ch_book{mission.id}", stripe_fee_cents=30 + mission.id,
        balance_transaction_id=f"txn_book{mission.id}", failure_message=None))
    db.session.commit()


def _world(make: Factories, count: int = 9) -> tuple[User, User, list[Mission]]:
    op = accounts.make_operator("ops@books.fr", PASSWORD)
    helper = make.helper()
    found = []
    for i in range(count):
        mission = make.mission(category=("bricolage", "demenagement")[i % 2],
                               price_cents=2000 + 500 * i)
        if i % 3 == 0:
            mission.channel, mission.booked_by_id = Channel.HOTLINE, op.id
        if i == 4:  # a ledger line before the capture: the line opens with it
            ledger.record("adjust", f"adjust:{mission.id}", [
                Line(ledger.REFUNDS, 100), Line(ledger.STRIPE_BALANCE, -100)],
                currency="eur", mission_id=mission.id, description="before capture")
        db.session.commit()
        _capture(mission, helper)
        found.append(mission)
    ledger.record("refund", "refund:books", [  # after the capture: added to its line
        Line(ledger.REFUNDS, 700), Line(ledger.STRIPE_BALANCE, -700)],
        currency="eur", mission_id=found[1].id, description="refund after capture")
    db.session.commit()
    return op, helper, found


def _ledger_sum(*accounts_: str) -> int:
    return int(db.session.execute(select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
                                  .where(LedgerEntry.account.in_(accounts_))).scalar_one())


def test_totals_equal_the_ledgers_sums_and_the_books_check(ctx: Flask,
                                                           make: Factories) -> None:
    _world(make)
    t = report.totals(report.ReportFilter())
    assert t.missions == 9
    assert t.volume_cents == db.session.execute(select(func.sum(Payment.captured_cents)).where(
        Payment.status == PaymentStatus.CAPTURED)).scalar_one()
    assert t.commission_cents == -_ledger_sum(ledger.COMMISSION_REVENUE) > 0
    assert t.service_fee_cents == -_ledger_sum(ledger.SERVICE_FEE_REVENUE)
    assert t.refunds_cents == _ledger_sum(ledger.REFUNDS, ledger.DISPUTES) == 800
    assert t.stripe_fee_cents == _ledger_sum(ledger.STRIPE_FEES) > 0
    assert sum(t.weekly.values()) == t.commission_cents
    assert sum(s.missions for s in t.by_category.values()) == 9
    assert set(t.by_channel) == {"web", "hotline"} and t.by_channel["hotline"].missions == 3
    assert t.by_operator["ops@books.fr"].missions == 3
    assert commission_book.check(db.session.connection()) == []
    # the daily check runs it (Stripe knows nothing of these captures: only its lines differ)
    assert not [p for p in reconcile.run_check().problems if "commission report" in p]
    db.session.execute(update(CommissionLine).values(stripe_fee_cents=0))
    assert [p for p in reconcile.run_check().problems if "commission report" in p]


def test_the_books_rebuilt_from_the_ledger_are_the_books_kept(ctx: Flask,
                                                              make: Factories) -> None:
    _world(make, 5)
    kept = db.session.execute(select(CommissionLine).order_by(CommissionLine.payment_id)
                              ).scalars().all()
    before = [(c.payment_id, c.commission_cents, c.refunds_cents, c.stripe_fee_cents, c.day)
              for c in kept]
    commission_book.rebuild(db.session.connection())
    db.session.commit()
    db.session.expire_all()
    rebuilt = db.session.execute(select(CommissionLine).order_by(CommissionLine.payment_id)
                                 ).scalars().all()
    assert [(c.payment_id, c.commission_cents, c.refunds_cents, c.stripe_fee_cents, c.day)
            for c in rebuilt] == before
    db.session.execute(update(CommissionLine).values(refunds_cents=CommissionLine.refunds_cents
                                                     + 1))
    problems = commission_book.check(db.session.connection())
    assert problems and "refunds_cents" in problems[0]


def test_rollup_and_lines_agree_for_every_filter(ctx: Flask, make: Factories) -> None:
    op, helper, _ = _world(make)
    today = datetime.combine(utcnow().date(), time.min, tzinfo=UTC)
    for f in (report.ReportFilter(), report.ReportFilter(category="demenagement"),
              report.ReportFilter(channel="hotline"), report.ReportFilter(operator_id=op.id),
              report.ReportFilter(since=today, until=today + timedelta(days=1))):
        by_day = report.totals(f)  # whole days, no helper: the rollup answers
        # a period not in whole days makes the lines answer; one second earlier changes nothing
        shifted = report.ReportFilter(f.since - timedelta(seconds=1) if f.since else
                                      today - timedelta(days=400, seconds=1),
                                      f.until, f.category, f.channel, f.operator_id)
        by_line = report.totals(shifted)
        assert (by_day.missions, by_day.commission_cents, by_day.refunds_cents,
                by_day.weekly) == (by_line.missions, by_line.commission_cents,
                                   by_line.refunds_cents, by_line.weekly), f
    assert report.totals(report.ReportFilter(helper_id=helper.id)).missions == 9
    assert report.totals(report.ReportFilter(operator_id=0)).missions == 0
    assert report.totals(report.ReportFilter(helper_id=0)).missions == 0
    yesterday = report.ReportFilter(until=today)
    assert report.totals(yesterday).missions == 0 and report.page(yesterday).rows == []


def _walk(f: report.ReportFilter, size: int) -> tuple[list[int], list[int]]:
    """Every page forward from the first, then every page back from the last."""
    forward, cursor = [], None
    while True:
        page = report.page(f, cursor, size)
        forward += [r.payment_id for r in page.rows]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    backward: list[int] = []
    page = report.page(f, report.encode_cursor("last"), size)
    while True:
        backward = [r.payment_id for r in page.rows] + backward
        if page.prev_cursor is None:
            break
        page = report.page(f, page.prev_cursor, size)
    return forward, backward


def test_pagination_walks_every_row_exactly_once_both_ways(ctx: Flask,
                                                           make: Factories) -> None:
    _world(make)
    everything = db.session.execute(select(CommissionLine.payment_id).order_by(
        CommissionLine.captured_at.desc(), CommissionLine.payment_id.desc())).scalars().all()
    for size in (1, 2, 4, 9, 50):
        forward, backward = _walk(report.ReportFilter(), size)
        assert forward == backward == list(everything), size
    forward, _ = _walk(report.ReportFilter(category="bricolage"), 2)
    assert len(forward) == len(set(forward)) == 5


def test_pages_csv_and_bad_cursor_through_the_web(ctx: Flask, make: Factories) -> None:
    _world(make)
    client = ctx.test_client()
    login(client, "ops@books.fr")
    first = client.get("/ops/commissions").get_data(as_text=True)
    assert first.count('class="commission-row"') == 9 and 'id="page-next"' not in first
    assert 'id="by-category"' in first and 'id="by-operator"' in first
    assert client.get("/ops/commissions?cursor=bm9wZQ").status_code == 400
    assert client.get("/ops/commissions?cursor=%FF%FE").status_code == 400
    body = client.get("/ops/commissions.csv").get_data(as_text=True)
    lines = list(csv.reader(io.StringIO(body)))
    assert lines[0] == report.CSV_HEADER and len(lines) == 10
    rows = report.page(report.ReportFilter()).rows
    assert [int(line[0]) for line in lines[1:]] == [r.mission_id for r in rows]
    assert [int(line[7]) for line in lines[1:]] == [r.commission_cents for r in rows]
    assert [int(line[11]) for line in lines[1:]] == [r.net_cents for r in rows]
    hotline = list(csv.reader(io.StringIO(
        client.get("/ops/commissions.csv?channel=hotline").get_data(as_text=True))))
    assert len(hotline) == 4 and {line[3] for line in hotline[1:]} == {"hotline"}
