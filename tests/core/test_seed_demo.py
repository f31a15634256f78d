"""`flask seed-demo` makes a demo that can take paid work: its helpers are onboarded at the
emulator (payouts enabled, through the emulator's hosted onboarding page), available every
day, and their skills cover every category around Asnières."""

from __future__ import annotations

from flask import Flask

from marketplace.accounts import availability
from marketplace.accounts.services import find_user_by_email
from marketplace.core.categories import CATEGORIES
from marketplace.missions.matching import eligibility
from stripe_emulator import StripeEmulator
from tests.support.factories import Factories


def test_seed_demo_onboards_helpers_who_cover_every_category(
        ctx: Flask, make: Factories, stripe_emulator: StripeEmulator) -> None:
    stripe_emulator.reset()
    result = ctx.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert result.output.count("payouts ready") == 3, result.output
    skills: set[str] = set()
    for n in (1, 2, 3):
        helper = find_user_by_email(f"helper{n}@demo.entraide.fr")
        assert helper is not None and helper.helper_profile is not None
        profile = helper.helper_profile
        assert profile.payouts_enabled and profile.charges_enabled and profile.stripe_account_id
        account = stripe_emulator.get(profile.stripe_account_id)
        assert account["payouts_enabled"] and account["charges_enabled"]
        assert len(availability.slots_of(profile)) == 7
        skills |= {s.category for s in profile.skills}
    assert skills == set(CATEGORIES)
    gardening = make.mission(category="jardinage")
    lucas = find_user_by_email("helper3@demo.entraide.fr")
    assert lucas is not None and not eligibility.reasons_not_eligible(lucas, gardening)
    again = ctx.test_cli_runner().invoke(args=["seed-demo"])
    assert again.exit_code == 0 and again.output.count("payouts ready") == 3
