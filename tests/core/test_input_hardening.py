"""Nothing a person sends breaks it: JSON into forms, huge or foreign-digit ids, dates at the
edges, blank or control-character text, sub-cent money and sub-basis-point rates, invalid
report filters. Each is a form error or a 4xx, never a 5xx, and changes no row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wtforms import Form
from wtforms.fields import (
    DateField,
    DateTimeField,
    DecimalField,
    FloatField,
    IntegerField,
    StringField,
    TimeField,
)

from marketplace.accounts.models import TimeOff, User
from marketplace.accounts.services import make_operator
from marketplace.core import forms as shared
from marketplace.core.base import utcnow
from marketplace.core.converters import MAX_ID, parse_id
from marketplace.core.dates import PARIS
from marketplace.core.db import db
from marketplace.core.forms import has_control_characters
from marketplace.core.money import MoneyFormatError, parse_major_to_cents, parse_percent_to_bps
from marketplace.missions.models import Message, Mission
from marketplace.payments.models import FeeRule, Refund
from tests.missions.test_posting import valid_form
from tests.support.factories import PASSWORD, Factories
from tests.support.forms import login, post_form

FMT = "%Y-%m-%dT%H:%M"
HUGE = "99999999999999999999"


def _counts() -> tuple[int, ...]:
    return tuple(len(db.session.execute(db.select(model.id)).all())
                 for model in (User, Mission, Message, TimeOff, FeeRule, Refund))


@pytest.fixture
def operator(client: FlaskClient) -> FlaskClient:
    make_operator("ops@example.com", PASSWORD)
    login(client, "ops@example.com")
    return client


@pytest.fixture
def signed_in(client: FlaskClient, make: Factories) -> FlaskClient:
    login(client, make.client().email)
    return client


# 1. JSON bodies -------------------------------------------------------------------------

@pytest.mark.parametrize("body", [{"email": 123, "password": 1}, {"email": ["a"]},
                                  {"email": {"x": 1}}, [1, 2], 5])
@pytest.mark.parametrize("path", ["/login", "/signup"])
def test_json_into_an_anonymous_form_is_415(client: FlaskClient, path: str,
                                            body: object) -> None:
    before = _counts()
    response = client.post(path, json=body)
    assert response.status_code == 415
    assert "form, not JSON" in response.get_data(as_text=True)
    assert _counts() == before


def test_json_into_a_signed_in_form_is_415_and_json_when_asked(signed_in: FlaskClient) -> None:
    before = _counts()
    response = signed_in.post("/missions/new", json={"title": ["x"], "price": {"a": 1}},
                              headers={"Accept": "application/json"})
    assert response.status_code == 415 and response.is_json
    assert response.get_json()["message"] == "This page takes a form, not JSON."
    assert _counts() == before


def test_the_webhook_still_reads_json(client: FlaskClient) -> None:
    response = client.post("/stripe/webhook", json={"id": "evt_1"})
    assert response.status_code != 415 and response.status_code < 500


# 2. Ids and digits ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [("1", 1), ("42", 42), (str(MAX_ID), MAX_ID),
                                             ("0", None), ("", None), ("\u00b2", None),
                                             ("\u0661\u0662", None), (str(MAX_ID + 1), None),
                                             (HUGE, None), ("-1", None), (" 1", None),
                                             (None, None), (12, None)])
def test_parse_id(text: object, value: int | None) -> None:
    assert parse_id(text) == value


@pytest.mark.parametrize("path", [f"/missions/{HUGE}", f"/missions/{MAX_ID + 1}",
                                  f"/missions/{MAX_ID}", f"/missions/{2**63 - 1}",
                                  f"/missions/{2**63}", "/missions/" + "9" * 5000,
                                  "/missions/\u0661\u0662",
                                  f"/missions/{HUGE}/helpers", f"/missions/{HUGE}/applicants"])
def test_ids_beyond_the_id_column_in_a_path_are_404(signed_in: FlaskClient, path: str) -> None:
    assert signed_in.get(path).status_code == 404


def test_ids_beyond_the_id_column_on_ops_pages_are_404(operator: FlaskClient) -> None:
    for path in (f"/ops/missions/{HUGE}/money", f"/ops/hotline/{HUGE}"):
        assert operator.get(path).status_code == 404, path
    response = post_form(operator, "/ops/fees", action=f"/ops/fees/{HUGE}/delete")
    assert response.status_code == 404


@pytest.mark.parametrize("helper_id", ["\u00b2", "\u0661", HUGE, str(MAX_ID + 1), "", "1.5", "-3"])
def test_a_helper_id_that_is_not_an_id_is_400(operator: FlaskClient, make: Factories,
                                              helper_id: str) -> None:
    mission = make.mission()
    before = (_counts(), mission.helper_id)
    page = f"/missions/{mission.id}"
    for action in ("assign", "choose"):
        response = post_form(operator, page, {"helper_id": helper_id},
                             action=f"{page}/{action}")
        assert response.status_code == 400, action
    db.session.refresh(mission)
    assert (_counts(), mission.helper_id) == before


@pytest.mark.parametrize("text", ["\u0661\u0662\u0663", "\uff11\uff12", "12.\u0665",
                                  "\u00b2", "12,5\u0660"])
def test_foreign_digits_are_not_money(text: str) -> None:
    with pytest.raises(MoneyFormatError):
        parse_major_to_cents(text)
    with pytest.raises(MoneyFormatError):
        parse_percent_to_bps(text)


def test_a_price_in_arabic_digits_is_a_form_error(signed_in: FlaskClient) -> None:
    before = _counts()
    response = post_form(signed_in, "/missions/new", valid_form(price="\u0661\u0662\u0663"))
    assert response.status_code == 400
    assert "Enter an amount" in response.get_data(as_text=True)
    assert _counts() == before


@pytest.mark.parametrize("extra", [
    {"address": "NaN"}, {"address": "inf"}, {"address": "\u0664\u0668"}, {"address": "zz"},
    {"address": "zzzz", "place": "x" * 5000}, {"address": "zzzz", "place_choice": "garbage"},
    {"address": "zzzz", "place": "eyJpZCI6MX0.AAAA.BBBB"},
    {"address": "zzzz", "lat": "48.9146", "lng": "2.2874"}])
def test_an_address_the_geocoder_does_not_know_is_refused(signed_in: FlaskClient,
                                                          extra: dict[str, str]) -> None:
    """Positions come from the geocoder: posted coordinates or forged tokens place nothing."""
    before = _counts()
    response = post_form(signed_in, "/missions/new", valid_form(**extra))
    assert response.status_code == 400
    assert _counts() == before


# 3. Dates at the edges ------------------------------------------------------------------

@pytest.mark.parametrize(("starts_at", "ends_at", "message"), [
    ("0001-01-01T00:00", "0001-01-01T02:00", "between 2000 and 2100"),
    ("9999-12-31T21:00", "9999-12-31T23:59", "between 2000 and 2100"),
    ("2099-06-01T10:00", "2099-06-01T12:00", "at most 365 days ahead"),
])
def test_mission_dates_at_the_edges(signed_in: FlaskClient, starts_at: str, ends_at: str,
                                    message: str) -> None:
    before = _counts()
    response = post_form(signed_in, "/missions/new",
                         valid_form(starts_at=starts_at, ends_at=ends_at))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _counts() == before


def test_a_mission_just_inside_the_horizon_is_accepted(signed_in: FlaskClient) -> None:
    start = (utcnow() + timedelta(days=360)).astimezone(PARIS).replace(tzinfo=None)
    response = post_form(signed_in, "/missions/new", valid_form(
        starts_at=start.strftime(FMT), ends_at=(start + timedelta(hours=2)).strftime(FMT)))
    assert response.status_code == 307


def test_hotline_dates_at_the_edges(operator: FlaskClient) -> None:
    before = _counts()
    for start, end in (("0001-01-01T00:00", "0001-01-01T02:00"),
                       ("9999-12-31T21:00", "9999-12-31T23:59"),
                       ("2099-06-01T10:00", "2099-06-01T12:00")):
        data = {**valid_form(category="bricolage", price="45", starts_at=start, ends_at=end),
                "full_name": "Jeanne Martin", "phone": "0612345678"}
        response = post_form(operator, "/ops/hotline", data)
        assert response.status_code == 400, start
    assert _counts() == before


@pytest.mark.parametrize(("starts_at", "ends_at"), [
    ("0001-01-01T00:00", "0001-01-02T00:00"), ("9999-12-30T00:00", "9999-12-31T23:59"),
    ("2000-01-01T00:00", "2000-01-02T00:00"),
])
def test_time_off_at_the_edges(client: FlaskClient, make: Factories, starts_at: str,
                               ends_at: str) -> None:
    login(client, make.helper().email)
    before = _counts()
    response = post_form(client, "/helper/availability",
                         {"off-starts_at": starts_at, "off-ends_at": ends_at})
    assert response.status_code == 400
    assert _counts() == before


def test_time_off_more_than_two_years_ahead_is_refused(client: FlaskClient,
                                                       make: Factories) -> None:
    login(client, make.helper().email)
    start = (utcnow() + timedelta(days=800)).astimezone(PARIS).replace(tzinfo=None)
    response = post_form(client, "/helper/availability", {
        "off-starts_at": start.strftime(FMT),
        "off-ends_at": (start + timedelta(days=1)).strftime(FMT)})
    assert response.status_code == 400
    assert "two years ahead" in response.get_data(as_text=True)
    assert db.session.execute(db.select(TimeOff.id)).first() is None


# 4. Text fields -------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", "   ", "This field is required"),
    ("title", "\t\u00a0 \n", "This field is required"),
    ("address", "   ", "This field is required"),
    ("description", " \r\n \r\n ", "This field is required"),
    ("title", "Mow\x00 the lawn", "control characters"),
    ("address", "3 rue\x07 des Bourguignons", "control characters"),
    ("title", "Mow\nthe lawn", "control characters"),
    ("description", "About 200 m2\x00 of lawn, mower provided.", "control characters"),
])
def test_blank_and_control_character_text_is_refused(signed_in: FlaskClient, field: str,
                                                     value: str, message: str) -> None:
    before = _counts()
    response = post_form(signed_in, "/missions/new", valid_form(**{field: value}))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _counts() == before


def test_text_is_stripped_and_multiline_text_keeps_its_lines(signed_in: FlaskClient) -> None:
    response = post_form(signed_in, "/missions/new", valid_form(
        title="  Mow the lawn  ", description="Line one,\r\n\tline two.\r\n"))
    assert response.status_code == 307
    mission = db.session.execute(db.select(Mission)).scalar_one()
    assert (mission.title, mission.description) == ("Mow the lawn", "Line one,\n\tline two.")


@pytest.mark.parametrize("override", [{"full_name": "   "}, {"full_name": "Ann\x00"},
                                      {"email": " \x00a@example.com"},
                                      {"phone": "06\x0012"},
                                      {"password": "x" * 10 + "\x00",
                                       "confirm": "x" * 10 + "\x00"}])
def test_signup_refuses_blank_and_control_characters(client: FlaskClient,
                                                     override: dict[str, str]) -> None:
    data = {"full_name": "Ann Onyme", "email": "ann@example.com", "phone": "",
            "password": PASSWORD, "confirm": PASSWORD, "as_client": "y", **override}
    before = _counts()
    response = post_form(client, "/signup", data)
    assert response.status_code in (200, 400)  # the form again, with its error
    assert 'class="error"' in response.get_data(as_text=True)
    assert _counts() == before


def test_login_with_control_characters_is_a_form_error(client: FlaskClient,
                                                       make: Factories) -> None:
    user = make.client()
    response = post_form(client, "/login", {"email": user.email + "\x00", "password": "x\x00"})
    assert response.status_code in (200, 400)
    assert client.get("/missions").status_code == 302  # still signed out


def test_hotline_caller_fields_refuse_blank_and_nul(operator: FlaskClient) -> None:
    before = _counts()
    for extra in ({"full_name": "   "}, {"phone": " \t "}, {"note": "called\x00"},
                  {"full_name": "Jeanne\x1b[31m"}):
        data = {**valid_form(category="bricolage", price="45"), "full_name": "Jeanne Martin",
                "phone": "0612345678", **extra}
        assert post_form(operator, "/ops/hotline", data).status_code == 400, extra
    assert _counts() == before


@pytest.mark.parametrize(("text", "multiline", "found"), [
    ("plain", False, False), ("a\nb", False, True), ("a\nb\tc", True, False),
    ("a\x00", True, True), ("a\x7f", True, True), ("a\x85", True, True),
    ("é ü 😀", False, False), ("\ud800", True, True)])
def test_control_characters(text: str, multiline: bool, found: bool) -> None:
    assert has_control_characters(text, multiline=multiline) is found


# 5. Money and rates typed by operators --------------------------------------------------

@pytest.mark.parametrize(("text", "bps"), [("0", 0), ("15", 1500), ("12.5", 1250),
                                           ("12,34 %", 1234), ("100", 10000), (" 7 %", 700)])
def test_parse_percent(text: str, bps: int) -> None:
    assert parse_percent_to_bps(text) == bps


@pytest.mark.parametrize("text", ["12.345", "100.01", "150", "-5", "1e2", "", "%", "NaN",
                                  "12..5", "0.001"])
def test_parse_percent_refuses(text: str) -> None:
    with pytest.raises(MoneyFormatError):
        parse_percent_to_bps(text)


@pytest.mark.parametrize(("override", "message"), [
    ({"percent": "12.345"}, "at most two decimals"),
    ({"percent": "12,345 %"}, "at most two decimals"),
    ({"percent": "\u0661\u0660"}, "Enter a percentage"),
    ({"fixed": "0.005"}, "at most two decimals"),
    ({"minimum": "2.999"}, "at most two decimals"),
    ({"cap": "1e3"}, "Enter an amount"),
    ({"fixed": "100000.01"}, "between 0 and 100000"),
    ({"helper_email": "a\x00@example.com"}, "control characters"),
])
def test_fee_rules_refuse_sub_cent_and_sub_bps(operator: FlaskClient, override: dict[str, str],
                                               message: str) -> None:
    form = {"kind": "commission", "category": "menage", "channel": "hotline",
            "percent": "12.5", "fixed": "0.50", "minimum": "2", "cap": "", **override}
    response = post_form(operator, "/ops/fees", form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.execute(db.select(FeeRule)).first() is None


def test_fee_percent_is_exact(operator: FlaskClient) -> None:
    form = {"kind": "commission", "category": "menage", "channel": "hotline",
            "percent": "12,34 %", "fixed": "0,05", "minimum": "", "cap": "10"}
    assert post_form(operator, "/ops/fees", form).status_code == 302
    rule = db.session.execute(db.select(FeeRule)).scalar_one()
    assert (rule.bps, rule.fixed_cents, rule.min_cents, rule.cap_cents) == (1234, 5, None, 1000)


@pytest.mark.parametrize(("override", "message"), [
    ({"amount": "0.015"}, "at most two decimals"),
    ({"amount": "0"}, "between 0.01 and 100000"),
    ({"amount": "\u0661"}, "Enter an amount"),
    ({"helper_part": "0.001"}, "at most two decimals"),
    ({"note": "   "}, "This field is required"),
    ({"note": "ok\x00ok"}, "control characters"),
])
def test_refund_form_refuses_sub_cents(operator: FlaskClient, make: Factories,
                                       override: dict[str, str], message: str) -> None:
    mission = make.mission()
    page = f"/ops/missions/{mission.id}/money"
    data = {"amount": "5", "helper_part": "0", "note": "Goodwill", **override}
    response = post_form(operator, page, data, action=f"/ops/missions/{mission.id}/refund")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.execute(db.select(Refund)).first() is None


def test_final_price_in_foreign_digits_is_refused(client: FlaskClient, make: Factories) -> None:
    helper = make.helper()
    mission = make.mission()
    mission.helper_id = helper.id
    db.session.commit()
    login(client, helper.email)
    page = f"/missions/{mission.id}"
    response = post_form(client, page, {"final_price": "\u0663\u0660"},
                         action=f"{page}/final-price", follow_redirects=True)
    assert response.status_code == 200
    assert "Enter an amount" in response.get_data(as_text=True)


# 6. Report filters ----------------------------------------------------------------------

@pytest.mark.parametrize("query", ["until=9999-12-31", "since=0001-01-01", "since=garbage",
                                   "since=2026-05-01&until=2026-04-01", "channel=fax",
                                   "category=astrology", "operator=not-an-email",
                                   "helper=%00@example.com"])
def test_invalid_report_filters_are_errors_with_no_rows(operator: FlaskClient,
                                                        query: str) -> None:
    page = operator.get(f"/ops/commissions?{query}")
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert 'class="error"' in text and 'class="commission-row"' not in text
    csv = operator.get(f"/ops/commissions.csv?{query}")
    assert csv.status_code == 400 and csv.mimetype == "text/plain"
    assert csv.get_data(as_text=True).startswith("Invalid filter")


def test_valid_report_filters_still_work(operator: FlaskClient) -> None:
    assert operator.get("/ops/commissions?since=2026-01-01&until=2026-12-31").status_code == 200
    csv = operator.get("/ops/commissions.csv?since=2026-01-01")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"


# Every form uses the shared fields ------------------------------------------------------

def _all_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


def test_every_text_number_date_field_of_every_form_is_a_shared_one(app: Flask) -> None:
    """A raw StringField, DecimalField or DateField would skip the stripping, the control
    character check, the money parser or the year bounds of `marketplace/core/forms.py`."""
    raw = (StringField, DecimalField, DateField, DateTimeField, IntegerField, FloatField)
    ours = (TimeField,  # hours and minutes: nothing to overflow, nothing to strip
            *(v for v in vars(shared).values() if isinstance(v, type)
              and issubclass(v, raw) and v.__module__ == shared.__name__))
    offenders = []
    for form in _all_subclasses(Form):
        if not form.__module__.startswith("marketplace."):
            continue
        for name in dir(form):
            unbound = getattr(form, name)
            field_class = getattr(unbound, "field_class", None)
            if (isinstance(field_class, type) and issubclass(field_class, raw)
                    and not issubclass(field_class, ours)):
                offenders.append(f"{form.__module__}.{form.__name__}.{name}")
    assert offenders == []
    assert len([f for f in _all_subclasses(Form) if f.__module__.startswith("marketplace.")]) > 15


@pytest.mark.parametrize("session_id", ["cs_test\x00", "x" * 5000, "cs_\u0661", "'; --"])
def test_a_checkout_return_with_a_strange_session_id_is_404(client: FlaskClient,
                                                            make: Factories,
                                                            session_id: str) -> None:
    mission = make.mission(authorized=False)
    login(client, mission.client.email)
    response = client.get(f"/missions/{mission.id}/checkout/return",
                          query_string={"session_id": session_id})
    assert response.status_code == 404
