"""Operator forms: report filters (GET, no CSRF: nothing changes) and hotline booking."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, Form, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from marketplace.missions.forms import MissionForm


class PeriodForm(Form):
    since = DateField("From", validators=[Optional()])
    until = DateField("Until (inclusive)", validators=[Optional()])


class HotlineForm(MissionForm):
    """A caller's details plus the mission they ask for."""

    full_name = StringField("Caller's name", validators=[InputRequired(), Length(max=120)])
    phone = StringField("Phone", validators=[InputRequired(), Length(max=32)])
    email = EmailField("Email (optional)", validators=[Optional(), Email(), Length(max=254)])
    note = TextAreaField("Call note", validators=[Optional(), Length(max=2000)])


class CallLogForm(FlaskForm):
    note = TextAreaField("Note", validators=[InputRequired(), Length(min=1, max=2000)])
    follow_up = BooleanField("Follow-up needed")
