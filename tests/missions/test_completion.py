"""A lower final price agreed by both, automatic confirmation, the refund window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError
from marketplace.flows import completion as completion_flow
from marketplace.flows.completion import confirm_completion
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.missions.services import completion
from marketplace.payments.models import Payment, Payout
from marketplace.payments.services.payouts import release_payout
from marketplace.payments.services.reconcile import run_check
from marketplace.payments.status import PayoutStatus
from stripe_emulator import StripeEmulator
from tests.support.factories import Factories
from tests.support.forms import login, post_form
from tests.support.money import done_mission, release_now


def _payment(mission: Mission) -> Payment:
    return db.session.execute(db.select(Payment).where(Payment.mission_id == mission.id)
                              ).scalar_one()


def _payout() -> Payout:
    return db.session.execute(db.select(Payout)).scalar_one()


def test_accepted_lower_price_is_all_that_is_captured(ctx: Flask, make: Factories,
                                                       emu: StripeEmulator) -> None:
    mission = done_mission(make, emu, price_cents=4500)
    assert mission.helper is not None
    helper, client = ctx.test_client(), ctx.test_client()
    login(helper, mission.helper.email)
    login(client, mission.client.email)
    page = f"/missions/{mission.id}"
    post_form(helper, page, {"final_price": "30"}, action=f"{page}/final-price")
    assert "€30.00" in client.get(page).get_data(as_text=True)
    post_form(client, page, action=f"{page}/final-price/accept")
    db.session.expire_all()
    assert (mission.price_cents, mission.commission_cents) == (3000, 450)
    confirm_completion(mission.id, mission.client)
    pi = emu.get(_payment(mission).payment_intent_id or "")
    assert pi["amount_received"] == 3000
    assert _payout().amount_cents == 2550
    assert run_check().ok


@pytest.mark.parametrize(("typed", "error"), [
    ("29.999", "at most two decimals"), ("-5", "such as 45"), ("0", "must be positive"),
    ("1e3", "such as 45"), ("", "required")])
def test_a_final_price_is_parsed_exactly_never_rounded(ctx: Flask, make: Factories,
                                                        emu: StripeEmulator, typed: str,
                                                        error: str) -> None:
    mission = done_mission(make, emu, price_cents=4500)
    assert mission.helper is not None
    helper = ctx.test_client()
    login(helper, mission.helper.email)
    page = f"/missions/{mission.id}"
    response = post_form(helper, page, {"final_price": typed}, action=f"{page}/final-price",
                         follow_redirects=True)
    assert response.status_code == 200
    assert error in response.get_data(as_text=True)
    db.session.expire_all()
    assert completion.pending_proposal(mission.id) is None


def test_a_proposal_must_be_lower_and_only_from_the_helper(ctx: Flask, make: Factories,
                                                           emu: StripeEmulator) -> None:
    mission = done_mission(make, emu, price_cents=4500)
    assert mission.helper is not None
    with pytest.raises(DomainError):
        completion.propose_final_price(mission.id, mission.helper, 4500)
    completion.propose_final_price(mission.id, mission.helper, 4000)
    with pytest.raises(Conflict):
        completion.propose_final_price(mission.id, mission.helper, 3000)
    completion.answer_final_price(mission.id, mission.client, accept=False)
    assert mission.price_cents == 4500 and completion.pending_proposal(mission.id) is None


def test_missions_left_unconfirmed_are_confirmed_after_the_quiet_period(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = done_mission(make, emu)
    disputed = done_mission(make, emu)
    from marketplace.payments.services import disputes

    disputes.open_by_client(disputed.id, disputed.client, "Not finished")
    assert completion_flow.auto_confirm_due() == []
    later = utcnow() + timedelta(seconds=ctx.config["AUTO_CONFIRM_SECONDS"] + 1)
    assert completion_flow.auto_confirm_due(later) == [mission.id]
    assert mission.status == MissionStatus.COMPLETED
    assert disputed.status == MissionStatus.DISPUTED


def test_payout_waits_for_the_refund_window_and_payouts_enabled(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = done_mission(make, emu)
    confirm_completion(mission.id, mission.client)
    payout = _payout()
    assert payout.release_after > utcnow() + timedelta(minutes=59)
    assert release_payout(payout.id) == PayoutStatus.SCHEDULED  # not due yet
    assert mission.helper is not None and mission.helper.helper_profile is not None
    mission.helper.helper_profile.payouts_enabled = False
    db.session.commit()
    assert release_now(payout.id) == PayoutStatus.HELD
    helper = ctx.test_client()
    login(helper, mission.helper.email)
    page = helper.get("/helper/payouts").get_data(as_text=True)
    assert "held" in page and "payout setup" in page and "€38.25" in page


def test_the_default_refund_window_and_quiet_period_are_48_hours() -> None:
    from config import Config

    cfg = Config()
    assert cfg.PAYOUT_DELAY_SECONDS == cfg.AUTO_CONFIRM_SECONDS == 48 * 3600
