"""Sign-up, sign-in and helper profile forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField
from wtforms.validators import (
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.core.categories import category_choices
from marketplace.core.forms import DecimalNumberField, EmailLine, PasswordLine, TextBlock, TextLine
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.places.forms import AddressFields


class SignupForm(FlaskForm):
    full_name = TextLine(_l("Full name"), validators=[InputRequired(), Length(max=120)])
    email = EmailLine(_l("Email"), validators=[InputRequired(), Email(), Length(max=254)])
    phone = TextLine(_l("Phone (optional)"), validators=[Optional(), Length(max=32)])
    password = PasswordLine(_l("Password"), validators=[InputRequired(), Length(min=10, max=128)])
    confirm = PasswordLine(
        _l("Repeat password"),
        validators=[InputRequired(), EqualTo("password", _l("Passwords differ."))]
    )
    as_client = BooleanField(_l("I need help (client)"), default=True)
    as_helper = BooleanField(_l("I want to help and earn (helper)"))

    def validate_as_helper(self, field: BooleanField) -> None:
        if not (field.data or self.as_client.data):
            raise ValidationError(_l("Choose at least one role."))


class LoginForm(FlaskForm):
    email = EmailLine(_l("Email"), validators=[InputRequired(), Email(), Length(max=254)])
    password = PasswordLine(_l("Password"), validators=[InputRequired(), Length(max=128)])
    remember = BooleanField(_l("Keep me signed in"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class HelperProfileForm(AddressFields, FlaskForm):
    skills = MultiCheckboxField(_l("Skills"), choices=category_choices(),
                                validators=[InputRequired(_l("Choose at least one skill."))])
    address = TextLine(_l("Home address"), validators=[
        InputRequired(_l("Type your home address and choose it in the list.")),
        Length(max=255)])
    radius_km = DecimalNumberField(_l("Service radius (km)"), places=1, default=5,
                                   validators=[InputRequired(), NumberRange(0.5, 100)])
    bio = TextBlock(_l("About you (optional)"), validators=[Optional(), Length(max=1000)])


class SignOutEverywhereForm(FlaskForm):
    """No field: the CSRF token alone (sign out of every browser and device)."""


class ConfirmEmailForm(FlaskForm):
    """The password chosen at sign-up, with the emailed link: both prove the account's owner."""

    password = PasswordLine(_l("Your password (the one you chose when signing up)"),
                            validators=[InputRequired(), Length(max=128)])


class ResendConfirmationForm(FlaskForm):
    """No field: the CSRF token alone (send the confirmation link again)."""


# Same rules as sign-up for every new password.
NEW_PASSWORD = [InputRequired(), Length(min=10, max=128)]


class NewPasswordMixin:
    password = PasswordLine(_l("New password"), validators=NEW_PASSWORD)
    confirm = PasswordLine(_l("Repeat the new password"), validators=[
        InputRequired(), EqualTo("password", _l("Passwords differ."))])


class ForgotPasswordForm(FlaskForm):
    email = EmailLine(_l("Email"), validators=[InputRequired(), Email(), Length(max=254)])


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    pass


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordLine(_l("Current password"), validators=[InputRequired(), Length(max=128)])


class ChangeEmailForm(FlaskForm):
    email = EmailLine(_l("New email address"),
                      validators=[InputRequired(), Email(), Length(max=254)])
    current = PasswordLine(_l("Current password"), validators=[InputRequired(), Length(max=128)])


class DeleteAccountForm(FlaskForm):
    current = PasswordLine(_l("Current password"), validators=[InputRequired(), Length(max=128)])
    understood = BooleanField(
        _l("I understand that my account and personal data will be erased for good"),
        validators=[InputRequired(_l("Tick the box to confirm."))])

