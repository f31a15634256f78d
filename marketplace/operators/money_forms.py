"""Operator forms for the money console: every amount and rate through the one money parser."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from marketplace.core.categories import category_choices
from marketplace.core.forms import MoneyField, PercentField, TextBlock, TextLine
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.core.labels import CHANNEL_LABELS
from marketplace.payments.models import FeeKind

_MAX_CENTS = 10_000_000  # 100 000 €


class FeeRuleForm(FlaskForm):
    kind = SelectField(_l("Fee"), choices=[
        SelectChoice(FeeKind.COMMISSION.value, _l("Helper commission")),
        SelectChoice(FeeKind.SERVICE_FEE.value, _l("Client service fee"))])
    category = SelectField(_l("Category"), choices=[
        SelectChoice("", _l("any")), *category_choices(),
        SelectChoice("group_purchase", _l("Group purchases"))], default="")
    channel = SelectField(_l("Channel"), choices=[SelectChoice(v, CHANNEL_LABELS[v])
                                              for v in ("", "web", "api", "hotline")],
                          default="")
    helper_email = TextLine(_l("Helper override (email)"),
                            validators=[Optional(), Email(), Length(max=254)])
    percent = PercentField(_l("Percentage"), validators=[Optional(), Length(max=20)], default="0")
    fixed = MoneyField(_l("Fixed part (€)"), validators=[Optional(), Length(max=20)],
                       max_cents=_MAX_CENTS)
    minimum = MoneyField(_l("Minimum (€)"), validators=[Optional(), Length(max=20)],
                         max_cents=_MAX_CENTS)
    cap = MoneyField(_l("Cap (€)"), validators=[Optional(), Length(max=20)], max_cents=_MAX_CENTS)


class RefundForm(FlaskForm):
    amount = MoneyField(_l("Refund to the client (€)"), validators=[DataRequired(), Length(max=20)],
                        min_cents=1, max_cents=_MAX_CENTS)
    helper_part = MoneyField(_l("Of which taken from the helper (€)"), default="0",
                             validators=[Optional(), Length(max=20)], max_cents=_MAX_CENTS)
    note = TextBlock(_l("Note (required)"), validators=[DataRequired(), Length(min=3, max=500)])


class ResolveForm(FlaskForm):
    resolution = SelectField(_l("Decision"), choices=[
        SelectChoice("release", _l("Release to the helper")),
        SelectChoice("refund", _l("Full refund to the client")),
        SelectChoice("split", _l("Split"))])
    helper_amount = MoneyField(_l("For a split: to the helper (€)"),
                               validators=[Optional(), Length(max=20)], max_cents=_MAX_CENTS)
    client_amount = MoneyField(_l("For a split: back to the client (€)"),
                               validators=[Optional(), Length(max=20)], max_cents=_MAX_CENTS)
    note = TextBlock(_l("Note (required)"), validators=[DataRequired(), Length(min=3, max=500)])


class WriteOffForm(FlaskForm):
    note = TextLine(_l("Why we give up (required)"),
                    validators=[DataRequired(), Length(min=3, max=500)])
