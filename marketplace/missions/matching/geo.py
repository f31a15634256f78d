"""Index-backed 'nearest first' searches: the one place that knows the SQL dialect.

Both searches are exact: the index narrows to a box a little larger than the circle, and
`haversine_km` (a SQL function on both databases, the same formula as `core.geo`) keeps
only points within the great-circle radius, inside the same query so LIMIT counts only
real matches.

- PostgreSQL (PostGIS required): `geom` is a Point in a metric projection (Lambert-93,
  SRID 2154, `GEO_SRID`) kept up to date by a trigger from lat/lng, so the ORM never maps
  it and SQLite needs no stand-in. Missions: KNN index scan `ORDER BY geom <-> point` with
  the box as index condition and status/skill filters applied during the scan (a
  btree_gist (category, status, geom) index prunes the usual one-skill search inside the
  index). Helpers: KNN over homes within NEAR_FIRST_KM where they are dense, else GiST on
  `ST_Expand(geom, radius_km * 1000 * margin)` for "whose area covers this point".
  Planner traps avoided: no secondary ORDER BY key (it turns KNN into scan + sort); final
  rows are re-sorted by exact km in Python instead.
- SQLite: the composite (lat, lng) indexes with a bounding box, then exact distance.
"""

from __future__ import annotations

import functools
import sqlite3
import weakref
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    CompoundSelect,
    Float,
    Integer,
    Select,
    bindparam,
    event,
    func,
    literal_column,
    select,
    text,
    union_all,
)
from sqlalchemy.engine import Connection, Engine

from marketplace.accounts.models import HelperProfile, User
from marketplace.core.db import db
from marketplace.core.geo import bounding_box, haversine_km
from marketplace.missions.models import Mission

# Lambert-93 stretches distances by at most ~0.3% over metropolitan France; the index box
# is widened by this factor so no point within the true radius is left outside it.
PROJECTION_MARGIN = 1.01
MAX_HELPER_RADIUS_KM = 100.0
NEAR_FIRST_KM = 5.0
Row = tuple[int, float]
Filters = tuple[ColumnElement[bool], ...]
# A search statement selects (id, km): one SELECT, or the two-step UNION ALL.
Search = Select[int, float] | CompoundSelect[int, float]
# Must match the expression of the GiST index ix_helper_profiles_area word for word.
HELPER_AREA = "ST_Expand(helper_profiles.geom, helper_profiles.radius_km * 1010.0)"
LAT, LNG = bindparam("geo_lat", type_=Float), bindparam("geo_lng", type_=Float)
RADIUS, LIMIT = bindparam("geo_radius_km", type_=Float), bindparam("geo_limit", type_=Integer)
BOX = [bindparam(f"geo_{k}", type_=Float) for k in ("min_lat", "max_lat", "min_lng", "max_lng")]
# Statements are built once per (search, cache key, dialect) and reused with new values:
# building and hashing a SQLAlchemy statement costs more than the indexed search itself.
_STATEMENTS: dict[tuple[str, str, str], Search] = {}


@event.listens_for(Engine, "connect")
def _register_sqlite_haversine(dbapi_conn: Any, _record: object) -> None:
    if isinstance(dbapi_conn, sqlite3.Connection):
        dbapi_conn.create_function("haversine_km", 4, haversine_km, deterministic=True)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _point() -> ColumnElement[Any]:
    srid = int(current_app.config.get("GEO_SRID", 2154))
    return func.ST_Transform(func.ST_SetSRID(func.ST_MakePoint(LNG, LAT), 4326), srid)


def distance_to(model: Any) -> ColumnElement[float]:
    """Great-circle km from a model's lat/lng to the searched point, as SQL."""
    return func.haversine_km(model.lat, model.lng, LAT, LNG)


def _cached(kind: str, key: str | None, build: Callable[[Filters, str], Search],
            filters: Filters) -> Search:
    if key is None:
        return build(filters, _dialect())
    slot = (kind, key, _dialect())
    if slot not in _STATEMENTS:
        _STATEMENTS[slot] = build(filters, slot[2])
    return _STATEMENTS[slot]


def _values(lat: float, lng: float, radius_km: float, limit: int,
            params: dict[str, Any] | None) -> dict[str, Any]:
    values = {"geo_lat": lat, "geo_lng": lng, "geo_radius_km": radius_km, "geo_limit": limit}
    if _dialect() != "postgresql":
        values.update(zip([b.key for b in BOX], bounding_box(lat, lng, radius_km), strict=True))
    return {**values, **(params or {})}


def missions_near(lat: float, lng: float, radius_km: float, filters: Filters, limit: int = 20,
                  params: dict[str, Any] | None = None, key: str | None = None) -> list[Row]:
    """(mission id, km) of missions within radius_km matching filters, nearest first.

    `filters` are conditions on Mission, with bind parameters given in `params`; pass a
    `key` naming them to reuse the built statement."""
    query = _cached("missions", key, missions_near_query, tuple(filters))
    return _run(query, _values(lat, lng, radius_km, limit, params))


def missions_near_with(lat: float, lng: float, radius_km: float, filters: Filters,
                       columns: tuple[Any, ...], key: str, limit: int = 20,
                       params: dict[str, Any] | None = None) -> list[Any]:
    """Rows (mission id, km, *columns) of the same search, nearest first: a list that shows
    a few columns of each mission reads them in the search itself, not in a second query."""
    query = _cached("missions-with", key,
                    lambda f, dialect: missions_near_query(f, dialect, columns), tuple(filters))
    found = _knn(query, _values(lat, lng, radius_km, limit, params))
    return sorted(found, key=lambda row: (float(row[1]), int(row[0])))


def missions_near_query(filters: Filters, dialect: str,
                        columns: tuple[Any, ...] = ()) -> Select[Any]:
    distance = distance_to(Mission)
    query = select(Mission.id, distance, *columns).where(distance <= RADIUS, *filters
                                                         ).limit(LIMIT)
    if dialect == "postgresql":
        geom: ColumnClause[Any]
        geom, point = literal_column("missions.geom"), _point()
        box = func.ST_Expand(point, RADIUS * literal_column("1010.0"))
        return query.where(geom.op("&&")(box)).order_by(geom.op("<->")(point))
    return query.where(Mission.lat.between(BOX[0], BOX[1]), Mission.lng.between(BOX[2], BOX[3])
                       ).order_by(distance, Mission.id)


def helpers_covering(lat: float, lng: float, filters: Filters, limit: int = 20,
                     params: dict[str, Any] | None = None, key: str | None = None) -> list[Row]:
    """(helper profile id, km) of helpers whose own radius covers the point, nearest first.

    On PostgreSQL one statement: the nearest helpers within NEAR_FIRST_KM by KNN (enough
    where helpers are dense); only when that finds fewer than `limit` does the area index
    run (where helpers are sparse, few areas cover the point) -- a one-time filter."""
    if _dialect() == "postgresql":
        query = _cached("helpers-pg", key, helpers_two_step_query, tuple(filters))
        return _run(query, _values(lat, lng, NEAR_FIRST_KM, limit, params), generic=True
                    )[:limit]
    query = _cached("helpers", key, helpers_covering_query, tuple(filters))
    return _run(query, _values(lat, lng, MAX_HELPER_RADIUS_KM, limit, params))


def _helpers_base(filters: Filters) -> tuple[Select[int, float], ColumnElement[float]]:
    distance = distance_to(HelperProfile)
    return (select(HelperProfile.id, distance).join(User, User.id == HelperProfile.user_id)
            .where(distance <= HelperProfile.radius_km, *filters).limit(LIMIT)), distance


def helpers_near_first_query(filters: Filters, dialect: str) -> Select[int, float]:
    """PostgreSQL: KNN over helpers' homes within NEAR_FIRST_KM (dense areas)."""
    query, distance = _helpers_base(filters)
    geom: ColumnClause[Any]
    geom, point = literal_column("helper_profiles.geom"), _point()
    box = func.ST_Expand(point, RADIUS * literal_column("1010.0"))
    return query.where(geom.op("&&")(box), distance <= RADIUS).order_by(geom.op("<->")(point))


def helpers_two_step_query(filters: Filters, dialect: str) -> CompoundSelect[int, float]:
    """PostgreSQL: near-first KNN, then the area search only if it found too few."""
    near = helpers_near_first_query(filters, dialect).cte("near_first")
    found = select(func.count()).select_from(near).scalar_subquery()
    area = helpers_covering_query(filters, dialect).where(found < LIMIT).subquery("by_area")
    return union_all(select(*near.c), select(*area.c))


def helpers_covering_query(filters: Filters, dialect: str) -> Select[int, float]:
    query, distance = _helpers_base(filters)
    if dialect == "postgresql":
        return query.where(literal_column(HELPER_AREA).op("&&")(_point())).order_by(distance)
    return query.where(HelperProfile.lat.between(BOX[0], BOX[1]),
                       HelperProfile.lng.between(BOX[2], BOX[3])
                       ).order_by(distance, HelperProfile.id)


# Planning the helper search (two branches of subqueries, inlined haversine, PostGIS
# selectivity) took 1-3 ms, more than running it (~0.5-1 ms). Once psycopg has prepared
# the statement (its 5th run on a connection) a generic plan skips planning, but
# PostgreSQL picks generic or custom from the first runs' parameters: a coin toss
# between runs (p50 0.8 ms or 2+ ms). So the search forces the generic plan while it
# runs (the settings around it share its round trip: _generic_pipelined); its generic
# plan is checked to stay a KNN index scan. The
# missions search plans in ~0.3 ms and is left to PostgreSQL's choice.
GENERIC_PLANS = {"plan_cache_mode": "force_generic_plan"}
# The missions search for several skills too: planning it (PostGIS selectivity on the box)
# took ~1.4 ms, more than its run, and once psycopg has prepared it PostgreSQL's own
# choice is a generic plan that sorts a bitmap scan of the box (40 ms in dense Paris: not
# knowing the point, it expects a few rows). With bitmap scans off, the generic plan is the
# KNN index scan; the status it searches is a constant in the SQL so that the partial index
# of open missions can serve it (missions/matching/nearby.py).
GENERIC_KNN = {**GENERIC_PLANS, "enable_bitmapscan": "off"}


def _run(query: Search, values: dict[str, Any], generic: bool = False) -> list[Row]:
    """Distinct rows sorted by exact km (the projection's KNN order may swap near-ties)."""
    if generic and _dialect() == "postgresql":
        found = _generic_pipelined(query, values)
    else:
        found = _knn(query, values)
    rows = {int(i): float(d) for i, d in found}
    return sorted(rows.items(), key=lambda row: (row[1], row[0]))


def _knn(query: Search, values: dict[str, Any]) -> list[Any]:
    """Run the missions search; on PostgreSQL, on its generic plan when a list parameter
    (the skills) has several values (see GENERIC_KNN). With one value it is an index
    condition and PostgreSQL's own choice of plan is already the KNN scan."""
    several = any(isinstance(v, list | tuple) and len(v) > 1 for v in values.values())
    if _dialect() != "postgresql" or not several:
        return list(_search_connection().execute(query, values).all())
    return _with_settings(query, values, GENERIC_KNN)


def _with_settings(query: Search, values: dict[str, Any], settings: dict[str, str]
                   ) -> list[Any]:
    """Run `query` with PostgreSQL settings changed for it alone (see _settings_sql)."""
    change, restore = _settings_sql(tuple(settings))
    conn = _search_connection()  # flushed once; the driver's connection is under it
    raw = _driver_connection(conn)
    raw.execute(change, settings)
    found = list(conn.execute(query, values).all())
    raw.execute(restore)
    return found


# Compiled once per statement, and forgotten with it (a statement built per call, without
# a cache key, must not accumulate here).
_COMPILED: weakref.WeakKeyDictionary[Search, Any] = weakref.WeakKeyDictionary()


def _generic_pipelined(query: Search, values: dict[str, Any]) -> list[Any]:
    """Run `query` on its generic plan (GENERIC_PLANS), the settings around it sent in the
    same round trip (psycopg's pipeline mode): sending them one by one was a quarter of
    the helper search's time."""
    compiled = _compiled(query)
    params = compiled.construct_params(values)
    for name, process in compiled._bind_processors.items():  # our types' checks (UTC)
        if name in params:
            params[name] = process(params[name])
    change, restore = _settings_sql(tuple(GENERIC_PLANS))
    raw = _driver_connection()
    with raw.pipeline():
        raw.execute(change, GENERIC_PLANS)
        cursor = raw.execute(compiled.string, params)
        raw.execute(restore)
    return list(cursor.fetchall())


def _compiled(query: Search) -> Any:
    """The statement's SQL for psycopg, compiled once (statements are built once)."""
    compiled = _COMPILED.get(query)
    if compiled is None:
        compiled = _COMPILED[query] = query.compile(dialect=db.engine.dialect)
    return compiled


@functools.cache
def _settings_sql(names: tuple[str, ...]) -> tuple[str, str]:
    """(save the settings and set them, set them back), as SQL. Each value is saved in a
    custom variable of the transaction (`entraide.saved_<name>`) and restored from it,
    server-side: the restore needs nothing read back, so it can share the search's round
    trip. All are local to the transaction: on an error, the rollback restores them."""
    change = ", ".join(f"set_config('entraide.saved_{name}', current_setting('{name}'), true),"
                       f" set_config('{name}', %({name})s, true)" for name in names)
    restore = ", ".join(f"set_config('{name}', current_setting('entraide.saved_{name}'), true)"
                        for name in names)
    return f"SELECT {change}", f"SELECT {restore}"


def _search_connection() -> Connection:
    """The session's connection, once the session has flushed what it holds, as
    `session.execute` would (a search sees what its caller just added). Searches return
    rows, not entities: the Core connection skips the ORM's execution layer."""
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection()


def _driver_connection(conn: Connection | None = None) -> Any:
    """psycopg's connection under the session's (or under `conn`, already taken from it):
    the settings around a search are two tiny statements each time, cheaper sent straight
    to the driver (same transaction)."""
    return (_search_connection() if conn is None else conn).connection.driver_connection


def explain(query: Search, lat: float, lng: float, radius_km: float, limit: int = 20,
            params: dict[str, Any] | None = None) -> str:
    """The plan of a search, for the tests that keep it on its index (PostgreSQL)."""
    bound = query.params(_values(lat, lng, radius_km, limit, params))
    sql = bound.compile(db.session.get_bind(), compile_kwargs={"literal_binds": True})
    return "\n".join(db.session.execute(text(f"EXPLAIN {sql}")).scalars())
