"""Where a person says where the mission is, in one place.

Today the mission and hotline forms take an address line plus latitude/longitude fields;
issue 11's address field (branch places) replaces them with one field offering suggestions.
`fill_place` handles both, so the journeys switch by themselves once that form lands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tests.e2e.support import Person, fill_form

FORMAT = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class Place:
    address: str
    lat: float
    lng: float


ASNIERES_STATION = Place("12 rue de la Station, 92600 Asnières-sur-Seine", 48.9146, 2.2874)


def fill_place(person: Person, place: Place) -> None:
    """Type the address; with suggestions, pick the first; else give the map position."""
    page = person.page
    if page.locator("#lat").count():
        fill_form(person, {"address": place.address, "lat": place.lat, "lng": place.lng})
        return
    field = page.locator("#address")
    field.fill(place.address)
    suggestion = page.locator("[role=option]").first
    suggestion.wait_for(timeout=10_000)
    suggestion.click()


def fill_mission(person: Person, title: str, place: Place = ASNIERES_STATION, *,
                 price: str = "45", category: str = "bricolage",
                 start_in: timedelta = timedelta(days=2)) -> None:
    """The mission part of the client's form and of the hotline form (same field ids)."""
    start = (datetime.now() + start_in).replace(second=0, microsecond=0)
    fill_form(person, {
        "category": category, "title": title,
        "description": "Deux étagères sont tombées ; vis et chevilles fournies.",
        "starts_at": start.strftime(FORMAT),
        "ends_at": (start + timedelta(hours=2)).strftime(FORMAT), "price": price})
    fill_place(person, place)


def post_mission(person: Person, title: str, place: Place = ASNIERES_STATION,
                 **kw: object) -> None:
    """The client posts a mission; the answer is Stripe's hosted checkout page."""
    person.visit("/missions/new")
    fill_mission(person, title, place, **kw)  # type: ignore[arg-type]
    person.submit("main form button[type=submit]:not(.secondary)")
