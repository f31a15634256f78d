"""Messaging (parties and operators only, escaped, length-limited; third parties get 404;
contact details only once assigned) and reviews (after confirmation, once each, blind,
7-day window, averages, operators hide with a note)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from marketplace.accounts.models import User
from marketplace.accounts.services import make_operator
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, Forbidden
from marketplace.flows import booking
from marketplace.flows.completion import confirm_completion
from marketplace.missions.models import Message, Mission, Review
from marketplace.missions.services import missions as services
from marketplace.missions.services import reviews
from tests.support.factories import PASSWORD, Factories, started
from tests.support.forms import login, post_form


def _assigned(make: Factories) -> tuple[User, User, Mission]:
    owner = make.client()
    owner.phone = "+33612345678"
    mission = make.mission(owner, category="coup-de-main", price_cents=0, authorized=False)
    helper = make.helper(skills=("coup-de-main",))
    booking.accept_mission(mission.id, helper)
    return owner, helper, mission


def _completed(make: Factories) -> tuple[User, User, Mission]:
    owner, helper, mission = _assigned(make)
    started(mission)
    services.mark_done(mission.id, helper)
    confirm_completion(mission.id, owner)
    return owner, helper, mission


def test_parties_and_operators_talk_third_parties_get_404(client: FlaskClient,
                                                          make: Factories) -> None:
    owner, helper, mission = _assigned(make)
    url = f"/missions/{mission.id}/messages"
    login(client, helper.email)
    post_form(client, url, {"body": "<script>alert(1)</script> On my way"})
    login(client, make_operator("ops@example.com", PASSWORD).email)
    post_form(client, url, {"body": "Operator here"})
    login(client, owner.email)
    page = client.get(url).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; On my way" in page and "<script>" not in page
    assert "(Entraide operator)" in page
    too_long = post_form(client, url, {"body": "x" * 2001})
    assert too_long.status_code == 400
    for stranger in (make.client(), make.helper(skills=("coup-de-main",))):
        login(client, stranger.email)
        assert client.get(url).status_code == 404
        assert client.post(url, data={"body": "hi"}).status_code in (400, 404)
    assert db.session.execute(db.select(Message.body)).scalars().all() == [
        "<script>alert(1)</script> On my way", "Operator here"]


def test_contact_details_only_once_assigned(client: FlaskClient, make: Factories) -> None:
    owner = make.client()
    owner.phone = "+33612345678"
    mission = make.mission(owner)
    helper = make.helper()
    login(client, helper.email)
    page = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert "+33612345678" not in page and mission.address not in page
    booking.accept_mission(mission.id, helper)
    page = client.get(f"/missions/{mission.id}").get_data(as_text=True)
    assert "+33612345678" in page and mission.address in page


def test_no_review_before_confirmation(client: FlaskClient, make: Factories) -> None:
    owner, _helper, mission = _assigned(make)
    with pytest.raises(Forbidden):
        reviews.submit_review(owner, mission.id, 5, "Great")


def test_reviews_are_blind_until_both_sides_then_averaged(client: FlaskClient,
                                                          make: Factories) -> None:
    owner, helper, mission = _completed(make)
    reviews.submit_review(owner, mission.id, 4, "Quick and careful")
    assert reviews.reviews_of(helper.id) == []  # blind: the helper has not reviewed yet
    with pytest.raises(Conflict):
        reviews.submit_review(owner, mission.id, 1, "Changed my mind")
    reviews.submit_review(helper, mission.id, 5, "Kind client")
    assert [r.comment for r in reviews.reviews_of(helper.id)] == ["Quick and careful"]
    assert reviews.ratings_of([helper.id, owner.id]) == {helper.id: (4.0, 1),
                                                          owner.id: (5.0, 1)}
    login(client, make.client().email)
    page = client.get(f"/users/{helper.id}/reviews").get_data(as_text=True)
    assert "4.0★ from 1 review" in page and "Quick and careful" in page


def test_window_publishes_one_sided_reviews_and_then_closes(client: FlaskClient,
                                                            make: Factories) -> None:
    owner, helper, mission = _completed(make)
    reviews.submit_review(owner, mission.id, 3, "OK")
    later = utcnow() + timedelta(days=7, minutes=1)
    assert [r.stars for r in reviews.reviews_of(helper.id, now=later)] == [3]
    with pytest.raises(Forbidden):
        reviews.submit_review(helper, mission.id, 5, "Too late", now=later)


def test_operator_hides_an_abusive_review_with_a_note(client: FlaskClient,
                                                      make: Factories) -> None:
    owner, helper, mission = _completed(make)
    reviews.submit_review(owner, mission.id, 1, "Insults")
    reviews.submit_review(helper, mission.id, 5, "Fine")
    op = make_operator("ops@example.com", PASSWORD)
    login(client, op.email)
    review = db.session.execute(db.select(Review).where(Review.author_id == owner.id)
                                ).scalar_one()
    post_form(client, f"/users/{helper.id}/reviews", {"note": "Abusive language"},
              f"/ops/reviews/{review.id}/hide")
    db.session.expire_all()
    assert reviews.reviews_of(helper.id) == []
    hidden = db.session.get(Review, review.id)
    assert hidden is not None and hidden.hidden_by_id == op.id
    assert hidden.hidden_note == "Abusive language" and hidden.hidden_at is not None


def test_a_helpers_rating_counts_only_reviews_of_their_work(client: FlaskClient,
                                                            make: Factories) -> None:
    """Someone who helps and also books help: their helper profile and their rank among
    helpers say how they work, not how they behaved as a client."""
    owner, helper, mission = _completed(make)
    reviews.submit_review(owner, mission.id, 5, "Careful work")
    reviews.submit_review(helper, mission.id, 4, "Kind client")
    helper.is_client = True
    db.session.commit()
    as_client = make.mission(helper, category="coup-de-main", price_cents=0, authorized=False)
    other = make.helper(skills=("coup-de-main",))
    booking.accept_mission(as_client.id, other)
    started(as_client)
    services.mark_done(as_client.id, other)
    confirm_completion(as_client.id, helper)
    reviews.submit_review(other, as_client.id, 1, "Never answered the door")
    reviews.submit_review(helper, as_client.id, 5, "Thanks")
    assert reviews.ratings_of([helper.id]) == {helper.id: (3.0, 2)}
    assert reviews.ratings_of([helper.id], as_role="helper") == {helper.id: (5.0, 1)}
    login(client, make.client().email)
    page = client.get(f"/helpers/{helper.id}").get_data(as_text=True)
    assert "Careful work" in page and "Never answered the door" not in page
