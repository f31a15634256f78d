"""The national address service adapter against a tiny local addok look-alike.

The server answers GeoCodeJSON, or a 429, a 500, or too slowly, as each test asks; the app
must turn each failure into a commune-level answer with a clear message, never a 500.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from flask import Flask
from flask.testing import FlaskClient

from marketplace.places import GeocoderUnavailable
from marketplace.places import services as places
from marketplace.places.cache import RateLimiter, TTLCache
from marketplace.places.geoplateforme import GeoplateformeGeocoder, parse_features
from tests.missions.test_posting import valid_form
from tests.support.factories import Factories
from tests.support.forms import login, post_form

FEATURE = {
    "type": "Feature", "geometry": {"type": "Point", "coordinates": [2.287355, 48.91466]},
    "properties": {"label": "3 Rue des Bourguignons 92600 Asnières-sur-Seine", "score": 0.97,
                   "housenumber": "3", "id": "92004_0130_00003", "name": "3 Rue des Bourguignons",
                   "postcode": "92600", "citycode": "92004", "x": 647600.1, "y": 6868500.2,
                   "city": "Asnières-sur-Seine", "context": "92, Hauts-de-Seine, Île-de-France",
                   "type": "housenumber", "importance": 0.7, "street": "Rue des Bourguignons"}}


class Addok:
    """What the fake service answers next: 'ok', '429', '500', 'slow' or 'garbage'."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[tuple[str, dict[str, list[str]]]] = []


@pytest.fixture
def addok() -> Iterator[tuple[Addok, str]]:
    state = Addok()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            state.requests.append((url.path, parse_qs(url.query)))
            if state.mode == "slow":
                time.sleep(1.5)
            status, body = {"429": (429, b'{"code":429,"message":"Too Many Requests"}'),
                            "500": (500, b"oops"), "garbage": (200, b"<html>")}.get(
                state.mode, (200, json.dumps({"type": "FeatureCollection",
                                              "features": [FEATURE]}).encode()))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError):  # the slow mode: the client gave up
                self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/geocodage"
    server.shutdown()
    server.server_close()


def test_search_and_reverse_read_geocodejson(addok: tuple[Addok, str]) -> None:
    state, url = addok
    geocoder = GeoplateformeGeocoder(url, timeout=1.0)
    [place] = geocoder.search("3 rue des bourguignons asnieres", limit=3, near=(48.9, 2.3))
    assert (place.label, place.citycode, place.postcode, place.kind) == (
        "3 Rue des Bourguignons 92600 Asnières-sur-Seine", "92004", "92600", "housenumber")
    assert (place.lat, place.lon) == (48.91466, 2.287355)  # GeoJSON is [lon, lat]
    assert geocoder.reverse(48.91466, 2.287355) == place
    (search_path, query), (reverse_path, rquery) = state.requests
    assert search_path == "/geocodage/search" and query["q"] == [
        "3 rue des bourguignons asnieres"] and query["limit"] == ["3"]
    assert reverse_path == "/geocodage/reverse" and rquery["lat"] == ["48.91466"]


def test_answers_are_cached(addok: tuple[Addok, str]) -> None:
    state, url = addok
    geocoder = GeoplateformeGeocoder(url, timeout=1.0)
    for text in ("3 rue des Bourguignons", "3 Rue des Bourguignons ", "3 rue des bourguignons"):
        assert len(geocoder.search(text)) == 1
    assert len(state.requests) == 1


@pytest.mark.parametrize("mode", ["429", "500", "slow", "garbage"])
def test_failures_raise_unavailable(addok: tuple[Addok, str], mode: str) -> None:
    state, url = addok
    state.mode = mode
    started = time.monotonic()
    with pytest.raises(GeocoderUnavailable):
        GeoplateformeGeocoder(url, timeout=0.3).search("3 rue des bourguignons")
    assert time.monotonic() - started < 1.2  # a short timeout: the page does not hang


def test_an_unreachable_service_raises_unavailable() -> None:
    with pytest.raises(GeocoderUnavailable):
        GeoplateformeGeocoder("http://127.0.0.1:9/geocodage", timeout=0.3).search("paris")


def test_malformed_features_are_skipped() -> None:
    body = {"features": [FEATURE, {"properties": {}}, {"geometry": None},
                         {**FEATURE, "geometry": {"coordinates": [500, 500]}}, "x"]}
    assert [p.label for p in parse_features(body)] == [FEATURE["properties"]["label"]]
    assert parse_features(["not", "a", "collection"]) == []


def test_the_client_keeps_under_the_rate_limit() -> None:
    now, slept = [0.0], []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(40, clock=lambda: now[0], sleep=sleep)
    for _ in range(41):
        limiter.wait()
    assert now[0] == pytest.approx(1.0)  # 41 calls span one second: never 50 a second


def test_the_cache_forgets_after_its_ttl_and_beyond_its_size() -> None:
    now = [0.0]
    cache: TTLCache[int] = TTLCache(maxsize=2, ttl=10, clock=lambda: now[0])
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)  # "b" was the least recently used
    assert cache.get("b") is None and cache.get("a") == 1
    now[0] = 11
    assert cache.get("a") is None


@pytest.fixture
def remote(ctx: Flask, addok: tuple[Addok, str],
           monkeypatch: pytest.MonkeyPatch) -> Addok:
    """The app configured with GEOCODER=geoplateforme, pointed at the fake service."""
    state, url = addok
    monkeypatch.setitem(ctx.extensions, "geocoder", GeoplateformeGeocoder(url, timeout=0.3))
    return state


def test_an_outage_gives_communes_and_a_clear_message(ctx: Flask, remote: Addok) -> None:
    remote.mode = "429"
    with ctx.test_request_context():
        lookup = places.find("asnieres")
    assert [p.label for p in lookup.places][:1] == ["Asnières-sur-Seine"]
    assert lookup.notice is not None and "not answering" in lookup.notice


def test_suggestions_during_an_outage(client: FlaskClient, make: Factories,
                                      remote: Addok) -> None:
    login(client, make.client().email)
    remote.mode = "slow"
    response = client.get("/places/suggest?q=colombes")
    assert response.status_code == 200
    body = response.get_json()
    assert "not answering" in body["notice"]
    assert body["suggestions"][0]["label"] == "Colombes"


def test_posting_during_an_outage_falls_back_to_the_commune(client: FlaskClient,
                                                            make: Factories,
                                                            remote: Addok) -> None:
    login(client, make.client().email)
    remote.mode = "500"
    response = post_form(client, "/missions/new", valid_form())  # a street address
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "not answering" in page
    response = post_form(client, "/missions/new", valid_form(address="Asnières-sur-Seine"))
    assert response.status_code == 307  # the commune is a real place: posted at its centre


def test_posting_through_the_service(client: FlaskClient, make: Factories,
                                     remote: Addok) -> None:
    login(client, make.client().email)
    response = post_form(client, "/missions/new", valid_form())
    assert response.status_code == 307
