"""Group purchases in the operators' commission report: one row of their own.

Campaign payments are not missions, so they have no line in the mission books; their
totals are aggregated straight from `group_payments` (captures in the period), under the
category `group_purchase` and the web channel. The category filter keeps only them (or,
with another category, leaves them out); a filter on a booking operator leaves them out (no
operator books a campaign); a filter on a helper keeps the campaigns that person sold.
Their rows join the report's pages and CSV (commission_report.py) under the same filter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, String, bindparam, cast, func, literal, null, select
from sqlalchemy.sql import ColumnElement

from marketplace.core.base import UTCDateTime
from marketplace.groupbuy.models import Campaign
from marketplace.payments.commission_book import day_of
from marketplace.payments.models import GroupPayment, GroupRefund
from marketplace.payments.services.group_capture import CATEGORY as CATEGORY
from marketplace.payments.status import PaymentStatus

if TYPE_CHECKING:
    from marketplace.payments.services.commission_report import ReportFilter

CHANNEL = "web"
# The period's bounds, the report's own parameters (commission_report._params fills them).
SINCE = bindparam("since", type_=UTCDateTime())
UNTIL = bindparam("until", type_=UTCDateTime())


def applies(f: ReportFilter) -> bool:
    return (f.category in (None, CATEGORY) and f.channel in (None, CHANNEL)
            and f.operator_id is None)


def where(f: ReportFilter) -> list[ColumnElement[bool]]:
    """The filter on group payments; its values are the report's bind parameters (since,
    until, helper_id: commission_report._params)."""
    conds: list[ColumnElement[bool]] = [GroupPayment.status == PaymentStatus.CAPTURED]
    if f.since is not None:
        conds.append(GroupPayment.captured_at >= SINCE)
    if f.until is not None:
        conds.append(GroupPayment.captured_at < UNTIL)
    if f.helper_id is not None:
        conds.append(GroupPayment.campaign_id.in_(select(Campaign.id).where(
            Campaign.seller_id == bindparam("helper_id", type_=Integer()))))
    return conds


def sums_by_day(f: ReportFilter, dialect: str) -> Any:
    """The period's group-purchase captures summed by UTC day, in the columns of the
    report's totals statement (kind 'group', day, payments, volume, commission, service
    fee, refunds, Stripe fees); the refunds column is what refunds cost the platform."""
    refunds = (select(GroupRefund.payment_id,
                      func.sum(GroupRefund.amount_cents - GroupRefund.seller_cents)
                      .label("cents"))
               .group_by(GroupRefund.payment_id).subquery())
    day = day_of(dialect, GroupPayment.captured_at)
    return (select(literal("group"), cast(day, String), func.count(),
                   func.sum(GroupPayment.captured_cents), func.sum(GroupPayment.commission_cents),
                   literal(0), func.sum(func.coalesce(refunds.c.cents, 0)),
                   func.sum(GroupPayment.stripe_fee_cents))
            .outerjoin(refunds, refunds.c.payment_id == GroupPayment.id)
            .where(*where(f)).group_by(day))


def platform_refund_of(payment_id: Any) -> Any:
    """What refunds on one payment cost the platform (a row's refunds column)."""
    return (select(func.coalesce(func.sum(GroupRefund.amount_cents - GroupRefund.seller_cents),
                                 0))
            .where(GroupRefund.payment_id == payment_id).scalar_subquery())


def row_columns(captured_at: Any = None) -> tuple[Any, ...]:
    """A group payment as a report row: the columns of a mission line (no mission, no
    service fee; the tips column follows)."""
    return (GroupPayment.id, cast(null(), Integer), Campaign.title,
            GroupPayment.captured_at if captured_at is None else captured_at,
            literal(CATEGORY), literal(CHANNEL), GroupPayment.currency,
            GroupPayment.captured_cents, GroupPayment.commission_cents, literal(0),
            platform_refund_of(GroupPayment.id), GroupPayment.stripe_fee_cents)
