"""Everybody sees and touches only their own things."""

from __future__ import annotations

from flask.testing import FlaskClient

from marketplace.core.db import db
from marketplace.flows import booking
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.services import missions as services
from marketplace.payments.models import Payout
from marketplace.payments.status import PayoutStatus
from tests.support.factories import Factories, started
from tests.support.forms import login, post_form


def test_another_clients_mission_is_not_found(client: FlaskClient, make: Factories) -> None:
    owner, other = make.client(), make.client()
    mission = make.mission(owner, authorized=False)
    login(client, other.email)
    assert client.get(f"/missions/{mission.id}").status_code == 404
    token_page = "/missions"
    for action in ("pay", "confirm"):
        response = post_form(client, token_page, action=f"/missions/{mission.id}/{action}")
        assert response.status_code == 404, action


def test_a_client_cannot_confirm_someone_elses_mission(client: FlaskClient,
                                                       make: Factories) -> None:
    owner, other, helper = make.client(), make.client(), make.helper()
    mission = make.mission(owner)
    booking.accept_mission(mission.id, helper)
    started(mission)
    services.mark_done(mission.id, helper)
    login(client, other.email)
    response = post_form(client, "/missions", action=f"/missions/{mission.id}/confirm")
    assert response.status_code == 404
    db.session.refresh(mission)
    assert mission.status == MissionStatus.DONE


def test_a_helper_cannot_mark_done_a_mission_they_do_not_hold(client: FlaskClient,
                                                              make: Factories) -> None:
    holder, intruder = make.helper(), make.helper()
    mission = make.mission()
    booking.accept_mission(mission.id, holder)
    login(client, intruder.email)
    response = post_form(client, "/missions", action=f"/missions/{mission.id}/done")
    assert response.status_code == 404
    db.session.refresh(mission)
    assert mission.status == MissionStatus.ASSIGNED


def test_helpers_see_only_their_own_payouts(client: FlaskClient, make: Factories) -> None:
    mine, theirs = make.helper(), make.helper()
    for helper, title in ((mine, "My job"), (theirs, "Their job")):
        mission = make.mission()
        mission.title = title
        mission.helper_id = helper.id
        db.session.add(Payout(mission_id=mission.id, payment_id=_payment_id(mission.id),
                              helper_id=helper.id, amount_cents=1000, currency="eur",
                              status=PayoutStatus.SCHEDULED, release_after=mission.starts_at))
    db.session.commit()
    login(client, mine.email)
    page = client.get("/helper/payouts").get_data(as_text=True)
    assert "My job" in page and "Their job" not in page


def _payment_id(mission_id: int) -> int:
    from marketplace.payments.models import Payment

    return db.session.execute(
        db.select(Payment.id).where(Payment.mission_id == mission_id)).scalar_one()


def test_non_operators_get_403_on_the_console(client: FlaskClient, make: Factories) -> None:
    login(client, make.client().email)
    assert client.get("/ops/commissions").status_code == 403


def test_clients_cannot_open_helper_pages(client: FlaskClient, make: Factories) -> None:
    login(client, make.client().email)
    assert client.get("/helper/missions").status_code == 403
    assert client.get("/helper/payouts").status_code == 403


def test_a_helper_cannot_accept_before_payout_setup(client: FlaskClient,
                                                    make: Factories) -> None:
    helper = make.helper(onboarded=False)
    mission = make.mission()
    login(client, helper.email)
    response = post_form(client, "/missions", action=f"/missions/{mission.id}/accept")
    assert response.status_code == 403
    assert "payout setup" in response.get_data(as_text=True)
    db.session.refresh(mission)
    assert mission.status == MissionStatus.OPEN
