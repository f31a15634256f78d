"""Filters for operator reports (GET forms: no CSRF needed, nothing changes)."""

from __future__ import annotations

from wtforms import DateField, Form
from wtforms.validators import Optional


class PeriodForm(Form):
    since = DateField("From", validators=[Optional()])
    until = DateField("Until (inclusive)", validators=[Optional()])
