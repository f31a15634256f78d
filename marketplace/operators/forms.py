"""Filters for operator reports (GET forms: no CSRF needed, nothing changes)."""

from __future__ import annotations

from wtforms import DateField, Form, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Optional

from marketplace.missions.categories import CATEGORIES


class PeriodForm(Form):
    since = DateField("From", validators=[Optional()])
    until = DateField("Until (inclusive)", validators=[Optional()])
    category = SelectField("Category", default="", choices=[SelectChoice("", "any")] + [
        SelectChoice(slug, fr) for slug, (fr, _) in CATEGORIES.items()])
    channel = SelectField("Channel", default="", choices=[
        SelectChoice(v, v or "any") for v in ("", "web", "api", "hotline")])
    operator = StringField("Booked by operator (email)", validators=[Optional(), Email()])
    helper = StringField("Helper (email)", validators=[Optional(), Email()])
