"""What a new user saw, fixed: a lost accept race is explained (409, back to the refreshed
list); work is marked done only once it has started; a sent review replaces its form (a
second send answers with the page); the mission page shows its timeline."""

from __future__ import annotations

from flask.testing import FlaskClient

from marketplace.core.db import db
from marketplace.flows import booking
from marketplace.flows.completion import confirm_completion
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission, Review
from marketplace.missions.services import missions as services
from stripe_emulator import StripeEmulator
from tests.support.factories import Factories, started
from tests.support.forms import login, post_form
from tests.support.money import authorized_mission


def test_a_lost_accept_race_says_another_helper_took_it(client: FlaskClient,
                                                         make: Factories) -> None:
    winner, loser = make.helper(), make.helper()
    mission = make.mission()
    login(client, loser.email)
    page = client.get(f"/missions/{mission.id}")
    assert page.status_code == 200 and "Accept this mission" in page.get_data(as_text=True)
    booking.accept_mission(mission.id, winner)  # a second earlier
    response = post_form(client, "/helper/missions", action=f"/missions/{mission.id}/accept")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Another helper took this mission a moment ago" in html
    assert 'href="/helper/missions"' in html
    db.session.refresh(mission)
    assert mission.helper_id == winner.id


def test_done_only_once_the_mission_has_started(client: FlaskClient, make: Factories) -> None:
    mission = make.mission()
    helper = make.helper()
    booking.accept_mission(mission.id, helper)
    login(client, helper.email)
    html = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert 'id="done-refusal"' in html and "once the mission has started" in html
    assert f'action="/missions/{mission.id}/done"' not in html
    response = post_form(client, "/missions", action=f"/missions/{mission.id}/done")
    assert response.status_code == 409 and "once the mission has started" in response.get_data(
        as_text=True)
    db.session.refresh(mission)
    assert mission.status == MissionStatus.ASSIGNED and mission.done_at is None

    started(mission)
    html = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert f'action="/missions/{mission.id}/done"' in html
    assert post_form(client, "/missions", action=f"/missions/{mission.id}/done"
                     ).status_code == 302
    db.session.refresh(mission)
    assert mission.status == MissionStatus.DONE and mission.done_at >= mission.starts_at
    html = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert "step-auto_confirm future" in html  # the auto-confirmation date is after the work


def test_a_sent_review_replaces_the_form(client: FlaskClient, make: Factories) -> None:
    owner = make.client()
    mission = make.mission(owner, category="coup-de-main", price_cents=0, authorized=False)
    helper = make.helper(skills=("coup-de-main",), onboarded=False)
    booking.accept_mission(mission.id, helper)
    services.mark_done(started(mission).id, helper)
    confirm_completion(mission.id, owner)
    login(client, owner.email)
    page = f"/missions/{mission.id}"
    assert "review-form" in client.get(page).get_data(as_text=True)
    data = {"stars": "4", "comment": "Quick and tidy"}
    assert post_form(client, page, data, f"{page}/review").status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "review-form" not in html and 'id="my-review"' in html and "Quick and tidy" in html
    again = post_form(client, "/missions", data, f"{page}/review", follow_redirects=True)
    assert again.status_code == 200 and "already reviewed" in again.get_data(as_text=True)
    assert len(db.session.execute(db.select(Review)).scalars().all()) == 1


def test_the_mission_page_shows_its_timeline(client: FlaskClient, make: Factories,
                                            emu: StripeEmulator) -> None:
    owner = make.client()
    mission = authorized_mission(make, emu, client=owner)
    login(client, owner.email)
    html = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert 'id="timeline"' in html
    for step in ("step-posted", "step-authorized", "step-expiry future"):
        assert step in html, step
    helper = make.helper()
    booking.accept_mission(mission.id, helper)
    html = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert "step-assigned" in html and "step-expiry" not in html
    assert db.session.get(Mission, mission.id) is not None
