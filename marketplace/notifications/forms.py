"""Notification settings form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice


class SettingsForm(FlaskForm):
    locale = SelectField("Language / Langue",
                         choices=[SelectChoice("fr", "Français"), SelectChoice("en", "English")])
    email_enabled = BooleanField("Email me")
    sms_enabled = BooleanField("Send me text messages (needs a phone number)")
