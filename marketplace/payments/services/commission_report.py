"""The operators' commission report, from the ledger so refunds, late-cancellation fees and
disputes count exactly as the money moved.

Rows are payments captured in the period (one line each in `commission_lines`, kept in step
with the ledger by payments/commission_book.py, merged with group-purchase payments read
from `group_payments`, group_report.py), filtered by category, channel, booking
operator and helper. Totals, breakdowns and the weekly series are SQL aggregates over the
daily rollup (`commission_days`), or over the lines when the filter names a helper or a
period that is not whole days. Rows come 50 a page by keyset (an opaque cursor), so any page
costs what the first does; the CSV streams from a server-side cursor in constant memory.

Tips have a column of their own: they go to helpers in full, so they are not revenue (their
Stripe fee is the platform's and counts in the Stripe fee column). A mission has at most one
tip, so each row and the totals read it through the unique index on tips.mission_id.
"""

from __future__ import annotations

import base64
import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    String,
    bindparam,
    cast,
    false,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.sql import ColumnElement

from marketplace.accounts.models import User
from marketplace.core.base import UTCDateTime
from marketplace.core.db import db
from marketplace.groupbuy.models import Campaign
from marketplace.missions.models import Mission
from marketplace.payments.commission_book import SUMS
from marketplace.payments.models import CommissionDay, CommissionLine, GroupPayment, Tip
from marketplace.payments.services import group_report
from marketplace.payments.status import TipStatus

PAGE_SIZE = 50
CSV_CHUNK = 2000
CSV_BUFFER = 64 * 1024
CSV_HEADER = ["mission_id", "captured_at", "category", "channel", "helper_id", "booked_by_id",
              "charged_cents", "commission_cents", "service_fee_cents", "refunds_cents",
              "stripe_fee_cents", "net_cents", "currency", "tips_cents", "campaign_id"]


class BadCursor(ValueError):
    """A page cursor we did not write (edited by hand, or truncated)."""


@dataclass(frozen=True)
class ReportFilter:
    since: datetime | None = None
    until: datetime | None = None
    category: str | None = None
    channel: str | None = None
    operator_id: int | None = None
    helper_id: int | None = None


@dataclass
class Sums:
    missions: int = 0
    volume_cents: int = 0
    commission_cents: int = 0
    service_fee_cents: int = 0
    refunds_cents: int = 0
    stripe_fee_cents: int = 0

    @property
    def net_revenue_cents(self) -> int:
        return self.commission_cents + self.service_fee_cents - self.refunds_cents \
            - self.stripe_fee_cents

    def add(self, missions: int, volume: int, *amounts: int) -> None:
        self.missions += missions
        self.volume_cents += volume
        self.commission_cents += amounts[0]
        self.service_fee_cents += amounts[1]
        self.refunds_cents += amounts[2]
        self.stripe_fee_cents += amounts[3]


@dataclass
class Totals(Sums):
    tips_cents: int = 0  # passed on in full to helpers: not revenue
    weekly: dict[date, int] = field(default_factory=dict)
    by_category: dict[str, Sums] = field(default_factory=dict)
    by_channel: dict[str, Sums] = field(default_factory=dict)
    by_operator: dict[str, Sums] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """A captured payment: a mission's, or a group purchase's (`campaign_id` set, no
    mission, its refunds column what refunds cost the platform)."""

    payment_id: int
    mission_id: int | None
    title: str
    captured_at: datetime
    category: str
    channel: str
    currency: str
    charged_cents: int
    commission_cents: int
    service_fee_cents: int
    refunds_cents: int
    stripe_fee_cents: int
    tips_cents: int = 0
    campaign_id: int | None = None

    @property
    def net_cents(self) -> int:
        return self.commission_cents + self.service_fee_cents - self.refunds_cents \
            - self.stripe_fee_cents

    @property
    def source(self) -> int:
        """Mission lines (0) before group payments (1) at the same instant: the page order."""
        return 0 if self.campaign_id is None else 1

    @property
    def position(self) -> tuple[datetime, int, int]:
        return self.captured_at, self.source, self.payment_id


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    next_cursor: str | None
    prev_cursor: str | None


def _whole_days(f: ReportFilter) -> bool:
    return all(d is None or (d.utcoffset() == timedelta(0) and d.time() == time.min)
               for d in (f.since, f.until))


# The filter's values travel as bind parameters; which conditions a statement has (its
# shape) depends only on which filters are set, so each shape's statements are built once
# per process (building and hashing a SQLAlchemy statement cost more than running it).
SINCE, UNTIL = group_report.SINCE, group_report.UNTIL
SINCE_DAY, UNTIL_DAY = bindparam("since_day", type_=Date()), bindparam("until_day", type_=Date())
AT, AT_ID = bindparam("at", type_=UTCDateTime()), bindparam("at_id", type_=Integer())
LIMIT = bindparam("limit", type_=Integer())
_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def _shape(f: ReportFilter) -> tuple[Any, ...]:
    """What decides a statement's conditions (not their values)."""
    return (f.since is not None, f.until is not None, f.category is not None,
            f.channel is not None, None if f.operator_id is None else bool(f.operator_id),
            None if f.helper_id is None else bool(f.helper_id), _whole_days(f),
            group_report.applies(f), db.session.get_bind().dialect.name)


def _cached(name: str, f: ReportFilter, build: Callable[[], Any], *extra: Any) -> Any:
    """The statement `build` makes for this shape of filter, built on first use."""
    key = (name, *_shape(f), *extra)
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = build()
    return statement


def _params(f: ReportFilter) -> dict[str, Any]:
    return {"since": f.since, "until": f.until,
            "since_day": f.since.date() if f.since else None,
            "until_day": f.until.date() if f.until else None,
            "category": f.category, "channel": f.channel, "operator_id": f.operator_id,
            "helper_id": f.helper_id}


def _where(table: Any, f: ReportFilter, *, by_day: bool) -> list[ColumnElement[bool]]:
    """The filter as SQL on the lines or on the daily rollup (booked_by_id 0: nobody)."""
    conds: list[ColumnElement[bool]] = []
    if f.since is not None:
        conds.append(table.day >= SINCE_DAY if by_day else table.captured_at >= SINCE)
    if f.until is not None:
        conds.append(table.day < UNTIL_DAY if by_day else table.captured_at < UNTIL)
    if f.category is not None:
        conds.append(table.category == bindparam("category", type_=String()))
    if f.channel is not None:
        conds.append(table.channel == bindparam("channel", type_=String()))
    if f.operator_id is not None:
        conds.append(table.booked_by_id == bindparam("operator_id", type_=Integer())
                     if f.operator_id else false())
    if f.helper_id is not None:
        conds.append(table.helper_id == bindparam("helper_id", type_=Integer())
                     if f.helper_id else false())
    return conds


def _source(f: ReportFilter) -> tuple[Any, list[ColumnElement[bool]], Any]:
    """The table to aggregate (the rollup when it can answer), its filter and its count."""
    if f.helper_id is None and _whole_days(f):
        return CommissionDay, _where(CommissionDay, f, by_day=True), \
            func.sum(CommissionDay.missions)
    return CommissionLine, _where(CommissionLine, f, by_day=False), func.count()


def _totals_query(f: ReportFilter) -> Any:
    """Everything the totals need in one statement: the filtered books summed by day, by
    category, by channel and by booking operator (by email), the tips, and the
    group-purchase captures by day. Each branch's rows are (kind, key, count, volume,
    commission, service fee, refunds, Stripe fees); the tips branch has its sum as volume."""
    table, conds, count = _source(f)
    amounts = [func.sum(table.charged_cents), *[func.sum(getattr(table, n)) for n in SUMS]]

    def by(kind: str, key: Any) -> Any:
        return (select(literal(kind), cast(key, String), count, *amounts)
                .where(*conds).group_by(key))

    zero = [literal(0)] * len(SUMS)
    parts = [by("day", table.day), by("category", table.category),
             by("channel", table.channel),
             select(literal("operator"), User.email, count, *amounts)
             .join(User, User.id == table.booked_by_id).where(*conds).group_by(User.email),
             select(literal("tips"), literal(""), literal(0),
                    func.coalesce(func.sum(Tip.amount_cents), 0), *zero)
             .join(CommissionLine, CommissionLine.mission_id == Tip.mission_id)
             .where(_tip_counts(), *_where(CommissionLine, f, by_day=False))]
    if group_report.applies(f):
        parts.append(group_report.sums_by_day(f, db.session.get_bind().dialect.name))
    return union_all(*parts)


def totals(f: ReportFilter) -> Totals:
    """The period's totals, weekly commission and breakdowns, in one statement."""
    t = Totals()
    weekly: dict[date, int] = defaultdict(int)
    query = _cached("totals", f, lambda: _totals_query(f))
    for kind, key, *amounts in db.session.connection().execute(query, _params(f)).all():
        numbers = [int(a or 0) for a in amounts]
        if kind in ("day", "group"):
            t.add(*numbers)
            day = date.fromisoformat(str(key)[:10])
            weekly[day - timedelta(days=day.weekday())] += numbers[2]
        if kind == "group":
            for target, name in ((t.by_category, group_report.CATEGORY),
                                 (t.by_channel, group_report.CHANNEL)):
                target.setdefault(name, Sums()).add(*numbers)
        elif kind == "tips":
            t.tips_cents = numbers[1]
        elif kind != "day":
            target = {"category": t.by_category, "channel": t.by_channel,
                      "operator": t.by_operator}[kind]
            target.setdefault(str(key), Sums()).add(*numbers)
    t.weekly = dict(sorted(weekly.items()))
    return t


def encode_cursor(kind: str, row: Row | None = None) -> str:
    raw = kind if row is None else f"{kind}|{row.captured_at.isoformat()}|{row.payment_id}"
    if row is not None and row.source:
        raw += "|g"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


Cursor = tuple[str, datetime | None, int | None, int]


def _decode(cursor: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, *rest = raw.split("|")
        if kind == "last" and not rest:
            return kind, None, None, 0
        source = 0
        if len(rest) == 3 and rest[2] == "g":
            source, rest = 1, rest[:2]
        at, payment_id = rest
        when = datetime.fromisoformat(at)
        if kind not in ("after", "before") or when.tzinfo is None:
            raise ValueError(kind)
        return kind, when.astimezone(UTC), int(payment_id), source
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadCursor(cursor) from exc


def _tip_counts() -> ColumnElement[bool]:
    """A tip counts once charged (captured, then paid on). Plain comparisons, not IN: the
    CSV's COPY statement is compiled once and cannot expand an IN list's parameters."""
    return or_(Tip.status == TipStatus.CAPTURED, Tip.status == TipStatus.PAID)


def _tip_of(mission_id: Any) -> Any:
    """The charged tip of the line's mission, 0 without one."""
    return (select(func.coalesce(func.sum(Tip.amount_cents), 0))
            .where(Tip.mission_id == mission_id, _tip_counts())
            .scalar_subquery())


_ROW_COLUMNS = (CommissionLine.payment_id, CommissionLine.mission_id, Mission.title,
                CommissionLine.captured_at, CommissionLine.category, CommissionLine.channel,
                CommissionLine.currency, CommissionLine.charged_cents,
                *[getattr(CommissionLine, name) for name in SUMS],
                _tip_of(CommissionLine.mission_id).label("tips_cents"))


def _position(at_col: Any, id_col: Any, mine: int, c: Cursor) -> list[ColumnElement[bool]]:
    """Rows of one source strictly after (or before) the cursor in the page order
    (captured_at, source, payment id), so each source's index finds them directly."""
    kind, _, _, source = c
    if kind == "after":
        if mine != source:
            return [at_col <= AT if mine < source else at_col < AT]
        return [tuple_(at_col, id_col) < tuple_(AT, AT_ID)]
    if kind == "before":
        if mine != source:
            return [at_col > AT if mine < source else at_col >= AT]
        return [tuple_(at_col, id_col) > tuple_(AT, AT_ID)]
    return []


def _ordered(query: Any, at_col: Any, id_col: Any, backwards: bool) -> Any:
    order = (at_col, id_col)
    return query.order_by(*(order if backwards else (c.desc() for c in order))).limit(LIMIT)


def _candidates_query(f: ReportFilter, c: Cursor) -> Any:
    """Up to LIMIT rows of each source past the cursor, in one statement (each source
    ordered and limited on its own index)."""
    backwards = c[0] in ("before", "last")
    lines = (select(*_ROW_COLUMNS, cast(null(), Integer).label("campaign_id"))
             .join(Mission, Mission.id == CommissionLine.mission_id)
             .where(*_where(CommissionLine, f, by_day=False),
                    *_position(CommissionLine.captured_at, CommissionLine.payment_id, 0, c)))
    parts = [_ordered(lines, CommissionLine.captured_at, CommissionLine.payment_id,
                      backwards).subquery()]
    if group_report.applies(f):
        group = (select(*group_report.row_columns(), literal(0), GroupPayment.campaign_id)
                 .join(Campaign, Campaign.id == GroupPayment.campaign_id)
                 .where(*group_report.where(f),
                        *_position(GroupPayment.captured_at, GroupPayment.id, 1, c)))
        parts.append(_ordered(group, GroupPayment.captured_at, GroupPayment.id,
                              backwards).subquery())
    return union_all(*[select(*part.c) for part in parts]) if len(parts) > 1 \
        else select(*parts[0].c)


def _candidates(f: ReportFilter, c: Cursor, limit: int) -> list[Row]:
    """Up to `limit` rows of each source past the cursor, merged in the page order."""
    kind, at, at_id, source = c
    query = _cached("page", f, lambda: _candidates_query(f, c), kind, source)
    rows = [_row(r) for r in db.session.connection().execute(
        query, {**_params(f), "at": at, "at_id": at_id, "limit": limit}).all()]
    rows.sort(key=lambda r: r.position, reverse=kind not in ("before", "last"))
    return rows[:limit]


def _row(r: Any) -> Row:
    """A row of either source: (payment, mission or None, title, captured_at, category,
    channel, currency, charged, commission, service fee, refunds, Stripe fees, tips,
    campaign or None)."""
    (payment_id, mission_id, title, captured_at, category, channel, currency, charged,
     commission, service_fee, refunds, stripe_fee, tips, campaign_id) = r
    return Row(payment_id, mission_id, title, captured_at, category, channel, currency,
               int(charged), int(commission), int(service_fee or 0), int(refunds or 0),
               int(stripe_fee or 0), int(tips or 0), campaign_id)


def page(f: ReportFilter, cursor: str | None = None, size: int = PAGE_SIZE) -> Page:
    """One page of rows, newest capture first; raises BadCursor for a cursor we did not make.

    Mission lines and group-purchase payments are merged in one order (captured_at, source,
    payment id). The cursor names the row a page starts after (or before, going back), so
    the indexes on (captured_at, id) find it directly: the last page costs what the first
    does.
    """
    c = _decode(cursor) if cursor else ("first", None, None, 0)
    kind = c[0]
    backwards = kind in ("before", "last")
    found = _candidates(f, c, size + 1)
    more = len(found) > size
    found = found[:size]
    if backwards:
        found.reverse()
    if not found:
        return Page([], None, None)
    has_next = more if kind in ("first", "after") else kind == "before"
    has_prev = more if backwards else kind == "after"
    return Page(found, encode_cursor("after", found[-1]) if has_next else None,
                encode_cursor("before", found[0]) if has_prev else None)


def _as_is(column: Any) -> Any:
    return column


def _csv_query(f: ReportFilter, as_text: Callable[[Any], Any] | None = None) -> Any:
    """Mission lines and group-purchase payments in the page order, as the CSV's columns
    (a group payment: no mission, the seller as helper, its campaign in the last column)."""
    c, g = CommissionLine, GroupPayment
    net = c.commission_cents + c.service_fee_cents - c.refunds_cents - c.stripe_fee_cents
    shown = _as_is if as_text is None else as_text
    lines = (select(c.mission_id, shown(c.captured_at).label("captured_at"), c.category,
                    c.channel, c.helper_id, c.booked_by_id, c.charged_cents,
                    *[getattr(c, n) for n in SUMS], net.label("net_cents"), c.currency,
                    _tip_of(c.mission_id).label("tips_cents"),
                    null().label("campaign_id"), c.captured_at.label("sort_at"),
                    literal(0).label("sort_source"), c.payment_id.label("sort_id"))
             .where(*_where(c, f, by_day=False)))
    parts: list[Any] = [lines]
    if group_report.applies(f):
        refunds = group_report.platform_refund_of(g.id)
        parts.append(
            select(null(), shown(g.captured_at), literal(group_report.CATEGORY),
                   literal(group_report.CHANNEL), Campaign.seller_id, null(), g.captured_cents,
                   g.commission_cents, literal(0), refunds, g.stripe_fee_cents,
                   g.commission_cents - refunds - g.stripe_fee_cents, g.currency, literal(0),
                   g.campaign_id, g.captured_at, literal(1), g.id)
            .join(Campaign, Campaign.id == g.campaign_id).where(*group_report.where(f)))
    both = union_all(*parts).subquery() if len(parts) > 1 else lines.subquery()
    return (select(*[col for col in both.c if not col.name.startswith("sort_")])
            .order_by(both.c.sort_at.desc(), both.c.sort_source.desc(), both.c.sort_id.desc()))


def _pg_copy(f: ReportFilter) -> Iterator[str]:
    """PostgreSQL writes the CSV itself (COPY ... TO STDOUT) in the session's transaction;
    we pass its chunks on as they arrive."""
    def iso(column: Any) -> Any:
        return func.to_char(func.timezone("UTC", column),
                            literal_column("'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"'"))

    compiled = _csv_query(f, iso).compile(dialect=db.session.get_bind().dialect)
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
            f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv)",
            {**compiled.params, **_params(f)}) as copy:
        buffered: list[bytes] = []
        size = 0
        for data in copy:  # one row each: gathered into writes of about 64 kB
            buffered.append(bytes(data))
            size += len(data)
            if size >= CSV_BUFFER:
                yield b"".join(buffered).decode()
                buffered, size = [], 0
        yield b"".join(buffered).decode()


def csv_chunks(f: ReportFilter) -> Iterator[str]:
    """The filtered rows as CSV, streamed: PostgreSQL's COPY, elsewhere a server-side cursor
    read a few thousand rows at a time. Memory stays flat whatever the period."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    yield out.getvalue()
    if db.session.get_bind().dialect.name == "postgresql":
        yield from _pg_copy(f)
        return
    query = _csv_query(f).execution_options(
        stream_results=True, yield_per=CSV_CHUNK)
    for chunk in db.session.execute(query, _params(f)).partitions():
        out.seek(0)
        out.truncate()
        writer.writerows((row[0], row[1].isoformat(timespec="microseconds"), *row[2:4],
                          "" if row[4] is None else row[4], "" if row[5] is None else row[5],
                          *row[6:]) for row in chunk)
        yield out.getvalue()


def chart_bars(weekly: dict[date, int], width: int = 600,
               height: int = 160) -> list[dict[str, Any]]:
    """Bar geometry for the inline SVG weekly commission chart."""
    if not weekly:
        return []
    peak = max(max(weekly.values()), 1)
    step = width // max(len(weekly), 1)
    return [{"x": i * step + 4, "w": max(step - 8, 2), "h": int(v * (height - 20) / peak),
             "y": height - 20 - int(v * (height - 20) / peak), "label": week.strftime("%d/%m"),
             "cents": v} for i, (week, v) in enumerate(weekly.items())]
