"""Sign-up, sign-in and helper profile rules."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Integer, bindparam, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.accounts import confirmation, lockout, signals
from marketplace.accounts.models import HelperProfile, HelperSkill, User
from marketplace.accounts.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password
from marketplace.accounts.sessions import bump_session_version
from marketplace.core.base import utcnow
from marketplace.core.categories import CATEGORIES
from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError, NotFound
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.places import Place


class AccountSuspended(DomainError):
    """The right password for an account an operator suspended: its owner is told so."""

    status_code = 403


class EmailTaken(Conflict):
    """An account already uses this email (`register_user`: our tools, never a visitor's
    page, which must not tell; `sign_up` never raises it)."""


# What a visitor reads after signing up, whether or not the email had an account already:
# it neither confirms nor denies it (a new account's owner gets the confirmation link, an
# existing account's owner a warning).
CHECK_YOUR_EMAIL = _l("Check your email to continue: we have sent a message to this address. "
                      "If you are new, follow its link to confirm your account; if an account "
                      "already uses this email, we have sent its owner a message.")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        db.select(User).where(func.lower(User.email) == normalise_email(email))
    ).scalar_one_or_none()


def helper_profile_of(user: User) -> HelperProfile | None:
    """The user's helper profile with its skills in one statement (a join; the relationship
    would take two), kept on the user so that `user.helper_profile` loads nothing more."""
    if "helper_profile" in user.__dict__:  # already loaded with the user
        return user.helper_profile
    profile = db.session.execute(_PROFILE_OF, {"user_id": user.id}).unique().scalar_one_or_none()
    keep_helper_profile(user, profile)
    return profile


# Built once: helpers' pages read their profile on almost every request.
_PROFILE_OF = (db.select(HelperProfile)
               .where(HelperProfile.user_id == bindparam("user_id", type_=Integer()))
               .options(joinedload(HelperProfile.skills)))


def keep_helper_profile(user: User, profile: HelperProfile | None) -> None:
    """Keep a profile loaded (with its skills) by another statement on its user, so that
    `user.helper_profile` and helper_profile_of load nothing more."""
    set_committed_value(user, "helper_profile", profile)


def sign_up(
    email: str, password: str, full_name: str, *, client: bool, helper: bool,
    phone: str | None = None, locale: str | None = None,
) -> None:
    """A visitor's sign-up. It returns nothing on purpose: seen from outside, a new email
    and one with an account end the same way (the same work, the same page), and only the
    mailbox's owner learns which (a confirmation link, or a warning).

    - a new email: an unconfirmed account, and its confirmation link by email;
    - an account still unconfirmed: this sign-up replaces its details (only the mailbox's
      owner can confirm it, so a stranger's earlier sign-up must not keep its password),
      and a confirmation link is sent (at most one a minute);
    - a confirmed account: its owner is told someone tried (at most once an hour)."""
    if not (client or helper):
        raise DomainError(_l("Choose at least one role."))
    password_hash = hash_password(password)  # in every case: the time taken tells nothing
    user = find_user_by_email(email)
    if user is not None and (confirmation.is_confirmed(user) or user.is_suspended):
        signals.signup_with_existing_email.send(user)  # the owner gets a message
        db.session.commit()
        return
    if user is None:
        user = User(email=normalise_email(email), session_version=0)
        db.session.add(user)
    user.password_hash, user.full_name, user.phone = password_hash, full_name.strip(), phone
    user.is_client, user.is_helper = client, helper
    user.locale = locale  # the language the sign-up page was shown in
    try:
        db.session.flush()
    except IntegrityError:  # the same email signed up a moment ago: that one sends the link
        db.session.rollback()
        return
    confirmation.request_confirmation(user)
    db.session.commit()


def register_user(
    email: str, password: str, full_name: str, *, client: bool, helper: bool,
    phone: str | None = None,
) -> User:
    """Create a confirmed account for someone we vouch for (the demo, operators' tools);
    visitors go through `sign_up`. A person may be client, helper or both."""
    if not (client or helper):
        raise DomainError(_l("Choose at least one role."))
    if find_user_by_email(email) is not None:
        raise EmailTaken(_l("An account already uses this email."))
    user = User(
        email=normalise_email(email), password_hash=hash_password(password),
        full_name=full_name.strip(), phone=phone, is_client=client, is_helper=helper,
        email_confirmed_at=utcnow(),
    )
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user if the password matches, taking the same time when it does not.

    Raises lockout.AccountLocked while the account cools down after too many wrong
    passwords, the right one included, confirmation.EmailNotConfirmed for the right
    password of an account whose email is not confirmed yet, and AccountSuspended for the
    right password of a suspended account (only its owner learns it is suspended)."""
    user = find_user_by_email(email)
    if user is None:  # the same answers, the same time, the same lockout as an account's
        lockout.check_unknown_not_locked(email)
        verify_password(DUMMY_HASH, password)
        lockout.record_unknown_failure(email)
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
    if user.is_suspended:
        raise AccountSuspended(_l("Your account is suspended: you cannot sign in. Write to "
                                  "our support team if you think this is a mistake."))
    if not confirmation.is_confirmed(user):
        raise confirmation.EmailNotConfirmed(user)
    return user


def resend_confirmation(user_id: int) -> None:
    """Email the confirmation link again to an account that still needs it (nothing for a
    confirmed or unknown one; at most one email a minute)."""
    user = db.session.get(User, user_id)
    if user is None or confirmation.is_confirmed(user) or user.is_suspended:
        return
    confirmation.request_confirmation(user)
    db.session.commit()


def save_seller_home(user: User, home: Place) -> HelperProfile:
    """Give a seller who does not help the profile their Stripe account hangs on: the address
    they sell from, no skills. They stay out of helper searches (those need `is_helper`), and
    a helper who starts selling keeps their own profile untouched."""
    if user.helper_profile is not None:
        return user.helper_profile
    profile = HelperProfile(user=user, lat=home.lat, lng=home.lon, home_label=home.label,
                            home_postcode=home.postcode, home_citycode=home.citycode,
                            home_city=home.city)
    db.session.add(profile)
    db.session.commit()
    return profile


def save_helper_profile(
    user: User, *, radius_km: float, skills: Iterable[str], bio: str | None = None,
    home: Place | None = None, lat: float | None = None, lng: float | None = None,
) -> HelperProfile:
    """Create or update where a helper works and what they can do.

    `home` is the geocoded address a person chose; bare `lat`/`lng` (seeds, scripts) keep
    the previous address fields empty.
    """
    chosen = sorted(set(skills))
    unknown = [s for s in chosen if s not in CATEGORIES]
    if unknown or not chosen:
        raise DomainError(_l("Choose at least one known skill."))
    if home is not None:
        lat, lng = home.lat, home.lon
    if lat is None or lng is None:
        raise DomainError(_l("Give your home address."))
    profile = user.helper_profile or HelperProfile(user=user, lat=lat, lng=lng)
    profile.lat, profile.lng, profile.radius_km, profile.bio = lat, lng, radius_km, bio
    profile.home_label = home.label if home else None
    profile.home_postcode = home.postcode if home else None
    profile.home_citycode = home.citycode if home else None
    profile.home_city = home.city if home else None
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
            raise NotFound(_l("No such user; give a password to create one."))
        user = User(email=normalise_email(email), password_hash=hash_password(password),
                    full_name=full_name)
        db.session.add(user)
    elif password:
        user.password_hash = hash_password(password)
        bump_session_version(user)  # a new password ends the sessions opened with the old
    if user.email_confirmed_at is None:  # whoever grants the role vouches for the account
        user.email_confirmed_at = utcnow()
    user.is_operator = True
    db.session.commit()
    return user
