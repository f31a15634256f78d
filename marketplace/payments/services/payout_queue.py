"""Payouts as operators see them: scheduled, held (with reason), failed (with error), retry."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.core import audit, outbox, pagination
from marketplace.core.db import db
from marketplace.core.errors import Conflict, NotFound
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.payments.models import Payout
from marketplace.payments.services.disputes import disputes_of
from marketplace.payments.status import DisputeStatus, PayoutStatus, payout_transition

OPEN = (PayoutStatus.SCHEDULED, PayoutStatus.HELD, PayoutStatus.FAILED)


def open_payouts(start: int | None = None,
                 size: int = pagination.PAGE_SIZE) -> pagination.Keyset[Payout]:
    """Payouts not paid yet, oldest first (about the order they fall due), by keyset pages."""
    return pagination.by_id(db.select(Payout).where(Payout.status.in_(OPEN))
                            .options(selectinload(Payout.mission)), Payout.id, start=start,
                            size=size, newest_first=False)


def payout_of(mission_id: int) -> Payout | None:
    return db.session.execute(
        db.select(Payout).where(Payout.mission_id == mission_id)).scalar_one_or_none()


def retry(operator: User, payout_id: int) -> Payout:
    """Send a failed or held payout again (the release re-checks every condition)."""
    payout = db.session.get(Payout, payout_id, with_for_update=True)
    if payout is None:
        raise NotFound(_l("No such payout."))
    if payout.status not in (PayoutStatus.FAILED, PayoutStatus.HELD):
        raise Conflict(_l("Only a failed or held payout can be retried."))
    if any(d.status == DisputeStatus.OPEN for d in disputes_of(payout.mission_id)):
        raise Conflict(_l("Resolve the open dispute first: it holds this payout."))
    before = payout.status.value
    payout.status = payout_transition(payout.status, PayoutStatus.SCHEDULED)
    payout.hold_reason = None
    outbox.enqueue("payouts.release", payout.id)
    audit.record(operator, "payout.retry", "payout", payout.id, before={"status": before},
                 after={"status": payout.status.value})
    db.session.commit()
    return payout
