"""The pages people load most, under load, run by hand.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/entraide_bench_web \\
        python bench/web.py [--reuse] [--seconds 10] [--pages reference,near_me,...]

Seeds the nearby data set (1M missions / 100k helpers, bench/nearby.py's seed) plus a
captured payment with its ledger lines for every completed mission (~200k, so the
operators' report has a year's worth to total), and the people who sign in: a helper in
Paris, a client, an operator. Starts gunicorn with 2 sync workers and drives each page from
this separate process (`wrk`, else keep-alive threads) with 8 connections for 10 s: prints
requests/s, p50 and p99 per page and the ratio to the reference page (a user's reviews, the
smallest signed-in page), measured for 5 s just before each page so that a machine whose
speed drifts during the run (a shared 2-core VM) compares like with like; the JSON API's
"missions near me" (first page of 20, a bearer token from POST /api/v1/tokens) is measured
against the same reference. Last line: JSON.
"""


from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from bench import _web
from bench.commissions import rebuild_books, seed_money
from bench.nearby import PARIS, seed

PASSWORD = "bench-password-1"  # noqa: S105  (a bench account on a bench database)
HELPER, CLIENT, OPERATOR = ("helper@bench-entraide.fr", "client@bench-entraide.fr",
                            "ops@bench-entraide.fr")


def people(db: Any) -> dict[str, Any]:
    """The three people who sign in, created once; the helper gets a few missions."""
    from marketplace.accounts import services as accounts
    from marketplace.missions.matching import nearby
    from marketplace.missions.models import Mission

    if accounts.find_user_by_email(HELPER) is None:
        helper = accounts.register_user(HELPER, PASSWORD, "Hélène Aide", client=False,
                                        helper=True)
        profile = accounts.save_helper_profile(helper, lat=PARIS[0], lng=PARIS[1],
                                               radius_km=5, skills=("bricolage", "menage",
                                                                    "jardinage"))
        profile.stripe_account_id = "acct_bench"
        profile.payouts_enabled = profile.charges_enabled = profile.details_submitted = True
        accounts.register_user(CLIENT, PASSWORD, "Claire Client", client=True, helper=False)
        accounts.make_operator(OPERATOR, PASSWORD)
        db.session.commit()
        db.session.execute(text(  # twenty missions of the helper's for "my missions"
            "UPDATE missions SET helper_id = :h, status = 'assigned' WHERE id IN"
            " (SELECT id FROM missions WHERE status = 'assigned' ORDER BY id LIMIT 20)"),
            {"h": helper.id})
        db.session.commit()
    helper = accounts.find_user_by_email(HELPER)
    assert helper is not None and helper.helper_profile is not None
    near = nearby.open_missions_near(helper.helper_profile)
    mission = near[0].mission.id if near else db.session.execute(
        db.select(Mission.id).where(Mission.helper_id == helper.id)).scalars().first()
    return {"helper_id": helper.id, "mission_id": mission, "near_count": len(near)}


def main() -> None:
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.core.db import db
    from tests.support.schema import reset_schema

    seconds = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv \
        else 10.0
    for key, value in _web.bench_env().items():
        os.environ.setdefault(key, value)
    app = create_app("development")
    with app.app_context():
        started = time.perf_counter()
        if "--reuse" not in sys.argv:
            reset_schema()
            upgrade()
            seed(db)
        if db.session.execute(text("SELECT count(*) FROM payments")).scalar() == 0:
            seed_money(db, "status = 'completed'")
            rebuild_books(db)
        print(f"seeded in {time.perf_counter() - started:.0f}s", file=sys.stderr)
        found = people(db)
        cookies = {who: _web.session_cookie(app, email, PASSWORD)
                   for who, email in (("helper", HELPER), ("operator", OPERATOR))}
        cookies["helper_api"] = _web.api_token(app, HELPER, PASSWORD)
        db.session.remove()
    pages = {
        "reference": (f"/users/{found['helper_id']}/reviews", "helper"),
        "near_me": ("/helper/missions", "helper"),
        "mission": (f"/missions/{found['mission_id']}", "helper"),
        "my_missions": ("/missions", "helper"),
        "report": ("/ops/commissions", "operator"),
        "api_near_me": ("/api/v1/helper/nearby-missions", "helper_api"),
    }
    if "--pages" in sys.argv:
        wanted = sys.argv[sys.argv.index("--pages") + 1].split(",")
        pages = {k: v for k, v in pages.items() if k in wanted or k == "reference"}
    print(f"near me lists {found['near_count']} missions; load before: {os.getloadavg()}",
          file=sys.stderr)
    server = _web.Server(workers=2)
    results: dict[str, dict[str, float]] = {}
    references: dict[str, float] = {}  # the reference measured just before each page
    ref_path, ref_who = pages["reference"]
    try:
        for name, (path, who) in pages.items():
            _web.load(server.port, path, cookies[who], 2)  # warm up both workers
            if name != "reference":
                references[name] = _web.load(server.port, ref_path, cookies[ref_who],
                                             seconds / 2)["rps"]
            results[name] = _web.load(server.port, path, cookies[who], seconds)
            r = results[name]
            print(f"{name:12} {path:28} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:7.1f} ms"
                  f"  p99 {r['p99_ms']:7.1f} ms  errors {r['errors']}"
                  + (f"  (reference just before: {references[name]:.1f} req/s)"
                     if name in references else ""), file=sys.stderr)
    finally:
        server.stop()
    print(f"load after: {os.getloadavg()}", file=sys.stderr)
    out: dict[str, float] = {"reference_rps": results["reference"]["rps"]}
    for name in ("near_me", "mission", "my_missions", "report", "api_near_me"):
        if name in results:
            out[f"{name}_ratio"] = round(results[name]["rps"] / (references[name] or 1.0), 3)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
