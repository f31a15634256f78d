"""Geo search: the same set as brute-force great-circle distance, nearest first, on both
databases; on PostgreSQL the plan stays an index scan (KNN for missions)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from marketplace.accounts.models import HelperProfile, User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.geo import haversine_km
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.matching import geo
from marketplace.missions.matching.eligibility import Needs, helper_filters, helper_params
from marketplace.missions.matching.nearby import OPEN_FOR_HELPER
from marketplace.missions.models import Mission
from tests.support.factories import Factories

PARIS = (48.8566, 2.3522)


def _random_points(rng: random.Random, n: int) -> list[tuple[float, float]]:
    """Half in a dense cluster around Paris, half spread over metropolitan France."""
    dense = [(PARIS[0] + rng.uniform(-0.1, 0.1), PARIS[1] + rng.uniform(-0.15, 0.15))
             for _ in range(n // 2)]
    wide = [(rng.uniform(42.5, 51.0), rng.uniform(-4.5, 8.0)) for _ in range(n - n // 2)]
    return dense + wide


def _add_missions(client: User, points: list[tuple[float, float]]) -> None:
    start = utcnow() + timedelta(days=1)
    db.session.add_all(Mission(
        client_id=client.id, category="bricolage", title="t", description="d", address="a",
        lat=lat, lng=lng, starts_at=start, ends_at=start + timedelta(hours=1),
        price_cents=4500, currency="eur", commission_bps=0, commission_cents=0,
        status=MissionStatus.OPEN) for lat, lng in points)
    db.session.commit()


def test_missions_near_matches_brute_force(ctx: Flask, make: Factories) -> None:
    rng = random.Random(42)
    client = make.client()
    points = _random_points(rng, 400)
    _add_missions(client, points)
    by_id = {m.id: (m.lat, m.lng) for m in db.session.execute(db.select(Mission)).scalars()}
    for _ in range(25):
        lat, lng = rng.choice([*points[:200], (rng.uniform(43, 50), rng.uniform(-1, 6))])
        radius = rng.choice([0.5, 2, 5, 15, 60])
        found = geo.missions_near(lat, lng, radius, (), limit=10_000)
        expected = sorted((haversine_km(lat, lng, *p), i) for i, p in by_id.items()
                          if haversine_km(lat, lng, *p) <= radius)
        assert sorted(i for i, _ in found) == sorted(i for _, i in expected)
        distances = [d for _, d in found]
        assert distances == pytest.approx(sorted(distances), abs=1e-3)  # nearest first


def test_helpers_covering_matches_brute_force(ctx: Flask, make: Factories) -> None:
    rng = random.Random(3)
    spots = _random_points(rng, 300)
    users = [User(email=f"h{i}@example.com", password_hash="x", full_name="H", is_helper=True)
             for i in range(120)]
    db.session.add_all(users)
    db.session.flush()
    db.session.add_all(HelperProfile(user_id=u.id, lat=lat, lng=lng,
                                     radius_km=rng.choice([1, 3, 5, 10, 30]))
                       for u, (lat, lng) in zip(users, spots[:120], strict=True))
    db.session.commit()
    profiles = db.session.execute(db.select(HelperProfile)).scalars().all()
    for lat, lng in spots[120:160] + spots[:10]:
        found = geo.helpers_covering(lat, lng, (), limit=10_000)
        expected = {p.id for p in profiles if haversine_km(lat, lng, p.lat, p.lng) <= p.radius_km}
        assert {i for i, _ in found} == expected
        distances = [d for _, d in found]
        assert distances == pytest.approx(sorted(distances), abs=1e-3)


def _seed_many(client_id: int, n: int) -> None:
    """Enough rows (PostgreSQL only) for the planner to choose between index and scan."""
    db.session.execute(text(
        "INSERT INTO missions (client_id, category, title, description, address, lat, lng,"
        " starts_at, ends_at, price_cents, currency, commission_bps, commission_cents,"
        " service_fee_cents, channel, status, created_at)"
        " SELECT :c, (ARRAY['bricolage','menage','courses'])[1 + g % 3], 't', 'd', 'a',"
        " 48.7 + random() * 0.3, 2.2 + random() * 0.3, now() + interval '1 day',"
        " now() + interval '25 hours', 4500, 'eur', 0, 0, 0, 'web',"
        " (ARRAY['open','assigned','completed'])[1 + g % 3], now()"
        " FROM generate_series(1, :n) g"), {"c": client_id, "n": n})
    db.session.execute(text(  # mostly instant missions in a wave of 3, 6 or 10 km
        "INSERT INTO mission_matching (mission_id, mode, wave, reach_km, created_at)"
        " SELECT id, CASE WHEN id % 10 = 0 THEN 'choose' ELSE 'instant' END, 1 + id % 3,"
        " CASE WHEN id % 10 = 0 THEN NULL ELSE (ARRAY[3, 6, 10])[1 + id % 3] END, now()"
        " FROM missions"))
    db.session.execute(text(
        "INSERT INTO users (email, password_hash, full_name, is_client, is_helper, is_operator,"
        " is_suspended, created_at) SELECT 'g' || g || '@example.com', 'x', 'H', false, true,"
        " false, false, now() FROM generate_series(1, :n) g"), {"n": n // 5})
    db.session.execute(text(
        "INSERT INTO helper_profiles (user_id, lat, lng, radius_km, details_submitted,"
        " charges_enabled, payouts_enabled, created_at) SELECT id, 48.7 + random() * 0.3,"
        " 2.2 + random() * 0.3, 10, true, true, true, now() FROM users WHERE is_helper"))
    db.session.execute(text("INSERT INTO helper_skills (helper_profile_id, category)"
                            " SELECT id, 'bricolage' FROM helper_profiles"))
    db.session.commit()
    db.session.execute(text("ANALYZE missions"))
    db.session.execute(text("ANALYZE mission_matching"))
    db.session.execute(text("ANALYZE helper_profiles"))
    db.session.execute(text("ANALYZE helper_skills"))
    db.session.execute(text("ANALYZE users"))


def test_postgis_plans_use_the_gist_indexes(ctx: Flask, make: Factories) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostGIS plans: PostgreSQL only")
    _seed_many(make.client().id, 30_000)
    query = geo.missions_near_query(OPEN_FOR_HELPER, "postgresql")
    plan = geo.explain(query, 48.85, 2.35, 5, params={"skills": ["bricolage"], "user_id": 0})
    assert "Index Scan using ix_missions_" in plan and "Order By" in plan, plan
    assert "Sort" not in plan and "Seq Scan" not in plan and "Join" not in plan, plan
    assert "SubPlan" in plan and "pk_mission_matching" in plan, plan  # wave gate, per row
    filters = helper_filters(free=False)
    needs = Needs("bricolage", 0, 48.85, 2.35, utcnow(), utcnow() + timedelta(hours=1), False)
    plan = geo.explain(geo.helpers_near_first_query(filters, "postgresql"), 48.85, 2.35,
                       geo.NEAR_FIRST_KM, params=helper_params(needs))
    assert "Index Scan using ix_helper_profiles_geom" in plan and "Order By" in plan, plan
    plan = geo.explain(geo.helpers_covering_query(filters, "postgresql"), 48.85, 2.35,
                       geo.MAX_HELPER_RADIUS_KM, params=helper_params(needs))
    assert "ix_helper_profiles_area" in plan and "Seq Scan on helper_profiles" not in plan, plan
    plan = geo.explain(geo.helpers_two_step_query(filters, "postgresql"), 48.85, 2.35,
                       geo.NEAR_FIRST_KM, params=helper_params(needs))
    assert "One-Time Filter" in plan and "ix_helper_profiles_geom" in plan, plan


def test_postgis_generic_plan_of_the_helper_search_stays_knn(ctx: Flask,
                                                             make: Factories) -> None:
    """The helper search forces PostgreSQL's generic plan once psycopg has prepared it
    (see geo._run): that plan, made without the parameters' values, must still be a KNN
    index scan. Captured by auto_explain from the app's own call."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostGIS plans: PostgreSQL only")
    _seed_many(make.client().id, 30_000)
    filters = helper_filters(free=False)
    needs = Needs("bricolage", 0, 48.85, 2.35, utcnow(), utcnow() + timedelta(hours=1), False)

    def search() -> list[geo.Row]:
        return geo.helpers_covering(48.85, 2.35, filters, 20, helper_params(needs),
                                    key="generic-plan-test")

    found, plan = _prepared_plan(search, "near_first")
    assert len(found) == 20
    assert "$1" in plan  # a generic plan: parameters, not values
    assert "Index Scan using ix_helper_profiles_geom" in plan and "Order By" in plan, plan


@pytest.mark.parametrize("skills", [["bricolage", "menage"], ["bricolage", "menage", "jardinage"]])
def test_postgis_generic_plan_of_the_missions_search_stays_knn(ctx: Flask, make: Factories,
                                                               skills: list[str]) -> None:
    """The missions search for several skills runs on its generic plan with bitmap scans
    off (geo._knn): once psycopg has prepared it, that plan must still walk a GiST index
    nearest first. (With one skill the category is an index condition and PostgreSQL's own
    choice is already that scan: test_postgis_plans_use_the_gist_indexes.)"""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostGIS plans: PostgreSQL only")
    _seed_many(make.client().id, 30_000)

    def search() -> list[geo.Row]:
        return geo.missions_near(48.85, 2.35, 5, OPEN_FOR_HELPER, 20,
                                 {"skills": skills, "user_id": 0}, key="generic-knn-test")

    found, plan = _prepared_plan(search, "haversine_km")
    assert found
    assert "$1" in plan  # a generic plan: parameters, not values
    assert "Index Scan using ix_missions_" in plan and "Order By" in plan, plan
    assert "Sort" not in plan and "Bitmap" not in plan, plan


def _prepared_plan(search: Callable[[], list[Any]], marker: str) -> tuple[list[Any], str]:
    """The search's rows and the plan PostgreSQL ran for it once psycopg had prepared it
    (the 5th run, then the plan is generic), captured by auto_explain: the logged plan
    whose text holds `marker` and a nearest-first ordering."""
    for _ in range(8):
        search()
    notices: list[str] = []

    def keep(diag: Any) -> None:
        notices.append(diag.message_primary or "")

    raw = db.session.connection().connection.driver_connection
    raw.add_notice_handler(keep)
    try:
        for setting in ("LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 0",
                        "SET auto_explain.log_level = notice"):
            db.session.execute(text(setting))
        found = search()
        return found, next(n for n in notices if marker in n and "<->" in n)
    finally:
        raw.remove_notice_handler(keep)
        db.session.rollback()  # the SETs go with the transaction


def test_the_helper_search_leaves_the_plan_setting_as_it_found_it(ctx: Flask,
                                                                  make: Factories) -> None:
    """The helper search forces generic plans for itself only (geo._generic_pipelined, one
    round trip): the statements after it in the transaction plan as they did before."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("plan settings: PostgreSQL only")
    _seed_many(make.client().id, 200)
    filters = helper_filters(free=False)
    needs = Needs("bricolage", 0, 48.85, 2.35, utcnow(), utcnow() + timedelta(hours=1), False)

    def mode() -> str:
        return str(db.session.execute(text("SELECT current_setting('plan_cache_mode')"))
                   .scalar_one())

    before = mode()
    found = geo.helpers_covering(48.85, 2.35, filters, 20, helper_params(needs), key="restore")
    assert mode() == before
    db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    assert geo.helpers_covering(48.85, 2.35, filters, 20, helper_params(needs),
                                key="restore") == found
    assert mode() == "force_custom_plan"
    db.session.rollback()


def test_searches_see_what_the_caller_added_but_did_not_flush(ctx: Flask,
                                                              make: Factories) -> None:
    """Both searches run on the session's connection, flushed first as `session.execute`
    flushes: a helper or a mission just added in the same transaction is found."""
    helper = User(email="fresh-helper@example.com", password_hash="x", full_name="H",
                  is_helper=True)
    db.session.add(helper)
    db.session.flush()
    db.session.add(HelperProfile(user_id=helper.id, lat=48.85, lng=2.35, radius_km=5))
    found = geo.helpers_covering(48.85, 2.35, (), limit=5, key="unflushed-helpers")
    assert len(found) == 1 and found[0][1] == pytest.approx(0.0, abs=1e-6)
    start = utcnow() + timedelta(days=1)
    fresh = Mission(client_id=make.client().id, category="bricolage", title="t",
                    description="d", address="a", lat=48.851, lng=2.351, starts_at=start,
                    ends_at=start + timedelta(hours=2), price_cents=4500, currency="eur",
                    commission_bps=0, commission_cents=0, service_fee_cents=0, channel="web",
                    status=MissionStatus.OPEN)
    db.session.add(fresh)
    near = geo.missions_near(48.85, 2.35, 5, (), 20, key="unflushed-missions")
    assert fresh.id is not None and fresh.id in {i for i, _ in near}
    db.session.rollback()
