"""Tips: after confirming, the client adds a tip (the one money parser, bounds); a saved
card is charged off-session, else a new hosted checkout; 100 % is transferred to the
helper (idempotency key from the tip row), no commission; the platform bears Stripe's fee;
the ledger balances and reconciles with Stripe; both parties and the report see it."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from marketplace.core.db import db
from marketplace.flows import booking
from marketplace.flows import tips as tips_flow
from marketplace.flows.completion import confirm_completion
from marketplace.missions.models import Mission
from marketplace.missions.services import missions
from marketplace.payments import ledger
from marketplace.payments.models import Payment, Tip
from marketplace.payments.services import holds, reconcile, tips
from marketplace.payments.status import TipStatus
from stripe_emulator import StripeEmulator
from tests.support.factories import Factories, started
from tests.support.forms import login, post_form
from tests.support.money import done_mission, onboarded_helper, saved_card_mission


def _completed(make: Factories, emu: StripeEmulator) -> Mission:
    mission = done_mission(make, emu)
    confirm_completion(mission.id, mission.client)
    return mission


def _transfers_for_tip(emu: StripeEmulator, tip: Tip) -> list[dict[str, object]]:
    return [t for t in emu.objects("transfer") if t["metadata"].get("tip_id") == str(tip.id)]


def test_a_tip_through_a_new_checkout_goes_wholly_to_the_helper(
        client: FlaskClient, ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = _completed(make, emu)
    login(client, mission.client.email)
    page = f"/missions/{mission.id}"
    assert "tip-form" in client.get(page).get_data(as_text=True)
    response = post_form(client, page, {"amount": "5,50"}, f"{page}/tip")
    assert response.status_code == 303, response.get_data(as_text=True)
    tip = tips.tip_of(mission.id)
    assert tip is not None and tip.amount_cents == 550 and tip.method == "checkout"
    assert response.location == tip.checkout_url
    emu.pay_checkout_session(tip.checkout_session_id or "")
    back = client.get(f"{page}/tip/return?session_id={tip.checkout_session_id}",
                      follow_redirects=True)
    assert "goes in full to your helper" in back.get_data(as_text=True)
    db.session.refresh(tip)
    assert tip.status == TipStatus.PAID and tip.transfer_id and tip.charge_id
    [transfer] = _transfers_for_tip(emu, tip)
    profile = mission.helper.helper_profile if mission.helper else None
    assert profile is not None and transfer["destination"] == profile.stripe_account_id
    assert transfer["amount"] == 550  # 100 %: no commission, the fee is not passed on
    assert emu.get(tip.payment_intent_id or "")["status"] == "succeeded"
    assert ledger.balance(ledger.helper_payable(tip.helper_id)) == ledger.balance(
        ledger.helper_payable(tip.helper_id))  # derived, readable
    kinds = [t.kind for t in db.session.execute(
        db.select(ledger.LedgerTransaction).where(
            ledger.LedgerTransaction.mission_id == mission.id)).scalars()]
    assert "tip" in kinds and "tip_transfer" in kinds
    assert ledger.unbalanced_transactions() == []
    assert reconcile.run_check().unmatched == 0
    assert "Tip of" in client.get(page).get_data(as_text=True)
    again = post_form(client, page, {"amount": "3"}, f"{page}/tip", follow_redirects=True)
    assert "already tipped" in again.get_data(as_text=True)
    # replaying the return and the webhook moves nothing
    tips.sync_checkout_session(tip.checkout_session_id or "")
    assert len(_transfers_for_tip(emu, tip)) == 1


def test_a_saved_card_is_charged_off_session(ctx: Flask, make: Factories,
                                             emu: StripeEmulator) -> None:
    mission = saved_card_mission(make, emu)
    helper = onboarded_helper(make, emu)
    booking.accept_mission(mission.id, helper)
    payment = db.session.execute(db.select(Payment).where(Payment.mission_id == mission.id)
                                 ).scalar_one()
    holds.authorize_saved(payment.id)
    missions.mark_done(started(mission).id, helper)
    confirm_completion(mission.id, mission.client)
    result = tips_flow.add_tip(mission.id, mission.client, 1000, "http://app.test/ok",
                               "http://app.test/cancel")
    assert result.redirect_url is None
    tip = result.tip
    db.session.refresh(tip)
    assert tip.method == "card_on_file" and tip.status == TipStatus.PAID
    assert [t["amount"] for t in _transfers_for_tip(emu, tip)] == [1000]
    assert reconcile.run_check().ok


def test_tips_are_refused_before_confirmation_and_out_of_bounds(
        client: FlaskClient, make: Factories, emu: StripeEmulator) -> None:
    mission = done_mission(make, emu)  # done, not confirmed yet
    login(client, mission.client.email)
    page = f"/missions/{mission.id}"
    response = post_form(client, page, {"amount": "5"}, f"{page}/tip", follow_redirects=True)
    assert "once you have confirmed" in response.get_data(as_text=True)
    confirm_completion(mission.id, mission.client)
    for amount, message in (("abc", "amount"), ("0,50", "between"), ("500", "between"),
                            ("1,234", "two decimals")):
        html = post_form(client, page, {"amount": amount}, f"{page}/tip",
                         follow_redirects=True).get_data(as_text=True)
        assert re.search(message, html, re.I), (amount, html[-2000:])
    assert db.session.execute(db.select(Tip).where(Tip.status != TipStatus.FAILED)
                              ).first() is None
    helper_client = make.helper()
    login(client, helper_client.email)
    assert post_form(client, "/missions", {"amount": "5"}, f"{page}/tip").status_code in (
        403, 404)
