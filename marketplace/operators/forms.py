"""Operator forms: report filters (GET, no CSRF: nothing changes) and hotline booking."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from marketplace.core.categories import CATEGORIES
from marketplace.core.forms import BoundedDateField, EmailLine, TextBlock, TextLine
from marketplace.missions.forms import MissionForm


class PeriodForm(Form):
    since = BoundedDateField("From", validators=[Optional()])
    until = BoundedDateField("Until (inclusive)", validators=[Optional()])
    category = SelectField("Category", default="", choices=[SelectChoice("", "any")] + [
        SelectChoice(slug, fr) for slug, (fr, _) in CATEGORIES.items()])
    channel = SelectField("Channel", default="", choices=[
        SelectChoice(v, v or "any") for v in ("", "web", "api", "hotline")])
    operator = TextLine("Booked by operator (email)",
                        validators=[Optional(), Email(), Length(max=254)])
    helper = TextLine("Helper (email)", validators=[Optional(), Email(), Length(max=254)])

    def validate_until(self, field: BoundedDateField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end of the period comes before its start.")


class HotlineForm(MissionForm):
    """A caller's details plus the mission they ask for."""

    full_name = TextLine("Caller's name", validators=[InputRequired(), Length(max=120)])
    phone = TextLine("Phone", validators=[InputRequired(), Length(max=32)])
    email = EmailLine("Email (optional)", validators=[Optional(), Email(), Length(max=254)])
    note = TextBlock("Call note", validators=[Optional(), Length(max=2000)])


class CallLogForm(FlaskForm):
    note = TextBlock("Note", validators=[InputRequired(), Length(min=1, max=2000)])
    follow_up = BooleanField("Follow-up needed")
