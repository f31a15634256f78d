"""Pages receive their data: no SQL statement runs while a template renders (everything a
page shows is loaded by its view; a lazy load from a template would be a query)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, before_render_template, template_rendered
from sqlalchemy import event

from marketplace.accounts.services import make_operator
from marketplace.core.db import db
from marketplace.flows import booking
from marketplace.flows import cancellation as cancellation_flow
from marketplace.flows.completion import confirm_completion
from marketplace.missions.services import missions
from stripe_emulator import StripeEmulator
from tests.support.factories import PASSWORD, Factories, started
from tests.support.forms import login
from tests.support.money import authorized_mission, done_mission


@pytest.fixture
def queries_while_rendering(ctx: Flask) -> Iterator[list[str]]:
    rendering: list[str] = []
    seen: list[str] = []

    def start(sender: Flask, template: Any, context: dict[str, Any], **kw: Any) -> None:
        rendering.append(template.name)

    def stop(sender: Flask, template: Any, context: dict[str, Any], **kw: Any) -> None:
        rendering.pop()

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if rendering:
            seen.append(f"{rendering[-1]}: {' '.join(statement.split())[:160]}")

    before_render_template.connect(start, ctx)
    template_rendered.connect(stop, ctx)
    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)
    before_render_template.disconnect(start, ctx)
    template_rendered.disconnect(stop, ctx)


def _pages(app: Flask, email: str, paths: list[str]) -> dict[str, int]:
    client = app.test_client()
    login(client, email)
    return {f"{email} {path}": client.get(path).status_code for path in paths}


def test_client_helper_and_operator_pages_run_no_query_in_templates(
        ctx: Flask, make: Factories, queries_while_rendering: list[str]) -> None:
    mission = make.mission()
    helper = make.helper()
    booking.accept_mission(mission.id, helper)
    started(mission)
    missions.mark_done(mission.id, helper)
    make_operator("ops@pages-test.fr", PASSWORD)
    mission_id, client_email, helper_email = mission.id, mission.client.email, helper.email
    db.session.expunge_all()  # what the pages show must come from their own views

    statuses = _pages(ctx, client_email, [
        "/", "/missions", "/missions/new", f"/missions/{mission_id}",
        f"/missions/{mission_id}/messages", "/notifications"])
    statuses |= _pages(ctx, helper_email, [
        "/helper/missions", "/helper/payouts", f"/missions/{mission_id}", "/helper/profile",
        "/helper/availability"])
    statuses |= _pages(ctx, "ops@pages-test.fr", [
        "/ops/commissions", "/ops/queues", "/ops/matching", "/ops/health",
        f"/ops/missions/{mission_id}/money", f"/missions/{mission_id}/helpers", "/ops/hotline",
        "/ops/fees", "/ops/ledger", "/ops/audit", "/ops/notifications/failed"])
    assert set(statuses.values()) == {200}, statuses
    assert queries_while_rendering == []


def test_money_pages_run_no_query_in_templates(
        ctx: Flask, make: Factories, emu: StripeEmulator,
        queries_while_rendering: list[str]) -> None:
    paid = done_mission(make, emu)
    confirm_completion(paid.id, paid.client)
    cancelled = authorized_mission(make, emu)
    cancellation_flow.cancel_by_client(cancelled.id, cancelled.client, "Plans changed")
    make_operator("ops@money-test.fr", PASSWORD)
    helper_email = paid.helper.email if paid.helper else ""
    ids, client_of = (paid.id, cancelled.id), (paid.client.email, cancelled.client.email)
    db.session.expunge_all()

    statuses = _pages(ctx, client_of[0], ["/missions", f"/missions/{ids[0]}"])
    statuses |= _pages(ctx, client_of[1], ["/missions", f"/missions/{ids[1]}"])
    statuses |= _pages(ctx, helper_email, ["/helper/payouts", f"/missions/{ids[0]}"])
    statuses |= _pages(ctx, "ops@money-test.fr", [
        "/ops/commissions", "/ops/queues", *(f"/ops/missions/{i}/money" for i in ids),
        f"/users/{paid.client_id}/reviews"])
    assert set(statuses.values()) == {200}, statuses
    assert queries_while_rendering == []
