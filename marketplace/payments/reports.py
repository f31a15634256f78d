"""Read models for money pages: payouts for a helper, commissions for operators."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from marketplace.extensions import db
from marketplace.payments.models import Payment, Payout


def payouts_of_helper(helper_id: int) -> list[Payout]:
    """Only this helper's payouts, newest first, with their missions loaded."""
    return list(db.session.execute(
        db.select(Payout).where(Payout.helper_id == helper_id)
        .options(selectinload(Payout.mission)).order_by(Payout.id.desc())
    ).scalars())


def count_payments() -> int:
    return int(db.session.execute(db.select(func.count(Payment.id))).scalar_one())
