"""Group purchases in the operators' commission report: one row of their own.

Campaign payments are not missions, so they have no line in the mission books; their
totals are aggregated straight from `group_payments` (captures in the period), under the
category `group_purchase` and the web channel. The category filter keeps only them (or,
with another category, leaves them out); a filter on a booking operator leaves them out (no
operator books a campaign); a filter on a helper keeps the campaigns that person sold.
Their rows join the report's pages and CSV (commission_report.py) under the same filter.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, literal, select
from sqlalchemy.sql import ColumnElement

from marketplace.core.db import db
from marketplace.groupbuy.models import Campaign
from marketplace.payments.models import GroupPayment, GroupRefund
from marketplace.payments.services.group_capture import CATEGORY as CATEGORY
from marketplace.payments.status import PaymentStatus

if TYPE_CHECKING:
    from marketplace.payments.services.commission_report import ReportFilter

CHANNEL = "web"


def applies(f: ReportFilter) -> bool:
    return (f.category in (None, CATEGORY) and f.channel in (None, CHANNEL)
            and f.operator_id is None)


def where(f: ReportFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [GroupPayment.status == PaymentStatus.CAPTURED]
    if f.since is not None:
        conds.append(GroupPayment.captured_at >= f.since)
    if f.until is not None:
        conds.append(GroupPayment.captured_at < f.until)
    if f.helper_id is not None:
        conds.append(GroupPayment.campaign_id.in_(
            select(Campaign.id).where(Campaign.seller_id == f.helper_id)))
    return conds


def _platform_refunds(conds: list[ColumnElement[bool]]) -> int:
    """What refunds on those payments cost the platform (the seller bore the rest)."""
    return int(db.session.execute(
        select(func.coalesce(func.sum(GroupRefund.amount_cents - GroupRefund.seller_cents), 0))
        .join(GroupPayment, GroupPayment.id == GroupRefund.payment_id).where(*conds)
    ).scalar_one())


def sums(f: ReportFilter) -> tuple[tuple[int, ...], dict[date, int]] | None:
    """(payments, volume, commission, service fee, refunds, Stripe fees) of the period's
    group-purchase captures, and their commission by week; None when none apply."""
    if not applies(f):
        return None
    conds = where(f)
    rows: list[Any] = list(db.session.execute(
        select(GroupPayment.captured_at, GroupPayment.captured_cents,
               GroupPayment.commission_cents, GroupPayment.stripe_fee_cents)
        .where(*conds)).all())
    if not rows:
        return None
    weekly: dict[date, int] = defaultdict(int)
    for r in rows:
        day = r.captured_at.date()
        weekly[day - timedelta(days=day.weekday())] += int(r.commission_cents)
    numbers = (len(rows), sum(int(r.captured_cents) for r in rows),
               sum(int(r.commission_cents) for r in rows), 0, _platform_refunds(conds),
               sum(int(r.stripe_fee_cents) for r in rows))
    return numbers, dict(weekly)


def platform_refund_of(payment_id: Any) -> Any:
    """What refunds on one payment cost the platform (a row's refunds column)."""
    return (select(func.coalesce(func.sum(GroupRefund.amount_cents - GroupRefund.seller_cents),
                                 0))
            .where(GroupRefund.payment_id == payment_id).scalar_subquery())


def row_columns(captured_at: Any = None) -> tuple[Any, ...]:
    """A group payment as a report row: the columns of a mission line, the campaign in
    place of the mission (no service fee, no tips)."""
    return (GroupPayment.id, GroupPayment.campaign_id, Campaign.title,
            GroupPayment.captured_at if captured_at is None else captured_at,
            literal(CATEGORY), literal(CHANNEL), GroupPayment.currency,
            GroupPayment.captured_cents, GroupPayment.commission_cents, literal(0),
            platform_refund_of(GroupPayment.id), GroupPayment.stripe_fee_cents)
