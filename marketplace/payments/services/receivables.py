"""What a client owes us before any cash arrives: a late-cancellation fee with no card hold.

A client who cancels within CANCEL_FREE_HOURS owes a late fee. When a card hold exists it is
captured at once (missions/cancellation.py). When it does not (a far mission whose card was
only saved, and the off-session hold not placed yet or refused), the fee is still owed from
the moment of the cancellation: we book it as the client's receivable, credited to the
helper (their share) and to commission revenue, and a worker charges the saved card
off-session. The charge settles the receivable and schedules the helper's payout; a refusal
(or no saved card) leaves it outstanding in the operators' queue, where they retry or write
it off (a reversing transaction, so the helper's share is withdrawn with it).
"""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.core import audit, outbox, pagination
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, NotFound
from marketplace.core.i18n import N_
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.missions.models import Mission
from marketplace.payments import ledger
from marketplace.payments.gateway import CardDeclined, GatewayError, PaymentIntentInfo
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.ledger import Line
from marketplace.payments.models import ClientReceivable, LedgerTransaction, Payment
from marketplace.payments.services import capture
from marketplace.payments.status import PaymentStatus, ReceivableStatus, receivable_transition

OUTSTANDING, COLLECTED, FAILED, WRITTEN_OFF = (
    ReceivableStatus.OUTSTANDING, ReceivableStatus.COLLECTED, ReceivableStatus.FAILED,
    ReceivableStatus.WRITTEN_OFF)


def saved_card(mission: Mission) -> str | None:
    """The card the client saved for this mission's later hold, if any."""
    return db.session.execute(
        db.select(Payment.payment_method_id).where(Payment.mission_id == mission.id,
                                                   Payment.payment_method_id.is_not(None))
        .order_by(Payment.id.desc()).limit(1)).scalar_one_or_none()


def book_late_fee(mission: Mission, helper_id: int, amount_cents: int, helper_cents: int,
                  commission_cents: int) -> ClientReceivable:
    """The fee is owed now: receivable against helper payable + commission, same commit."""
    row = ClientReceivable(mission_id=mission.id, client_id=mission.client_id,
                           helper_id=helper_id, amount_cents=amount_cents,
                           helper_cents=helper_cents, currency=mission.currency,
                           reason="late_cancellation", payment_method_id=saved_card(mission))
    db.session.add(row)
    db.session.flush()
    ledger.record("late_fee_due", f"receivable:{row.id}", [
        Line(ledger.client_receivable(mission.client_id), amount_cents),
        Line(ledger.helper_payable(helper_id), -helper_cents),
        Line(ledger.COMMISSION_REVENUE, -commission_cents),
    ], currency=row.currency, mission_id=mission.id,
        description=f"Late-cancellation fee owed by the client of mission #{mission.id}")
    if row.payment_method_id is None:
        row.status = receivable_transition(row.status, FAILED)
        row.failure_message = N_("No saved card to charge.")
    else:
        outbox.enqueue("receivables.collect", row.id)
    return row


def collect(receivable_id: int) -> ReceivableStatus:
    """Charge the saved card off-session once; safe to call again (keyed by our row)."""
    row = db.session.get(ClientReceivable, receivable_id, with_for_update=True)
    if row is None:
        raise NotFound(f"receivable {receivable_id} does not exist")
    if row.status != OUTSTANDING:
        db.session.rollback()
        return row.status
    row.attempts += 1
    try:
        pi = _charge(row)
    except CardDeclined as exc:
        return _failed(row, str(exc))
    except GatewayError as exc:
        if exc.transient:
            db.session.rollback()
            raise
        return _failed(row, str(exc))
    _settle(row, pi)
    return row.status


def _charge(row: ClientReceivable) -> PaymentIntentInfo:
    """Authorize then capture at once: the same two calls as any hold, each keyed by us."""
    key = f"mkt:receivable:{row.id}:{row.attempts}"
    mission = row.mission
    pi = gateway().authorize_off_session(
        row.amount_cents, row.currency, mission.client.stripe_customer_id or "",
        row.payment_method_id or "", f"mission-{mission.id}",
        {"mission_id": str(mission.id), "receivable_id": str(row.id)}, idempotency_key=key)
    if pi.status != "requires_capture":
        raise CardDeclined(_l("Your bank asks you to confirm this payment."),
                           "authentication_required")
    return gateway().capture_payment_intent(pi.id, row.amount_cents,
                                            idempotency_key=f"{key}:capture")


def _settle(row: ClientReceivable, pi: PaymentIntentInfo) -> None:
    """Cash arrived: receivable -> Stripe balance (minus Stripe's fee); the helper's payout."""
    payment = Payment(mission_id=row.mission_id, amount_cents=row.amount_cents,
                      currency=row.currency, status=PaymentStatus.CAPTURED,
                      payment_intent_id=pi.id, charge_id=pi.charge_id,
                      payment_method_id=row.payment_method_id,
                      captured_cents=pi.amount_received_cents, captured_at=utcnow(),
                      stripe_fee_cents=pi.stripe_fee_cents or 0, authorized_at=utcnow())
    db.session.add(payment)
    db.session.flush()
    row.status = receivable_transition(row.status, COLLECTED)  # locked by collect()
    row.payment_id, row.collected_at = payment.id, utcnow()
    row.failure_message = None
    ledger.record("late_fee_collected", f"capture:{pi.id}", [
        Line(ledger.STRIPE_BALANCE, pi.amount_received_cents),
        Line(ledger.client_receivable(row.client_id), -pi.amount_received_cents),
    ], currency=row.currency, mission_id=row.mission_id,
        description=f"Late-cancellation fee collected for mission #{row.mission_id}",
        stripe_source_id=pi.charge_id)
    capture.record_stripe_fee(pi, row.currency, row.mission_id, pi.charge_id)
    if row.helper_cents:
        capture.schedule_payout(row.mission, payment, row.helper_cents, row.helper_id)
    db.session.commit()


def _failed(row: ClientReceivable, message: str) -> ReceivableStatus:
    row.status = receivable_transition(row.status, FAILED)
    row.failure_message = message[:255]
    db.session.commit()
    return row.status


def outstanding(start: int | None = None,
                size: int = pagination.PAGE_SIZE) -> pagination.Keyset[ClientReceivable]:
    """Fees owed and not collected (charging or refused), for the operators' queue."""
    return pagination.by_id(
        db.select(ClientReceivable).where(ClientReceivable.status.in_([OUTSTANDING, FAILED])),
        ClientReceivable.id, start=start, size=size, newest_first=False)


def retry(operator: User, receivable_id: int) -> ClientReceivable:
    """Charge a refused fee again (e.g. after the client updated their card)."""
    row = _failed_row(receivable_id)
    if row.payment_method_id is None:
        row.payment_method_id = saved_card(row.mission)
    if row.payment_method_id is None:
        raise Conflict(_l("The client has no saved card to charge."))
    row.status = receivable_transition(row.status, OUTSTANDING)
    outbox.enqueue("receivables.collect", row.id)
    audit.record(operator, "receivable.retry", "client_receivable", row.id,
                 before={"status": FAILED}, after={"status": OUTSTANDING})
    db.session.commit()
    return row


def write_off(operator: User, receivable_id: int, note: str) -> ClientReceivable:
    """Give up on a refused fee: reverse its booking (the helper's share goes with it)."""
    row = _failed_row(receivable_id)
    booked = db.session.execute(db.select(LedgerTransaction).where(
        LedgerTransaction.external_id == f"receivable:{row.id}")).scalar_one()
    ledger.reverse(booked, f"late fee written off: {note}")
    row.status = receivable_transition(row.status, WRITTEN_OFF)
    audit.record(operator, "receivable.write_off", "client_receivable", row.id, note=note,
                 before={"status": FAILED}, after={"status": WRITTEN_OFF})
    db.session.commit()
    return row


def _failed_row(receivable_id: int) -> ClientReceivable:
    row = db.session.get(ClientReceivable, receivable_id, with_for_update=True)
    if row is None:
        raise NotFound(_l("No such receivable."))
    if row.status != FAILED:
        raise Conflict(_l("Only a refused fee can be retried or written off."))
    return row
