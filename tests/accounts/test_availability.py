"""A helper sets weekly slots and time off on their page; a slot on another day or time
off during the mission takes them out of the search; another helper's slot is 404."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from flask_babel import force_locale

from marketplace.accounts import availability
from marketplace.core.db import db
from marketplace.missions.matching.eligibility import eligible_helpers
from tests.support.factories import Factories
from tests.support.forms import login, post_form

PAGE = "/helper/availability"


def test_slots_and_time_off_from_the_page(client: FlaskClient, make: Factories) -> None:
    helper = make.helper()
    mission = make.mission()
    profile = helper.helper_profile
    assert profile is not None
    login(client, helper.email)
    weekday, _ = availability.local_weekday_minute(mission.starts_at)
    other_day = (weekday + 1) % 7
    post_form(client, PAGE, {"slot-weekday": str(other_day), "slot-start": "08:00",
                             "slot-end": "12:00"})
    page = client.get(PAGE).get_data(as_text=True)
    with force_locale("en"):  # the page speaks the test client's English
        assert f"{availability.WEEKDAYS[other_day]} 08:00\u201312:00" in page
    assert eligible_helpers(mission) == []  # a slot, but not on the mission's day
    slot = availability.slots_of(profile)[0]
    post_form(client, PAGE, action=f"/helper/availability/slot/{slot.id}/delete")
    assert [pid for pid, _ in eligible_helpers(mission)] == [profile.id]
    local = mission.starts_at.astimezone(availability.PARIS)
    fmt = "%Y-%m-%dT%H:%M"
    post_form(client, PAGE, {"off-starts_at": (local - timedelta(hours=1)).strftime(fmt),
                             "off-ends_at": (local + timedelta(hours=1)).strftime(fmt)})
    db.session.expire_all()
    assert len(availability.time_off_of(profile)) == 1
    assert eligible_helpers(mission) == []


def test_bad_slot_is_a_form_error_and_others_rows_are_404(client: FlaskClient,
                                                          make: Factories) -> None:
    owner, other = make.helper(), make.helper()
    assert owner.helper_profile is not None
    slot = availability.add_slot(owner.helper_profile, 0, 600, 700)
    login(client, other.email)
    response = post_form(client, PAGE, {"slot-weekday": "0", "slot-start": "12:00",
                                        "slot-end": "09:00"})
    assert response.status_code == 400 and "start before the end" in response.get_data(
        as_text=True)
    assert post_form(client, PAGE, action=f"/helper/availability/slot/{slot.id}/delete"
                     ).status_code == 404
