"""Every error under /api is application/problem+json with a stable code; the site keeps
its pages."""

from __future__ import annotations

from flask import Flask

from tests.api.payloads import mission_body
from tests.support.factories import Factories

PROBLEM = "application/problem+json"


def _is_problem(response, status: int, code: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == PROBLEM
    body = response.get_json()
    assert {"type", "title", "status", "detail", "code"} <= body.keys()
    assert body["status"] == status
    if code:
        assert body["code"] == code
    return body


def test_routing_errors(ctx: Flask) -> None:
    client = ctx.test_client()
    _is_problem(client.get("/api/v1/nowhere"), 404, "not_found")
    response = client.delete("/api/v1/me")
    _is_problem(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    assert client.get("/nowhere").content_type.startswith("text/html")  # the site's page


def test_unauthenticated_is_401_with_a_challenge(ctx: Flask) -> None:
    response = ctx.test_client().get("/api/v1/me")
    _is_problem(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    bad = ctx.test_client().get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    _is_problem(bad, 401, "unauthenticated")


def test_validation_errors_name_their_fields(api_as, make: Factories) -> None:  # type: ignore[no-untyped-def]
    api = api_as(make.client())
    body = _is_problem(api.post("/missions", mission_body(category="nope", title="")), 422,
                       "invalid_request")
    assert {"category", "title"} <= body["errors"].keys()
    naive = mission_body(starts_at="2030-01-01T10:00:00")
    assert "starts_at" in _is_problem(api.post("/missions", naive), 422)["errors"]
    control = mission_body(title="Fix\x00it now")
    assert "title" in _is_problem(api.post("/missions", control), 422)["errors"]


def test_business_rules_are_422_and_not_json_is_415(api_as, make: Factories) -> None:  # type: ignore[no-untyped-def]
    api = api_as(make.client())
    body = _is_problem(api.post("/missions", mission_body(
        price={"amount": 5, "currency": "eur"})), 422, "rule_refused")
    assert "price" in body["detail"]
    _is_problem(api.post("/missions", mission_body(price={"amount": 4500, "currency": "usd"})),
                422, "unsupported_currency")
    response = api.client.post("/api/v1/missions", data="category=bricolage",
                               headers=api.headers({"Content-Type": "text/plain"}))
    _is_problem(response, 415, "unsupported_media_type")


def test_other_peoples_missions_are_404(api_as, make: Factories) -> None:  # type: ignore[no-untyped-def]
    owner, other = api_as(make.client()), api_as(make.client())
    mission_id = owner.post("/missions", mission_body()).get_json()["id"]
    assert owner.get(f"/missions/{mission_id}").status_code == 200
    _is_problem(other.get(f"/missions/{mission_id}"), 404, "not_found")
    _is_problem(other.get("/missions/999999"), 404, "not_found")
    _is_problem(other.get("/missions/99999999999"), 404, "not_found")


def test_rate_limit_is_429_problem(ctx: Flask, make: Factories) -> None:
    user = make.client()
    ctx.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    try:
        client = ctx.test_client()
        codes = [client.post("/api/v1/tokens", json={"email": user.email, "password": "x"})
                 for _ in range(3)]
    finally:
        ctx.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    _is_problem(codes[-1], 429, "too_many_requests")


def test_french_when_asked(ctx: Flask) -> None:
    response = ctx.test_client().get("/api/v1/me", headers={"Accept-Language": "fr"})
    body = _is_problem(response, 401)
    assert body["code"] == "unauthenticated"  # codes never change with the language


def test_docs_page_is_served_by_us(ctx: Flask) -> None:
    client = ctx.test_client()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/static/swagger-ui/swagger-ui-bundle.js" in html and "https://" not in html
    for asset in ("swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css", "docs.js"):
        response = client.get(f"/api/v1/static/{asset}")
        assert response.status_code == 200
        response.close()
