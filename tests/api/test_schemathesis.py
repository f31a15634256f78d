"""Schemathesis against our own /api/v1/openapi.json, signed in as a client and as a helper:
no server error, and every status, content type and body as the spec says.

Every operation is fuzzed with positive and negative data, once with generated ids and once
with the ids of real objects (an open mission, its client, the helper), so that the deep
paths run too. The bounded run (default) keeps well under three minutes; the long run:

    .venv/bin/python -m pytest tests/api/test_schemathesis.py -m slow -p no:cacheprovider -s
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from stripe_emulator import StripeEmulator
from tests.api.conftest import sign_in
from tests.support.factories import Factories
from tests.support.money import authorized_mission, onboarded_helper

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Signing this device out would end the run's own token; tokens/current has its own tests.
EXCLUDED_PATHS = ["/api/v1/tokens/current"]


@dataclass
class Run:
    operations: int = 0
    cases: int = 0
    failures: list[str] = field(default_factory=list)

    def summary(self, who: str) -> str:
        return (f"Schemathesis as {who}: {self.operations} operations, {self.cases} cases, "
                f"{len(self.failures)} failures")


@pytest.fixture
def world(ctx: Flask, make: Factories, emu: StripeEmulator) -> dict[str, Any]:
    """A client with an open mission and a nearby onboarded helper, both signed in."""
    client_user = make.client()
    helper_user = onboarded_helper(make, emu)
    mission = authorized_mission(make, emu, client=client_user)
    web = ctx.test_client()
    return {"client": sign_in(web, client_user)["access_token"],
            "helper": sign_in(web, helper_user)["access_token"],
            "ids": {"mission_id": mission.id, "user_id": helper_user.id, "device_id": 1}}


def fuzz(app: Flask, token: str, ids: dict[str, int], examples: int) -> Run:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).exclude(
        path=EXCLUDED_PATHS)
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    run = Run()
    for result in schema.get_all_operations():
        operation = result.ok()
        run.operations += 1
        names = {p.name for p in operation.path_parameters}
        fixed = {k: v for k, v in ids.items() if k in names}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for path_parameters in ({}, fixed) if fixed else ({},):
                strategy = operation.as_strategy(mode, path_parameters=path_parameters or None)

                @given(case=strategy)
                @settings(max_examples=examples, deadline=None, derandomize=True,
                          suppress_health_check=list(HealthCheck), database=None)
                def check(case: Any) -> None:
                    run.cases += 1
                    case.call_and_validate(headers=headers, checks=CHECKS)

                try:
                    check()
                except Exception as exc:
                    run.failures.append(f"{operation.label} [{mode}]: {exc}"[:2000])
    return run


@pytest.mark.parametrize("who", ["client", "helper"])
def test_schemathesis_bounded(app: Flask, world: dict[str, Any], who: str) -> None:
    run = fuzz(app, world[who], world["ids"], examples=6)
    print("\n" + run.summary(who))
    assert not run.failures, "\n\n".join(run.failures)


@pytest.mark.slow
@pytest.mark.parametrize("who", ["client", "helper"])
def test_schemathesis_long(app: Flask, world: dict[str, Any], who: str) -> None:
    run = fuzz(app, world[who], world["ids"], examples=200)
    print("\n" + run.summary(who))
    assert not run.failures, "\n\n".join(run.failures)


def stateful(app: Flask, token: str, steps: int, examples: int) -> None:
    """Follow the spec's links (post a mission, then read, pay, quote, cancel it...)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app).exclude(
        path=EXCLUDED_PATHS)
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None,
                              **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    Machine.run(settings=settings(max_examples=examples, stateful_step_count=steps,
                                  deadline=None, derandomize=True, database=None,
                                  suppress_health_check=list(HealthCheck)))


def test_links_are_declared(app: Flask) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    links = spec["paths"]["/api/v1/missions"]["post"]["responses"]["201"]["links"]
    assert {"GetMission", "CreateCheckout", "CancellationQuote"} <= links.keys()


def test_schemathesis_stateful_as_client(app: Flask, world: dict[str, Any]) -> None:
    stateful(app, world["client"], steps=5, examples=10)


@pytest.mark.slow
def test_schemathesis_stateful_long(app: Flask, world: dict[str, Any]) -> None:
    stateful(app, world["client"], steps=10, examples=200)
