"""Hostile input on every form: never a 5xx, and a refused request changes no row.

For every form route, the fields are discovered by rendering the page that shows the form
(the <input>/<select>/<textarea> names of the <form> posting to the route) and filled by
Hypothesis with wrong types, huge and empty strings, whitespace only, unicode digits ("١٢٣",
"²"), NUL and other control characters, edge numbers (-1, 0, 2**63, 1e309, NaN), edge dates
(0001-01-01T00:00, 9999-12-31T23:59) and ids beyond 64 bits, signed in as the persona the form
is for, with a valid CSRF token. Each request must answer below 500; when it answers 4xx
every table keeps its row count; and whatever it stores holds no NUL and no whitespace-only
text. JSON bodies, ids in paths and a few targeted edges (report filters, operator money
amounts, dates) have their own tests below.

The default run draws a few examples per route (`FAST`); `-m slow` runs the long one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

from marketplace.accounts.models import User
from marketplace.extensions import limiter
from tests.security.world import World, row_counts, sign_in, snapshot
from tests.support.places import ADDRESS, HOME

# -- the forms -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormRoute:
    action: Callable[[World], str]  # where the form posts
    page: Callable[[World], str]  # the page that renders it (GET)
    persona: str  # "anon", "client", "helper" or "operator"
    fallback: tuple[str, ...] = ()  # fields, should the page not render the form


def same(path: Callable[[World], str]) -> tuple[Callable[[World], str], Callable[[World], str]]:
    return path, path


FORMS: dict[str, FormRoute] = {
    "login": FormRoute(*same(lambda w: "/login"), "anon"),
    "signup": FormRoute(*same(lambda w: "/signup"), "anon"),
    "new mission": FormRoute(*same(lambda w: "/missions/new"), "client"),
    "helper profile": FormRoute(*same(lambda w: "/helper/profile"), "helper"),
    "availability": FormRoute(*same(lambda w: "/helper/availability"), "helper"),
    "notification settings": FormRoute(*same(lambda w: "/notifications/settings"), "client"),
    "message": FormRoute(*same(lambda w: f"/missions/{w.assigned_mission.id}/messages"),
                         "client"),
    "cancel": FormRoute(lambda w: f"/missions/{w.assigned_mission.id}/cancel",
                        lambda w: f"/missions/{w.assigned_mission.id}", "client", ("reason",)),
    "withdraw": FormRoute(lambda w: f"/missions/{w.assigned_mission.id}/withdraw",
                          lambda w: f"/missions/{w.assigned_mission.id}", "helper",
                          ("reason",)),
    "dispute": FormRoute(lambda w: f"/missions/{w.done_mission.id}/dispute",
                         lambda w: f"/missions/{w.done_mission.id}", "client", ("problem",)),
    "final price": FormRoute(lambda w: f"/missions/{w.done_mission.id}/final-price",
                             lambda w: f"/missions/{w.done_mission.id}", "helper",
                             ("final_price",)),
    "review": FormRoute(lambda w: f"/missions/{w.completed_mission.id}/review",
                        lambda w: f"/missions/{w.completed_mission.id}", "client",
                        ("stars", "comment")),
    "apply": FormRoute(lambda w: f"/missions/{w.choose_mission.id}/apply",
                       lambda w: "/helper/missions", "helper", ("message",)),
    "choose": FormRoute(lambda w: f"/missions/{w.choose_mission.id}/choose",
                        lambda w: f"/missions/{w.choose_mission.id}/applicants", "client",
                        ("helper_id",)),
    "assign": FormRoute(lambda w: f"/missions/{w.operator_mission.id}/assign",
                        lambda w: f"/missions/{w.operator_mission.id}/helpers", "operator",
                        ("helper_id",)),
    "fee rule": FormRoute(*same(lambda w: "/ops/fees"), "operator"),
    "hotline booking": FormRoute(*same(lambda w: "/ops/hotline"), "operator"),
    "hotline call log": FormRoute(*same(lambda w: f"/ops/hotline/{w.assigned_mission.id}"),
                                  "operator"),
    "refund": FormRoute(lambda w: f"/ops/missions/{w.completed_mission.id}/refund",
                        lambda w: f"/ops/missions/{w.completed_mission.id}/money", "operator",
                        ("amount", "helper_part", "note")),
    "dispute resolution": FormRoute(
        lambda w: f"/ops/disputes/{w.dispute_id}/resolve",
        lambda w: f"/ops/missions/{w.done_mission.id}/money", "operator",
        ("resolution", "helper_amount", "client_amount", "note")),
    "receivable write-off": FormRoute(
        lambda w: f"/ops/receivables/{w.receivable_id}/write-off", lambda w: "/ops/queues",
        "operator", ("note",)),
    "forgot password": FormRoute(*same(lambda w: "/password/forgot"), "anon"),
    "change password": FormRoute(lambda w: "/account/password", lambda w: "/account", "client"),
    "change email": FormRoute(lambda w: "/account/email", lambda w: "/account", "client"),
    "delete account": FormRoute(lambda w: "/account/delete", lambda w: "/account", "client"),
    "suspend user": FormRoute(lambda w: f"/ops/users/{w.client.id}/suspend",
                              lambda w: f"/ops/users/{w.client.id}", "operator", ("reason",)),
    "hide review": FormRoute(lambda w: f"/ops/reviews/{w.review_id}/hide",
                             lambda w: f"/users/{w.helper.id}/reviews", "operator", ("note",)),
}


class _Fields(HTMLParser):
    """Names of the fields of the <form> whose action is `action` (or the page itself)."""

    def __init__(self, action: str, page: str) -> None:
        super().__init__()
        self.action, self.page = action, page
        self.inside = False
        self.names: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "form":
            target = (attr.get("action") or self.page).split("?")[0]
            self.inside = target == self.action
        elif self.inside and tag in ("input", "select", "textarea"):
            name = attr.get("name")
            if name and name != "csrf_token" and attr.get("type") != "submit" \
                    and name not in self.names:
                self.names.append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def discover(web: FlaskClient, route: FormRoute, world: World) -> tuple[str, list[str]]:
    action, page = route.action(world), route.page(world)
    parser = _Fields(action.split("?")[0], page.split("?")[0])
    parser.feed(web.get(page).get_data(as_text=True))
    return action, parser.names or list(route.fallback)


def persona(world: World, name: str) -> User | None:
    return {"anon": None, "client": world.client, "helper": world.helper,
            "operator": world.operator}[name]


# -- hostile values --------------------------------------------------------------------------

EDGES = [
    "", " ", "   ", "\t\n ", "\u00a0", "\u3000", "\x00", "a\x00b", "\x01\x02\x1b", "\x7f",
    "١٢٣", "\u0664\u0665\u066b\u0665\u0660", "²", "¹²³", "Ⅻ", "\uff11\uff12",
    "-1", "0", "-0", "00", "1", "0.001", "10.005",
    str(2**63), str(2**63 - 1), str(2**64 + 1), str(10**30), "-" + str(2**63), "1e309",
    "-1e309", "1e-400", "NaN", "nan", "inf", "-Infinity", "0x10", "1_000", "12,50", "12.5.5",
    "0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01", "9999-12-31", "2026-02-30T10:00",
    "2026-13-01T25:61", "00:00", "24:00", "23:59:60", "true", "on", "None", "[]", "{}",
    "<script>alert(1)</script>", "' OR 1=1 --", "é😀\u202e\u200b", "x" * 5000,
]
HUGE = "y" * 300_000
EVERY_FIELD = ["a\x00b", "   ", str(2**64), "\u0661\u0662\u0663", "0001-01-01T00:00"]

values = (st.sampled_from(EDGES) | st.text(max_size=30)
          | st.integers(min_value=-(2**80), max_value=2**80).map(str)
          | st.floats().map(str) | st.just(HUGE))
field_values = values | st.lists(values, min_size=2, max_size=3)


def form_payloads(names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={name: field_values for name in names})


# The default run: a few examples per form, the same ones every run (derandomized), no
# shrinking; the long run (-m slow) draws at random and shrinks.
FAST = settings(max_examples=6, deadline=None, database=None, derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(FAST, max_examples=300, phases=list(Phase), derandomize=False)


# -- the checks ------------------------------------------------------------------------------


def _bad_text(value: object) -> bool:
    return isinstance(value, str) and (
        "\x00" in value or (value != "" and value.strip() == "")
        or any(c in value for c in "\x01\x02\x1b\x7f"))


def check(web: FlaskClient, method: str, path: str, quiet: bool = False, **kw: Any) -> int:
    """One request: below 500; a 4xx changes no row count; nothing stored has NUL or is
    whitespace-only."""
    limiter.reset()
    before = snapshot()  # the row counts are this snapshot's (reading every table once)
    counts = {name: len(rows) for name, rows in before.items()}
    response = web.open(path, method=method, **kw)
    code = response.status_code
    body = response.get_data(as_text=True)[:200]
    response.close()
    sent = {k: (v[:80] if isinstance(v, str) else v) for k, v in (kw.get("data") or {}).items()
            if k != "csrf_token"} if isinstance(kw.get("data"), dict) else kw.get("json")
    if quiet:
        sent = "..."
    assert code < 500, f"{method} {path} {sent!r}: {code}\n{body}"
    after = snapshot()
    counts_after = {name: len(rows) for name, rows in after.items()}
    if 400 <= code < 500:
        assert counts_after == counts, f"{method} {path} {sent!r} answered {code} but " \
            f"changed rows: {_changed_counts(counts, counts_after)}"
    stored = [(table, row) for table, rows in after.items() for row in rows
              if row not in before.get(table, []) and any(_bad_text(v) for v in row)]
    assert not stored, f"{method} {path} {sent!r} stored NUL/control/whitespace-only " \
        f"text: {stored[:2]}"
    return code


def _changed_counts(a: dict[str, int], b: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {t: (a.get(t, 0), b.get(t, 0)) for t in set(a) | set(b) if a.get(t) != b.get(t)}


def _signed_in(ctx: Flask, world: World, route: FormRoute) -> tuple[FlaskClient, str]:
    user = persona(world, route.persona)
    route.action(world)  # build the object before signing in
    web = ctx.test_client()
    return web, sign_in(web, user)


def fuzz_form(ctx: Flask, world: World, name: str, payload_settings: settings) -> None:
    route = FORMS[name]
    web, token = _signed_in(ctx, world, route)
    action, names = discover(web, route, world)
    assert names, f"{name}: no field found on {route.page(world)}"

    tokens = {n: token for n in ["csrf_token", *names] if n.endswith("csrf_token")}
    names = [n for n in names if n not in tokens]  # a prefixed form's token: kept valid

    @payload_settings
    @given(data=form_payloads(names))
    def run(data: dict[str, Any]) -> None:
        check(web, "POST", action, data={**tokens, **data})

    # Explicit examples first: each value in every field at once, in EVERY_FIELD's order
    # (Hypothesis runs the last-applied first; an accepted one may change what follows).
    for value in reversed(EVERY_FIELD):
        run = example(data=dict.fromkeys(names, value))(run)
    run()


@pytest.mark.parametrize("name", sorted(FORMS))
def test_form_fuzzing(ctx: Flask, world: World, name: str) -> None:
    fuzz_form(ctx, world, name, FAST)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FORMS))
def test_form_fuzzing_long(ctx: Flask, world: World, name: str) -> None:
    fuzz_form(ctx, world, name, SLOW)


JSON_BODIES: list[Any] = [{"email": 123}, {"email": ["a@b.c"], "password": None}, [], [1, 2],
                          "text", 12, None, {"csrf_token": 5}, {"helper_id": 2**64}]


@pytest.mark.parametrize("name", sorted(FORMS))
def test_json_bodies_on_form_routes(ctx: Flask, world: World, name: str) -> None:
    """A JSON body where a form is expected is a 4xx (no CSRF form token), never a 5xx."""
    route = FORMS[name]
    web, token = _signed_in(ctx, world, route)
    for body in JSON_BODIES:
        check(web, "POST", route.action(world), json=body)
        if isinstance(body, dict):  # with the token in a header too
            check(web, "POST", route.action(world), json=body,
                  headers={"X-CSRFToken": token})


# -- ids in paths and fields -----------------------------------------------------------------

# Valid values for every action form, so that validation does not answer before the lookup.
ANY_FORM = {"reason": "Plans changed", "problem": "Not finished", "note": "Checked it",
            "body": "Hello", "message": "I can come", "stars": "5", "comment": "Fine",
            "final_price": "10", "amount": "1", "helper_part": "0", "resolution": "release"}
HUGE_IDS = [str(2**63), str(2**64), str(10**30), "١٢٣", "٩" * 25]


def int_rules(app: Flask) -> list[tuple[str, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            out.extend((rule.rule, m) for m in sorted((rule.methods or set()) - {"HEAD",
                                                                                 "OPTIONS"}))
    return sorted(out)


def fill(rule: str, value: str) -> str:
    path = rule
    for part in ("<int:mission_id>", "<int:user_id>", "<int:row_id>", "<int:rule_id>",
                 "<int:dispute_id>", "<int:delivery_id>", "<int:payout_id>",
                 "<int:receivable_id>", "<int:review_id>"):
        path = path.replace(part, value)
    return path.replace("<kind>", "slot").replace("<answer>", "accept")


def test_huge_ids_in_paths(ctx: Flask, world: World) -> None:
    """Every rule with an <int:...> part, with ids beyond 64 bits (and unicode digits),
    as an operator who is also a client and a helper (so no role check stops it first)."""
    rules = int_rules(ctx)
    assert rules, "no rule with an integer part"
    user = world.operator
    user.is_client = user.is_helper = True
    from marketplace.accounts import services as accounts

    accounts.save_helper_profile(user, lat=48.91, lng=2.28, radius_km=5, skills=("bricolage",))
    web = ctx.test_client()
    token = sign_in(web, user)
    failures = []
    for rule, method in rules:
        for value in HUGE_IDS:
            path = fill(rule, value)
            try:
                check(web, method, path, quiet=True,
                      data={"csrf_token": token, **ANY_FORM} if method == "POST" else None)
            except AssertionError as exc:
                failures.append(str(exc).splitlines()[0][:160])
    assert not failures, f"{len(failures)} requests failed:\n" + "\n".join(failures)


ID_FIELD_VALUES = [str(2**63), str(2**64), "²", "¹", "١٢٣", "-1", "0", " 1", "1e3", ""]


@pytest.mark.parametrize("name", ["choose", "assign"])
def test_helper_id_fields(ctx: Flask, world: World, name: str) -> None:
    route = FORMS[name]
    web, token = _signed_in(ctx, world, route)
    failures = []
    for value in ID_FIELD_VALUES:
        try:
            check(web, "POST", route.action(world), data={"csrf_token": token,
                                                          "helper_id": value})
        except AssertionError as exc:
            failures.append(f"helper_id={value!r}: {str(exc).splitlines()[0][:160]}")
    assert not failures, "\n".join(failures)


# -- targeted edges (each one a rule a fix must keep) -----------------------------------------

EDGE_DATES = ["0001-01-01T00:00", "9999-12-31T23:59"]
MISSION = {"category": "bricolage", "title": "Fix a shelf", "description": "Two shelves to fix",
           "address": ADDRESS, "price": "45",
           "matching_mode": "instant", "starts_at": "2030-01-01T10:00",
           "ends_at": "2030-01-01T12:00"}
HOTLINE = {**MISSION, "full_name": "Jeanne Caller", "phone": "+33600000000",
           "email": "caller@example.com", "note": "Called at 9", "matching_mode": "operator"}


@pytest.mark.parametrize("date", EDGE_DATES)
@pytest.mark.parametrize("field_name", ["starts_at", "ends_at"])
@pytest.mark.parametrize("form", ["new mission", "hotline booking"])
def test_edge_dates_in_mission_forms(ctx: Flask, world: World, form: str, field_name: str,
                                     date: str) -> None:
    route = FORMS[form]
    web, token = _signed_in(ctx, world, route)
    base = MISSION if form == "new mission" else HOTLINE
    code = check(web, "POST", route.action(world),
                 data={"csrf_token": token, **base, field_name: date})
    assert 400 <= code < 500, f"{field_name}={date} was accepted ({code})"


@pytest.mark.parametrize("date", EDGE_DATES)
@pytest.mark.parametrize("field_name", ["off-starts_at", "off-ends_at"])
def test_edge_dates_in_time_off(ctx: Flask, world: World, field_name: str, date: str) -> None:
    route = FORMS["availability"]
    web, token = _signed_in(ctx, world, route)
    data = {"off-starts_at": "2030-01-01T10:00", "off-ends_at": "2030-01-02T10:00",
            field_name: date}
    check(web, "POST", route.action(world), data={"csrf_token": token,
                                                  "off-csrf_token": token, **data})


REPORT_FILTERS = [{"since": "0001-01-01"}, {"until": "9999-12-31"},
                  {"since": "0001-01-01", "until": "9999-12-31"}, {"since": "not a date"},
                  {"until": "2026-02-30"}, {"channel": "carrier-pigeon"},
                  {"category": "\x00"}, {"helper": "not-an-email"}, {"since": "²"}]


@pytest.mark.parametrize("path", ["/ops/commissions", "/ops/commissions.csv"])
@pytest.mark.parametrize("query", REPORT_FILTERS, ids=repr)
def test_commission_report_filters(ctx: Flask, world: World, path: str,
                                   query: dict[str, str]) -> None:
    """Edge dates answer (no 5xx); an invalid filter is refused with a 400, not ignored
    (an ignored filter silently reports on everything)."""
    web = ctx.test_client()
    sign_in(web, world.operator)
    code = check(web, "GET", path, query_string=query)
    valid = query.keys() <= {"since", "until"} and all(
        v[:1].isdigit() and v not in ("2026-02-30",) for v in query.values())
    if not valid:
        assert code == 400, f"{path}?{query} was not refused ({code})"


MONEY_FORMS = {
    "fee rule": ("fixed", {"kind": "commission", "percent": "12", "category": "",
                           "channel": ""}),
    "refund": ("amount", {"amount": "5", "helper_part": "0", "note": "Client asked"}),
    "dispute resolution": ("helper_amount", {"resolution": "split", "helper_amount": "20",
                                             "client_amount": "18.25", "note": "Both agreed"}),
}


@pytest.mark.parametrize("form", sorted(MONEY_FORMS))
def test_money_baselines_are_accepted(ctx: Flask, world: World, form: str) -> None:
    """The valid submission each money edge below starts from goes through (so a 400 there
    is the edge's doing)."""
    route = FORMS[form]
    web, token = _signed_in(ctx, world, route)
    assert check(web, "POST", route.action(world),
                 data={"csrf_token": token, **MONEY_FORMS[form][1]}) == 302


REPORT_FIELDS = ["since", "until", "category", "channel", "operator", "helper"]


def fuzz_report(world: World, ctx: Flask, payload_settings: settings) -> None:
    web = ctx.test_client()
    sign_in(web, world.operator)
    fields = discover(web, FormRoute(*same(lambda w: "/ops/commissions"), "operator"), world)[1]
    assert set(fields) >= set(REPORT_FIELDS), fields

    @payload_settings
    @given(query=st.fixed_dictionaries({}, optional={f: values for f in fields}),
           path=st.sampled_from(["/ops/commissions", "/ops/commissions.csv"]))
    def run(query: dict[str, str], path: str) -> None:
        check(web, "GET", path, query_string={k: v[:2000] for k, v in query.items()})

    run()


def test_report_filter_fuzzing(ctx: Flask, world: World) -> None:
    """The commission report's filters (a GET form) take the same hostile values."""
    fuzz_report(world, ctx, settings(FAST, max_examples=20))


@pytest.mark.slow
def test_report_filter_fuzzing_long(ctx: Flask, world: World) -> None:
    fuzz_report(world, ctx, SLOW)


# Each edge would pass for the baseline's amount if read loosely (rounded, exponent, other
# digits): 5.005 rounds to 5.00, 2e1 is 20, "٢٠" is 20 to int().
MONEY_EDGES = {
    "fee rule": ["0.005", "1e2", "\u0661\u0660", "NaN", "1e309", "-0.00", "١٢٣"],
    "refund": ["5.005", "4.999", "5e0", "\u0665", "NaN", "5.0000001"],
    "dispute resolution": ["20.004", "2e1", "\u0662\u0660", "NaN", "20.0000001"],
}


@pytest.mark.parametrize(("form", "value"), [(f, v) for f in sorted(MONEY_EDGES)
                                             for v in MONEY_EDGES[f]])
def test_operator_money_inputs_use_the_one_parser(ctx: Flask, world: World, form: str,
                                                  value: str) -> None:
    """Operator amounts are read like every amount (`parse_major_to_cents`): sub-cents,
    exponents, NaN and non-ASCII digits are refused with a 400, never rounded."""
    route = FORMS[form]
    web, token = _signed_in(ctx, world, route)
    field_name, base = MONEY_FORMS[form]
    code = check(web, "POST", route.action(world),
                 data={"csrf_token": token, **base, field_name: value})
    assert code == 400, f"{form}: {field_name}={value!r} answered {code}"


# 40 € in other digits: a valid amount for every form below (and lower than the booked
# 45 € for the final price), were it read as a number.
PRICE_EDGES = ["\u0664\u0660", "\uff14\uff10", "\u0664\u0660,\u0665\u0660", "4\u0660", "²",
               "40²"]
PRICE_FORMS = {
    "new mission": ("price", MISSION),
    "hotline booking": ("price", HOTLINE),
    "final price": ("final_price", {"final_price": "40"}),
}


@pytest.mark.parametrize("value", PRICE_EDGES, ids=ascii)
@pytest.mark.parametrize("form", sorted(PRICE_FORMS))
def test_prices_take_ascii_digits_only(ctx: Flask, world: World, form: str,
                                       value: str) -> None:
    """A price in other digits (Arabic-Indic, full-width, superscripts) is refused with a
    400 by the one money parser, never read as a number nor answered with a 5xx."""
    route = FORMS[form]
    web, token = _signed_in(ctx, world, route)
    field_name, base = PRICE_FORMS[form]
    counts = row_counts()
    code = check(web, "POST", route.action(world),
                 data={"csrf_token": token, **base, field_name: value})
    refused = 400 <= code < 500 if form != "final price" else row_counts() == counts
    assert refused, f"{form}: {field_name}={value!r} was accepted ({code})"


BLANK = ["   ", "\t\n", "a\x00b", "\x00\x00\x00"]
TEXT_FORMS = {
    "message": ("body", {"body": "Hello"}),
    "cancel": ("reason", {"reason": "Plans changed"}),
    "withdraw": ("reason", {"reason": "Plans changed"}),
    "review": ("comment", {"stars": "5", "comment": "Great"}),
    "new mission": ("title", MISSION),
    "signup": ("full_name", {"full_name": "Jeanne", "email": "jeanne@example.com",
                             "password": "correct horse battery",
                             "confirm": "correct horse battery", "as_client": "y"}),
    "dispute": ("problem", {"problem": "Not finished"}),
    "apply": ("message", {"message": "I can come"}),
    "hide review": ("note", {"note": "Abusive"}),
    "receivable write-off": ("note", {"note": "Moved abroad"}),
    "hotline call log": ("note", {"note": "Called back"}),
    "hotline booking": ("note", HOTLINE),
    "refund": ("note", {"amount": "5", "helper_part": "0", "note": "Client asked"}),
}


@pytest.mark.parametrize("value", BLANK, ids=repr)
@pytest.mark.parametrize("form", sorted(TEXT_FORMS))
def test_blank_or_nul_text_is_refused(ctx: Flask, world: World, form: str,
                                      value: str) -> None:
    """Whitespace-only or NUL-bearing text stores nothing (the invariant in `check`)."""
    route = FORMS[form]
    web, token = _signed_in(ctx, world, route)
    field_name, base = TEXT_FORMS[form]
    check(web, "POST", route.action(world), data={"csrf_token": token, **base,
                                                  field_name: value})


def test_the_hotline_writes_all_or_nothing(ctx: Flask, world: World) -> None:
    """A booking refused for its note books nothing (no caller account, no mission)."""
    route = FORMS["hotline booking"]
    web, token = _signed_in(ctx, world, route)
    problems = []
    for note in ["x" * 5000, "\x00", "a\x00b", "   ", "\u202e" * 600]:
        counts = row_counts()
        response = web.post(route.action(world), data={"csrf_token": token, **HOTLINE,
                                                       "note": note})
        code, after = response.status_code, row_counts()
        response.close()
        if code >= 500:
            problems.append(f"note={note[:8]!r}: {code}")
        if code != 302 and after != counts:  # refused (or broken) yet something was written
            problems.append(f"note={note[:8]!r}: {code} but wrote "
                            f"{_changed_counts(counts, after)}")
        if code == 302 and _bad_text(note):
            problems.append(f"note={note[:8]!r}: booked with a NUL/blank note")
    assert not problems, "\n".join(problems)


def test_helper_profile_can_be_saved_twice(ctx: Flask, world: World) -> None:
    web, token = _signed_in(ctx, world, FORMS["helper profile"])
    data = {"csrf_token": token, "address": HOME, "radius_km": "5",
            "skills": ["bricolage", "montage-meubles"], "bio": "Handy"}
    for _ in range(2):
        assert check(web, "POST", "/helper/profile", data=data) == 302

