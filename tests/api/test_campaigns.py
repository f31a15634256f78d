"""Group purchases over the API: campaigns near home (commune and a rounded distance), a
campaign's detail (the pickup address only once joined), join through the hosted page,
change, withdraw, my orders; bad input is a 4xx problem+json, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from marketplace.core.db import db
from marketplace.groupbuy.lifecycle import OrderStatus
from marketplace.groupbuy.models import Order
from stripe_emulator import StripeEmulator
from tests.groupbuy.test_pages import a_campaign
from tests.support.factories import Factories
from tests.support.places import COLOMBES, HOME

BACK = {"return_url": "entraide://campaigns/back"}
PROBLEM = "application/problem+json"


def test_near_me_gives_the_commune_and_a_rounded_distance(api_as: Any, make: Factories) -> None:
    campaign = a_campaign(make.helper())
    api = api_as(make.client())
    body = api.get("/campaigns", query_string={"address": HOME}).get_json()
    item = body["items"][0]
    assert item["id"] == campaign.id and item["city"] == "Asnières-sur-Seine"
    assert item["distance_km"] == 0.5 and "address" not in item
    assert item["unit_price"] == {"amount": 2400, "currency": "eur"}
    assert body["next_cursor"] is None


def test_near_me_pages_with_a_cursor(api_as: Any, make: Factories) -> None:
    seller = make.helper()
    ids = {a_campaign(seller).id for _ in range(3)}
    api = api_as(make.client())
    first = api.get("/campaigns", query_string={"address": HOME, "limit": 2}).get_json()
    second = api.get("/campaigns", query_string={
        "address": HOME, "limit": 2, "cursor": first["next_cursor"]}).get_json()
    assert {c["id"] for c in first["items"] + second["items"]} == ids
    assert second["next_cursor"] is None


def test_detail_hides_the_pickup_address_until_joined(api_as: Any, make: Factories,
                                                      emu: StripeEmulator) -> None:
    campaign = a_campaign(make.helper())
    api = api_as(make.client())
    detail = api.get(f"/campaigns/{campaign.id}").get_json()
    assert detail["pickup_address"] is None and detail["my_order"] is None
    assert [t["current"] for t in detail["tiers"]] == [True, False, False]
    joined = api.post(f"/campaigns/{campaign.id}/orders", {"quantity": 3, **BACK}, key="j1")
    assert joined.status_code == 201, joined.get_data(as_text=True)
    step = joined.get_json()
    assert step["url"] and "/hosted/checkout/" in step["url"]
    assert step["order"]["quantity"] == 3
    detail = api.get(f"/campaigns/{campaign.id}").get_json()
    assert detail["pickup_address"] == campaign.address
    assert detail["my_order"]["id"] == step["order"]["id"]


def test_change_and_withdraw_my_order(api_as: Any, make: Factories,
                                      emu: StripeEmulator) -> None:
    campaign = a_campaign(make.helper())
    api = api_as(make.client())
    order_id = api.post(f"/campaigns/{campaign.id}/orders", {"quantity": 3, **BACK},
                        key="j2").get_json()["order"]["id"]
    changed = api.post(f"/group-orders/{order_id}/quantity", {"quantity": 2, **BACK}, key="c1")
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json()["order"]["quantity"] == 2
    mine = api.get("/group-orders").get_json()["items"]
    assert [o["id"] for o in mine] == [order_id]
    gone = api.post(f"/group-orders/{order_id}/withdraw", key="w1")
    assert gone.status_code == 200, gone.get_data(as_text=True)
    assert gone.get_json()["status"] == "withdrawn"
    assert db.session.get(Order, order_id).status == OrderStatus.WITHDRAWN  # type: ignore[union-attr]


def test_nobody_touches_another_neighbours_order(api_as: Any, make: Factories,
                                                 emu: StripeEmulator) -> None:
    campaign = a_campaign(make.helper())
    order_id = api_as(make.client()).post(f"/campaigns/{campaign.id}/orders",
                                          {"quantity": 1, **BACK}).get_json()["order"]["id"]
    other = api_as(make.client())
    for response in (other.post(f"/group-orders/{order_id}/withdraw"),
                     other.post(f"/group-orders/{order_id}/quantity", {"quantity": 5, **BACK})):
        assert response.status_code == 404 and response.mimetype == PROBLEM
    assert db.session.get(Order, order_id).quantity == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(("path", "body", "status"), [
    ("/campaigns/{id}/orders", {"quantity": 0, **BACK}, 422),
    ("/campaigns/{id}/orders", {"quantity": "3", **BACK}, 422),
    ("/campaigns/{id}/orders", {"quantity": 100, **BACK}, 422),
    ("/campaigns/{id}/orders", {"quantity": 1, "return_url": "https://evil.example"}, 422),
    ("/campaigns/{id}/orders", {"quantity": 1}, 422),
    ("/campaigns/999999/orders", {"quantity": 1, **BACK}, 404),
    ("/group-orders/999999/withdraw", None, 404),
])
def test_bad_input_is_a_problem(api_as: Any, make: Factories, emu: StripeEmulator, path: str,
                                body: dict[str, Any] | None, status: int) -> None:
    campaign = a_campaign(make.helper())
    response = api_as(make.client()).post(path.format(id=campaign.id), body)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    assert db.session.execute(db.select(Order)).first() is None


def test_the_seller_cannot_join_and_a_bad_address_or_cursor_is_422(
        api_as: Any, make: Factories, emu: StripeEmulator) -> None:
    seller = make.helper()
    campaign = a_campaign(seller)
    own = api_as(seller).post(f"/campaigns/{campaign.id}/orders", {"quantity": 1, **BACK})
    assert 400 <= own.status_code < 500 and own.mimetype == PROBLEM
    api = api_as(make.client())
    assert api.get("/campaigns", query_string={"address": "zzz nowhere zzz"}).status_code == 422
    assert api.get("/campaigns", query_string={"address": COLOMBES,
                                               "cursor": "forged"}).status_code == 422
    assert api.get("/group-orders", query_string={"cursor": "forged"}).status_code == 422
    assert api_as(None).get("/campaigns", query_string={"address": HOME}).status_code == 401
