"""Nearby search benchmark, run by hand.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/entraide_bench python bench/nearby.py

Seeds 1,000,000 missions (800,000 uniform over metropolitan France plus 200,000 within
15 km of central Paris) and 100,000 helpers (same split), then times 1,000 random
queries in each direction through the app's own code paths:
- missions: "20 nearest open missions matching a skill within 5 km";
- helpers: "20 best eligible helpers for a mission" (every eligibility filter);
and the same queries as full scans (indexes disabled, on a fresh connection so no cached
plan survives) on a sample, for the speed-up. The timed queries follow as many untimed
ones at other points (steady state: a serving database has the indexes' pages cached).
Missions carry matching state like the app's (80% instant in a 3, 6 or 10 km wave, which
the missions query checks per row).
The database is rebuilt from empty by the migrations (`--reuse` keeps the data of a
previous run and only times the queries). Stderr: the p95 of the queries centred within
15 km of Paris (the dense area). Last line: JSON.
"""

# ruff: noqa: S608  (SQL built from this file's constants only)
from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

MISSIONS, PARIS_MISSIONS = 1_000_000, 200_000
HELPERS, PARIS_HELPERS = 100_000, 20_000
QUERIES, SCAN_QUERIES = 1_000, 20
PARIS = (48.8566, 2.3522)
# metropolitan France, roughly; 15 km around Paris is ~0.135 deg lat, ~0.205 deg lng
FRANCE = "42.5 + random() * 8.5", "-4.5 + random() * 12.5"
NEAR_PARIS = "48.8566 + (random() * 2 - 1) * 0.095", "2.3522 + (random() * 2 - 1) * 0.145"
SKILLS = ("bricolage", "montage-meubles", "demenagement", "garde-enfants", "garde-animaux",
          "depannage", "jardinage", "menage", "courses", "informatique")


def seed(db: Any) -> None:
    """Bulk insert with INSERT ... SELECT generate_series (PostgreSQL) in a few statements."""
    run = lambda sql, **p: db.session.execute(text(sql), p)  # noqa: E731
    cats = "(ARRAY[" + ",".join(f"'{s}'" for s in SKILLS) + "])[1 + floor(random() * 10)::int]"
    run("INSERT INTO users (email, password_hash, full_name, is_client, is_helper, is_operator,"
        " is_suspended, created_at) SELECT 'u' || g || '@bench.test', 'x', 'User ' || g,"
        " g = 0, g > 0, false, random() < 0.01, now() FROM generate_series(0, :n) g", n=HELPERS)
    for count, (lat, lng), offset in ((HELPERS - PARIS_HELPERS, FRANCE, 0),
                                      (PARIS_HELPERS, NEAR_PARIS, HELPERS - PARIS_HELPERS)):
        run("INSERT INTO helper_profiles (user_id, lat, lng, radius_km, details_submitted,"
            f" charges_enabled, payouts_enabled, created_at) SELECT u.id, {lat}, {lng},"
            " (ARRAY[3, 5, 10, 20])[1 + floor(random() * 4)::int], true, true,"
            " random() < 0.9, now() FROM users u WHERE u.is_helper"
            " ORDER BY u.id OFFSET :o LIMIT :n", o=offset, n=count)
    run("INSERT INTO helper_skills (helper_profile_id, category) SELECT DISTINCT p.id,"
        f" {cats} FROM helper_profiles p, generate_series(1, 3)")
    client_id = run("SELECT id FROM users WHERE is_client").scalar()
    for count, (lat, lng) in ((MISSIONS - PARIS_MISSIONS, FRANCE), (PARIS_MISSIONS, NEAR_PARIS)):
        run("INSERT INTO missions (client_id, category, title, description, address, lat, lng,"
            " starts_at, ends_at, price_cents, currency, commission_bps, commission_cents,"
            " service_fee_cents, channel, status, created_at)"
            f" SELECT :c, {cats}, 'Mission', 'Bench', 'Somewhere', {lat}, {lng},"
            " now() + (g % 500) * interval '1 hour', now() + (g % 500) * interval '1 hour'"
            " + interval '2 hours', 4500, 'eur', 1500, 675, 0, 'web',"
            " (ARRAY['open','open','open','assigned','completed'])[1 + g % 5], now()"
            " FROM generate_series(1, :n) g", c=client_id, n=count)
    seed_matching(db)


def seed_matching(db: Any) -> None:
    """Matching state as the app keeps it: 80% instant missions in a wave of 3, 6 or
    10 km (only helpers that wave reaches may take them), 15% 'choose', 5% 'operator'."""
    db.session.execute(text(
        "INSERT INTO mission_matching (mission_id, mode, wave, reach_km, created_at)"
        " SELECT id, CASE WHEN id % 20 < 16 THEN 'instant' WHEN id % 20 < 19 THEN 'choose'"
        " ELSE 'operator' END, 1 + id % 3, CASE WHEN id % 20 < 16"
        " THEN (ARRAY[3, 6, 10])[1 + id % 3] END, now() FROM missions"))
    db.session.commit()
    for table in ("users", "helper_profiles", "helper_skills", "missions", "mission_matching"):
        db.session.execute(text(f"ANALYZE {table}"))
    db.session.commit()


def random_point(rng: random.Random) -> tuple[float, float]:
    """Half the queries centred in the dense Paris area, half anywhere."""
    if rng.random() < 0.5:
        return PARIS[0] + rng.uniform(-0.09, 0.09), PARIS[1] + rng.uniform(-0.13, 0.13)
    return rng.uniform(43.0, 50.5), rng.uniform(-1.5, 7.0)


def timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def p(values: list[float], q: float) -> float:
    return round(statistics.quantiles(values, n=100)[int(q) - 1], 3)


def p_of(values: list[float], keep: list[bool], q: float = 95) -> float:
    return p([v for v, k in zip(values, keep, strict=True) if k], q)


def main() -> None:
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.core.db import db
    from marketplace.core.geo import haversine_km
    from marketplace.missions.matching import eligibility, geo
    from marketplace.missions.matching.nearby import OPEN_FOR_HELPER
    from marketplace.missions.models import Mission
    from tests.support.schema import reset_schema

    os.environ.setdefault("SECRET_KEY", "bench")
    app = create_app("development")
    rng = random.Random(2026)
    with app.app_context():
        started = time.perf_counter()
        if "--reuse" not in sys.argv:
            reset_schema()
            upgrade()
            seed(db)
            print(f"seeded in {time.perf_counter() - started:.0f}s", file=sys.stderr)
        elif db.session.execute(text("SELECT count(*) FROM mission_matching")).scalar() == 0:
            seed_matching(db)  # data from a run that predates the wave gate
        missions = db.session.execute(db.select(Mission).where(Mission.id.in_(
            [rng.randint(1, MISSIONS) for _ in range(QUERIES)]))).scalars().all()
        db.session.expunge_all()

        def near(lat: float, lng: float, skill: str) -> Any:
            return geo.missions_near(lat, lng, 5, OPEN_FOR_HELPER, 20,
                                     {"skills": [skill], "user_id": 0}, key="open-for-helper")

        def helpers(mission: Mission) -> Any:
            return eligibility.eligible_helpers(mission, limit=20)

        # Steady state, as a serving database is: the index pages the searches walk are
        # cached once they have run for a while. Another bench's million rows (web.py)
        # evict them from shared_buffers, so untimed searches at other random points and
        # for other missions run first; the timed ones are not repeats of them.
        warm = random.Random(1789)
        for _ in range(QUERIES):
            near(*random_point(warm), warm.choice(SKILLS))
        for mission in db.session.execute(db.select(Mission).where(Mission.id.in_(
                [warm.randint(1, MISSIONS) for _ in range(QUERIES)]))).scalars():
            helpers(mission)
        points = [(*random_point(rng), rng.choice(SKILLS)) for _ in range(QUERIES)]
        near_ms = [timed(lambda pt=pt: near(*pt)) for pt in points]
        helper_ms = [timed(lambda m=m: helpers(m)) for m in missions]
        in_paris = [haversine_km(*PARIS, lat, lng) <= 15 for lat, lng, _ in points]
        print(f"dense Paris p95: missions {p_of(near_ms, in_paris)} ms over"
              f" {sum(in_paris)} queries, helpers"
              f" {p_of(helper_ms, [haversine_km(*PARIS, m.lat, m.lng) <= 15 for m in missions])}"
              " ms", file=sys.stderr)
        # psycopg prepares repeated statements and keeps their plans (the helper search
        # forces generic ones): the full-scan comparison runs on a new connection, so its
        # plans are made with the indexes disabled
        db.session.rollback()
        db.session.close()
        db.engine.dispose()
        for setting in ("plan_cache_mode = force_custom_plan", "enable_indexscan = off",
                        "enable_bitmapscan = off"):
            db.session.execute(text(f"SET {setting}"))
        scan_near = [timed(lambda pt=pt: near(*pt)) for pt in points[:SCAN_QUERIES]]
        scan_helpers = [timed(lambda m=m: helpers(m)) for m in missions[:SCAN_QUERIES]]
        db.session.rollback()
        db.session.close()
        db.engine.dispose()
        speedup = (statistics.mean(scan_near + scan_helpers)
                   / statistics.mean(near_ms[:SCAN_QUERIES] + helper_ms[:SCAN_QUERIES]))
        print(json.dumps({
            "missions": MISSIONS, "helpers": HELPERS,
            "missions_near_p50_ms": p(near_ms, 50), "missions_near_p95_ms": p(near_ms, 95),
            "helpers_near_p50_ms": p(helper_ms, 50), "helpers_near_p95_ms": p(helper_ms, 95),
            "speedup_vs_scan": round(speedup, 1)}))


if __name__ == "__main__":
    main()
