"""Operator forms for the money console: every amount and rate through the one money parser."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from marketplace.core.categories import CATEGORIES
from marketplace.core.forms import MoneyField, PercentField, TextBlock, TextLine
from marketplace.payments.models import FeeKind

_MAX_CENTS = 10_000_000  # 100 000 €


class FeeRuleForm(FlaskForm):
    kind = SelectField("Fee", choices=[SelectChoice(FeeKind.COMMISSION.value, "Helper commission"),
                                       SelectChoice(FeeKind.SERVICE_FEE.value,
                                                    "Client service fee")])
    category = SelectField("Category", choices=[SelectChoice("", "any")] + [
        SelectChoice(slug, fr) for slug, (fr, _) in CATEGORIES.items()], default="")
    channel = SelectField("Channel", choices=[SelectChoice(v, v or "any")
                                              for v in ("", "web", "api", "hotline")],
                          default="")
    helper_email = TextLine("Helper override (email)",
                            validators=[Optional(), Email(), Length(max=254)])
    percent = PercentField("Percentage", validators=[Optional(), Length(max=20)], default="0")
    fixed = MoneyField("Fixed part (€)", validators=[Optional(), Length(max=20)],
                       max_cents=_MAX_CENTS)
    minimum = MoneyField("Minimum (€)", validators=[Optional(), Length(max=20)],
                         max_cents=_MAX_CENTS)
    cap = MoneyField("Cap (€)", validators=[Optional(), Length(max=20)], max_cents=_MAX_CENTS)


class RefundForm(FlaskForm):
    amount = MoneyField("Refund to the client (€)", validators=[DataRequired(), Length(max=20)],
                        min_cents=1, max_cents=_MAX_CENTS)
    helper_part = MoneyField("Of which taken from the helper (€)", default="0",
                             validators=[Optional(), Length(max=20)], max_cents=_MAX_CENTS)
    note = TextBlock("Note (required)", validators=[DataRequired(), Length(min=3, max=500)])


class ResolveForm(FlaskForm):
    resolution = SelectField("Decision", choices=[
        SelectChoice("release", "Release to the helper"),
        SelectChoice("refund", "Full refund to the client"),
        SelectChoice("split", "Split")])
    helper_amount = MoneyField("For a split: to the helper (€)",
                               validators=[Optional(), Length(max=20)], max_cents=_MAX_CENTS)
    client_amount = MoneyField("For a split: back to the client (€)",
                               validators=[Optional(), Length(max=20)], max_cents=_MAX_CENTS)
    note = TextBlock("Note (required)", validators=[DataRequired(), Length(min=3, max=500)])


class WriteOffForm(FlaskForm):
    note = TextLine("Why we give up (required)",
                    validators=[DataRequired(), Length(min=3, max=500)])
