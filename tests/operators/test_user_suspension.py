"""Issue 12: operators find users and suspend or reinstate them, with a reason, audited; a
suspended person's sessions end, they cannot sign in (and are told why), and their open
missions go to the operator queue."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.core.errors import Conflict
from marketplace.core.models import AuditEntry
from marketplace.flows import booking
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.matching import engine
from marketplace.missions.models import Assignment
from marketplace.operators.services import users
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login, post_form


@pytest.fixture
def operator(ctx: Flask) -> User:
    return accounts.make_operator("ops@example.com", PASSWORD)


def _ops(ctx: Flask, operator: User) -> FlaskClient:
    web = ctx.test_client()
    login(web, operator.email)
    return web


def test_the_list_searches_and_pages_by_keyset(ctx: Flask, make: Factories,
                                               operator: User) -> None:
    people = [make.client(f"person{i}@example.com") for i in range(5)]
    first = users.search_users("person", limit=2)
    assert [u.id for u in first.users] == [p.id for p in people[:2]]
    second = users.search_users("person", first.next_after, limit=2)
    assert [u.id for u in second.users] == [p.id for p in people[2:4]]
    last = users.search_users("person", second.next_after, limit=2)
    assert [u.id for u in last.users] == [people[4].id] and last.next_after is None
    assert users.search_users("100%_").users == []  # LIKE wildcards are text here
    page = _ops(ctx, operator).get("/ops/users?q=person3").get_data(as_text=True)
    assert "person3@example.com" in page and "person1@example.com" not in page


def test_suspending_ends_sessions_audits_and_refuses_sign_in(
        ctx: Flask, make: Factories, operator: User) -> None:
    person = make.client("naughty@example.com")
    their = ctx.test_client()
    login(their, person.email)
    assert their.get("/account").status_code == 200
    web = _ops(ctx, operator)
    response = post_form(web, f"/ops/users/{person.id}", {"reason": "Abusive messages"},
                         action=f"/ops/users/{person.id}/suspend")
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.is_suspended
    assert their.get("/account").status_code == 302  # their session ended
    [entry] = db.session.execute(db.select(AuditEntry).where(
        AuditEntry.action == "user.suspend")).scalars()
    assert entry.actor_id == operator.id and entry.object_id == str(person.id)
    assert entry.note == "Abusive messages"
    attempt = post_form(ctx.test_client(), "/login",
                        {"email": person.email, "password": PASSWORD})
    assert attempt.status_code == 200
    assert "Your account is suspended" in attempt.get_data(as_text=True)
    # a wrong password tells nothing about the suspension
    wrong = post_form(ctx.test_client(), "/login",
                      {"email": person.email, "password": "not the password"})
    assert "suspended" not in wrong.get_data(as_text=True)
    assert "Abusive messages" in web.get(f"/ops/users/{person.id}").get_data(as_text=True)


def test_a_reason_is_required(ctx: Flask, make: Factories, operator: User) -> None:
    person = make.client()
    response = post_form(_ops(ctx, operator), f"/ops/users/{person.id}", {"reason": " "},
                         action=f"/ops/users/{person.id}/suspend")
    assert response.status_code == 400
    db.session.refresh(person)
    assert not person.is_suspended


def test_open_missions_of_a_suspended_client_go_to_the_operator_queue(
        ctx: Flask, make: Factories, operator: User) -> None:
    client = make.client()
    mission = make.mission(client)
    other = make.mission()
    assert engine.operator_queue() == []
    moved = users.suspend(operator, client.id, "Fraud suspected")
    assert moved == [mission.id]
    queued = [(m.id, state.escalation_reason) for m, state in engine.operator_queue()]
    assert queued == [(mission.id, "Client suspended by an operator")]
    assert other.id not in [m for m, _ in queued]


def test_a_suspended_helpers_assigned_missions_reopen_in_the_queue(
        ctx: Flask, make: Factories, operator: User) -> None:
    helper = make.helper()
    mission = make.mission()
    booking.accept_mission(mission.id, helper)
    moved = users.suspend(operator, helper.id, "No-shows")
    assert moved == [mission.id]
    db.session.refresh(mission)
    assert mission.status == MissionStatus.OPEN and mission.helper_id is None
    assert db.session.execute(db.select(Assignment.released_at)).scalar_one() is not None
    assert [m.id for m, _ in engine.operator_queue()] == [mission.id]
    entry = db.session.execute(db.select(AuditEntry)).scalar_one()
    assert json.loads(entry.after_json or "{}")["missions_to_queue"] == [mission.id]


def test_reinstating_lets_them_sign_in_again(ctx: Flask, make: Factories,
                                             operator: User) -> None:
    person = make.client()
    users.suspend(operator, person.id, "Checking a complaint")
    web = _ops(ctx, operator)
    response = post_form(web, f"/ops/users/{person.id}", {"note": "Complaint unfounded"},
                         action=f"/ops/users/{person.id}/reinstate")
    assert response.status_code == 302
    db.session.refresh(person)
    assert not person.is_suspended
    login(ctx.test_client(), person.email)
    actions = db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)
                                 ).scalars().all()
    assert actions == ["user.suspend", "user.reinstate"]


def test_twice_or_oneself_is_refused(ctx: Flask, make: Factories, operator: User) -> None:
    person = make.client()
    users.suspend(operator, person.id, "First time")
    with pytest.raises(Conflict):
        users.suspend(operator, person.id, "Again")
    with pytest.raises(Conflict):
        users.suspend(operator, operator.id, "Myself")
    web = _ops(ctx, operator)
    again = post_form(web, f"/ops/users/{person.id}", {"reason": "Again"},
                      action=f"/ops/users/{person.id}/suspend")
    assert again.status_code == 400
