"""Read models for money pages: a helper's payouts (commissions: commission_report.py)."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from marketplace.core.db import db
from marketplace.payments.models import Payout


def payouts_of_helper(helper_id: int) -> list[Payout]:
    """Only this helper's payouts, newest first, with their missions loaded."""
    return list(db.session.execute(
        db.select(Payout).where(Payout.helper_id == helper_id)
        .options(selectinload(Payout.mission)).order_by(Payout.id.desc())
    ).scalars())
