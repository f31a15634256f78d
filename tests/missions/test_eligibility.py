"""Eligibility, one rule at a time: each failing rule removes the helper from the search
(SQL filters) and gives its reason on the mission (the readable check) — both agree."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask

from marketplace.accounts import availability
from marketplace.accounts.models import User
from marketplace.core.db import db
from marketplace.missions.matching.eligibility import eligible_helpers, reasons_not_eligible
from marketplace.missions.models import Mission
from tests.support.factories import Factories


def _eligible(helper: User, mission: Mission) -> bool:
    ids = {pid for pid, _ in eligible_helpers(mission, limit=100)}
    in_search = helper.helper_profile is not None and helper.helper_profile.id in ids
    assert in_search == (not reasons_not_eligible(helper, mission))
    return in_search


def test_a_matching_helper_is_eligible(ctx: Flask, make: Factories) -> None:
    assert _eligible(make.helper(), make.mission())


def _suspend(make: Factories, helper: User, mission: Mission) -> None:
    helper.is_suspended = True


def _not_onboarded(make: Factories, helper: User, mission: Mission) -> None:
    assert helper.helper_profile is not None
    helper.helper_profile.payouts_enabled = False


def _other_skill(make: Factories, helper: User, mission: Mission) -> None:
    mission.category = "jardinage"


def _far_away(make: Factories, helper: User, mission: Mission) -> None:
    mission.lat, mission.lng = 48.8566, 2.3522  # Paris centre, ~7.8 km from Asnières


def _on_time_off(make: Factories, helper: User, mission: Mission) -> None:
    assert helper.helper_profile is not None
    availability.add_time_off(helper.helper_profile, mission.starts_at - timedelta(days=1),
                              mission.starts_at + timedelta(minutes=30))


def _no_slot_then(make: Factories, helper: User, mission: Mission) -> None:
    assert helper.helper_profile is not None
    weekday, _ = availability.local_weekday_minute(mission.starts_at)
    availability.add_slot(helper.helper_profile, (weekday + 1) % 7, 0, 1440)


def _own_mission(make: Factories, helper: User, mission: Mission) -> None:
    mission.client_id = helper.id


def _not_a_helper(make: Factories, helper: User, mission: Mission) -> None:
    helper.is_helper = False


@pytest.mark.parametrize("break_rule", [
    _suspend, _not_onboarded, _other_skill, _far_away, _on_time_off, _no_slot_then,
    _own_mission, _not_a_helper])
def test_each_rule_excludes_the_helper(ctx: Flask, make: Factories,
                                       break_rule: Callable[..., None]) -> None:
    helper, mission = make.helper(), make.mission()
    break_rule(make, helper, mission)
    db.session.commit()
    assert not _eligible(helper, mission)


def test_a_slot_covering_the_start_makes_the_helper_available(ctx: Flask,
                                                             make: Factories) -> None:
    helper, mission = make.helper(), make.mission()
    assert helper.helper_profile is not None
    weekday, minute = availability.local_weekday_minute(mission.starts_at)
    availability.add_slot(helper.helper_profile, weekday, minute, min(1440, minute + 60))
    assert _eligible(helper, mission)


def test_free_help_needs_no_payout_setup(ctx: Flask, make: Factories) -> None:
    helper = make.helper(skills=("coup-de-main",), onboarded=False)
    mission = make.mission(category="coup-de-main", price_cents=0, authorized=False)
    assert _eligible(helper, mission)
