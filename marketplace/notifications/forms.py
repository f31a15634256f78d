"""Notification settings form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from marketplace.core.i18n import LANGUAGE_NAMES
from marketplace.core.i18n import lazy_gettext as _l


class SettingsForm(FlaskForm):
    locale = SelectField(_l("Language (pages and notifications)"),
                         choices=[SelectChoice(code, name)
                                  for code, name in LANGUAGE_NAMES.items()])
    email_enabled = BooleanField(_l("Email me"))
    sms_enabled = BooleanField(_l("Send me text messages (needs a phone number)"))
