"""Sign-up, sign-in and helper profile forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    PasswordField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
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


class SignupForm(FlaskForm):
    full_name = StringField("Full name", validators=[InputRequired(), Length(max=120)])
    email = EmailField("Email", validators=[InputRequired(), Email(), Length(max=254)])
    phone = StringField("Phone (optional)", validators=[Optional(), Length(max=32)])
    password = PasswordField("Password", validators=[InputRequired(), Length(min=10, max=128)])
    confirm = PasswordField(
        "Repeat password", validators=[InputRequired(), EqualTo("password", "Passwords differ.")]
    )
    as_client = BooleanField("I need help (client)", default=True)
    as_helper = BooleanField("I want to help and earn (helper)")

    def validate_as_helper(self, field: BooleanField) -> None:
        if not (field.data or self.as_client.data):
            raise ValidationError("Choose at least one role.")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Email()])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=128)])
    remember = BooleanField("Keep me signed in")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class HelperProfileForm(FlaskForm):
    skills = MultiCheckboxField("Skills", choices=category_choices(),
                                validators=[InputRequired("Choose at least one skill.")])
    lat = DecimalField("Home latitude", places=6,
                       validators=[InputRequired(), NumberRange(-90, 90)])
    lng = DecimalField("Home longitude", places=6,
                       validators=[InputRequired(), NumberRange(-180, 180)])
    radius_km = DecimalField("Service radius (km)", places=1, default=5,
                             validators=[InputRequired(), NumberRange(0.5, 100)])
    bio = TextAreaField("About you (optional)", validators=[Optional(), Length(max=1000)])


class SignOutEverywhereForm(FlaskForm):
    """No field: the CSRF token alone (sign out of every browser and device)."""
