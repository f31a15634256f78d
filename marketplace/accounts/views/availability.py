"""The helper's availability page: weekly slots and time off (Paris local time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from marketplace.accounts import availability
from marketplace.accounts.models import HelperProfile
from marketplace.core.auth import role_required
from marketplace.core.base import utcnow
from marketplace.core.dates import PARIS
from marketplace.core.errors import DomainError
from marketplace.core.forms import LocalDateTimeField
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.core.routing import Routes

routes = Routes()


class SlotForm(FlaskForm):
    weekday = SelectField(_l("Day"), coerce=int, choices=[
        SelectChoice(i, day) for i, day in enumerate(availability.WEEKDAYS)])
    start = TimeField(_l("From"), validators=[InputRequired()])
    end = TimeField(_l("To"), validators=[InputRequired()])


TIME_OFF_PAST = timedelta(days=31)  # a time off may be recorded once it has begun
TIME_OFF_AHEAD = timedelta(days=2 * 365)


class TimeOffForm(FlaskForm):
    starts_at = LocalDateTimeField(_l("From"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired()])
    ends_at = LocalDateTimeField(_l("Until"), format="%Y-%m-%dT%H:%M",
                                 validators=[InputRequired()])

    def validate_starts_at(self, field: LocalDateTimeField) -> None:
        if field.data and _paris_to_utc(field.data) < utcnow() - TIME_OFF_PAST:
            raise ValidationError(_l("Time off cannot start more than a month ago."))

    def validate_ends_at(self, field: LocalDateTimeField) -> None:
        if field.data and _paris_to_utc(field.data) > utcnow() + TIME_OFF_AHEAD:
            raise ValidationError(_l("Time off can be planned up to two years ahead."))


def _paris_to_utc(local: datetime | None) -> datetime:
    assert local is not None
    return local.replace(tzinfo=PARIS).astimezone(UTC)


def _profile() -> HelperProfile:
    if current_user.helper_profile is None:
        abort(404)
    return current_user.helper_profile


@routes.route("/helper/availability", methods=["GET", "POST"])
@role_required("helper")
def helper_availability() -> str | Response | tuple[str, int]:
    profile, slot_form, off_form = _profile(), SlotForm(prefix="slot"), TimeOffForm(prefix="off")
    try:
        if "slot-weekday" in request.form and slot_form.validate_on_submit():
            start, end = slot_form.start.data, slot_form.end.data
            end_minute = (end.hour * 60 + end.minute) or 1440  # "00:00" as an end is midnight
            availability.add_slot(profile, slot_form.weekday.data, start.hour * 60 + start.minute,
                                  end_minute)
            return redirect(url_for("accounts.helper_availability"))
        if "off-starts_at" in request.form and off_form.validate_on_submit():
            availability.add_time_off(profile, _paris_to_utc(off_form.starts_at.data),
                                      _paris_to_utc(off_form.ends_at.data))
            return redirect(url_for("accounts.helper_availability"))
    except DomainError as exc:
        slot_form.form_errors.append(str(exc))
    page = render_template("accounts/availability.html", slots=availability.slots_of(profile),
                           time_off=availability.time_off_of(profile), slot_form=slot_form,
                           off_form=off_form, weekdays=availability.WEEKDAYS,
                           confirm=FlaskForm())
    failed = slot_form.errors or off_form.errors or slot_form.form_errors
    return (page, 400) if failed else page


@routes.route("/helper/availability/<kind>/<int:row_id>/delete", methods=["POST"])
@role_required("helper")
def delete_availability(kind: str, row_id: int) -> Response:
    if not FlaskForm().validate_on_submit() or kind not in ("slot", "off"):
        abort(400)
    remove = availability.remove_slot if kind == "slot" else availability.remove_time_off
    remove(_profile(), row_id)
    flash(_("Removed."), "info")
    return redirect(url_for("accounts.helper_availability"))
