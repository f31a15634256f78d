"""Health endpoints, request ids in JSON logs, worker heartbeat and webhook backfill."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.core.db import db
from marketplace.core.health import beat
from marketplace.core.models import WorkerHeartbeat
from marketplace.core.observability import JsonFormatter, mission_id_var, request_id_var
from marketplace.payments.models import StripeEvent
from marketplace.payments.webhooks import backfill
from stripe_emulator import StripeEmulator
from tests.support.factories import Factories
from tests.support.forms import login


def test_healthz_and_readyz(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json == {"status": "ready", "checks": {"database": "ok", "broker": "ok"}}


def test_readyz_says_503_when_the_broker_is_down(ctx: Flask) -> None:
    original = ctx.config["CELERY_BROKER_URL"]
    ctx.config["CELERY_BROKER_URL"] = "redis://127.0.0.1:1/0"
    try:
        response = ctx.test_client().get("/readyz")
    finally:
        ctx.config["CELERY_BROKER_URL"] = original
    assert response.status_code == 503
    assert response.json["checks"]["broker"].startswith("error")


def test_request_id_is_echoed_or_minted(client: FlaskClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-12345678"}).headers[
        "X-Request-ID"] == "abc-12345678"
    minted = client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert len(minted) == 32 and minted.isalnum()


def test_json_log_lines_carry_request_and_mission() -> None:
    record = logging.LogRecord("marketplace.x", logging.WARNING, __file__, 1, "payout %s held",
                               (7,), None)
    tokens = request_id_var.set("req-1234abcd"), mission_id_var.set(42)
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(tokens[0])
        mission_id_var.reset(tokens[1])
    assert line["msg"] == "payout 7 held" and line["level"] == "warning"
    assert (line["request_id"], line["mission_id"]) == ("req-1234abcd", 42)


def test_operators_see_worker_heartbeats(client: FlaskClient, make: Factories) -> None:
    beat("worker-a")
    beat("worker-a")
    assert len(db.session.execute(db.select(WorkerHeartbeat)).all()) == 1
    from marketplace.accounts.services import make_operator

    make_operator("ops@example.com", "operator password 1")
    login(client, "ops@example.com", "operator password 1")
    page = client.get("/ops/health").get_data(as_text=True)
    assert "worker-a" in page and "alive" in page
    login_client = client.application.test_client()
    login(login_client, make.client().email)
    assert login_client.get("/ops/health").status_code == 403


def test_backfill_stores_events_that_never_arrived(ctx: Flask,
                                                   stripe_emulator: StripeEmulator) -> None:
    from marketplace.payments.gateway.provider import gateway

    account = gateway().create_express_account("h@example.com", {}, idempotency_key="bf-1")
    stripe_emulator.complete_onboarding(account.id)  # no webhook endpoint got it
    added = backfill(0)
    assert added >= 1
    types = {e.type for e in db.session.execute(db.select(StripeEvent)).scalars()}
    assert "account.updated" in types
    assert backfill(0) == 0  # a second run stores nothing new


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_needs_no_login(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code in (200, 503)
