"""Read models for money pages: payouts for a helper, commissions for operators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from marketplace.extensions import db
from marketplace.missions.models import Mission
from marketplace.payments.models import Payment, Payout
from marketplace.payments.status import PaymentStatus


def payouts_of_helper(helper_id: int) -> list[Payout]:
    """Only this helper's payouts, newest first, with their missions loaded."""
    return list(db.session.execute(
        db.select(Payout).where(Payout.helper_id == helper_id)
        .options(selectinload(Payout.mission)).order_by(Payout.id.desc())
    ).scalars())


@dataclass(frozen=True)
class CommissionTotals:
    missions: int
    volume_cents: int
    commission_cents: int
    service_fee_cents: int
    helper_share_cents: int
    stripe_fee_cents: int

    @property
    def net_revenue_cents(self) -> int:
        return self.commission_cents + self.service_fee_cents - self.stripe_fee_cents


def captured_missions(since: datetime | None = None,
                      until: datetime | None = None) -> list[tuple[Mission, Payment]]:
    query = (db.select(Mission, Payment).join(Payment, Payment.mission_id == Mission.id)
             .where(Payment.status == PaymentStatus.CAPTURED)
             .options(selectinload(Mission.client), selectinload(Mission.helper))
             .order_by(Payment.captured_at.desc()))
    if since is not None:
        query = query.where(Payment.captured_at >= since)
    if until is not None:
        query = query.where(Payment.captured_at < until)
    return [(m, p) for m, p in db.session.execute(query).all()]


def commission_totals(rows: list[tuple[Mission, Payment]]) -> CommissionTotals:
    return CommissionTotals(
        missions=len(rows),
        volume_cents=sum(p.captured_cents for _, p in rows),
        commission_cents=sum(m.commission_cents for m, _ in rows),
        service_fee_cents=sum(m.service_fee_cents for m, _ in rows),
        helper_share_cents=sum(m.helper_share_cents for m, _ in rows),
        stripe_fee_cents=sum(p.stripe_fee_cents for _, p in rows),
    )


def count_payments() -> int:
    return int(db.session.execute(db.select(func.count(Payment.id))).scalar_one())
