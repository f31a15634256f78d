"""`flask seed-demo` opens one group purchase near Asnières: a gardening box with three
tiers and a minimum, sold by a seller onboarded at the emulator, found by a neighbour."""

from __future__ import annotations

from flask import Flask

from marketplace.accounts.services import find_user_by_email
from marketplace.core.db import db
from marketplace.groupbuy import services
from marketplace.groupbuy.models import Campaign
from stripe_emulator import StripeEmulator

ASNIERES_HOME = (48.9105, 2.2840)  # the demo helper Karim's home


def test_seed_demo_opens_a_gardening_box_near_asnieres(ctx: Flask,
                                                       stripe_emulator: StripeEmulator) -> None:
    stripe_emulator.reset()
    result = ctx.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "seller    seller@demo.entraide.fr  onboarded at Stripe  campaign #" in result.output
    seller = find_user_by_email("seller@demo.entraide.fr")
    assert seller is not None and seller.helper_profile is not None
    assert seller.helper_profile.payouts_enabled
    campaign = db.session.execute(db.select(Campaign)).scalar_one()
    assert [(t.from_quantity, t.unit_price_cents) for t in campaign.tiers] == [
        (1, 2400), (10, 2000), (30, 1700)]
    assert campaign.minimum_quantity == 10 and campaign.city == "Asnières-sur-Seine"
    near = services.campaigns_near(*ASNIERES_HOME)
    assert [s.campaign.id for s in near] == [campaign.id]
    again = ctx.test_cli_runner().invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert db.session.execute(db.select(db.func.count(Campaign.id))).scalar_one() == 1
