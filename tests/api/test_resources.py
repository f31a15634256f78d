"""Each resource over the test client, on real services and the emulator (no worker): the
client's and the helper's journeys, step by step."""

from __future__ import annotations

import pytest
from flask import Flask

from marketplace.core.db import db
from marketplace.missions.lifecycle import Channel
from marketplace.missions.models import Mission
from marketplace.notifications.models import Notification
from marketplace.payments.models import Payout
from stripe_emulator import StripeEmulator
from tests.api.payloads import mission_body
from tests.support.factories import Factories, started
from tests.support.money import onboarded_helper, release_now
from tests.support.places import ADDRESS, HOME

RETURN = "entraide://checkout/done"


def _post_paid_mission(api, emu: StripeEmulator) -> int:  # type: ignore[no-untyped-def]
    created = api.post("/missions", mission_body(), key="post-1")
    assert created.status_code == 201, created.get_json()
    mission = created.get_json()
    assert mission["status"] == "pending_payment" and mission["channel"] == "api"
    assert mission["price"] == {"amount": 4500, "currency": "eur"}
    checkout = api.post(f"/missions/{mission['id']}/checkout", {"return_url": RETURN})
    assert checkout.status_code == 201, checkout.get_json()
    session_id = checkout.get_json()["url"].rsplit("/", 1)[-1]
    emu.pay_checkout_session(session_id)
    synced = api.post(f"/missions/{mission['id']}/checkout/sync", {"session_id": session_id})
    assert synced.status_code == 200, synced.get_json()
    assert synced.get_json()["status"] == "open"
    return int(mission["id"])


def test_client_and_helper_journey(api_as, make: Factories, emu: StripeEmulator) -> None:  # type: ignore[no-untyped-def]
    client_user = make.client()
    client = api_as(client_user)
    mission_id = _post_paid_mission(client, emu)
    assert db.session.get(Mission, mission_id).channel == Channel.API  # type: ignore[union-attr]

    helper = api_as(onboarded_helper(make, emu))
    nearby = helper.get("/helper/nearby-missions?limit=5")
    assert nearby.status_code == 200, nearby.get_json()
    [item] = nearby.get_json()["items"]
    assert item["mission"]["id"] == mission_id and item["distance_km"] < 1
    assert item["mission"]["address"] is None  # not theirs yet: the commune-level view
    assert item["mission"]["city"] == "Asnières-sur-Seine" and item["distance_km"] == 0.5
    assert item["helper_take_home"] == {"amount": 3825, "currency": "eur"}

    accepted = helper.post(f"/missions/{mission_id}/accept", key="accept-1")
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "assigned"
    assert accepted.get_json()["address"] == ADDRESS
    again = helper.post(f"/missions/{mission_id}/accept", key="accept-1")
    assert again.get_json() == accepted.get_json()

    talk = helper.post(f"/missions/{mission_id}/messages", {"body": "On my way tomorrow"})
    assert talk.status_code == 201
    assert client.get(f"/missions/{mission_id}/messages").get_json()["items"][0]["body"] == \
        "On my way tomorrow"

    started(db.session.get(Mission, mission_id))  # type: ignore[arg-type]
    assert helper.post(f"/missions/{mission_id}/done").get_json()["status"] == "done"
    confirmed = client.post(f"/missions/{mission_id}/confirm", key="confirm-1")
    assert confirmed.status_code == 200, confirmed.get_json()
    body = confirmed.get_json()
    assert body["status"] == "completed"
    assert [e["event"] for e in body["timeline"]] == ["posted", "assigned", "done", "completed"]

    payout = db.session.execute(db.select(Payout)).scalar_one()
    release_now(payout.id)
    payouts = helper.get("/helper/payouts").get_json()["payouts"]
    assert payouts[0]["amount"] == {"amount": 3825, "currency": "eur"}
    assert payouts[0]["status"] == "paid"

    for who, stars in ((client, 5), (helper, 4)):
        review = who.post(f"/missions/{mission_id}/reviews", {"stars": stars, "comment": "Good"})
        assert review.status_code == 201, review.get_json()
    twice = client.post(f"/missions/{mission_id}/reviews", {"stars": 5})
    assert twice.status_code == 409
    helper_id = accepted.get_json()["helper"]["id"]
    assert client.get(f"/users/{helper_id}/reviews").get_json()["items"][0]["stars"] == 5

    mine = client.get("/missions?role=client&status=completed").get_json()
    assert [m["id"] for m in mine["items"]] == [mission_id] and mine["next_cursor"] is None
    as_helper = helper.get("/missions?role=helper").get_json()
    assert [m["id"] for m in as_helper["items"]] == [mission_id]


def test_list_pages_with_cursors(api_as, make: Factories) -> None:  # type: ignore[no-untyped-def]
    api = api_as(make.client())
    ids = [api.post("/missions", mission_body()).get_json()["id"] for _ in range(5)]
    seen, cursor = [], None
    while True:
        page = api.get("/missions?limit=2" + (f"&cursor={cursor}" if cursor else "")).get_json()
        seen += [m["id"] for m in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(ids, reverse=True)
    assert api.get("/missions?cursor=forged").status_code == 422
    assert api.get("/missions?limit=1000").status_code == 422


def test_cancellation_quote_then_cancel(api_as, make: Factories) -> None:  # type: ignore[no-untyped-def]
    api = api_as(make.client())
    mission_id = api.post("/missions", mission_body()).get_json()["id"]
    quote = api.get(f"/missions/{mission_id}/cancellation").get_json()
    assert quote == {"free": True, "late_fee": {"amount": 0, "currency": "eur"}}
    cancelled = api.post(f"/missions/{mission_id}/cancel", {"reason": "Plans changed"})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert api.get(f"/missions/{mission_id}/cancellation").status_code == 409


def test_checkout_return_url_must_be_allowed(api_as, make: Factories) -> None:  # type: ignore[no-untyped-def]
    api = api_as(make.client())
    mission_id = api.post("/missions", mission_body()).get_json()["id"]
    for url in ("https://evil.example/", "javascript:alert(1)", "entraide:/x"):
        response = api.post(f"/missions/{mission_id}/checkout", {"return_url": url})
        assert response.status_code == 422, url
        assert response.get_json()["code"] == "return_url_not_allowed"


def test_me_settings_profile_notifications_devices(api_as, make: Factories,  # type: ignore[no-untyped-def]
                                                  ctx: Flask) -> None:
    api = api_as(make.client())
    me = api.get("/me").get_json()
    assert me["is_client"] and me["settings"]["locale"] == "fr"
    settings = {"locale": "en", "email_enabled": False, "sms_enabled": True}
    assert api.put("/me/settings", settings).get_json() == settings
    assert api.get("/helper/profile").status_code == 403
    profile = {"home": HOME, "radius_km": 5, "skills": ["bricolage"], "bio": None}
    saved = api.put("/helper/profile", profile)
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["skills"] == ["bricolage"] and saved.get_json()["home"] == HOME
    nowhere = api.put("/helper/profile", {**profile, "home": "Rue qui n'existe pas 00000"})
    assert nowhere.status_code == 422 and "home" in nowhere.get_json()["errors"]
    assert api.get("/me").get_json()["is_helper"] is True
    assert api.get("/helper/nearby-missions").get_json() == {"items": [], "next_cursor": None}
    notes = api.get("/notifications").get_json()
    assert notes["unread"] == len([n for n in notes["items"] if n["read_at"] is None])
    assert api.post("/notifications/read").get_json()["marked"] == notes["unread"]
    device = api.post("/push-devices", {"platform": "fcm", "token": "fcm-token-0123456789"})
    assert device.status_code == 201
    other = api_as(make.client())
    assert other.delete(f"/push-devices/{device.get_json()['id']}").status_code == 404
    assert api.delete(f"/push-devices/{device.get_json()['id']}").status_code == 204


def test_posting_by_address_through_the_port(api_as, make: Factories) -> None:  # type: ignore[no-untyped-def]
    api = api_as(make.client())
    found = api.get("/places/suggestions?q=3 rue des bourguignons asnieres").get_json()
    chosen = next(s for s in found["items"] if s["label"] == ADDRESS)
    assert "lat" not in chosen and chosen["city"] == "Asnières-sur-Seine"
    posted = api.post("/missions", mission_body(address=ADDRESS, place=chosen["place"]))
    assert posted.status_code == 201, posted.get_json()
    assert posted.get_json()["lat"] == pytest.approx(48.91466)
    typed = api.post("/missions", mission_body(address=ADDRESS.upper()))  # no token: looked up
    assert typed.status_code == 201, typed.get_json()
    vague = api.post("/missions", mission_body(address="Rue des Bourguignons"))
    assert vague.status_code == 422
    assert vague.get_json()["code"] in ("address_ambiguous", "address_not_found")


def test_notifications_come_a_page_at_a_time(api_as, make: Factories) -> None:  # type: ignore[no-untyped-def]
    user = make.client()
    for n in range(7):
        db.session.add(Notification(user_id=user.id, event="message_received",
                                    dedupe_key=f"page-test:{n}", title=f"Message {n}",
                                    body="Bonjour"))
    db.session.commit()
    api = api_as(user)
    seen: list[int] = []
    cursor = None
    while True:
        page = api.get("/notifications?limit=3" + (f"&cursor={cursor}" if cursor else ""))
        assert page.status_code == 200, page.get_json()
        body = page.get_json()
        seen += [n["id"] for n in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 7 and seen == sorted(seen, reverse=True)  # each once, newest first
    forged = api.get("/notifications?cursor=not-ours")
    assert forged.status_code == 422 and forged.get_json()["code"] == "invalid_cursor"
