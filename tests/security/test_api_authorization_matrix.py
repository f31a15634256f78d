"""Who may call what on the API: every (rule, method) under /api/v1, times six personas.

    anon     no token
    owner    the client who owns the object, or the helper it concerns
    same     another user of the owner's role (another client, another helper)
    other    the other role: the mission's counterpart when there is one
    revoked  the owner, with a token signed out (DELETE /tokens/current) before the call
    susp     the owner, signed in and then suspended

Outcomes: `ok` past authorization (2xx, or 400/409/422: a business rule, not a refused
person); `401`; `403`; `404` (ids that are not yours are 404, like ids that do not exist).
A 5xx is never expected; a refused persona and every GET leave the database as it was.
`test_every_api_rule_has_a_row` walks `app.url_map`: a new API route without a row fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask

from marketplace.accounts.models import User
from marketplace.api import push
from stripe_emulator import StripeEmulator
from tests.api.conftest import API, ApiClient, sign_in
from tests.api.payloads import PROFILE, mission_body
from tests.security.world import World, diff, snapshot, suspend
from tests.support.factories import Factories
from tests.support.places import HOME

PERSONAS = ("anon", "owner", "same", "other", "revoked", "susp")
Path = Callable[[World], str]


@dataclass(frozen=True)
class Row:
    path: Path
    expect: str  # six outcomes, in the order of PERSONAS
    owner: str = "client"
    data: dict[str, Any] | Callable[[World], dict[str, Any]] = field(default_factory=dict)

    def outcomes(self) -> dict[str, str]:
        codes = self.expect.split()
        assert len(codes) == len(PERSONAS), self.expect
        return dict(zip(PERSONAS, codes, strict=True))


def fixed(path: str) -> Path:
    return lambda w: path


PUBLIC = "ok ok ok ok ok ok"
SIGNED_IN = "401 ok ok ok 401 401"
HELPER_ONLY = "401 ok ok 403 401 401"  # a helper's own things; a client is refused
CLIENT_ONLY = "401 ok 404 404 401 401"  # the client's own mission
PARTIES = "401 ok 404 ok 401 401"  # the mission's client and its helper
ASSIGNED_HELPER = "401 ok 404 403 401 401"  # the assigned helper (a client: not a helper)
RETURN = {"return_url": "entraide://back"}
REASON = {"reason": "Plans changed, sorry"}
BAD_LOGIN = {"email": "nobody@example.com", "password": "wrong password"}


def m(attr: str, suffix: str = "") -> Path:
    return lambda w: f"/missions/{getattr(w, attr).id}{suffix}"


TABLE: dict[tuple[str, str], Row] = {
    # the contract and its docs, for everyone
    ("/api/v1/openapi.json", "GET"): Row(fixed("/openapi.json"), PUBLIC),
    ("/api/v1/docs", "GET"): Row(fixed("/docs"), PUBLIC),
    ("/api/v1/static/<path:filename>", "GET"): Row(fixed("/static/docs.js"), PUBLIC),
    # tokens: credentials, not a bearer token, decide (wrong ones: 401 for everyone)
    ("/api/v1/tokens", "POST"): Row(fixed("/tokens"), "401 401 401 401 401 401",
                                    data=BAD_LOGIN),
    ("/api/v1/tokens/refresh", "POST"): Row(fixed("/tokens/refresh"), "401 401 401 401 401 401",
                                            data={"refresh_token": "ent_rt_unknown"}),
    ("/api/v1/tokens/current", "DELETE"): Row(fixed("/tokens/current"), SIGNED_IN),
    # any signed-in person, on their own things
    ("/api/v1/me", "GET"): Row(fixed("/me"), SIGNED_IN),
    ("/api/v1/me/settings", "PUT"): Row(fixed("/me/settings"), SIGNED_IN, data={
        "locale": "en", "email_enabled": True, "sms_enabled": False}),
    ("/api/v1/missions", "GET"): Row(fixed("/missions"), SIGNED_IN),
    ("/api/v1/missions", "POST"): Row(fixed("/missions"), SIGNED_IN,
                                      data=lambda w: mission_body()),
    ("/api/v1/notifications", "GET"): Row(fixed("/notifications"), SIGNED_IN),
    ("/api/v1/notifications/read", "POST"): Row(fixed("/notifications/read"), SIGNED_IN),
    ("/api/v1/push-devices", "POST"): Row(fixed("/push-devices"), SIGNED_IN,
                                          data={"platform": "fcm", "token": "fcm:0123456789"}),
    ("/api/v1/push-devices/<int:device_id>", "DELETE"): Row(
        lambda w: f"/push-devices/{push.register(w.client, 'apns', 'apns-0123456789').id}",
        CLIENT_ONLY),
    ("/api/v1/helper/profile", "PUT"): Row(fixed("/helper/profile"), SIGNED_IN, owner="helper",
                                           data=PROFILE),
    ("/api/v1/places/suggestions", "GET"): Row(fixed("/places/suggestions?q=Asnieres"),
                                                SIGNED_IN),
    ("/api/v1/users/<int:user_id>/reviews", "GET"): Row(
        lambda w: f"/users/{w.helper.id}/reviews", SIGNED_IN, owner="helper"),
    # group purchases: any signed-in neighbour reads and joins (the seller's own campaign:
    # refused by a business rule); an order is its participant's alone (other = the seller)
    ("/api/v1/campaigns", "GET"): Row(fixed(f"/campaigns?address={HOME}"), SIGNED_IN),
    ("/api/v1/campaigns/<int:campaign_id>", "GET"): Row(
        lambda w: f"/campaigns/{w.campaign.id}", SIGNED_IN, owner="helper"),
    ("/api/v1/campaigns/<int:campaign_id>/orders", "POST"): Row(
        lambda w: f"/campaigns/{w.campaign.id}/orders", SIGNED_IN, owner="helper",
        data={"quantity": 1, **RETURN}),
    ("/api/v1/group-orders", "GET"): Row(fixed("/group-orders"), SIGNED_IN),
    ("/api/v1/group-orders/<int:order_id>/quantity", "POST"): Row(
        lambda w: f"/group-orders/{w.group_order_id}/quantity", CLIENT_ONLY,
        data={"quantity": 3, **RETURN}),
    ("/api/v1/group-orders/<int:order_id>/withdraw", "POST"): Row(
        lambda w: f"/group-orders/{w.group_order_id}/withdraw", CLIENT_ONLY),
    # a helper's own pages
    ("/api/v1/helper/profile", "GET"): Row(fixed("/helper/profile"), HELPER_ONLY,
                                           owner="helper"),
    ("/api/v1/helper/payouts", "GET"): Row(fixed("/helper/payouts"), HELPER_ONLY,
                                           owner="helper"),
    ("/api/v1/helper/nearby-missions", "GET"): Row(fixed("/helper/nearby-missions"),
                                                   HELPER_ONLY, owner="helper"),
    ("/api/v1/helper/payout-account/link", "POST"): Row(
        fixed("/helper/payout-account/link"), HELPER_ONLY, owner="helper", data=RETURN),
    # a client's mission (other = its helper)
    ("/api/v1/missions/<int:mission_id>", "GET"): Row(m("assigned_mission"), PARTIES),
    ("/api/v1/missions/<int:mission_id>/checkout", "POST"): Row(
        m("pending_mission", "/checkout"), CLIENT_ONLY, data=RETURN),
    ("/api/v1/missions/<int:mission_id>/checkout/sync", "POST"): Row(
        m("open_mission", "/checkout/sync"), CLIENT_ONLY,
        data=lambda w: {"session_id": w.checkout_session_id}),
    ("/api/v1/missions/<int:mission_id>/cancellation", "GET"): Row(
        m("assigned_mission", "/cancellation"), CLIENT_ONLY),
    ("/api/v1/missions/<int:mission_id>/cancel", "POST"): Row(
        m("assigned_mission", "/cancel"), CLIENT_ONLY, data=REASON),
    ("/api/v1/missions/<int:mission_id>/confirm", "POST"): Row(
        m("done_mission", "/confirm"), CLIENT_ONLY),
    ("/api/v1/missions/<int:mission_id>/dispute", "POST"): Row(
        m("done_mission", "/dispute"), CLIENT_ONLY, data={"problem": "The shelf fell again"}),
    ("/api/v1/missions/<int:mission_id>/final-price/answer", "POST"): Row(
        m("proposal_mission", "/final-price/answer"), CLIENT_ONLY, data={"accept": False}),
    ("/api/v1/missions/<int:mission_id>/applicants", "GET"): Row(
        m("choose_mission", "/applicants"), CLIENT_ONLY),
    ("/api/v1/missions/<int:mission_id>/choose", "POST"): Row(
        m("choose_mission", "/choose"), CLIENT_ONLY, data=lambda w: {"helper_id": w.helper.id}),
    ("/api/v1/missions/<int:mission_id>/messages", "GET"): Row(
        m("assigned_mission", "/messages"), PARTIES),
    ("/api/v1/missions/<int:mission_id>/messages", "POST"): Row(
        m("assigned_mission", "/messages"), PARTIES, data={"body": "See you tomorrow"}),
    ("/api/v1/missions/<int:mission_id>/reviews", "POST"): Row(
        m("completed_mission", "/reviews"), PARTIES, data={"stars": 5, "comment": "Great"}),
    # a helper's side of a mission (other = its client)
    ("/api/v1/missions/<int:mission_id>/apply", "POST"): Row(
        m("choose_mission", "/apply"), HELPER_ONLY, owner="helper",
        data={"message": "Available all day"}),
    ("/api/v1/missions/<int:mission_id>/accept", "POST"): Row(
        m("open_mission", "/accept"), HELPER_ONLY, owner="helper"),
    ("/api/v1/missions/<int:mission_id>/done", "POST"): Row(
        m("assigned_mission", "/done"), ASSIGNED_HELPER, owner="helper"),
    ("/api/v1/missions/<int:mission_id>/withdraw", "POST"): Row(
        m("assigned_mission", "/withdraw"), "401 ok 404 404 401 401", owner="helper",
        data=REASON),
    ("/api/v1/missions/<int:mission_id>/final-price", "POST"): Row(
        m("done_mission", "/final-price"), "401 ok 404 404 401 401", owner="helper",
        data={"price": {"amount": 4000, "currency": "eur"}}),
}


def api_rule_keys(app: Flask) -> set[tuple[str, str]]:
    return {(rule.rule, method) for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/")
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}


def test_every_api_rule_has_a_row(app: Flask) -> None:
    routes = api_rule_keys(app)
    missing, stale = sorted(routes - TABLE.keys()), sorted(TABLE.keys() - routes)
    print(f"\nAPI authorization matrix: {len(routes & TABLE.keys())}/{len(routes)} "
          f"(rule, method) pairs, {len(TABLE) * len(PERSONAS)} cases")
    assert not missing, f"API routes without a row: {missing}"
    assert not stale, f"rows for API routes that no longer exist: {stale}"


def persona_user(world: World, row: Row, persona: str) -> User | None:
    owner, peer = ((world.client, world.client2) if row.owner == "client"
                   else (world.helper, world.helper2))
    counterpart = world.helper if row.owner == "client" else world.client
    return {"anon": None, "owner": owner, "same": peer, "other": counterpart,
            "revoked": owner, "susp": owner}[persona]


def outcome(status: int) -> str:
    if status >= 500:
        return f"5xx ({status})"
    return str(status) if status in (401, 403, 404) else "ok"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("rule", "method"), sorted(TABLE), ids=lambda v: v)
def test_api_authorization(ctx: Flask, make: Factories, emu: StripeEmulator, rule: str,
                           method: str, persona: str) -> None:
    row, world = TABLE[(rule, method)], World(make, emu)
    expected = row.outcomes()[persona]
    user = persona_user(world, row, persona)
    path = API + row.path(world)  # builds the object first
    data = row.data(world) if callable(row.data) else row.data
    web = ctx.test_client()
    api = ApiClient(web, sign_in(web, user)["access_token"] if user is not None else None)
    if persona == "revoked":
        assert api.delete("/tokens/current").status_code == 204
    if persona == "susp" and user is not None:
        suspend(user)
    before = snapshot()
    headers = api.headers()
    if method == "GET":
        response = web.get(path, headers=headers)
    elif method == "DELETE":
        response = web.delete(path, headers=headers)
    else:
        response = web.open(path, method=method, json=data, headers=headers)
    actual = outcome(response.status_code)
    body = response.get_data(as_text=True)[:300]
    response.close()
    assert not actual.startswith("5xx"), f"{method} {path} as {persona}: {actual}\n{body}"
    assert actual == expected, (f"{method} {path} as {persona}: expected {expected}, got "
                                f"{actual} ({response.status_code})\n{body}")
    if expected != "ok" or method == "GET":
        changed = diff(before, snapshot())
        assert not changed, f"{method} {path} as {persona} changed {changed}"
