"""Dispute outcomes: an operator's decision moves the mission and its money together.

A client dispute (before capture) decides how much is captured and what the helper gets;
a bank dispute (after capture) decides how much of the helper's payout survives. The
opening, the bounds of a split and the money steps are the payments domain's.
"""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.core import audit
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError, NotFound
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.flows.cancellation import release_and_cancel
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.missions.transitions import move_mission
from marketplace.payments import ledger
from marketplace.payments import signals as payments_signals
from marketplace.payments.ledger import Line
from marketplace.payments.models import Dispute, Refund
from marketplace.payments.services import capture, disputes
from marketplace.payments.services.disputes import SplitBounds
from marketplace.payments.status import DisputeStatus, PayoutStatus, RefundStage, dispute_transition


def resolve(operator: User, dispute_id: int, resolution: str, helper_cents: int | None,
            note: str, client_cents: int | None = None) -> Dispute:
    """Decide a dispute: release, refund, or split (helper_cents to the helper, client_cents
    back to the client; the platform keeps the rest of what is available)."""
    dispute = db.session.get(Dispute, dispute_id, with_for_update=True)
    if dispute is None:
        raise NotFound(_l("No such dispute."))
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict(_l("This dispute is already resolved."))
    if resolution not in disputes.RESOLUTIONS or len((note or "").strip()) < 3:
        raise DomainError(_l("Choose a resolution and write a note."))
    mission = db.session.get(Mission, dispute.mission_id)
    assert mission is not None
    bounds = disputes.split_bounds(dispute)
    to_helper, to_client = disputes.amounts(bounds, resolution, helper_cents, client_cents)
    # the claim: the dispute is locked above and resolved before any money moves at Stripe
    dispute.status = dispute_transition(dispute.status, DisputeStatus.RESOLVED)
    if dispute.opened_by == "client":
        refund_cents = _settle_client_dispute(operator, mission, bounds, to_helper, to_client,
                                              note)
    else:
        refund_cents = _settle_bank_dispute(mission, bounds, to_helper)
    dispute.resolution, dispute.note = resolution, note.strip()[:500]
    dispute.helper_cents, dispute.refund_cents = to_helper, refund_cents
    dispute.resolved_by_id, dispute.resolved_at = operator.id, utcnow()
    audit.record(operator, "dispute.resolve", "dispute", dispute.id, note=dispute.note,
                 after={"resolution": resolution, "helper_cents": to_helper,
                        "refund_cents": refund_cents,
                        "platform_cents": bounds.platform_keeps(to_helper, refund_cents)})
    payments_signals.dispute_resolved.send(
        mission, dispute_id=dispute.id, resolution=resolution, helper_cents=to_helper,
        refund_cents=refund_cents, note=dispute.note or "")
    db.session.commit()
    return dispute


def _settle_client_dispute(operator: User, mission: Mission, bounds: SplitBounds,
                           to_helper: int, to_client: int, note: str) -> int:
    """Before capture: the client gets `to_client` back by our capturing that much less
    (Stripe releases the rest of the hold: no refund object, no fee on it); the helper's
    payout is `to_helper`; the platform keeps what is left of its fees."""
    payment = capture.authorized_payment(mission)
    if to_client >= bounds.available:
        release_and_cancel(mission, payment)
        return to_client
    if to_client:
        db.session.add(Refund(mission_id=mission.id, payment_id=payment.id,
                              amount_cents=to_client,
                              helper_cents=bounds.helper_max - to_helper,
                              stage=RefundStage.BEFORE_CAPTURE, operator_id=operator.id,
                              note=f"Dispute split: {note.strip()}"[:500]))
        db.session.flush()
    move_mission(mission, MissionStatus.COMPLETED, completed_at=utcnow())  # claimed first
    pi = capture.capture_at_stripe(payment)
    capture.record_capture(mission, payment, pi)
    return to_client


def _settle_bank_dispute(mission: Mission, bounds: SplitBounds, to_helper: int) -> int:
    """After capture: the helper keeps `to_helper` of what they are still due (their share
    less what refunds already took from it); the platform bears or recovers the rest."""
    payout = disputes.payout_for_update(mission.id)
    taken = bounds.helper_max - to_helper
    if mission.status == MissionStatus.DISPUTED:
        move_mission(mission, MissionStatus.COMPLETED)
    if payout is not None and payout.status not in (PayoutStatus.PAID, PayoutStatus.CANCELED):
        disputes.settle_unpaid(payout, to_helper)
    elif payout is not None and taken:
        disputes.claw_back(payout, taken)
    if taken and mission.helper_id is not None:
        ledger.record("dispute_recovery", f"dispute_recovery:{mission.id}", [
            Line(ledger.helper_payable(mission.helper_id), taken),
            Line(ledger.DISPUTES, -taken),
        ], currency=mission.currency, mission_id=mission.id,
            description=f"Helper's share of the dispute loss on mission #{mission.id}")
    return 0
