"""Paying the helper: one Stripe Transfer per payout row, never two.

The transfer's idempotency key is derived from the payout id, so a retried task replays
Stripe's first answer; past Stripe's 24 h key lifetime we look the transfer up by
transfer_group and metadata before creating one. Ledger and status change in one commit.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, bindparam
from sqlalchemy.orm import joinedload
from sqlalchemy.sql import ColumnElement

from marketplace.accounts.models import HelperProfile, User
from marketplace.core import failpoints as fp
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import NotFound
from marketplace.core.failpoints import failpoint
from marketplace.core.i18n import N_
from marketplace.missions.models import Mission
from marketplace.payments import ledger
from marketplace.payments import signals as payments_signals
from marketplace.payments.gateway import GatewayError, TransferInfo
from marketplace.payments.gateway.provider import gateway
from marketplace.payments.ledger import Line
from marketplace.payments.models import Dispute, Payment, Payout
from marketplace.payments.status import DisputeStatus, PayoutStatus, payout_transition

log = logging.getLogger(__name__)
KEY_LIFETIME_HOURS = 24
MAX_ATTEMPTS = 10  # then the payout waits in the operators' queue with its error
# What layers above read with the payout being released, by name (see load_with_release).
_WITH_RELEASE: dict[str, Callable[[], Sequence[ColumnElement[Any]]]] = {}


def load_with_release(name: str, columns: Callable[[], Sequence[ColumnElement[Any]]]) -> None:
    """Fetch `columns` (expressions correlated to Payout) in the statement that locks a payout
    for release; `payout_sent` carries their values as `loaded[name]`. Payouts run by the
    thousand, so a layer that acts on every one (notifications, telling the helper how they
    chose to be told) costs no statement of its own. Layers above register at start-up, as
    with `accounts.sessions.load_with_user`."""
    _WITH_RELEASE[name] = columns
    _release_statement.cache_clear()


def release_payout(payout_id: int) -> PayoutStatus:
    """Send the helper's share if it is due; safe to call any number of times."""
    due = _load_for_release(payout_id)
    payout = due.payout
    if payout.status not in (PayoutStatus.SCHEDULED, PayoutStatus.HELD):
        db.session.rollback()
        return payout.status
    if utcnow() < payout.release_after:
        db.session.rollback()
        return payout.status
    if due.disputed:
        return _hold(payout, N_("A dispute is open on this mission."))
    if not due.payouts_enabled or not due.stripe_account_id:
        return _hold(payout, N_("Waiting for the helper to finish payout setup with Stripe."))
    failpoint(fp.PAYOUT_BEFORE_TRANSFER)
    try:
        transfer = _transfer(payout, due.stripe_account_id, due.charge_id)
    except GatewayError as exc:
        return _record_failure(payout, exc)
    failpoint(fp.PAYOUT_AFTER_TRANSFER)
    _record_paid(payout, transfer, due.loaded)
    failpoint(fp.PAYOUT_AFTER_COMMIT)
    return PayoutStatus.PAID


@dataclass(frozen=True)
class _Due:
    payout: Payout
    charge_id: str | None
    stripe_account_id: str | None
    payouts_enabled: bool
    disputed: bool
    loaded: dict[str, tuple[Any, ...]]


def _load_for_release(payout_id: int) -> _Due:
    """Lock the payout and read everything the decision needs in one statement: the charge
    the transfer draws on, the mission and helper (for the helper's notification), the
    helper's Stripe account, whether a dispute is open, and what layers above registered.
    Payouts run by the thousand; round trips count (and the statement, with its loader
    options, is built once: building it cost more than running it)."""
    statement, widths = _release_statement()
    row = db.session.execute(statement, {"payout_id": payout_id}).first()
    if row is None:
        raise NotFound(f"payout {payout_id} does not exist")
    payout, charge_id, account_id, enabled, disputed, *rest = row
    values = iter(rest)
    loaded = {name: tuple(itertools.islice(values, width)) for name, width in widths}
    return _Due(payout, charge_id, account_id, bool(enabled), bool(disputed), loaded)


@functools.cache
def _release_statement() -> tuple[Any, tuple[tuple[str, int], ...]]:
    """The locking statement, and the name and number of each registered set of columns."""
    registered = {name: tuple(columns()) for name, columns in _WITH_RELEASE.items()}
    open_dispute = (db.select(Dispute.id)
                    .where(Dispute.mission_id == Payout.mission_id,
                           Dispute.status == DisputeStatus.OPEN)
                    .exists())
    statement = (
        db.select(Payout, Payment.charge_id, HelperProfile.stripe_account_id,
                  HelperProfile.payouts_enabled, open_dispute,
                  *[column for columns in registered.values() for column in columns])
        .join(Payment, Payment.id == Payout.payment_id)  # a column, not an entity to build
        .outerjoin(HelperProfile, HelperProfile.user_id == Payout.helper_id)
        .options(joinedload(Payout.mission, innerjoin=True).load_only(
                     Mission.title, Mission.price_cents, Mission.commission_cents),
                 joinedload(Payout.helper, innerjoin=True).load_only(
                     # what the helper's "payout sent" notification reads
                     User.email, User.phone, User.full_name, User.locale, User.deleted_at))
        .where(Payout.id == bindparam("payout_id", type_=Integer()))
        .with_for_update(of=Payout))
    return statement, tuple((name, len(columns)) for name, columns in registered.items())


def _transfer(payout: Payout, destination: str, charge_id: str | None) -> TransferInfo:
    group = f"mission-{payout.mission_id}"
    first_try_age = (utcnow() - payout.created_at).total_seconds() / 3600
    if payout.attempts and first_try_age >= KEY_LIFETIME_HOURS - 1:
        found = gateway().find_transfer(group, "payout_id", str(payout.id))
        if found is not None:
            return found
    payout.attempts += 1
    return gateway().create_transfer(
        amount_cents=payout.amount_cents, currency=payout.currency, destination=destination,
        source_transaction=charge_id or "", transfer_group=group,
        metadata={"payout_id": str(payout.id), "mission_id": str(payout.mission_id)},
        idempotency_key=f"mkt:transfer:{payout.id}")


def _record_paid(payout: Payout, transfer: TransferInfo,
                 loaded: dict[str, tuple[Any, ...]]) -> None:
    """The payout turns PAID with its transfer's ledger lines, in one commit. The payout row
    is locked and was not PAID, so no earlier commit wrote those lines: the ledger need not
    look for them (payouts run by the thousand; each lookup is a round trip)."""
    payout.status = payout_transition(payout.status, PayoutStatus.PAID)
    payout.transfer_id, payout.paid_at = transfer.id, utcnow()
    payout.hold_reason = payout.last_error = None
    ledger.record("transfer", f"transfer:{transfer.id}", [
        Line(ledger.helper_payable(payout.helper_id), transfer.amount_cents),
        Line(ledger.STRIPE_BALANCE, -transfer.amount_cents),
    ], currency=payout.currency, mission_id=payout.mission_id,
        description=f"Transfer to helper for mission #{payout.mission_id}",
        stripe_source_id=transfer.id, first_time=True)
    payments_signals.payout_sent.send(payout, loaded=loaded)
    db.session.commit()


def _hold(payout: Payout, reason: str) -> PayoutStatus:
    if payout.status != PayoutStatus.HELD:
        payout.status = payout_transition(payout.status, PayoutStatus.HELD)
    payout.hold_reason = reason
    db.session.commit()
    return payout.status


def _record_failure(payout: Payout, exc: GatewayError) -> PayoutStatus:
    """Keep the error on the row; transient errors re-raise so the task retries, until the
    attempt cap turns the payout FAILED for an operator to look at and retry."""
    payout.last_error = str(exc)[:500]
    retry = exc.transient and payout.attempts < MAX_ATTEMPTS
    if not retry:
        payout.status = payout_transition(payout.status, PayoutStatus.FAILED)
    db.session.commit()
    log.warning("payout %s failed (attempt %s, transient=%s): %s", payout.id, payout.attempts,
                exc.transient, exc)
    if retry:
        raise exc
    return payout.status
