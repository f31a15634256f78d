"""The operators' commission report, computed from the ledger so refunds, late-cancellation
fees and disputes count exactly as the money moved.

Rows are missions with a captured payment, filtered by capture period, category, channel,
booking operator and helper; totals add volume, service fees, commissions, refunds, Stripe
fees and net revenue, and tips in a column of their own (they go to helpers in full, so they
are not revenue; their Stripe fee is the platform's and counts in the Stripe fee column);
a weekly series feeds an inline SVG chart (no JavaScript).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import func

from marketplace.core.db import db
from marketplace.missions.models import Mission
from marketplace.payments import ledger
from marketplace.payments.models import LedgerEntry, LedgerTransaction, Payment
from marketplace.payments.status import PaymentStatus


@dataclass(frozen=True)
class ReportFilter:
    since: datetime | None = None
    until: datetime | None = None
    category: str | None = None
    channel: str | None = None
    operator_id: int | None = None
    helper_id: int | None = None


@dataclass
class Row:
    mission: Mission
    payment: Payment
    commission_cents: int = 0
    service_fee_cents: int = 0
    refunds_cents: int = 0
    stripe_fee_cents: int = 0
    tips_cents: int = 0  # passed on in full to the helper: not revenue (its Stripe fee is)

    @property
    def net_cents(self) -> int:
        return self.commission_cents + self.service_fee_cents - self.refunds_cents \
            - self.stripe_fee_cents


@dataclass
class Totals:
    missions: int = 0
    volume_cents: int = 0
    commission_cents: int = 0
    service_fee_cents: int = 0
    refunds_cents: int = 0
    stripe_fee_cents: int = 0
    tips_cents: int = 0
    weekly: dict[date, int] = field(default_factory=dict)

    @property
    def net_revenue_cents(self) -> int:
        return self.commission_cents + self.service_fee_cents - self.refunds_cents \
            - self.stripe_fee_cents


def _query(f: ReportFilter):  # type: ignore[no-untyped-def]
    query = (db.select(Mission, Payment).join(Payment, Payment.mission_id == Mission.id)
             .where(Payment.status == PaymentStatus.CAPTURED).order_by(Payment.captured_at.desc()))
    if f.since is not None:
        query = query.where(Payment.captured_at >= f.since)
    if f.until is not None:
        query = query.where(Payment.captured_at < f.until)
    for column, value in ((Mission.category, f.category), (Mission.channel, f.channel),
                          (Mission.booked_by_id, f.operator_id),
                          (Mission.helper_id, f.helper_id)):
        if value is not None:
            query = query.where(column == value)
    return query


ACCOUNTS = {ledger.COMMISSION_REVENUE: ("commission_cents", -1),
            ledger.SERVICE_FEE_REVENUE: ("service_fee_cents", -1),
            ledger.REFUNDS: ("refunds_cents", 1), ledger.DISPUTES: ("refunds_cents", 1),
            ledger.STRIPE_FEES: ("stripe_fee_cents", 1)}


def rows(f: ReportFilter) -> list[Row]:
    """Filtered missions with what the platform earned on each, from the ledger."""
    found = [Row(m, p) for m, p in db.session.execute(_query(f)).all()]
    by_id = {row.mission.id: row for row in found}
    if not by_id:
        return found
    sums = db.session.execute(
        db.select(LedgerTransaction.mission_id, LedgerEntry.account,
                  func.sum(LedgerEntry.amount_cents))
        .join(LedgerTransaction, LedgerEntry.transaction_id == LedgerTransaction.id)
        .where(LedgerTransaction.mission_id.in_(by_id), LedgerEntry.account.in_(ACCOUNTS))
        .group_by(LedgerTransaction.mission_id, LedgerEntry.account)).all()
    for mission_id, account, total in sums:
        name, sign = ACCOUNTS[account]
        row = by_id[cast(int, mission_id)]  # the WHERE keeps missions' transactions only
        setattr(row, name, getattr(row, name) + sign * int(total))
    for mission_id, total in _tips(list(by_id)):
        by_id[mission_id].tips_cents = total
    return found


def _tips(mission_ids: list[int]) -> list[tuple[int, int]]:
    """Per mission, the tips its client added (credited to the helper in full)."""
    found = db.session.execute(
        db.select(LedgerTransaction.mission_id, func.sum(LedgerEntry.amount_cents))
        .join(LedgerTransaction, LedgerEntry.transaction_id == LedgerTransaction.id)
        .where(LedgerTransaction.mission_id.in_(mission_ids), LedgerTransaction.kind == "tip",
               LedgerEntry.account.like("helper:%:payable"))
        .group_by(LedgerTransaction.mission_id)).all()
    return [(cast(int, mission_id), -int(total or 0)) for mission_id, total in found]


def totals(found: list[Row]) -> Totals:
    t = Totals(missions=len(found))
    weekly: dict[date, int] = defaultdict(int)
    for row in found:
        t.volume_cents += row.payment.captured_cents
        t.commission_cents += row.commission_cents
        t.service_fee_cents += row.service_fee_cents
        t.refunds_cents += row.refunds_cents
        t.stripe_fee_cents += row.stripe_fee_cents
        t.tips_cents += row.tips_cents
        if row.payment.captured_at is not None:
            day = row.payment.captured_at.date()
            weekly[day - timedelta(days=day.weekday())] += row.commission_cents
    t.weekly = dict(sorted(weekly.items()))
    return t


def chart_bars(weekly: dict[date, int], width: int = 600,
               height: int = 160) -> list[dict[str, object]]:
    """Bar geometry for the inline SVG weekly commission chart."""
    if not weekly:
        return []
    peak = max(max(weekly.values()), 1)
    step = width // max(len(weekly), 1)
    return [{"x": i * step + 4, "w": max(step - 8, 2), "h": int(v * (height - 20) / peak),
             "y": height - 20 - int(v * (height - 20) / peak), "label": week.strftime("%d/%m"),
             "cents": v} for i, (week, v) in enumerate(weekly.items())]


def to_csv(found: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["mission_id", "captured_at", "category", "channel", "helper_id",
                     "booked_by_id", "charged_cents", "commission_cents", "service_fee_cents",
                     "refunds_cents", "stripe_fee_cents", "net_cents", "currency",
                     "tips_cents"])
    for r in found:
        m, p = r.mission, r.payment
        writer.writerow([m.id, p.captured_at.isoformat() if p.captured_at else "", m.category,
                         m.channel.value, m.helper_id or "", m.booked_by_id or "",
                         p.captured_cents, r.commission_cents, r.service_fee_cents,
                         r.refunds_cents, r.stripe_fee_cents, r.net_cents, p.currency,
                         r.tips_cents])
    return out.getvalue()
