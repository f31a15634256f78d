"""Hotline booking: an operator on the phone finds or creates the caller's account, books
the mission on their behalf (channel `hotline`), assigns a ranked eligible helper (the
matching pages) and sends the caller a payment link (payments/services/payment_links.py: a
page that needs no account, then the hosted checkout). Every call leaves a line in the
mission's call log.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.accounts.services import find_user_by_email, normalise_email
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import DomainError, Forbidden, NotFound
from marketplace.core.i18n import N_
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.flows import booking
from marketplace.missions.lifecycle import Channel
from marketplace.missions.models import Mission
from marketplace.missions.services import missions as services
from marketplace.operators.models import CallLog
from marketplace.payments.models import PaymentLink
from marketplace.payments.services import checkout, payment_links

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+")


def normalise_phone(phone: str) -> str:
    """Digits with a leading + kept: '06 12-34 56 78' and '0612345678' are one caller."""
    digits = re.sub(r"[^\d+]", "", phone.strip())
    if not re.fullmatch(r"\+?\d{6,15}", digits):
        raise DomainError(_l("Give a phone number of 6 to 15 digits."))
    return digits


def find_or_create_caller(full_name: str, phone: str, email: str | None = None) -> User:
    """The caller's account, found by phone or email, else created (no password they
    know: they can reset it later; a placeholder email when they gave none). The caller
    commits, with the booking the account is for."""
    number = normalise_phone(phone)
    name = _caller_name(full_name)
    email = _caller_email(email)
    conditions = [User.phone == number]
    if email:
        conditions.append(User.email == email)
    user = db.session.execute(db.select(User).where(or_(*conditions)).order_by(User.id)
                              ).scalars().first()
    if user is None:
        placeholder = f"hotline-{number.lstrip('+')}@callers.invalid"
        address = email or placeholder
        if email and find_user_by_email(address) is not None:
            raise DomainError(_l("This email belongs to another account."))
        # The operator vouches for the caller: the account counts as confirmed.
        user = User(email=address, full_name=name, phone=number, is_client=True,
                    password_hash=hash_password(secrets.token_urlsafe(24)),
                    email_confirmed_at=utcnow())
        db.session.add(user)
        db.session.flush()
    return user


def book_for_caller(operator: User, full_name: str, phone: str, email: str | None,
                    draft: services.MissionDraft, note: str) -> Mission:
    """Create the caller's mission on their behalf and log the call, in one transaction:
    everything is checked before the first write, and a refusal keeps nothing."""
    if not operator.is_operator:
        raise Forbidden(_l("Only operators take hotline calls."))
    text = clean_note(note) if note.strip() else N_("Booked by phone.")
    services.validate_draft(draft)
    try:
        caller = find_or_create_caller(full_name, phone, email)
        mission = booking.book_mission(caller, draft, channel=Channel.HOTLINE,
                                       booked_by=operator)
        db.session.add(CallLog(mission_id=mission.id, operator_id=operator.id, note=text,
                               follow_up=False))
        db.session.commit()
    except Exception:
        db.session.rollback()  # neither the caller's account nor the mission is kept
        raise
    return mission


def log_call(operator: User, mission_id: int, note: str, follow_up: bool) -> CallLog:
    if not operator.is_operator or db.session.get(Mission, mission_id) is None:
        raise NotFound(_l("No such mission."))
    entry = CallLog(mission_id=mission_id, operator_id=operator.id, note=clean_note(note),
                    follow_up=follow_up)
    db.session.add(entry)
    db.session.commit()
    return entry


def clean_note(note: str) -> str:
    """A call note as stored: trimmed, 1 to 2000 characters, no control characters (the
    database refuses NUL; the others only hide text) beyond tabs and line breaks."""
    text = note.strip()
    if not 1 <= len(text) <= 2000:
        raise DomainError(_l("Write a note of 1 to 2000 characters."))
    if _CONTROL.search(text):
        raise DomainError(_l("The note contains characters that cannot be saved."))
    return text


def _caller_name(full_name: str) -> str:
    name = full_name.strip()
    if not 1 <= len(name) <= 120 or _CONTROL.search(name):
        raise DomainError(_l("Give the caller's name (up to 120 characters)."))
    return name


def _caller_email(email: str | None) -> str | None:
    if not email or not email.strip():
        return None
    address = normalise_email(email)
    if len(address) > 254 or not _EMAIL.fullmatch(address):
        raise DomainError(_l("Give a valid email address, or none."))
    return address


def call_log(mission_id: int) -> list[CallLog]:
    return list(db.session.execute(
        db.select(CallLog).where(CallLog.mission_id == mission_id).order_by(CallLog.id)
        .options(selectinload(CallLog.operator))).scalars())


@dataclass(frozen=True)
class LinkView:
    """What the hotline page shows of the mission's latest payment link."""

    link: PaymentLink
    state: str


def send_payment_link(operator: User, mission_id: int) -> str:
    """Send (or resend: the older link stops working) the caller's payment link; returns
    its token for the operator to read out once (it is not kept)."""
    mission = db.session.get(Mission, mission_id)
    if not operator.is_operator or mission is None:
        raise NotFound("No such mission.")
    _link, token = payment_links.send_link(mission, operator)
    return token


def payment_link_view(mission: Mission) -> LinkView | None:
    link = payment_links.latest_link(mission)
    if link is None:
        return None
    state = payment_links.shown_state(link, checkout.latest_payment(mission))
    return LinkView(link=link, state=state.value)
