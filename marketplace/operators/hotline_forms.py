"""Forms of the phone caller's pages (claiming the account the hotline opened)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length, Optional


class ClaimForm(FlaskForm):
    email = EmailField(_l("Email (you will sign in with it)"),
                       validators=[Optional(), Length(max=254)])
    password = PasswordField(_l("Choose a password"),
                             validators=[DataRequired(), Length(min=10, max=200)])
