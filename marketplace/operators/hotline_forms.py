"""Forms of the guest and tip pages: the phone caller claiming the account the hotline
opened, a client tipping the helper."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from marketplace.core.forms import EmailLine, MoneyField, PasswordLine
from marketplace.core.i18n import lazy_gettext as _l


class ClaimForm(FlaskForm):
    email = EmailLine(_l("Email (you will sign in with it)"),
                      validators=[Optional(), Length(max=254)])
    password = PasswordLine(_l("Choose a password"),
                            validators=[DataRequired(), Length(min=10, max=200)])


class TipForm(FlaskForm):
    """A tip typed in euros, parsed by the one money parser (bounds: the tips service)."""

    amount = MoneyField(_l("Tip (€)"), validators=[InputRequired(), Length(max=20)],
                        min_cents=1)
