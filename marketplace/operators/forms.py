"""Operator forms: report filters (GET, no CSRF: nothing changes) and hotline booking."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Form,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional

from marketplace.core.categories import CATEGORIES
from marketplace.missions.forms import MissionForm


class PeriodForm(Form):
    since = DateField("From", validators=[Optional()])
    until = DateField("Until (inclusive)", validators=[Optional()])
    category = SelectField("Category", default="", choices=[SelectChoice("", "any")] + [
        SelectChoice(slug, fr) for slug, (fr, _) in CATEGORIES.items()])
    channel = SelectField("Channel", default="", choices=[
        SelectChoice(v, v or "any") for v in ("", "web", "api", "hotline")])
    operator = StringField("Booked by operator (email)", validators=[Optional(), Email()])
    helper = StringField("Helper (email)", validators=[Optional(), Email()])


class HotlineForm(MissionForm):
    """A caller's details plus the mission they ask for."""

    full_name = StringField("Caller's name", validators=[InputRequired(), Length(max=120)])
    phone = StringField("Phone", validators=[InputRequired(), Length(max=32)])
    email = EmailField("Email (optional)", validators=[Optional(), Email(), Length(max=254)])
    note = TextAreaField("Call note", validators=[Optional(), Length(max=2000)])


class CallLogForm(FlaskForm):
    note = TextAreaField("Note", validators=[InputRequired(), Length(min=1, max=2000)])
    follow_up = BooleanField("Follow-up needed")
