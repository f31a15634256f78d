"""Operator forms: report filters (GET, no CSRF: nothing changes) and hotline booking."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtf_translations
from wtforms import BooleanField, Form
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from marketplace.core.categories import category_choices
from marketplace.core.forms import (
    BoundedDateField,
    EmailLine,
    StaticSelectField,
    TextBlock,
    TextLine,
)
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.core.labels import CHANNEL_LABELS
from marketplace.missions.forms import MissionForm


class PeriodForm(Form):
    class Meta:
        def get_translations(self, form: Form) -> object:
            """WTForms' own messages in the page's language, as Flask-WTF forms have them."""
            return wtf_translations

    since = BoundedDateField(_l("From"), validators=[Optional()])
    until = BoundedDateField(_l("Until (inclusive)"), validators=[Optional()])
    category = StaticSelectField(_l("Category"), default="", choices=[
        SelectChoice("", _l("any")), *category_choices(),
        SelectChoice("group_purchase", _l("Group purchases"))])
    channel = StaticSelectField(_l("Channel"), default="", choices=[
        SelectChoice(v, CHANNEL_LABELS[v]) for v in ("", "web", "api", "hotline")])
    operator = TextLine(_l("Booked by operator (email)"),
                        validators=[Optional(), Email(), Length(max=254)])
    helper = TextLine(_l("Helper (email)"), validators=[Optional(), Email(), Length(max=254)])

    def validate_until(self, field: BoundedDateField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end of the period comes before its start."))


class HotlineForm(MissionForm):
    """A caller's details plus the mission they ask for."""

    full_name = TextLine(_l("Caller's name"), validators=[InputRequired(), Length(max=120)])
    phone = TextLine(_l("Phone"), validators=[InputRequired(), Length(max=32)])
    email = EmailLine(_l("Email (optional)"), validators=[Optional(), Email(), Length(max=254)])
    note = TextBlock(_l("Call note"), validators=[Optional(), Length(max=2000)])


class CallLogForm(FlaskForm):
    note = TextBlock(_l("Note"), validators=[InputRequired(), Length(min=1, max=2000)])
    follow_up = BooleanField(_l("Follow-up needed"))
