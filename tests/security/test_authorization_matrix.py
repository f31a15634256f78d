"""Who may call what: every rule of the URL map, times seven personas, times its methods.

One table (`TABLE`) says, for every (rule, method), on which object the route is called, the
form data that gets a request past validation to the authorization check, and the expected
outcome for each persona, in the order of `PERSONAS`:

    anon   nobody signed in
    owner  the client who owns the object, or the helper it concerns
    same   another user of the owner's role (another client, another helper)
    other  the other role: the mission's counterpart when there is one (its helper for a
           client's mission, its client for a helper's), else the world's other main user
    susp   a suspended user: the owner, or the operator on /ops rows, signed in and then
           suspended (their session must stop working)
    op     an operator
    stranger  an unrelated user of the other role (a helper with nothing to do with a
           client's mission, a client for a helper's), as `other` is the counterpart

Outcomes: `ok` allowed past authorization (any 2xx/3xx but a redirect to sign-in, and
400/402/409/422: a refused form or a business rule, not a refused person); `403`; `404`;
`in` redirected to sign-in; `out` shown the door (sign-in redirect or 403). A 5xx is never
expected. A persona expected to be refused must also leave every row of the database as it
was, and so must every GET (safe methods change nothing). `test_every_rule_has_a_row`
walks `app.url_map`: a new route without a row fails it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from marketplace.accounts.models import User
from stripe_emulator import StripeEmulator
from tests.security.world import World, diff, sign_in, snapshot, suspend
from tests.support.factories import Factories
from tests.support.places import HOME

PERSONAS = ("anon", "owner", "same", "other", "susp", "op", "stranger")
SKIPPED_METHODS = {"HEAD", "OPTIONS"}

Path = Callable[[World], str]


@dataclass(frozen=True)
class Row:
    path: Path
    expect: str  # seven outcomes, in the order of PERSONAS
    owner: str = "client"  # the owner's role: "client", "helper" (or "new_helper")
    data: dict[str, Any] = field(default_factory=dict)
    suspended: str = "owner"  # whom the suspended persona is: "owner" or "operator"
    safe: bool = True  # a GET changes no row (False: a return URL that syncs from Stripe)

    def outcomes(self) -> dict[str, str]:
        codes = self.expect.split()
        assert len(codes) == len(PERSONAS), self.expect
        return dict(zip(PERSONAS, codes, strict=True))


def fixed(path: str) -> Path:
    return lambda w: path


PUBLIC = "ok ok ok ok ok ok ok"
SIGNED_IN = "in ok ok ok out ok ok"
HELPER_PAGE = "in ok ok 403 out 403 403"
OPS = "in 403 403 403 out ok 403"
CLIENT_ONLY = "in ok 404 404 out 404 404"  # the client's own action on their mission
HELPER_ONLY = "in ok 404 404 out 404 404"  # the assigned helper's own action (login_required)
SELLER_ONLY = "in ok 404 404 out 404 404"  # a campaign's seller: anyone else, operators too, 404


def ops(path: Path, data: dict[str, Any] | None = None, owner: str = "client") -> Row:
    return Row(path, OPS, owner=owner, data=data or {}, suspended="operator")


REASON = {"reason": "Plans changed, sorry"}
NOTE = {"note": "Checked with both sides"}
PROFILE = {"address": HOME, "radius_km": "5", "skills": ["bricolage"],
           "bio": "Handy"}

TABLE: dict[tuple[str, str], Row] = {
    # public
    ("/", "GET"): Row(fixed("/"), PUBLIC),
    ("/healthz", "GET"): Row(fixed("/healthz"), PUBLIC),
    ("/readyz", "GET"): Row(fixed("/readyz"), PUBLIC),
    ("/manifest.webmanifest", "GET"): Row(fixed("/manifest.webmanifest"), PUBLIC),
    ("/sw.js", "GET"): Row(fixed("/sw.js"), PUBLIC),
    ("/offline", "GET"): Row(fixed("/offline"), PUBLIC),
    ("/static/<path:filename>", "GET"): Row(fixed("/static/entraide.css"), PUBLIC),
    ("/stripe/webhook", "POST"): Row(fixed("/stripe/webhook"), PUBLIC),  # its signature: 400
    ("/login", "GET"): Row(fixed("/login"), PUBLIC),
    ("/login", "POST"): Row(fixed("/login"), PUBLIC,
                            data={"email": "nobody@example.com", "password": "wrong-password"}),
    ("/signup", "GET"): Row(fixed("/signup"), PUBLIC),
    ("/signup", "POST"): Row(fixed("/signup"), PUBLIC),
    ("/language", "POST"): Row(fixed("/language"), PUBLIC, data={"locale": "en", "next": "/"}),
    # a link that is not ours: 400 for everyone (the token, not a session, is the key)
    ("/signup/confirm/<token>", "GET"): Row(fixed("/signup/confirm/not-a-token"), PUBLIC),
    ("/signup/confirm/<token>", "POST"): Row(fixed("/signup/confirm/not-a-token"), PUBLIC,
                                             data={"password": "a long password"}),
    # part of signing in: whoever asks is sent back to the sign-in page (an email goes out
    # only for the account whose right password was just typed)
    ("/login/confirm-again", "POST"): Row(fixed("/login/confirm-again"), "in in in in in in in"),
    # the phone caller's payment link: public, the token is the key (a GET marks it opened;
    # the return page syncs from Stripe); an unknown or used link is 410 for everyone
    ("/pay/<token>", "GET"): Row(lambda w: f"/pay/{w.payment_link_token}", PUBLIC, safe=False),
    ("/pay/<token>", "POST"): Row(lambda w: f"/pay/{w.payment_link_token}", PUBLIC),
    ("/pay/<token>/done", "GET"): Row(lambda w: f"/pay/{w.payment_link_token}/done", PUBLIC,
                                      safe=False),
    ("/pay/claim/<token>", "GET"): Row(fixed("/pay/claim/not-a-token"), PUBLIC),
    ("/pay/claim/<token>", "POST"): Row(fixed("/pay/claim/not-a-token"), PUBLIC,
                                        data={"password": "a long password"}),
    # the development mailbox: 404 for everyone outside development
    ("/dev/mailbox", "GET"): Row(fixed("/dev/mailbox"), "404 404 404 404 404 404 404"),
    # any signed-in person, on their own things
    ("/privacy", "GET"): Row(fixed("/privacy"), PUBLIC),
    ("/password/forgot", "GET"): Row(fixed("/password/forgot"), PUBLIC),
    ("/password/forgot", "POST"): Row(fixed("/password/forgot"), PUBLIC,
                                      data={"email": "nobody@example.com"}),
    # links that are not ours: 400 for everyone (the token, not a session, is the key)
    ("/password/reset/<token>", "GET"): Row(fixed("/password/reset/not-a-token"), PUBLIC),
    ("/password/reset/<token>", "POST"): Row(fixed("/password/reset/not-a-token"), PUBLIC,
                                             data={"password": "a long password",
                                                   "confirm": "a long password"}),
    ("/account/email/confirm/<token>", "GET"): Row(fixed("/account/email/confirm/not-a-token"),
                                                   PUBLIC),
    ("/account/email/confirm/<token>", "POST"): Row(
        fixed("/account/email/confirm/not-a-token"), PUBLIC),
    # the account page's actions (each needs the current password: a wrong one here)
    ("/account/password", "POST"): Row(fixed("/account/password"), SIGNED_IN, data={
        "current": "wrong password", "password": "a long password",
        "confirm": "a long password"}),
    ("/account/email", "POST"): Row(fixed("/account/email"), SIGNED_IN, data={
        "current": "wrong password", "email": "elsewhere@example.com"}),
    ("/account/confirm-email", "POST"): Row(fixed("/account/confirm-email"), SIGNED_IN),
    ("/account/export", "POST"): Row(fixed("/account/export"), SIGNED_IN),
    ("/account/delete", "POST"): Row(fixed("/account/delete"), SIGNED_IN, data={
        "current": "wrong password", "understood": "y"}),
    # public profiles: a helper's for anyone signed in, a client's for helpers and operators
    ("/helpers/<int:user_id>", "GET"): Row(lambda w: f"/helpers/{w.helper.id}", SIGNED_IN,
                                           owner="helper"),
    ("/clients/<int:user_id>", "GET"): Row(lambda w: f"/clients/{w.client.id}",
                                           "in ok 404 ok out ok ok"),
    ("/logout", "POST"): Row(fixed("/logout"), SIGNED_IN),
    ("/account", "GET"): Row(fixed("/account"), SIGNED_IN),
    ("/account/sign-out-everywhere", "POST"): Row(fixed("/account/sign-out-everywhere"),
                                                  SIGNED_IN),
    ("/missions", "GET"): Row(fixed("/missions"), SIGNED_IN),
    ("/missions/new", "GET"): Row(fixed("/missions/new"), SIGNED_IN),
    ("/missions/new", "POST"): Row(fixed("/missions/new"), SIGNED_IN),
    ("/notifications", "GET"): Row(fixed("/notifications"), SIGNED_IN),
    ("/notifications/read", "POST"): Row(fixed("/notifications/read"), SIGNED_IN),
    ("/notifications/settings", "GET"): Row(fixed("/notifications/settings"), SIGNED_IN),
    ("/notifications/settings", "POST"): Row(fixed("/notifications/settings"), SIGNED_IN,
                                             data={"locale": "fr", "email_enabled": "y"}),
    ("/helper/profile", "GET"): Row(fixed("/helper/profile"), SIGNED_IN, owner="helper"),
    # address suggestions for the page script (JSON; signed-in people only)
    ("/places/suggest", "GET"): Row(fixed("/places/suggest?q=rue+de+la+station"), SIGNED_IN),
    ("/places/reverse", "GET"): Row(fixed("/places/reverse?lat=48.9107&lon=2.2855"), SIGNED_IN),
    ("/helper/profile", "POST"): Row(fixed("/helper/profile"), SIGNED_IN, owner="helper",
                                     data=PROFILE),
    ("/users/<int:user_id>/reviews", "GET"): Row(
        lambda w: f"/users/{w.helper.id}/reviews", SIGNED_IN, owner="helper"),
    # helper pages (their own payouts, availability, onboarding)
    ("/helper/missions", "GET"): Row(fixed("/helper/missions"), HELPER_PAGE, owner="helper"),
    ("/helper/availability", "GET"): Row(fixed("/helper/availability"), HELPER_PAGE,
                                         owner="helper"),
    ("/helper/availability", "POST"): Row(
        fixed("/helper/availability"), HELPER_PAGE, owner="helper",
        data={"slot-csrf_token": "{csrf}", "slot-weekday": "1", "slot-start": "09:00",
              "slot-end": "11:00"}),
    ("/helper/availability/<kind>/<int:row_id>/delete", "POST"): Row(
        lambda w: f"/helper/availability/slot/{w.slot_id}/delete", "in ok 404 403 out 403 403",
        owner="helper"),
    ("/helper/payouts", "GET"): Row(fixed("/helper/payouts"), HELPER_PAGE, owner="helper"),
    ("/helper/payouts/bank", "POST"): Row(fixed("/helper/payouts/bank"), HELPER_PAGE,
                                          owner="helper"),
    ("/helper/payouts/setup", "GET"): Row(fixed("/helper/payouts/setup"), HELPER_PAGE,
                                          owner="helper"),
    # owner: a helper whose payout account does not exist yet (the POST creates it)
    ("/helper/payouts/setup/start", "POST"): Row(fixed("/helper/payouts/setup/start"),
                                                 HELPER_PAGE, owner="new_helper"),
    ("/helper/payouts/setup/refresh", "GET"): Row(fixed("/helper/payouts/setup/refresh"),
                                                  HELPER_PAGE, owner="helper"),
    ("/helper/payouts/setup/return", "GET"): Row(fixed("/helper/payouts/setup/return"),
                                                 HELPER_PAGE, owner="helper"),
    # a client's mission (other = its helper)
    ("/missions/<int:mission_id>", "GET"): Row(
        lambda w: f"/missions/{w.assigned_mission.id}", "in ok 404 ok out ok 404"),
    ("/missions/<int:mission_id>/pay", "POST"): Row(
        lambda w: f"/missions/{w.pending_mission.id}/pay", CLIENT_ONLY),
    ("/missions/<int:mission_id>/checkout/return", "GET"): Row(
        lambda w: f"/missions/{w.open_mission.id}/checkout/return"
                  f"?session_id={w.checkout_session_id}", CLIENT_ONLY),
    ("/missions/<int:mission_id>/helpers", "GET"): Row(
        lambda w: f"/missions/{w.open_mission.id}/helpers", "in ok 404 404 out ok 404"),
    ("/missions/<int:mission_id>/applicants", "GET"): Row(
        lambda w: f"/missions/{w.choose_mission.id}/applicants", "in ok 404 404 out ok 404"),
    ("/missions/<int:mission_id>/choose", "POST"): Row(
        lambda w: f"/missions/{w.choose_mission.id}/choose", CLIENT_ONLY,
        data={"helper_id": "{helper}"}),
    ("/missions/<int:mission_id>/assign", "POST"): Row(
        lambda w: f"/missions/{w.operator_mission.id}/assign", OPS, suspended="operator",
        data={"helper_id": "{helper}"}),
    ("/missions/<int:mission_id>/confirm", "POST"): Row(
        lambda w: f"/missions/{w.done_mission.id}/confirm", CLIENT_ONLY),
    ("/missions/<int:mission_id>/cancel", "POST"): Row(
        lambda w: f"/missions/{w.assigned_mission.id}/cancel", CLIENT_ONLY, data=REASON),
    ("/missions/<int:mission_id>/dispute", "POST"): Row(
        lambda w: f"/missions/{w.done_mission.id}/dispute", CLIENT_ONLY,
        data={"problem": "The shelf fell again"}),
    ("/missions/<int:mission_id>/final-price/<answer>", "POST"): Row(
        lambda w: f"/missions/{w.proposal_mission.id}/final-price/decline", CLIENT_ONLY),
    ("/missions/<int:mission_id>/messages", "GET"): Row(
        lambda w: f"/missions/{w.assigned_mission.id}/messages", "in ok 404 ok out ok 404"),
    ("/missions/<int:mission_id>/messages", "POST"): Row(
        lambda w: f"/missions/{w.assigned_mission.id}/messages", "in ok 404 ok out ok 404",
        data={"body": "See you tomorrow"}),
    ("/missions/<int:mission_id>/review", "POST"): Row(
        lambda w: f"/missions/{w.completed_mission.id}/review", "in ok 404 ok out 404 404",
        data={"stars": "5", "comment": "Great"}),
    # the client's tip on their completed mission (other = its helper: not a client)
    ("/missions/<int:mission_id>/tip", "POST"): Row(
        lambda w: f"/missions/{w.completed_mission.id}/tip", "in ok 404 403 out 403 403",
        data={"amount": "5"}),
    ("/missions/<int:mission_id>/tip/return", "GET"): Row(
        lambda w: f"/missions/{w.completed_mission.id}/tip/return?session_id="
                  f"{w.tip_session_id}", "in ok 404 403 out 403 403", safe=False),
    # a helper's side of a mission (other = its client)
    ("/missions/<int:mission_id>/apply", "POST"): Row(
        lambda w: f"/missions/{w.choose_mission.id}/apply", HELPER_PAGE, owner="helper",
        data={"message": "Available all day"}),
    ("/missions/<int:mission_id>/accept", "POST"): Row(
        lambda w: f"/missions/{w.open_mission.id}/accept", HELPER_PAGE, owner="helper"),
    ("/missions/<int:mission_id>/done", "POST"): Row(
        lambda w: f"/missions/{w.assigned_mission.id}/done", "in ok 404 403 out 403 403",
        owner="helper"),
    ("/missions/<int:mission_id>/withdraw", "POST"): Row(
        lambda w: f"/missions/{w.assigned_mission.id}/withdraw", HELPER_ONLY, owner="helper",
        data=REASON),
    ("/missions/<int:mission_id>/final-price", "POST"): Row(
        lambda w: f"/missions/{w.done_mission.id}/final-price", HELPER_ONLY, owner="helper",
        data={"final_price": "40.00"}),
    # group purchases: any signed-in neighbour reads and joins; the seller (owner: the
    # helper, whose Express account the campaign pays) alone edits and sees participants
    ("/group-purchases", "GET"): Row(fixed(f"/group-purchases?address={HOME}"), SIGNED_IN),
    ("/group-purchases/mine", "GET"): Row(fixed("/group-purchases/mine"), SIGNED_IN),
    ("/group-purchases/<int:campaign_id>", "GET"): Row(
        lambda w: f"/group-purchases/{w.campaign.id}", SIGNED_IN, owner="helper"),
    ("/group-purchases/<int:campaign_id>/photo", "GET"): Row(
        lambda w: f"/group-purchases/{w.campaign.id}/photo", SIGNED_IN, owner="helper"),
    ("/group-purchases/<int:campaign_id>/join", "POST"): Row(
        lambda w: f"/group-purchases/{w.campaign.id}/join", SIGNED_IN, owner="helper",
        data={"quantity": "2"}),
    # a session that is not the caller's order's: 404 for everyone
    ("/group-purchases/<int:campaign_id>/checkout/return", "GET"): Row(
        lambda w: f"/group-purchases/{w.campaign.id}/checkout/return?session_id=cs_not_ours",
        "in 404 404 404 out 404 404", owner="helper", safe=False),
    # the participant's own order (owner: the client, who joined; the seller and anyone
    # without an order here get 404, so nobody acts on another's order)
    ("/group-purchases/<int:campaign_id>/withdraw", "POST"): Row(
        lambda w: f"/group-purchases/{w.campaign_with_order.id}/withdraw", CLIENT_ONLY),
    ("/group-purchases/<int:campaign_id>/pay", "POST"): Row(
        lambda w: f"/group-purchases/{w.campaign_with_order.id}/pay", CLIENT_ONLY),
    ("/group-purchases/<int:campaign_id>/received", "POST"): Row(
        lambda w: f"/group-purchases/{w.campaign_with_order.id}/received", CLIENT_ONLY),
    ("/group-purchases/<int:campaign_id>/dispute", "POST"): Row(
        lambda w: f"/group-purchases/{w.campaign_with_order.id}/dispute", CLIENT_ONLY,
        data={"problem": "Never received"}),
    ("/sell", "GET"): Row(fixed("/sell"), SIGNED_IN, owner="helper"),
    ("/sell/setup", "POST"): Row(fixed("/sell/setup"), SIGNED_IN, owner="new_helper"),
    ("/sell/setup/refresh", "GET"): Row(fixed("/sell/setup/refresh"), SIGNED_IN,
                                        owner="helper"),
    ("/sell/setup/return", "GET"): Row(fixed("/sell/setup/return"), SIGNED_IN, owner="helper",
                                       safe=False),
    ("/sell/campaigns/new", "GET"): Row(fixed("/sell/campaigns/new"), SIGNED_IN,
                                        owner="helper"),
    ("/sell/campaigns/new", "POST"): Row(fixed("/sell/campaigns/new"), SIGNED_IN,
                                         owner="helper"),
    ("/sell/campaigns/<int:campaign_id>/edit", "GET"): Row(
        lambda w: f"/sell/campaigns/{w.campaign.id}/edit", SELLER_ONLY, owner="helper"),
    ("/sell/campaigns/<int:campaign_id>/edit", "POST"): Row(
        lambda w: f"/sell/campaigns/{w.campaign.id}/edit", SELLER_ONLY, owner="helper"),
    ("/sell/campaigns/<int:campaign_id>/participants", "GET"): Row(
        lambda w: f"/sell/campaigns/{w.campaign.id}/participants", SELLER_ONLY,
        owner="helper"),
    ("/sell/campaigns/<int:campaign_id>/orders/<int:order_id>/handover", "POST"): Row(
        lambda w: f"/sell/campaigns/{w.campaign.id}/orders/{w.group_order_id}/handover",
        SELLER_ONLY, owner="helper"),
    ("/ops/campaigns", "GET"): ops(fixed("/ops/campaigns?state=open")),
    ("/ops/campaigns/<int:campaign_id>", "GET"): ops(lambda w: f"/ops/campaigns/{w.campaign.id}"),
    # a split without its amount: the form refuses it (400) once past authorization
    ("/ops/campaigns/disputes/<int:dispute_id>/resolve", "POST"): ops(
        lambda w: f"/ops/campaigns/disputes/{w.group_dispute_id}/resolve",
        {"resolution": "split", **NOTE}),
    # the operators' console
    ("/ops/audit", "GET"): ops(fixed("/ops/audit")),
    ("/ops/commissions", "GET"): ops(fixed("/ops/commissions")),
    ("/ops/commissions.csv", "GET"): ops(fixed("/ops/commissions.csv")),
    ("/ops/health", "GET"): ops(fixed("/ops/health")),
    ("/ops/matching", "GET"): ops(fixed("/ops/matching")),
    ("/ops/queues", "GET"): ops(fixed("/ops/queues")),
    ("/ops/notifications/failed", "GET"): ops(fixed("/ops/notifications/failed")),
    ("/ops/notifications/<int:delivery_id>/retry", "POST"): ops(
        lambda w: f"/ops/notifications/{w.delivery_id}/retry"),
    ("/ops/fees", "GET"): ops(fixed("/ops/fees")),
    ("/ops/fees", "POST"): ops(fixed("/ops/fees"), {"kind": "commission", "percent": "12"}),
    ("/ops/fees/<int:rule_id>/delete", "POST"): ops(lambda w: f"/ops/fees/{w.fee_rule_id}/delete"),
    ("/ops/ledger", "GET"): ops(fixed("/ops/ledger")),
    ("/ops/ledger", "POST"): ops(fixed("/ops/ledger")),
    ("/ops/hotline", "GET"): ops(fixed("/ops/hotline")),
    ("/ops/hotline", "POST"): ops(fixed("/ops/hotline")),
    ("/ops/hotline/<int:mission_id>", "GET"): ops(
        lambda w: f"/ops/hotline/{w.assigned_mission.id}"),
    ("/ops/hotline/<int:mission_id>", "POST"): ops(
        lambda w: f"/ops/hotline/{w.assigned_mission.id}", {"note": "Called the client"}),
    ("/ops/hotline/<int:mission_id>/payment-link", "POST"): ops(
        lambda w: f"/ops/hotline/{w.pending_mission.id}/payment-link"),
    ("/ops/missions/<int:mission_id>/money", "GET"): ops(
        lambda w: f"/ops/missions/{w.completed_mission.id}/money"),
    ("/ops/missions/<int:mission_id>/refund", "POST"): ops(
        lambda w: f"/ops/missions/{w.completed_mission.id}/refund",
        {"amount": "10.00", "helper_part": "0", **NOTE}),
    ("/ops/disputes/<int:dispute_id>/resolve", "POST"): ops(
        lambda w: f"/ops/disputes/{w.dispute_id}/resolve", {"resolution": "release", **NOTE}),
    ("/ops/webhooks/<int:stored_id>/retry", "POST"): ops(
        lambda w: f"/ops/webhooks/{w.dead_event_id}/retry"),
    ("/ops/payouts/<int:payout_id>/retry", "POST"): ops(
        lambda w: f"/ops/payouts/{w.payout_id}/retry", owner="helper"),
    ("/ops/receivables/<int:receivable_id>/retry", "POST"): ops(
        lambda w: f"/ops/receivables/{w.receivable_id}/retry"),
    ("/ops/receivables/<int:receivable_id>/write-off", "POST"): ops(
        lambda w: f"/ops/receivables/{w.receivable_id}/write-off", NOTE),
    ("/ops/users", "GET"): ops(fixed("/ops/users?q=example")),
    ("/ops/users/<int:user_id>", "GET"): ops(lambda w: f"/ops/users/{w.client.id}"),
    ("/ops/users/<int:user_id>/suspend", "POST"): ops(
        lambda w: f"/ops/users/{w.client.id}/suspend", {"reason": "Abusive messages"}),
    ("/ops/users/<int:user_id>/reinstate", "POST"): ops(
        lambda w: f"/ops/users/{w.suspended_client.id}/reinstate", NOTE),
    ("/ops/reviews/<int:review_id>/hide", "POST"): ops(
        lambda w: f"/ops/reviews/{w.review_id}/hide", NOTE, owner="helper"),
}


def url_map_keys(app: Flask) -> set[tuple[str, str]]:
    """The site's rules; the API's (/api/v1, bearer tokens) have their own matrix beside
    this one (test_api_authorization_matrix.py)."""
    return {(rule.rule, method) for rule in app.url_map.iter_rules()
            if not rule.rule.startswith("/api/")
            for method in (rule.methods or set()) - SKIPPED_METHODS}


def test_every_rule_has_a_row(app: Flask) -> None:
    """The matrix covers the whole URL map: 100 % of (rule, method), no stale rows."""
    routes = url_map_keys(app)
    missing, stale = sorted(routes - TABLE.keys()), sorted(TABLE.keys() - routes)
    covered = len(routes & TABLE.keys())
    print(f"\nauthorization matrix: {covered}/{len(routes)} (rule, method) pairs covered "
          f"({len({r for r, _ in routes})} rules), {len(TABLE) * len(PERSONAS)} cases")
    assert not missing, f"routes without a row in the authorization table: {missing}"
    assert not stale, f"rows for routes that no longer exist: {stale}"


def persona_user(world: World, row: Row, persona: str) -> User | None:
    owner, peer = {"client": (world.client, world.client2),
                   "helper": (world.helper, world.helper2),
                   "new_helper": (world.new_helper, world.helper2)}[row.owner]
    counterpart, stranger = ((world.helper, world.helper2) if row.owner == "client"
                             else (world.client, world.client2))
    return {
        "anon": None, "owner": owner, "same": peer, "other": counterpart,
        "susp": world.operator if row.suspended == "operator" else owner,
        "op": world.operator, "stranger": stranger,
    }[persona]


def outcome(response: TestResponse) -> str:
    code = response.status_code
    if code >= 500:
        return f"5xx ({code})"
    if code in (301, 302, 303, 307, 308) and urlparse(response.location).path == "/login":
        return "in"
    if code == 401:
        return "in"
    if code in (403, 404):
        return str(code)
    return "ok"


def matches(expected: str, actual: str) -> bool:
    return actual in ("in", "403") if expected == "out" else actual == expected


def form_data(world: World, row: Row, token: str) -> dict[str, Any]:
    """The row's data with its placeholders filled: {helper} (the helper's id), {csrf}."""
    fills = {"{helper}": lambda: str(world.helper.id), "{csrf}": lambda: token}
    return {k: fills[v]() if isinstance(v, str) and v in fills else v
            for k, v in row.data.items()}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("rule", "method"), sorted(TABLE), ids=lambda v: v)
def test_authorization(ctx: Flask, make: Factories, emu: StripeEmulator, rule: str,
                       method: str, persona: str) -> None:
    row, world = TABLE[(rule, method)], World(make, emu)
    expected = row.outcomes()[persona]
    user = persona_user(world, row, persona)
    path = row.path(world)  # builds the object first
    web = ctx.test_client()
    token = sign_in(web, user)
    data = form_data(world, row, token)
    if persona == "susp" and user is not None:
        suspend(user)
    before = snapshot()
    if method == "GET":
        response = web.get(path)
    else:
        response = web.post(path, data={"csrf_token": token, **data})
    actual = outcome(response)
    body = response.get_data()[:300].decode(errors="replace")  # a photo is bytes
    response.close()
    assert not actual.startswith("5xx"), f"{method} {path} as {persona}: {actual}\n{body}"
    assert matches(expected, actual), (
        f"{method} {path} as {persona}: expected {expected}, got {actual} "
        f"({response.status_code} {response.location or ''})\n{body}")
    if expected != "ok" or (method == "GET" and row.safe):
        changed = diff(before, snapshot())
        why = "was refused" if expected != "ok" else "is a GET"
        assert not changed, f"{method} {path} as {persona} {why} but changed {changed}"
