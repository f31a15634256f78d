"""A hotline booking is one transaction: refused (or crashing) on its note, its caller or its
mission, it leaves no caller account, no mission and no call log behind."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from marketplace.accounts.models import User
from marketplace.accounts.services import make_operator
from marketplace.core.db import db
from marketplace.missions.lifecycle import MatchingMode
from marketplace.missions.matching.models import MissionMatching
from marketplace.missions.models import Mission
from marketplace.operators.models import CallLog
from marketplace.operators.services import hotline
from marketplace.payments.models import MissionFeeLine
from tests.missions.test_posting import valid_form
from tests.support.factories import PASSWORD
from tests.support.forms import login, post_form

TABLES = (User, Mission, CallLog, MissionMatching, MissionFeeLine)


def counts() -> dict[str, int]:
    return {model.__name__: len(db.session.execute(db.select(model)).all())
            for model in TABLES}


def booking(**extra: str) -> dict[str, str]:
    return {**valid_form(category="bricolage", price="45"), "full_name": "Jeanne Martin",
            "phone": "06 12 34 56 78", "note": "Called about a shelf", **extra}


@pytest.fixture
def operator_client(client: FlaskClient) -> FlaskClient:
    login(client, make_operator("ops@example.com", PASSWORD).email)
    return client


@pytest.mark.parametrize(("extra", "message"), [
    ({"note": "Shelf\x00fell"}, "Remove the control characters"),
    ({"note": "Ring twice\x07"}, "Remove the control characters"),
    ({"full_name": "Jeanne\x00Martin"}, "Remove the control characters"),
    ({"email": "jeanne\x00@example.com"}, ""),
    ({"phone": "call me"}, "phone number"),
    ({"price": "0.50"}, ""),
], ids=["nul-in-note", "bell-in-note", "nul-in-name", "nul-in-email", "bad-phone", "price"])
def test_a_refused_booking_writes_nothing(operator_client: FlaskClient, extra: dict[str, str],
                                          message: str) -> None:
    before = counts()
    response = post_form(operator_client, "/ops/hotline", booking(**extra))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert counts() == before


def test_a_note_the_service_refuses_writes_nothing(operator_client: FlaskClient) -> None:
    """The service's own check, whatever form sent it: no mission booked, then refused."""
    operator = db.session.execute(db.select(User).where(User.is_operator)).scalar_one()
    draft_form = booking()
    before = counts()
    with pytest.raises(hotline.DomainError):
        hotline.book_for_caller(operator, "Jeanne Martin", "0612345678", None,
                                _draft(draft_form), "x" * 2001)
    db.session.expire_all()
    assert counts() == before


def test_a_crash_while_logging_the_call_writes_nothing(operator_client: FlaskClient,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_log(**kwargs: Any) -> CallLog:
        raise RuntimeError("the call log table is gone")

    monkeypatch.setattr(hotline, "CallLog", broken_log)
    before = counts()
    response = post_form(operator_client, "/ops/hotline", booking())
    assert response.status_code == 500
    db.session.expire_all()
    assert counts() == before


def test_a_blank_note_books_with_the_default_note(operator_client: FlaskClient) -> None:
    response = post_form(operator_client, "/ops/hotline", booking(note="   "))
    assert response.status_code == 302, response.get_data(as_text=True)
    [entry] = db.session.execute(db.select(CallLog)).scalars().all()
    assert entry.note == "Booked by phone."
    mission = db.session.get(Mission, entry.mission_id)
    assert mission is not None and mission.client.full_name == "Jeanne Martin"


def test_a_successful_booking_writes_caller_mission_and_call_together(
        operator_client: FlaskClient) -> None:
    before = counts()
    assert post_form(operator_client, "/ops/hotline", booking()).status_code == 302
    db.session.expire_all()
    after = counts()
    assert after["User"] == before["User"] + 1 and after["Mission"] == before["Mission"] + 1
    assert after["CallLog"] == before["CallLog"] + 1


def test_a_call_note_the_service_refuses_is_400_on_the_mission_page(
        operator_client: FlaskClient) -> None:
    assert post_form(operator_client, "/ops/hotline", booking()).status_code == 302
    mission = db.session.execute(db.select(Mission)).scalar_one()
    page = f"/ops/hotline/{mission.id}"
    before = counts()
    response = post_form(operator_client, page, {"note": "Called\x00back"})
    assert response.status_code == 400
    assert "Remove the control characters" in response.get_data(as_text=True)
    db.session.expire_all()
    assert counts() == before


def _draft(data: dict[str, str]) -> hotline.services.MissionDraft:
    def utc(value: str) -> datetime:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M").astimezone()

    return hotline.services.MissionDraft(
        category=data["category"], title=data["title"], description=data["description"],
        address=data["address"], lat=48.91466, lng=2.287355,
        starts_at=utc(data["starts_at"]), ends_at=utc(data["ends_at"]),
        price_cents=4500, matching_mode=MatchingMode.OPERATOR)
