"""Operator forms for the money console (fee rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from marketplace.core.categories import CATEGORIES
from marketplace.payments.models import FeeKind

_MONEY = {"places": 2, "validators": [Optional(), NumberRange(min=0, max=100_000)]}


class FeeRuleForm(FlaskForm):
    kind = SelectField("Fee", choices=[SelectChoice(FeeKind.COMMISSION.value, "Helper commission"),
                                       SelectChoice(FeeKind.SERVICE_FEE.value,
                                                    "Client service fee")])
    category = SelectField("Category", choices=[SelectChoice("", "any")] + [
        SelectChoice(slug, fr) for slug, (fr, _) in CATEGORIES.items()], default="")
    channel = SelectField("Channel", choices=[SelectChoice(v, v or "any")
                                              for v in ("", "web", "api", "hotline")],
                          default="")
    helper_email = StringField("Helper override (email)", validators=[Optional(), Email()])
    percent = DecimalField("Percentage", places=2,
                           validators=[NumberRange(min=0, max=100)], default=0)
    fixed = DecimalField("Fixed part (€)", **_MONEY)
    minimum = DecimalField("Minimum (€)", **_MONEY)
    cap = DecimalField("Cap (€)", **_MONEY)


class RefundForm(FlaskForm):
    amount = DecimalField("Refund to the client (€)", places=2,
                          validators=[DataRequired(), NumberRange(min=0.01, max=100_000)])
    helper_part = DecimalField("Of which taken from the helper (€)", places=2, default=0,
                               validators=[Optional(), NumberRange(min=0, max=100_000)])
    note = TextAreaField("Note (required)", validators=[DataRequired(), Length(min=3, max=500)])


class ResolveForm(FlaskForm):
    resolution = SelectField("Decision", choices=[
        SelectChoice("release", "Release to the helper"),
        SelectChoice("refund", "Full refund to the client"),
        SelectChoice("split", "Split")])
    helper_amount = DecimalField("For a split: to the helper (€)", places=2,
                                 validators=[Optional(), NumberRange(min=0, max=100_000)])
    client_amount = DecimalField("For a split: back to the client (€)", places=2,
                                 validators=[Optional(), NumberRange(min=0, max=100_000)])
    note = TextAreaField("Note (required)", validators=[DataRequired(), Length(min=3, max=500)])


class WriteOffForm(FlaskForm):
    note = StringField("Why we give up (required)",
                       validators=[DataRequired(), Length(min=3, max=500)])
