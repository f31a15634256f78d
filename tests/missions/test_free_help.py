"""Free help (coup de main): price 0, open at once, no payment step, confirmed without
capture; paid categories still refuse a zero price and free help refuses a price."""

from __future__ import annotations

from flask.testing import FlaskClient

from marketplace.core.db import db
from marketplace.core.models import Category
from marketplace.flows import booking
from marketplace.flows.completion import confirm_completion
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.missions.services import missions as services
from marketplace.payments.models import Payment
from tests.missions.test_posting import valid_form
from tests.support.factories import Factories, started
from tests.support.forms import login, post_form


def test_categories_are_seeded_in_french_and_english(ctx: object) -> None:
    rows = {c.slug: c for c in db.session.execute(db.select(Category)).scalars()}
    assert len(rows) == 11
    assert (rows["garde-enfants"].name_fr, rows["garde-enfants"].name_en) == (
        "Garde d'enfants", "Childcare")
    assert [slug for slug, c in rows.items() if c.is_free] == ["coup-de-main"]


def test_free_help_is_open_at_once_and_completes_without_payment(
        client: FlaskClient, make: Factories) -> None:
    owner = make.client()
    login(client, owner.email)
    response = post_form(client, "/missions/new",
                         valid_form(category="coup-de-main", price="0"))
    assert response.status_code == 302 and "/pay" not in response.headers["Location"]
    mission = db.session.execute(db.select(Mission)).scalar_one()
    assert mission.status == MissionStatus.OPEN and mission.total_cents == 0
    helper = make.helper(skills=("coup-de-main",), onboarded=False)
    booking.accept_mission(mission.id, helper)
    started(mission)
    services.mark_done(mission.id, helper)
    confirm_completion(mission.id, owner)
    assert mission.status == MissionStatus.COMPLETED
    assert db.session.execute(db.select(Payment)).first() is None


def test_free_help_refuses_a_price(client: FlaskClient, make: Factories) -> None:
    login(client, make.client().email)
    response = post_form(client, "/missions/new", valid_form(category="coup-de-main",
                                                             price="20"))
    assert response.status_code == 400 and "no price" in response.get_data(as_text=True)
