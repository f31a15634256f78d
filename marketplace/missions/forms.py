"""Mission forms: prices are typed in euros and become integer cents here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from marketplace.core.categories import FREE_HELP, category_choices
from marketplace.core.dates import PARIS
from marketplace.core.forms import (
    DecimalNumberField,
    LocalDateTimeField,
    MoneyField,
    TextBlock,
    TextLine,
)
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.places.forms import AddressFields


class MissionForm(AddressFields, FlaskForm):
    category = SelectField(_l("Category"), choices=category_choices(),
                           validators=[InputRequired()])
    title = TextLine(_l("Title"), validators=[InputRequired(), Length(min=3, max=120)])
    description = TextBlock(_l("Description"),
                            validators=[InputRequired(), Length(min=10, max=4000)])
    starts_at = LocalDateTimeField(_l("Start (Paris time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired()])
    ends_at = LocalDateTimeField(_l("End (Paris time)"), format="%Y-%m-%dT%H:%M",
                                 validators=[InputRequired()])
    price = MoneyField(_l("Price (€)"), validators=[InputRequired(), Length(max=20)])
    matching_mode = SelectField(_l("How to find the helper"), default="instant", choices=[
        SelectChoice("instant", _l("Instant: the first available helper nearby takes it")),
        SelectChoice("choose", _l("Choose: nearby helpers apply, I pick one")),
        SelectChoice("operator", _l("Operator: our team finds the helper"))])

    price_cents: int = 0

    def validate_price(self, field: MoneyField) -> None:
        """The one money parser already ran (MoneyField); what is left is the category's rule."""
        self.price_cents = field.cents or 0
        if self.category.data == FREE_HELP:
            if self.price_cents != 0:
                raise ValidationError(_l("Free help (coup de main) has no price: enter 0."))
        elif self.price_cents <= 0:
            raise ValidationError(_l("The price must be positive."))

    def starts_at_utc(self) -> datetime:
        return _as_utc(self.starts_at.data)

    def ends_at_utc(self) -> datetime:
        return _as_utc(self.ends_at.data)


def _as_utc(local: datetime | None) -> datetime:
    assert local is not None
    return local.replace(tzinfo=PARIS).astimezone(UTC)


class OnceHiddenTag(FlaskForm):
    """Renders its hidden fields (the CSRF token) once per page: a list with a button on
    each of 50 rows reuses them instead of rendering the token 50 times."""

    def hidden_tag(self, *fields: Any) -> Markup:
        if fields:
            return super().hidden_tag(*fields)
        cached = self.__dict__.get("_hidden_tag")
        if cached is None:
            cached = self.__dict__["_hidden_tag"] = super().hidden_tag()
        return cached


class ApplyForm(OnceHiddenTag):
    message = TextBlock(_l("Message to the client"),
                            validators=[InputRequired(), Length(min=1, max=1000)])


class MessageForm(FlaskForm):
    body = TextBlock(_l("Message"), validators=[InputRequired(), Length(min=1, max=2000)])


class ReviewForm(FlaskForm):
    stars = SelectField(_l("Stars"), coerce=int, validators=[InputRequired()], choices=[
        SelectChoice(n, "★" * n) for n in range(5, 0, -1)])
    comment = TextBlock(_l("Comment"), validators=[Length(max=2000)])


class HideReviewForm(FlaskForm):
    note = TextLine(_l("Why hide it"), validators=[InputRequired(), Length(min=3, max=500)])


class ConfirmForm(OnceHiddenTag):
    """An empty form: its CSRF token is what protects state-changing buttons."""


class RadiusForm(FlaskForm):
    radius_km = DecimalNumberField(_l("Radius"), validators=[NumberRange(0.5, 100)])
