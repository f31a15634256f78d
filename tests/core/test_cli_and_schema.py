"""Operator creation from the command line, demo seeding, and migrations matching the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask

from marketplace.accounts.services import authenticate, find_user_by_email
from marketplace.core.db import db
from marketplace.missions.matching.geo_schema import include_object


def test_create_operator(ctx: Flask) -> None:
    runner = ctx.test_cli_runner()
    result = runner.invoke(args=["create-operator", "Olga@Example.com"],
                           input="a good password\na good password\n")
    assert result.exit_code == 0, result.output
    assert "operator ready: olga@example.com" in result.output
    user = authenticate("olga@example.com", "a good password")
    assert user is not None and user.is_operator


def test_create_operator_refuses_a_short_password(ctx: Flask) -> None:
    result = ctx.test_cli_runner().invoke(
        args=["create-operator", "x@example.com", "--password", "short"])
    assert result.exit_code != 0 and "at least 10" in result.output
    assert find_user_by_email("x@example.com") is None


def test_seed_demo_is_repeatable(ctx: Flask) -> None:
    runner = ctx.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
    assert "helper3@demo.entraide.fr" in result.output
    helper = find_user_by_email("helper1@demo.entraide.fr")
    assert helper is not None and helper.helper_profile is not None


@pytest.mark.filterwarnings("ignore:Did not recognize type 'geometry'")
def test_migrations_match_the_models(ctx: Flask) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, db.metadata)
    assert diff == []
