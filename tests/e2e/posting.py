"""Where a person says where the mission is, in one place.

The mission, hotline and helper profile forms take one address field offering suggestions
as the person types (issue 11, places.js); `fill_place` types and picks the first one (and
still fills latitude/longitude fields on a form that has them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tests.e2e.support import Person, fill_form
from tests.support.places import ADDRESS, ADDRESS_POSITION, HOME

FORMAT = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class Place:
    address: str
    lat: float
    lng: float


# Addresses of the BAN fixture the suite imports (tests/fixtures/ban).
ASNIERES_STATION = Place(ADDRESS, *ADDRESS_POSITION)
HELPER_HOME = Place(HOME, 48.9147, 2.2870)  # about 50 m away


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
