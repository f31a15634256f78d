"""Idempotency-Key: a retried POST is answered from the first run, never done twice."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, update

from marketplace.api import idempotency
from marketplace.api.models import IdempotencyKey
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.missions.models import Mission
from tests.api.payloads import mission_body
from tests.support.factories import Factories
from workers.api import sweep_idempotency_keys


def _missions() -> int:
    return int(db.session.execute(db.select(func.count(Mission.id))).scalar_one())


def test_same_key_and_body_replays_the_first_answer(api_as, make: Factories) -> None:  # type: ignore[no-untyped-def]
    api = api_as(make.client())
    body = mission_body()
    first = api.post("/missions", body, key="retry-1")
    again = api.post("/missions", body, key="retry-1")
    assert first.status_code == 201 and again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert _missions() == 1


def test_same_key_other_body_is_422(api_as, make: Factories) -> None:  # type: ignore[no-untyped-def]
    api = api_as(make.client())
    assert api.post("/missions", mission_body(), key="k").status_code == 201
    other = api.post("/missions", mission_body(title="Another title here"), key="k")
    assert other.status_code == 422
    assert other.content_type == "application/problem+json"
    assert other.get_json()["code"] == "idempotency_key_reused"
    assert _missions() == 1


def test_keys_are_per_user_and_optional(api_as, make: Factories) -> None:  # type: ignore[no-untyped-def]
    alice, bob = api_as(make.client()), api_as(make.client())
    body = mission_body()
    assert alice.post("/missions", body, key="shared").status_code == 201
    assert bob.post("/missions", body, key="shared").status_code == 201
    assert alice.post("/missions", body).status_code == 201
    assert alice.post("/missions", body).status_code == 201
    assert _missions() == 4


def test_a_refused_request_is_replayed_too(api_as, make: Factories) -> None:  # type: ignore[no-untyped-def]
    """A 4xx is an answer: the retry gets it again, nothing runs twice."""
    api = api_as(make.client())
    bad = mission_body(price={"amount": 5, "currency": "eur"})
    first = api.post("/missions", bad, key="bad")
    again = api.post("/missions", bad, key="bad")
    assert first.status_code == 422 and again.status_code == 422
    assert again.headers.get("Idempotent-Replayed") == "true"


def test_key_in_flight_answers_409(api_as, make: Factories) -> None:  # type: ignore[no-untyped-def]
    user = make.client()
    api = api_as(user)
    body = mission_body()
    assert api.post("/missions", body, key="slow").status_code == 201
    db.session.execute(update(IdempotencyKey).values(status_code=None))  # as if still running
    db.session.commit()
    response = api.post("/missions", body, key="slow")
    assert response.status_code == 409 and response.get_json()["code"] == "idempotency_in_progress"


def test_bad_keys_are_400(api_as, make: Factories) -> None:  # type: ignore[no-untyped-def]
    api = api_as(make.client())
    response = api.post("/missions", mission_body(), key="x" * 256)
    assert response.status_code == 400
    assert response.get_json()["code"] == "invalid_idempotency_key"
    assert _missions() == 0


def test_sweep_drops_keys_after_a_day(api_as, make: Factories, ctx: Flask) -> None:  # type: ignore[no-untyped-def]
    api = api_as(make.client())
    body = mission_body()
    assert api.post("/missions", body, key="old").status_code == 201
    assert api.post("/missions", body, key="new").status_code == 201
    db.session.execute(update(IdempotencyKey).where(IdempotencyKey.key == "old")
                       .values(created_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    assert idempotency.sweep() == 1
    assert [k.key for k in db.session.execute(db.select(IdempotencyKey)).scalars()] == ["new"]
    # an expired key is a new request: it runs again
    assert api.post("/missions", body, key="old").headers.get("Idempotent-Replayed") is None
    assert _missions() == 3


def test_the_worker_task_sweeps(api_as, make: Factories) -> None:  # type: ignore[no-untyped-def]
    api = api_as(make.client())
    assert api.post("/missions", mission_body(), key="old").status_code == 201
    db.session.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(days=2)))
    db.session.commit()
    assert sweep_idempotency_keys.run() == 1
