"""Read models for money pages: a helper's payouts and tips, each row explaining itself
(commissions: commission_report.py).

Every row adds up for a person: gross - commission - other = what you receive, and says in
one line why (a completed mission, a late cancellation's fee, a dispute's split, a tip).
The gross and the commission come from the ledger (what was credited to the helper and to
the platform for that mission), so a row tells what the books say.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from marketplace.core.db import db
from marketplace.core.money import format_cents
from marketplace.missions.lifecycle import MissionStatus
from marketplace.payments import ledger
from marketplace.payments.models import Dispute, LedgerEntry, LedgerTransaction, Payout, Tip
from marketplace.payments.status import TipStatus

TIP_KINDS = ("tip", "tip_transfer")


@dataclass(frozen=True)
class PayoutRow:
    kind: str  # completed | late_cancellation | dispute_split | tip
    mission_id: int
    title: str
    gross_cents: int
    commission_cents: int
    other_cents: int  # refunded to the client (a dispute's split), else 0
    receive_cents: int
    currency: str
    status: str
    hold_reason: str | None
    date: datetime
    expected: bool  # the date is when it is due, not when it was paid
    reason: str


def payouts_of_helper(helper_id: int) -> list[Payout]:
    """Only this helper's payouts, newest first, with their missions loaded."""
    return list(db.session.execute(
        db.select(Payout).where(Payout.helper_id == helper_id)
        .options(selectinload(Payout.mission)).order_by(Payout.id.desc())
    ).scalars())


def payout_rows(helper_id: int) -> list[PayoutRow]:
    """The helper's payouts and tips as rows that explain themselves, newest first."""
    payouts = payouts_of_helper(helper_id)
    mission_ids = [p.mission_id for p in payouts]
    credited = _credits(helper_id, mission_ids)
    disputed: dict[int, int] = {
        mission_id: refund or 0 for mission_id, refund in db.session.execute(
            db.select(Dispute.mission_id, Dispute.refund_cents).where(
                Dispute.mission_id.in_(mission_ids), Dispute.resolution.in_(("split",))))
    } if mission_ids else {}
    rows = [_payout_row(p, credited.get(p.mission_id, {}), disputed.get(p.mission_id))
            for p in payouts]
    rows += [_tip_row(t) for t in db.session.execute(
        db.select(Tip).where(Tip.helper_id == helper_id,
                             Tip.status.in_((TipStatus.CAPTURED, TipStatus.PAID)))
        .options(selectinload(Tip.mission))).scalars()]
    return sorted(rows, key=lambda r: r.date, reverse=True)


def _credits(helper_id: int, mission_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per mission: what the ledger credited to this helper and to commission (tips apart)."""
    if not mission_ids:
        return {}
    accounts = (ledger.helper_payable(helper_id), ledger.COMMISSION_REVENUE)
    found = db.session.execute(
        db.select(LedgerTransaction.mission_id, LedgerEntry.account,
                  func.sum(LedgerEntry.amount_cents))
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .where(LedgerTransaction.mission_id.in_(mission_ids),
               LedgerTransaction.kind.not_in(TIP_KINDS), LedgerEntry.account.in_(accounts),
               LedgerEntry.amount_cents < 0)
        .group_by(LedgerTransaction.mission_id, LedgerEntry.account)).all()
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for mission_id, account, total in found:
        if mission_id is not None:
            key = "helper" if account.startswith("helper:") else "commission"
            out[mission_id][key] = -int(total or 0)
    return out


def _payout_row(payout: Payout, credited: dict[str, int],
                dispute_refund: int | None) -> PayoutRow:
    mission, cur = payout.mission, payout.currency
    commission = credited.get("commission", 0)
    to_helper = credited.get("helper", payout.amount_cents)
    gross = to_helper + commission
    other = max(to_helper - payout.amount_cents, 0)
    if mission.status == MissionStatus.CANCELLED:
        kind = "late_cancellation"
        reason = _("Late cancellation by the client: %(gross)s fee, of which you receive "
                   "%(share)s.", gross=format_cents(gross, cur),
                   share=format_cents(payout.amount_cents, cur))
    elif dispute_refund is not None:
        kind = "dispute_split"
        reason = _("Dispute split by our team: %(refund)s went back to the client; of the "
                   "%(gross)s kept, you receive %(share)s.",
                   refund=format_cents(dispute_refund + other, cur),
                   gross=format_cents(gross, cur), share=format_cents(payout.amount_cents, cur))
    else:
        kind = "completed"
        reason = _("Completed mission: the price minus our commission.")
    return PayoutRow(kind=kind, mission_id=mission.id, title=mission.title, gross_cents=gross,
                     commission_cents=commission, other_cents=other,
                     receive_cents=payout.amount_cents, currency=cur,
                     status=payout.status.value, hold_reason=payout.hold_reason,
                     date=payout.paid_at or payout.release_after, expected=payout.paid_at is None,
                     reason=str(reason))


def _tip_row(tip: Tip) -> PayoutRow:
    date = tip.paid_at or tip.captured_at or tip.created_at
    return PayoutRow(kind="tip", mission_id=tip.mission_id, title=tip.mission.title,
                     gross_cents=tip.amount_cents, commission_cents=0, other_cents=0,
                     receive_cents=tip.amount_cents, currency=tip.currency,
                     status="paid" if tip.status == TipStatus.PAID else "scheduled",
                     hold_reason=None, date=date, expected=tip.paid_at is None,
                     reason=str(_("Tip from the client: all of it is yours, no commission.")))
