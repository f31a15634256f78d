"""Form fields every form uses, so that nothing a person types reaches a service unchecked.

Text is stripped and refused when it holds control characters (newline and tab allowed in
multi-line text) or is blank where required; dates stay within years a database and a
timezone conversion can hold; numbers are ASCII and finite; amounts and rates go through the
one money parser (`core/money.py`), exact, never rounded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup
from wtforms import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import StopValidation
from wtforms.widgets import Select

from marketplace.core.i18n import current_locale
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.core.money import MoneyFormatError, parse_major_to_cents, parse_percent_to_bps

MIN_YEAR, MAX_YEAR = 2000, 2100
_DECIMAL_RE = re.compile(r"[+-]?[0-9]{1,12}(?:[.,][0-9]{1,12})?")
REQUIRED = _l("This field is required.")
# The money parser's messages (core/money.py stays free of Babel), in the reader's language.
MONEY_ERRORS = {
    "Use at most two decimals.": _l("Use at most two decimals."),
    "Enter an amount such as 45 or 45.50.": _l("Enter an amount such as 45 or 45.50."),
    "Use at most two decimals (0.01 % steps).": _l("Use at most two decimals (steps of 0.01)."),
    "Enter a percentage such as 15 or 12.5.": _l("Enter a percentage such as 15 or 12.5."),
    "A percentage is between 0 and 100.": _l("A percentage is between 0 and 100."),
}


def _money_error(exc: Exception) -> str:
    return str(MONEY_ERRORS.get(str(exc), str(exc)))


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """True if `text` holds a control character (or a lone surrogate) a page has no use for."""
    allowed = "\n\t" if multiline else ""
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in text)


def _only_text(valuelist: Sequence[Any]) -> None:
    if any(not isinstance(value, str) for value in valuelist):
        raise ValueError(_l("Not a valid text value."))


class _CleanText:
    """Mixin for text fields: strip, refuse control characters, refuse blank when required."""

    multiline = False
    strip = True
    data: Any
    flags: Any
    raw_data: Any

    def process_formdata(self, valuelist: Sequence[Any]) -> None:
        _only_text(valuelist)
        super().process_formdata(valuelist)  # type: ignore[misc]
        if isinstance(self.data, str):
            text = self.data.replace("\r\n", "\n").replace("\r", "\n")
            self.data = text.strip() if self.strip else text

    def pre_validate(self, form: Any) -> None:
        text = self.data if isinstance(self.data, str) else ""
        if has_control_characters(text, multiline=self.multiline):
            raise StopValidation(_l("Remove the control characters from this text."))
        if self.flags.required and self.strip and self.raw_data and not text:
            raise StopValidation(REQUIRED)


class TextLine(_CleanText, StringField):
    """A one-line text: name, title, address, phone, note."""


class HiddenToken(_CleanText, HiddenField):
    """A hidden value the server signed (a chosen address): stripped, control characters
    refused; its signature is checked where it is read."""


class TextBlock(_CleanText, TextAreaField):
    """A multi-line text: description, message, note (newlines and tabs kept)."""

    multiline = True


class EmailLine(_CleanText, EmailField):
    """An email address, stripped."""


class PasswordLine(_CleanText, PasswordField):
    """A password: never stripped (spaces count), control characters refused."""

    strip = False


class _BoundedDates:
    """Mixin for date fields: a year outside MIN_YEAR..MAX_YEAR is a form error, not a 500."""

    data: Any
    process_errors: list[Any]

    def process_formdata(self, valuelist: Sequence[Any]) -> None:
        _only_text(valuelist)
        super().process_formdata(valuelist)  # type: ignore[misc]
        value = self.data
        if isinstance(value, date) and not MIN_YEAR <= value.year <= MAX_YEAR:
            self.data = None
            raise ValueError(_("Enter a date between %(low)d and %(high)d.",
                               low=MIN_YEAR, high=MAX_YEAR))

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:  # unreadable: no validator (nor `validate_<field>`) sees None
            raise StopValidation()


class LocalDateTimeField(_BoundedDates, DateTimeLocalField):
    """A local date and time (`<input type=datetime-local>`) within sane years."""


class BoundedDateField(_BoundedDates, DateField):
    """A date within sane years."""


class DecimalNumberField(DecimalField):
    """A decimal number in ASCII digits ('48.91' or '48,91'); NaN, infinities, exponents and
    other scripts' digits are refused (Decimal() would accept them, and sNaN breaks
    NumberRange)."""

    data: Any  # a Decimal once validated, as DecimalField's

    def process_formdata(self, valuelist: Sequence[Any]) -> None:
        if not valuelist:
            return
        _only_text(valuelist)
        text = valuelist[0].strip()
        if not text:
            self.data = None
            return
        if not _DECIMAL_RE.fullmatch(text):
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))
        self.data = Decimal(text.replace(",", "."))


class QuantityField(IntegerField):
    """A whole number of units in ASCII digits (IntegerField alone accepts '٣' and '+3')."""

    def process_formdata(self, valuelist: Sequence[Any]) -> None:
        if valuelist:
            _only_text(valuelist)
            text = valuelist[0].strip()
            if text and not (text.isascii() and text.isdigit() and len(text) <= 6):
                self.data = None
                raise ValueError(_l("Enter a whole number of units, such as 3."))
        super().process_formdata(valuelist)


class MoneyField(TextLine):
    """An amount typed in euros, parsed exactly into `cents` (None when left empty)."""

    cents: int | None = None

    def __init__(self, label: str | None = None, validators: Any = None, *,
                 min_cents: int = 0, max_cents: int = 10_000_000, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.min_cents, self.max_cents = min_cents, max_cents

    def pre_validate(self, form: Any) -> None:
        super().pre_validate(form)
        self.cents = None
        if not self.data:
            return
        try:
            cents = parse_major_to_cents(self.data)
        except MoneyFormatError as exc:
            raise StopValidation(_money_error(exc)) from exc
        if not self.min_cents <= cents <= self.max_cents:
            low, high = _euros(self.min_cents), _euros(self.max_cents)
            raise StopValidation(_("Enter an amount between %(low)s and %(high)s €.",
                                   low=low, high=high))
        self.cents = cents


class PercentField(TextLine):
    """A rate typed in percent ('12.5', '12,5 %'), parsed exactly into `bps` (None if empty)."""

    bps: int | None = None

    def pre_validate(self, form: Any) -> None:
        super().pre_validate(form)
        self.bps = None
        if not self.data:
            return
        try:
            self.bps = parse_percent_to_bps(self.data)
        except MoneyFormatError as exc:
            raise StopValidation(_money_error(exc)) from exc


def _euros(cents: int) -> str:
    units, rest = divmod(cents, 100)
    return f"{units}" if not rest else f"{units}.{rest:02d}"


__all__ = ["BoundedDateField", "DecimalNumberField", "EmailLine", "LocalDateTimeField",
           "MoneyField", "PasswordLine", "PercentField", "TextBlock", "TextLine",
           "has_control_characters"]


class _RememberedSelect(Select):
    """A <select> whose options never change while the app runs (categories, channels):
    rendered once per (field, language, selected value, attributes) per process. Rendering
    its options through WTForms (an escape and an attribute string per option) was a third
    of the operators' report page."""

    def __init__(self) -> None:
        super().__init__()
        self._rendered: dict[tuple[Any, ...], Markup] = {}

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        # the choices' values are in the key: two forms with a field of the same name and
        # other options never share a rendering (choices are SelectChoice objects)
        offered = tuple(getattr(choice, "value", choice) for choice in field.choices or ())
        key = (offered, field.id, field.name, current_locale(), field.data,
               tuple(sorted(kwargs.items())), bool(field.flags.required))
        found = self._rendered.get(key)
        if found is None:
            found = super().__call__(field, **kwargs)
            if len(self._rendered) < 512:  # bounded: only the field's own values vary
                self._rendered[key] = found
        return found


class StaticSelectField(SelectField):
    """A SelectField with a fixed list of choices, rendered from a per-process memo."""

    widget = _RememberedSelect()
