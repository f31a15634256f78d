"""The operators' commission report at a million captured missions, run by hand.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/entraide_bench_perf \\
        python bench/commissions.py [--reuse] [--captured N]

Seeds N (default 1,000,000) captured missions spread over 365 days with their ledger lines
(capture, Stripe fee; 5 % refunded in part, 0.4 % disputed) in a few set-based
INSERT ... SELECT generate_series statements, then rebuilds the report's books from the
ledger (payments/commission_book.rebuild, as the migration does). It then times, through the
web app served by gunicorn (one sync worker): the report page for the whole year (totals,
weekly series, breakdowns and the first 50 rows), its last page, the year's totals alone
(in-process, the service call), and the full CSV with the worker's peak RSS. Last line: JSON.
"""

# ruff: noqa: S608  (SQL built from this file's constants only)
from __future__ import annotations

import http.client
import json
import os
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from bench import _web

CAPTURED = 1_000_000
HELPERS, OPERATORS = 2_000, 20
YEAR_START = datetime(2025, 12, 1, tzinfo=UTC)
SKILLS = ("bricolage", "montage-meubles", "demenagement", "garde-enfants", "garde-animaux",
          "depannage", "jardinage", "menage", "courses", "informatique")
OPS_EMAIL, OPS_PASSWORD = "ops@bench-entraide.fr", "bench-password-1"


def seed(db: Any, n: int) -> None:
    """Users, missions, captured payments and their ledger lines, set-based."""
    run = lambda sql, **p: db.session.execute(text(sql), p)  # noqa: E731
    cats = "(ARRAY[" + ",".join(f"'{s}'" for s in SKILLS) + "])[1 + g % 10]"
    run("INSERT INTO users (email, password_hash, full_name, is_client, is_helper, is_operator,"
        " is_suspended, created_at) SELECT 'h' || g || '@bench.test', 'x', 'Helper ' || g,"
        " false, true, false, false, now() FROM generate_series(1, :n) g", n=HELPERS)
    run("INSERT INTO users (email, password_hash, full_name, is_client, is_helper, is_operator,"
        " is_suspended, created_at) SELECT 'op' || g || '@bench.test', 'x', 'Operator ' || g,"
        " false, false, true, false, now() FROM generate_series(1, :n) g", n=OPERATORS)
    client = run("INSERT INTO users (email, password_hash, full_name, is_client, is_helper,"
                 " is_operator, is_suspended, created_at) VALUES ('client@bench.test', 'x',"
                 " 'Client', true, false, false, false, now()) RETURNING id").scalar()
    helper0 = run("SELECT min(id) FROM users WHERE email LIKE 'h%@bench.test'").scalar()
    op0 = run("SELECT min(id) FROM users WHERE email LIKE 'op%@bench.test'").scalar()
    seconds = 365 * 86400 / n
    run("INSERT INTO missions (client_id, helper_id, booked_by_id, category, title, description,"
        " address, lat, lng, starts_at, ends_at, price_cents, currency, commission_bps,"
        " commission_cents, service_fee_cents, channel, status, created_at)"
        f" SELECT :c, :h + g % {HELPERS}, CASE WHEN g % 10 >= 8 THEN :o + g % {OPERATORS} END,"
        f" {cats}, 'Mission ' || g, 'Bench', 'Somewhere', 48.85, 2.35, t, t + interval '2 hours',"
        " 2000 + (g % 60) * 100, 'eur', 1500, (2000 + (g % 60) * 100) * 15 / 100,"
        " 150 + (2000 + (g % 60) * 100) / 20,"
        " (ARRAY['web','web','web','web','web','web','api','api','hotline','hotline'])[1 + g % 10],"
        " 'completed', t FROM generate_series(1, :n) g,"
        " LATERAL (SELECT CAST(:start AS timestamptz) + g * :s * interval '1 second' AS t) x",
        c=client, h=helper0, o=op0, n=n, s=seconds, start=YEAR_START)
    seed_money(db)


def seed_money(db: Any, missions: str = "true") -> None:
    """A captured payment for each mission matching `missions` (SQL), with its ledger
    lines: capture and Stripe fee, a partial refund for 1 in 20, a dispute for 1 in 250."""
    run = lambda sql, **p: db.session.execute(text(sql), p)  # noqa: E731
    run("INSERT INTO payments (mission_id, amount_cents, currency, status, checkout_attempts,"
        " payment_intent_id, charge_id, captured_cents, stripe_fee_cents, authorized_at,"
        " captured_at, created_at) SELECT id, price_cents + service_fee_cents, 'eur', 'captured',"
        " 1, 'pi_' || id, 'ch_' || id, price_cents + service_fee_cents,"
        " 25 + (price_cents + service_fee_cents) * 14 / 1000, starts_at,"
        " ends_at + interval '1 hour', starts_at FROM missions WHERE " + missions + " ORDER BY id")
    for kind, external, where in (
            ("capture", "'capture:pi_' || m.id", "true"),
            ("stripe_fee", "'fee:txn_' || m.id", "true"),
            ("refund", "'refund:re_' || m.id", "m.id % 20 = 0"),
            ("dispute", "'dispute:dp_' || m.id", "m.id % 250 = 3")):
        run("INSERT INTO ledger_transactions (kind, external_id, stripe_source_id, mission_id,"
            f" description, created_at) SELECT '{kind}', {external}, 'ch_' || m.id, m.id,"
            f" '{kind} (bench)', m.ends_at FROM missions m JOIN payments p ON p.mission_id = m.id"
            f" WHERE {where} ORDER BY m.id")
    lines = {
        "capture": "('platform:stripe_balance', p.captured_cents),"
                   " ('helper:' || coalesce(m.helper_id, 0) || '\\:payable',"
                   " m.commission_cents - m.price_cents),"
                   " ('platform:commission_revenue', -m.commission_cents),"
                   " ('platform:service_fee_revenue', -m.service_fee_cents)",
        "stripe_fee": "('platform:stripe_fees', p.stripe_fee_cents),"
                      " ('platform:stripe_balance', -p.stripe_fee_cents)",
        "refund": "('platform:refunds', 500), ('platform:stripe_balance', -500)",
        "dispute": "('platform:dispute_losses', p.captured_cents / 2),"
                   " ('platform:stripe_balance', -(p.captured_cents / 2))"}
    for kind, values in lines.items():
        run("INSERT INTO ledger_entries (transaction_id, account, amount_cents, currency)"
            " SELECT t.id, v.account, v.amount, 'eur' FROM ledger_transactions t"
            " JOIN missions m ON m.id = t.mission_id JOIN payments p ON p.mission_id = m.id,"
            f" LATERAL (VALUES {values}) v(account, amount) WHERE t.kind = '{kind}'"
            " AND v.amount <> 0")
    db.session.commit()


def rebuild_books(db: Any) -> None:
    from marketplace.payments import commission_book

    commission_book.rebuild(db.session.connection())
    db.session.commit()
    for table in ("users", "missions", "payments", "ledger_transactions", "ledger_entries",
                  "commission_lines", "commission_days"):
        db.session.execute(text(f"ANALYZE {table}"))
    db.session.commit()


def median_ms(fn: Any, times: int = 5) -> float:
    values = []
    for _ in range(times):
        started = time.perf_counter()
        fn()
        values.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(values), 1)


def get(port: int, path: str, cookie: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("GET", path, headers={"Cookie": cookie})
    resp = conn.getresponse()
    return resp.status, resp.read()


def csv_run(port: int, path: str, cookie: str) -> tuple[int, float]:
    """Read the CSV as it streams (never held whole here): rows and seconds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    resp = conn.getresponse()
    assert resp.status == 200, resp.status
    rows = 0
    while chunk := resp.read(1 << 16):
        rows += chunk.count(b"\n")
    return rows - 1, time.perf_counter() - started


def main() -> None:
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.accounts import services as accounts
    from marketplace.core.db import db
    from marketplace.payments.services import commission_report as report
    from tests.support.schema import reset_schema

    n = int(sys.argv[sys.argv.index("--captured") + 1]) if "--captured" in sys.argv else CAPTURED
    for key, value in _web.bench_env().items():
        os.environ.setdefault(key, value)
    app = create_app("development")
    with app.app_context():
        if "--reuse" not in sys.argv:
            started = time.perf_counter()
            reset_schema()
            upgrade()
            seed(db, n)
            print(f"seeded {n} captured missions in {time.perf_counter() - started:.0f}s",
                  file=sys.stderr)
            started = time.perf_counter()
            rebuild_books(db)
            print(f"books rebuilt from the ledger in {time.perf_counter() - started:.0f}s",
                  file=sys.stderr)
        if accounts.find_user_by_email(OPS_EMAIL) is None:
            accounts.make_operator(OPS_EMAIL, OPS_PASSWORD)
            db.session.execute(text("UPDATE users SET email_confirmed_at = now()"
                                    " WHERE email = :e"), {"e": OPS_EMAIL})
            db.session.commit()
        captured = db.session.execute(text("SELECT count(*) FROM payments"
                                           " WHERE status = 'captured'")).scalar_one()
        year = report.ReportFilter(since=YEAR_START, until=datetime(2026, 12, 1, tzinfo=UTC))
        totals = report.totals(year)
        totals_ms = median_ms(lambda: report.totals(year))
        service_page_ms = median_ms(lambda: report.page(year))
        service_last_ms = median_ms(lambda: report.page(year, report.encode_cursor("last")))
        cookie = _web.session_cookie(app, OPS_EMAIL, OPS_PASSWORD)
        db.session.remove()
    print(f"captured {captured}; year's totals: {totals.missions} missions, commission"
          f" {totals.commission_cents} c, net {totals.net_revenue_cents} c,"
          f" {len(totals.weekly)} weeks", file=sys.stderr)
    server = _web.Server(workers=1)
    try:
        query = "since=2025-12-01&until=2026-11-30"
        status, body = get(server.port, f"/ops/commissions?{query}", cookie)
        assert status == 200, (status, body[:500])
        last = re.search(rb'id="page-last" href="([^"]+)"|href="([^"]+)" id="page-last"', body)
        assert last is not None, "no link to the last page"
        last_path = (last.group(1) or last.group(2)).decode().replace("&amp;", "&")
        page_ms = median_ms(lambda: get(server.port, f"/ops/commissions?{query}", cookie))
        last_page_ms = median_ms(lambda: get(server.port, last_path, cookie))
        status, body = get(server.port, last_path, cookie)
        assert status == 200 and b'class="commission-row"' in body
        rows, seconds = csv_run(server.port, f"/ops/commissions.csv?{query}", cookie)
        rss = max(_web.peak_rss_mb(pid) for pid in server.worker_pids())
    finally:
        server.stop()
    print(f"load: {os.getloadavg()}; report page {page_ms} ms (totals + breakdowns + first"
          f" 50 rows through gunicorn), last page {last_page_ms} ms; service: totals"
          f" {totals_ms} ms, first page {service_page_ms} ms, last page {service_last_ms} ms;"
          f" CSV {rows} rows in {seconds:.1f}s; worker peak RSS {rss:.0f} MB", file=sys.stderr)
    # page_ms / last_page_ms: a page of rows (the statement behind it, in-process); the
    # report page through gunicorn also computes the period's totals and breakdowns
    print(json.dumps({"captured": captured, "totals_ms": totals_ms, "page_ms": service_page_ms,
                      "last_page_ms": service_last_ms, "csv_rows_per_s": round(rows / seconds),
                      "csv_peak_rss_mb": round(rss, 1), "report_page_http_ms": page_ms,
                      "report_last_page_http_ms": last_page_ms}))


if __name__ == "__main__":
    main()
