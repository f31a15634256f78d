"""The address a person types, resolved to a geocoded Place (mixed into mission and profile
forms).

With JavaScript, picking a suggestion fills the hidden `place` token; without it, the typed
text is looked up on submit and, unless exactly one address carries that label, the form
comes back with the matches as a radio list (`place_choice`). Positions are never typed.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from wtforms import RadioField
from wtforms.validators import InputRequired, Length, ValidationError

from marketplace.core.forms import HiddenToken, TextLine
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.places import Place
from marketplace.places import services as places

MAX_LABEL = 255


class AddressFields:
    """Mixin for a FlaskForm: `address` (text), `place` (signed token), `place_choice`."""

    address = TextLine(_l("Address"), validators=[
        InputRequired(_l("Type the address and choose it in the list.")),
        Length(max=MAX_LABEL)])
    place = HiddenToken()
    place_choice = RadioField(_l("Which of these addresses?"), choices=[],
                              validate_choice=False)

    chosen_place: Place | None = None
    place_candidates: list[tuple[str, Place]] = []
    place_notice: str | None = None

    def validate_address(self, field: Any) -> None:
        text = (field.data or "").strip()
        picked = places.unsign(self.place_choice.data)
        token = places.unsign(self.place.data)
        if picked is not None:
            place = picked
        elif token is not None and places.exact_match(text, [token]):
            place = token
        else:
            place = self._look_up(text)
        self.chosen_place = place
        field.data = place.label[:MAX_LABEL]
        self.place.data = places.sign(place)
        self.place_choice.data = ""

    def _look_up(self, text: str) -> Place:
        """The "find this address" step: accept one exact label, else list the matches."""
        lookup = places.find(text, limit=6)
        self.place_notice = lookup.notice
        exact = places.exact_match(text, lookup.places)
        if exact is not None:
            return exact
        self.place.data = ""
        if not lookup.places:
            raise ValidationError(lookup.notice or _(
                "We could not find this address. Check the street and the commune."))
        self.place_candidates = [(places.sign(p), p) for p in lookup.places]
        raise ValidationError(_("Choose the matching address below, or correct it."))
