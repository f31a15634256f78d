"""Sign-up, sign-in and helper profile rules."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func

from marketplace.accounts import lockout, signals
from marketplace.accounts.models import HelperProfile, HelperSkill, User
from marketplace.accounts.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password
from marketplace.accounts.sessions import bump_session_version
from marketplace.core.categories import CATEGORIES
from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError, NotFound


class EmailTaken(Conflict):
    """Someone already signed up with this email (its owner has been told, not the visitor)."""


# What a visitor reads when the email has an account: it neither confirms nor denies it.
CHECK_YOUR_EMAIL = ("Check your email to continue: if an account already uses this email, "
                    "we have sent its owner a message.")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        db.select(User).where(func.lower(User.email) == normalise_email(email))
    ).scalar_one_or_none()


def register_user(
    email: str, password: str, full_name: str, *, client: bool, helper: bool,
    phone: str | None = None,
) -> User:
    """Create an account; a person may be client, helper or both."""
    if not (client or helper):
        raise DomainError("Choose at least one role.")
    existing = find_user_by_email(email)
    if existing is not None:
        signals.signup_with_existing_email.send(existing)  # the owner gets a message
        db.session.commit()
        raise EmailTaken(CHECK_YOUR_EMAIL)
    user = User(
        email=normalise_email(email), password_hash=hash_password(password),
        full_name=full_name.strip(), phone=phone, is_client=client, is_helper=helper,
    )
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user if the password matches, taking the same time when it does not.

    Raises lockout.AccountLocked while the account cools down after too many wrong
    passwords, the right one included."""
    user = find_user_by_email(email)
    if user is None:
        verify_password(DUMMY_HASH, password)
        return None
    lockout.check_not_locked(user)
    if not verify_password(user.password_hash, password):
        lockout.record_failure(user)
        return None
    changed = lockout.record_success(user)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        changed = True
    if changed:
        db.session.commit()
    return user


def save_helper_profile(
    user: User, *, lat: float, lng: float, radius_km: float, skills: Iterable[str],
    bio: str | None = None,
) -> HelperProfile:
    """Create or update where a helper works and what they can do."""
    chosen = sorted(set(skills))
    unknown = [s for s in chosen if s not in CATEGORIES]
    if unknown or not chosen:
        raise DomainError("Choose at least one known skill.")
    profile = user.helper_profile or HelperProfile(user=user, lat=lat, lng=lng)
    profile.lat, profile.lng, profile.radius_km, profile.bio = lat, lng, radius_km, bio
    # Keep the rows of skills still chosen: replacing them all would insert a (profile,
    # skill) pair before its old row is deleted, and uq_helper_skill refuses that.
    kept = {skill.category: skill for skill in profile.skills}
    profile.skills = [kept.get(slug) or HelperSkill(category=slug) for slug in chosen]
    user.is_helper = True
    db.session.add(profile)
    db.session.commit()
    return profile


def make_operator(email: str, password: str | None, full_name: str = "Operator") -> User:
    """Grant the operator role, creating the account when it does not exist yet."""
    user = find_user_by_email(email)
    if user is None:
        if not password:
            raise NotFound("No such user; give a password to create one.")
        user = User(email=normalise_email(email), password_hash=hash_password(password),
                    full_name=full_name)
        db.session.add(user)
    elif password:
        user.password_hash = hash_password(password)
        bump_session_version(user)  # a new password ends the sessions opened with the old
    user.is_operator = True
    db.session.commit()
    return user
