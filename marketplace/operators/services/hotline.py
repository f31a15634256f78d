"""Hotline booking: an operator on the phone finds or creates the caller's account, books
the mission on their behalf (channel `hotline`), assigns a ranked eligible helper (the
matching pages) and gives the caller a payment link (the hosted checkout page, which the
caller opens to authorize the card). Every call leaves a line in the mission's call log.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import User
from marketplace.accounts.passwords import hash_password
from marketplace.accounts.services import find_user_by_email, normalise_email
from marketplace.core.db import db
from marketplace.core.errors import DomainError, Forbidden, NotFound
from marketplace.flows import booking
from marketplace.missions.lifecycle import Channel
from marketplace.missions.models import Mission
from marketplace.missions.services import missions as services
from marketplace.operators.models import CallLog


def normalise_phone(phone: str) -> str:
    """Digits with a leading + kept: '06 12-34 56 78' and '0612345678' are one caller."""
    digits = re.sub(r"[^\d+]", "", phone.strip())
    if not re.fullmatch(r"\+?\d{6,15}", digits):
        raise DomainError("Give a phone number of 6 to 15 digits.")
    return digits


def find_or_create_caller(full_name: str, phone: str, email: str | None = None) -> User:
    """The caller's account, found by phone or email, else created (no password they
    know: they can reset it later; a placeholder email when they gave none)."""
    number = normalise_phone(phone)
    conditions = [User.phone == number]
    if email:
        conditions.append(User.email == normalise_email(email))
    user = db.session.execute(db.select(User).where(or_(*conditions)).order_by(User.id)
                              ).scalars().first()
    if user is None:
        placeholder = f"hotline-{number.lstrip('+')}@callers.invalid"
        address = normalise_email(email) if email else placeholder
        if email and find_user_by_email(address) is not None:
            raise DomainError("This email belongs to another account.")
        user = User(email=address, full_name=full_name.strip(), phone=number, is_client=True,
                    password_hash=hash_password(secrets.token_urlsafe(24)))
        db.session.add(user)
        db.session.flush()
    return user


def book_for_caller(operator: User, full_name: str, phone: str, email: str | None,
                    draft: services.MissionDraft, note: str) -> Mission:
    """Create the caller's mission on their behalf and log the call."""
    if not operator.is_operator:
        raise Forbidden("Only operators take hotline calls.")
    try:
        caller = find_or_create_caller(full_name, phone, email)
        mission = booking.post_mission(caller, draft, channel=Channel.HOTLINE,
                                        booked_by=operator)
    except DomainError:
        db.session.rollback()  # a caller created for a refused booking is not kept
        raise
    log_call(operator, mission.id, note or "Booked by phone.", follow_up=False)
    return mission


def log_call(operator: User, mission_id: int, note: str, follow_up: bool) -> CallLog:
    if not operator.is_operator or db.session.get(Mission, mission_id) is None:
        raise NotFound("No such mission.")
    if not 1 <= len(note.strip()) <= 2000:
        raise DomainError("Write a note of 1 to 2000 characters.")
    entry = CallLog(mission_id=mission_id, operator_id=operator.id, note=note.strip(),
                    follow_up=follow_up)
    db.session.add(entry)
    db.session.commit()
    return entry


def call_log(mission_id: int) -> list[CallLog]:
    return list(db.session.execute(
        db.select(CallLog).where(CallLog.mission_id == mission_id).order_by(CallLog.id)
        .options(selectinload(CallLog.operator))).scalars())
