"""My payouts: every row adds up for a person (gross - commission - refunded = what you
receive) and says in one line why, for a late cancellation and a dispute's split too."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from marketplace.accounts.services import make_operator
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.flows import booking
from marketplace.flows import cancellation as cancellation_flow
from marketplace.flows import disputes as dispute_flow
from marketplace.payments.services import disputes, reports
from stripe_emulator import StripeEmulator
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login
from tests.support.money import authorized_mission, done_mission, onboarded_helper


def _adds_up(row: reports.PayoutRow) -> None:
    assert row.gross_cents - row.commission_cents - row.other_cents == row.receive_cents, row


def test_a_late_cancellation_row_explains_the_fee(client: FlaskClient, ctx: Flask,
                                                 make: Factories, emu: StripeEmulator) -> None:
    mission = authorized_mission(make, emu, price_cents=4500)
    helper = onboarded_helper(make, emu)
    booking.accept_mission(mission.id, helper)
    mission.starts_at = utcnow() + timedelta(hours=5)
    mission.ends_at = mission.starts_at + timedelta(hours=2)
    db.session.commit()
    cancellation_flow.cancel_by_client(mission.id, mission.client, "Sick today")
    [row] = reports.payout_rows(helper.id)
    assert row.kind == "late_cancellation"
    assert (row.gross_cents, row.commission_cents, row.receive_cents) == (1125, 169, 956)
    _adds_up(row)
    login(client, helper.email)
    html = client.get("/helper/payouts").get_data(as_text=True)
    assert "payout-late_cancellation" in html and "Late cancellation by the client" in html


def test_a_dispute_split_row_explains_the_split(ctx: Flask, make: Factories,
                                                emu: StripeEmulator) -> None:
    mission = done_mission(make, emu, price_cents=4500)
    disputes.open_by_client(mission.id, mission.client, "Not finished")
    dispute = disputes.open_disputes()[0]
    dispute_flow.resolve(make_operator("ops@example.com", PASSWORD), dispute.id, "split", 2000,
                         "Half done", client_cents=1825)
    assert mission.helper_id is not None
    with force_locale("en"):  # the reason is written in the reader's language
        [row] = reports.payout_rows(mission.helper_id)
    assert row.kind == "dispute_split" and row.receive_cents == 2000
    _adds_up(row)
    assert row.gross_cents == 4500 - 1825  # what was kept after the client's part
    assert "went back to the client" in row.reason and "18" in row.reason
