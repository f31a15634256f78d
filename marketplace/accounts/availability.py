"""When a helper works: weekly slots (Paris local time) and dated time off.

A helper with no weekly slot is treated as flexible (available any day); one who sets
slots is offered only missions that start inside one. Time off always wins.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from marketplace.accounts.models import AvailabilitySlot, HelperProfile, TimeOff
from marketplace.core.dates import PARIS
from marketplace.core.db import db
from marketplace.core.errors import DomainError, NotFound
from marketplace.core.i18n import lazy_gettext as _l

WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
            _l("Saturday"), _l("Sunday"))


def local_weekday_minute(moment: datetime) -> tuple[int, int]:
    """Weekday and minute of day of an aware instant, in Paris local time."""
    local = moment.astimezone(PARIS)
    return local.weekday(), local.hour * 60 + local.minute


def add_slot(profile: HelperProfile, weekday: int, start_minute: int,
             end_minute: int) -> AvailabilitySlot:
    """Add a weekly window; the database CHECKs back the same rules."""
    if not (0 <= weekday <= 6 and 0 <= start_minute < end_minute <= 1440):
        raise DomainError(_l("Give a weekday and a start before the end."))
    slot = AvailabilitySlot(helper_profile_id=profile.id, weekday=weekday,
                            start_minute=start_minute, end_minute=end_minute)
    db.session.add(slot)
    db.session.commit()
    return slot


def add_time_off(profile: HelperProfile, starts_at: datetime, ends_at: datetime) -> TimeOff:
    if starts_at >= ends_at:
        raise DomainError(_l("Time off must end after it starts."))
    period = TimeOff(helper_profile_id=profile.id, starts_at=starts_at, ends_at=ends_at)
    db.session.add(period)
    db.session.commit()
    return period


def slots_of(profile: HelperProfile) -> list[AvailabilitySlot]:
    return list(db.session.execute(
        db.select(AvailabilitySlot).where(AvailabilitySlot.helper_profile_id == profile.id)
        .order_by(AvailabilitySlot.weekday, AvailabilitySlot.start_minute)).scalars())


def time_off_of(profile: HelperProfile) -> list[TimeOff]:
    return list(db.session.execute(
        db.select(TimeOff).where(TimeOff.helper_profile_id == profile.id)
        .order_by(TimeOff.starts_at)).scalars())


def remove_slot(profile: HelperProfile, slot_id: int) -> None:
    """Delete one of the helper's own slots (another helper's id: 404)."""
    _remove(AvailabilitySlot, profile, slot_id)


def remove_time_off(profile: HelperProfile, period_id: int) -> None:
    _remove(TimeOff, profile, period_id)


_HelperRow = TypeVar("_HelperRow", AvailabilitySlot, TimeOff)


def _remove(model: type[_HelperRow], profile: HelperProfile, row_id: int) -> None:
    row = db.session.get(model, row_id)
    if row is None or row.helper_profile_id != profile.id:
        raise NotFound(_l("No such entry."))
    db.session.delete(row)
    db.session.commit()
