"""Tips: after confirming, the client adds a tip (the one money parser, bounds); a saved
card is charged off-session, else a new hosted checkout; 100 % is transferred to the
helper (idempotency key from the tip row), no commission; the platform bears Stripe's fee;
the ledger balances and reconciles with Stripe; both parties and the report see it."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts.services import make_operator
from marketplace.core.db import db
from marketplace.flows import booking
from marketplace.flows import tips as tips_flow
from marketplace.flows.completion import confirm_completion
from marketplace.missions.models import Mission
from marketplace.missions.services import missions
from marketplace.payments import ledger
from marketplace.payments.models import Payment, Payout, Tip
from marketplace.payments.services import commission_report, holds, reconcile, reports, tips
from marketplace.payments.status import TipStatus
from stripe_emulator import StripeEmulator
from tests.support.factories import PASSWORD, Factories, started
from tests.support.forms import login, post_form
from tests.support.money import done_mission, onboarded_helper, release_now, saved_card_mission


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


def test_my_payouts_rows_explain_themselves(client: FlaskClient, make: Factories,
                                            emu: StripeEmulator) -> None:
    mission = _completed(make, emu)
    result = tips_flow.add_tip(mission.id, mission.client, 700, "http://app.test/ok",
                               "http://app.test/cancel")
    assert result.redirect_url
    emu.pay_checkout_session(result.tip.checkout_session_id or "")
    tips.sync_checkout_session(result.tip.checkout_session_id or "")
    payout = db.session.execute(db.select(Payout).where(Payout.mission_id == mission.id)
                                ).scalar_one()
    release_now(payout.id)
    assert mission.helper is not None
    rows = {r.kind: r for r in reports.payout_rows(mission.helper.id)}
    done, tip = rows["completed"], rows["tip"]
    assert done.gross_cents - done.commission_cents - done.other_cents == done.receive_cents
    assert done.receive_cents == payout.amount_cents and done.commission_cents > 0
    assert (tip.gross_cents, tip.commission_cents, tip.receive_cents) == (700, 0, 700)
    login(client, mission.helper.email)
    html = client.get("/helper/payouts").get_data(as_text=True)
    assert "payout-completed" in html and "payout-tip" in html
    assert "Completed mission: the price minus our commission." in html
    assert "Tip from the client: all of it is yours, no commission." in html
    assert "Tip of" in client.get(f"/missions/{mission.id}").get_data(as_text=True)


def test_the_commission_report_shows_tips_in_their_own_column(
        client: FlaskClient, make: Factories, emu: StripeEmulator) -> None:
    mission = _completed(make, emu)
    everything = commission_report.ReportFilter()
    before = commission_report.page(everything).rows[0]
    result = tips_flow.add_tip(mission.id, mission.client, 400, "http://app.test/ok",
                               "http://app.test/cancel")
    emu.pay_checkout_session(result.tip.checkout_session_id or "")
    tips.sync_checkout_session(result.tip.checkout_session_id or "")
    [row] = commission_report.page(everything).rows
    assert row.tips_cents == 400 and row.commission_cents == before.commission_cents
    assert row.net_cents == before.net_cents - (row.stripe_fee_cents - before.stripe_fee_cents)
    assert commission_report.totals(everything).tips_cents == 400
    csv_text = "".join(commission_report.csv_chunks(everything))
    header, first = (line.split(",") for line in csv_text.splitlines()[:2])
    assert first[header.index("tips_cents")] == "400"
    login(client, make_operator("ops@example.com", PASSWORD).email)
    html = client.get("/ops/commissions").get_data(as_text=True)
    assert 'id="total-tips"' in html and "Tips (to helpers)" in html
