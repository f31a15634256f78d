"""Keep the commission report's books (payments/models/report.py) in step with the ledger.

A session listener runs after every flush, inside the transaction that writes the ledger
lines: a payment that became captured opens its commission line (summing whatever the
ledger already holds for its mission) and adds it to its day's rollup; a later ledger
transaction on the mission's revenue accounts adds its amounts to both. So the report never
sums the ledger per request, and the two books commit or roll back with the money they
describe. `rebuild` recomputes both from the ledger (migration backfill, bulk loads) and
`check` compares them with it (the daily ledger check).
"""

from __future__ import annotations

import typing
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Table,
    and_,
    case,
    cast,
    delete,
    event,
    func,
    insert,
    literal,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, attributes
from sqlalchemy.sql import ColumnElement, Select

from marketplace.missions.models import Mission
from marketplace.payments import ledger
from marketplace.payments.models import (
    CommissionDay,
    CommissionLine,
    LedgerEntry,
    LedgerTransaction,
    Payment,
)
from marketplace.payments.status import PaymentStatus

# ledger account -> (report column, sign): revenue accounts are credits (negative)
ACCOUNTS: dict[str, tuple[str, int]] = {
    ledger.COMMISSION_REVENUE: ("commission_cents", -1),
    ledger.SERVICE_FEE_REVENUE: ("service_fee_cents", -1),
    ledger.REFUNDS: ("refunds_cents", 1), ledger.DISPUTES: ("refunds_cents", 1),
    ledger.STRIPE_FEES: ("stripe_fee_cents", 1)}
SUMS = ("commission_cents", "service_fee_cents", "refunds_cents", "stripe_fee_cents")
LINES = typing.cast(Table, CommissionLine.__table__)
DAYS = typing.cast(Table, CommissionDay.__table__)
DAY_KEY = ("day", "currency", "category", "channel", "booked_by_id")


def _sums(entries: Iterable[LedgerEntry]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for entry in entries:
        if entry.account in ACCOUNTS:
            name, sign = ACCOUNTS[entry.account]
            out[name] += sign * entry.amount_cents
    return {name: value for name, value in out.items() if value}


def _just_captured(session: Session) -> list[Payment]:
    return [obj for obj in list(session.new) + list(session.dirty)
            if isinstance(obj, Payment) and obj.status == PaymentStatus.CAPTURED
            and attributes.get_history(obj, "status").added]


def mission_sums_query() -> Select[Any]:
    """Per mission, its ledger amounts on the report's accounts (the report's definition)."""
    columns = [func.coalesce(func.sum(case(*[
        (LedgerEntry.account == account, sign * LedgerEntry.amount_cents)
        for account, (name, sign) in ACCOUNTS.items() if name == wanted], else_=0)), 0)
        .label(wanted) for wanted in SUMS]
    return (select(LedgerTransaction.mission_id, *columns)
            .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
            .where(LedgerEntry.account.in_(list(ACCOUNTS)))
            .group_by(LedgerTransaction.mission_id))


def _upsert_day(conn: Connection, values: dict[str, Any]) -> None:
    """Add to one day's rollup row, creating it; concurrent writers add, never overwrite."""
    make = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = make(DAYS).values(**values)
    conn.execute(stmt.on_conflict_do_update(
        index_elements=list(DAY_KEY),
        set_={name: DAYS.c[name] + stmt.excluded[name]
              for name in ("missions", "charged_cents", *SUMS)}))


def _open_line(conn: Connection, payment: Payment) -> None:
    mission = conn.execute(select(Mission.category, Mission.channel, Mission.booked_by_id,
                                  Mission.helper_id).where(Mission.id == payment.mission_id)).one()
    sums = conn.execute(mission_sums_query().where(
        LedgerTransaction.mission_id == payment.mission_id)).first()
    amounts = {name: int(getattr(sums, name)) if sums else 0 for name in SUMS}
    captured_at = payment.captured_at or datetime.now(UTC)
    key = {"day": captured_at.astimezone(UTC).date(), "currency": payment.currency,
           "category": mission.category, "channel": str(mission.channel.value),
           "booked_by_id": mission.booked_by_id or 0}
    conn.execute(insert(LINES).values(
        payment_id=payment.id, mission_id=payment.mission_id, captured_at=captured_at,
        helper_id=mission.helper_id, charged_cents=payment.captured_cents,
        **{**key, "booked_by_id": mission.booked_by_id}, **amounts))
    _upsert_day(conn, {**key, "missions": 1, "charged_cents": payment.captured_cents,
                       **amounts})


def _add(conn: Connection, mission_id: int, amounts: dict[str, int]) -> None:
    lines = conn.execute(select(LINES.c.payment_id, LINES.c.day, LINES.c.currency,
                                LINES.c.category, LINES.c.channel, LINES.c.booked_by_id)
                         .where(LINES.c.mission_id == mission_id)).all()
    for line in lines:  # a mission has one captured payment (two: a collected late fee)
        conn.execute(LINES.update().where(LINES.c.payment_id == line.payment_id).values(
            **{name: LINES.c[name] + value for name, value in amounts.items()}))
        key = {name: getattr(line, name) for name in DAY_KEY}
        _upsert_day(conn, {**key, "booked_by_id": line.booked_by_id or 0, "missions": 0,
                           "charged_cents": 0, **{n: amounts.get(n, 0) for n in SUMS}})


@event.listens_for(Session, "after_flush")
def _book(session: Session, flush_context: object) -> None:
    captured = _just_captured(session)
    txns = [obj for obj in session.new
            if isinstance(obj, LedgerTransaction) and obj.mission_id is not None]
    if not captured and not txns:
        return
    conn = session.connection()
    for payment in captured:
        _open_line(conn, payment)
    fresh = {payment.mission_id for payment in captured}
    pending: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for txn in txns:
        if txn.mission_id is not None and txn.mission_id not in fresh:
            for name, value in _sums(txn.entries).items():
                pending[txn.mission_id][name] += value
    for mission_id, amounts in pending.items():
        if any(amounts.values()):
            _add(conn, mission_id, dict(amounts))


def day_of(dialect: str, column: Any) -> ColumnElement[Any]:
    """The UTC calendar day of a timestamp column, as SQL (the rollup's `day`)."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


def lines_from_ledger(conn: Connection) -> Select[Any]:
    """Every commission line as the ledger says it should be (rebuild and check)."""
    sums = mission_sums_query().subquery()
    captured_at = func.coalesce(Payment.captured_at, Payment.created_at)
    day = day_of(conn.dialect.name, captured_at)
    return (select(Payment.id, Payment.mission_id, captured_at, day,
                   Mission.category, Mission.channel, Mission.booked_by_id, Mission.helper_id,
                   Payment.currency, Payment.captured_cents,
                   *[func.coalesce(sums.c[name], 0) for name in SUMS])
            .join(Mission, Mission.id == Payment.mission_id)
            .outerjoin(sums, sums.c.mission_id == Payment.mission_id)
            .where(Payment.status == PaymentStatus.CAPTURED))


def _days_from_lines() -> Select[Any]:
    operator = func.coalesce(LINES.c.booked_by_id, literal_column("0"))  # same SQL twice
    return (select(*[LINES.c[n] for n in DAY_KEY[:4]], operator, func.count(),
                   *[func.sum(LINES.c[n]) for n in ("charged_cents", *SUMS)])
            .group_by(*[LINES.c[n] for n in DAY_KEY[:4]], operator))


def rebuild(conn: Connection) -> None:
    """Recompute both books from the ledger (set-based: one INSERT ... SELECT each)."""
    conn.execute(delete(DAYS))
    conn.execute(delete(LINES))
    conn.execute(insert(LINES).from_select(
        ["payment_id", "mission_id", "captured_at", "day", "category", "channel",
         "booked_by_id", "helper_id", "currency", "charged_cents", *SUMS],
        lines_from_ledger(conn)))
    conn.execute(insert(DAYS).from_select(
        [*DAY_KEY, "missions", "charged_cents", *SUMS], _days_from_lines()))


def check(conn: Connection) -> list[str]:
    """Problems where the books disagree with the ledger, or the rollup with the lines."""
    want = lines_from_ledger(conn).subquery()
    names = ("charged_cents", *SUMS)
    ledger_side = conn.execute(select(func.count(), *[
        func.coalesce(func.sum(col), 0) for col in list(want.c)[9:]]).select_from(want)).one()
    lines_side = conn.execute(select(func.count(), *[
        func.coalesce(func.sum(LINES.c[n]), 0) for n in names])).one()
    days_side = conn.execute(select(func.coalesce(func.sum(DAYS.c.missions), 0), *[
        func.coalesce(func.sum(DAYS.c[n]), 0) for n in names])).one()
    problems = []
    labels = ("missions", *names)
    for label, a, b, c in zip(labels, ledger_side, lines_side, days_side, strict=True):
        if not int(a) == int(b) == int(c):
            problems.append(f"commission report {label}: ledger {a}, lines {b}, days {c}")
    unmatched = conn.execute(select(func.count()).select_from(LINES).where(
        ~select(literal(1)).where(and_(Payment.id == LINES.c.payment_id,
                                       Payment.status == PaymentStatus.CAPTURED)).exists()))
    if (count := int(unmatched.scalar_one())):
        problems.append(f"commission report: {count} lines without a captured payment")
    return problems
