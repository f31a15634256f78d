"""An operator's refund, at whatever stage the mission's money is; a refund of the whole
hold before capture calls the mission off (see payments/services/refunds.py for the stages)."""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.core import audit
from marketplace.core.db import db
from marketplace.core.errors import NotFound
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.flows.cancellation import release_and_cancel
from marketplace.missions.models import Mission
from marketplace.payments.models import Payment, Payout, Refund
from marketplace.payments.services import refunds
from marketplace.payments.services.refunds import RefundRequest
from marketplace.payments.status import RefundStage


def refund(operator: User, req: RefundRequest) -> Refund:
    """Refund a client at whatever stage the mission's money is; audited."""
    mission = db.session.get(Mission, req.mission_id)
    if mission is None:
        raise NotFound(_l("No such mission."))
    payment = refunds.refundable_payment(mission)
    payout = db.session.execute(  # locked: a payout released meanwhile would change the stage
        db.select(Payout).where(Payout.mission_id == mission.id).with_for_update()
    ).scalar_one_or_none()
    refunds.validate(req, mission, payment, payout)
    row = Refund(mission_id=mission.id, payment_id=payment.id, amount_cents=req.amount_cents,
                 helper_cents=req.helper_cents, operator_id=operator.id,
                 note=req.note.strip()[:500], stage=refunds.stage_of(payment, payout))
    db.session.add(row)
    db.session.flush()
    if row.stage == RefundStage.BEFORE_CAPTURE:
        _release_if_whole(mission, payment, row)
    else:
        refunds.refund_after_capture(mission, payment, row, payout)
    audit.record(operator, "refund.create", "mission", mission.id, note=row.note,
                 after={"amount_cents": row.amount_cents, "helper_cents": row.helper_cents,
                        "stage": row.stage})
    db.session.commit()
    return row


def _release_if_whole(mission: Mission, payment: Payment, row: Refund) -> None:
    """Nothing was charged: remember it (capture less) or release the whole hold."""
    if refunds.pending_capture_reduction(mission.id)[0] >= payment.amount_cents:
        release_and_cancel(mission, payment)
