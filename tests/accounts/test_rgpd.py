"""Issue 12, RGPD: download my data (mine, not others'), delete my account (refused while
something is open, with the reason; otherwise personal data erased, money records and the
ledger kept, `flask ledger check` still balancing), and the privacy page."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskClient

from marketplace.accounts import availability
from marketplace.accounts.models import AvailabilitySlot, HelperProfile, HelperSkill, User
from marketplace.core.db import db
from marketplace.core.models import AuditEntry
from marketplace.flows.account_erasure import DELETED_NAME, deleted_email
from marketplace.flows.completion import confirm_completion
from marketplace.missions.models import Message, Mission
from marketplace.notifications.models import Notification
from marketplace.payments import ledger
from marketplace.payments.models import Payment, Payout
from stripe_emulator import StripeEmulator
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login, post_form
from tests.support.money import done_mission, release_now


def _signed_in(ctx: Flask, user: User) -> FlaskClient:
    web = ctx.test_client()
    login(web, user.email)
    return web


def _export(web: FlaskClient) -> dict:  # type: ignore[type-arg]
    response = post_form(web, "/account", action="/account/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))  # type: ignore[no-any-return]


def _delete(web: FlaskClient, password: str = PASSWORD) -> tuple[int, str]:
    response = post_form(web, "/account", {"current": password, "understood": "y"},
                         action="/account/delete")
    return response.status_code, response.get_data(as_text=True)


# Download my data -------------------------------------------------------------------------

def test_export_holds_my_missions_and_not_others(ctx: Flask, make: Factories) -> None:
    me, someone = make.client(), make.client()
    mine = make.mission(me)
    theirs = make.mission(someone)
    db.session.add(Message(mission_id=mine.id, author_id=me.id, body="Code 1234 at the door"))
    db.session.add(Message(mission_id=theirs.id, author_id=someone.id, body="Not yours"))
    db.session.commit()
    data = _export(_signed_in(ctx, me))
    assert data["profile"]["email"] == me.email
    assert [m["id"] for m in data["missions"]] == [mine.id]
    assert data["missions"][0]["address"] == mine.address
    assert [m["body"] for m in data["messages"]] == ["Code 1234 at the door"]
    assert {p["mission_id"] for p in data["money"]["payments"]} == {mine.id}
    assert "notifications" in data and "audit" in data
    assert "Not yours" not in json.dumps(data)  # nothing of the other client


def test_export_of_a_helper_holds_profile_skills_availability_and_payouts(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = done_mission(make, emu, price_cents=4500)
    helper = mission.helper
    assert helper is not None and helper.helper_profile is not None
    availability.add_slot(helper.helper_profile, 1, 9 * 60, 12 * 60)
    confirm_completion(mission.id, mission.client)
    data = _export(_signed_in(ctx, helper))
    assert data["helper_profile"]["skills"] == ["bricolage"]
    assert data["helper_profile"]["availability"] == [
        {"weekday": 1, "start_minute": 540, "end_minute": 720}]
    [row] = data["missions"]
    assert row["id"] == mission.id and row["role"] == "helper"
    assert row["address"] is None  # the client's address is not the helper's data
    assert [p["mission_id"] for p in data["money"]["payouts"]] == [mission.id]


def test_export_needs_a_session_and_the_form(client: FlaskClient) -> None:
    assert client.post("/account/export").status_code in (302, 400)


# Delete my account ------------------------------------------------------------------------

def test_deletion_is_refused_while_a_mission_is_open_with_the_reason(
        ctx: Flask, make: Factories) -> None:
    me = make.client()
    make.mission(me)
    code, page = _delete(_signed_in(ctx, me))
    assert code == 409
    assert "cannot be deleted yet" in page and "1 mission(s) still in progress" in page
    db.session.refresh(me)
    assert me.deleted_at is None and me.full_name == "Client"


def test_deletion_needs_the_password_and_the_box(ctx: Flask, make: Factories) -> None:
    me = make.client()
    web = _signed_in(ctx, me)
    assert _delete(web, "not my password")[0] == 400
    unticked = post_form(web, "/account", {"current": PASSWORD}, action="/account/delete")
    assert unticked.status_code == 400
    db.session.refresh(me)
    assert me.deleted_at is None


def test_deleted_accounts_data_is_gone_and_the_ledger_still_balances(
        ctx: Flask, make: Factories, emu: StripeEmulator) -> None:
    mission = done_mission(make, emu, price_cents=4500)
    client, helper = mission.client, mission.helper
    assert helper is not None
    confirm_completion(mission.id, client)
    payout = db.session.execute(db.select(Payout)).scalar_one()
    release_now(payout.id)
    db.session.add_all([Message(mission_id=mission.id, author_id=client.id, body="My code"),
                        Message(mission_id=mission.id, author_id=helper.id, body="Thanks")])
    db.session.commit()
    before = ctx.test_cli_runner().invoke(args=["ledger", "check"])
    assert before.exit_code == 0, before.output
    transactions = ledger.count_transactions()

    client_web, helper_web = _signed_in(ctx, client), _signed_in(ctx, helper)
    assert _delete(client_web)[0] == 302
    assert _delete(helper_web)[0] == 302

    for user, web in ((client, client_web), (helper, helper_web)):
        db.session.refresh(user)
        assert user.full_name == DELETED_NAME and user.email == deleted_email(user.id)
        assert user.phone is None and user.deleted_at is not None
        assert web.get("/account").status_code == 302  # the session ended
        assert db.session.execute(db.select(Notification).where(
            Notification.user_id == user.id)).first() is None
        assert db.session.execute(db.select(AuditEntry).where(
            AuditEntry.action == "account.deleted",
            AuditEntry.object_id == str(user.id))).first() is not None
    post_form(ctx.test_client(), "/login", {"email": deleted_email(client.id),
                                            "password": PASSWORD})
    assert ctx.test_client().get("/account").status_code == 302
    db.session.refresh(mission)
    assert mission.address == "" and mission.description == ""
    bodies = db.session.execute(db.select(Message.body).order_by(Message.id)).scalars().all()
    assert bodies == ["", ""]
    assert db.session.execute(db.select(HelperProfile)).first() is None
    assert db.session.execute(db.select(HelperSkill)).first() is None
    assert db.session.execute(db.select(AvailabilitySlot)).first() is None
    # money records and the ledger are kept, and still balance
    assert db.session.execute(db.select(Payment)).scalar_one().mission_id == mission.id
    assert db.session.execute(db.select(Payout)).scalar_one().helper_id == helper.id
    assert ledger.count_transactions() == transactions
    after = ctx.test_cli_runner().invoke(args=["ledger", "check"])
    assert after.exit_code == 0, after.output
    assert after.output.strip().splitlines()[-1] == before.output.strip().splitlines()[-1]
    assert db.session.get(Mission, mission.id) is not None


def test_the_same_person_cannot_sign_in_again_with_the_old_password(
        ctx: Flask, make: Factories) -> None:
    me = make.client("leaving@example.com")
    assert _delete(_signed_in(ctx, me))[0] == 302
    response = post_form(ctx.test_client(), "/login",
                         {"email": "leaving@example.com", "password": PASSWORD})
    assert response.status_code == 200 and "Wrong email or password." in \
        response.get_data(as_text=True)
    # the address is free for a new sign-up
    assert db.session.execute(db.select(User).where(
        User.email == "leaving@example.com")).first() is None


# Privacy page -----------------------------------------------------------------------------

def test_privacy_page_says_what_why_how_long_and_rights(client: FlaskClient) -> None:
    page = client.get("/privacy").get_data(as_text=True)
    for words in ("What we keep", "How long", "10 years", "Your rights", "Download my data",
                  "CNIL"):
        assert words in page
    assert 'href="/privacy"' in client.get("/login").get_data(as_text=True)  # the footer


def test_account_page_offers_export_and_deletion_and_says_what_is_kept(
        ctx: Flask, make: Factories) -> None:
    page = _signed_in(ctx, make.client()).get("/account").get_data(as_text=True)
    assert "Download my data" in page and "Delete my account" in page
    assert "10 years" in page
