"""Where a mission posted through the API is: an address resolved by the geocoding port
(marketplace/places/), never a position the app sends.

The app shows the suggestions of `GET /places/suggestions` and posts back the chosen one's
`place` token with its label; without a token (or with one for another label), the typed
address must match exactly one suggestion's label, else the answer lists the matches.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from marketplace.api.problems import ApiProblem
from marketplace.missions.services.missions import place_fields
from marketplace.places import Place
from marketplace.places import services as places


def suggestion(place: Place) -> dict[str, Any]:
    """What the app shows and posts back: the signed token, never a position."""
    return {"place": places.sign(place), "label": place.label, "city": place.city,
            "postcode": place.postcode, "kind": place.kind}


def locate(body: dict[str, Any]) -> dict[str, Any]:
    """The draft's address fields (label, position, postcode, INSEE code, commune)."""
    return place_fields(resolve(body["address"], body.get("place"), "address"))


def resolve(text: str, token_text: str | None, field: str) -> Place:
    """The geocoded Place the person chose (its token) or typed exactly, else 422."""
    token = places.unsign(token_text)
    if token is not None and places.exact_match(text, [token]):
        return token
    lookup = places.find(text, limit=6)
    exact = places.exact_match(text, lookup.places)
    if exact is not None:
        return exact
    detail = lookup.notice or (_("Choose the matching address below, or correct it.")
                               if lookup.places else
                               _("We could not find this address. Check the street and the "
                                 "commune."))
    raise ApiProblem(422, "address_not_found" if not lookup.places else "address_ambiguous",
                     detail, errors={field: [detail],
                                     "candidates": [suggestion(p) for p in lookup.places]})
