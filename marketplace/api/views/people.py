"""Me and my settings; the helper's profile, payout account and payouts."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.api import auth, places, returns
from marketplace.api.problems import PROBLEM
from marketplace.api.schemas import (
    HelperProfileOutSchema,
    HelperProfileSchema,
    MeSchema,
    OnboardingLinkArgs,
    PayoutsSchema,
    SettingsSchema,
    UrlSchema,
    money,
)
from marketplace.core.errors import NotFound
from marketplace.notifications import services as notifications
from marketplace.payments.services import bank_payouts, onboarding, reports

blp = Blueprint("api_people", __name__, url_prefix="/api/v1",
                description="The signed-in person and the helper's profile and money.")


def _settings(user: User) -> dict[str, Any]:
    s = notifications.settings_for(user.id)
    return {"locale": s.locale, "email_enabled": s.email_enabled, "sms_enabled": s.sms_enabled}


def _me(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "full_name": user.full_name,
            "is_client": user.is_client, "is_helper": user.is_helper,
            "settings": _settings(user)}


@blp.route("/me", methods=["GET"])
@blp.response(200, MeSchema)
@blp.alt_response(401, **PROBLEM, description="No valid access token")
def get_me() -> dict[str, Any]:
    """Who I am, with my settings."""
    return _me(auth.caller())


@blp.route("/me/settings", methods=["PUT"])
@blp.arguments(SettingsSchema)
@blp.response(200, SettingsSchema)
@blp.alt_response(401, **PROBLEM, description="No valid access token")
def put_settings(body: dict[str, Any]) -> dict[str, Any]:
    """Choose my language and the channels besides in-app notifications."""
    user = auth.caller()
    notifications.save_settings(user.id, locale=body["locale"], email=body["email_enabled"],
                                sms=body["sms_enabled"])
    return _settings(user)


def _profile(user: User) -> dict[str, Any]:
    profile = user.helper_profile
    if profile is None:
        raise NotFound("No helper profile yet.")
    return {"home": profile.home_label, "city": profile.home_city,
            "radius_km": profile.radius_km,
            "skills": profile.skill_slugs, "bio": profile.bio,
            "payouts_enabled": profile.payouts_enabled}


@blp.route("/helper/profile", methods=["GET"])
@blp.response(200, HelperProfileOutSchema)
@blp.alt_response(401, **PROBLEM, description="No valid access token")
@blp.alt_response(403, **PROBLEM, description="Not a helper")
@blp.alt_response(404, **PROBLEM, description="No profile yet")
def get_helper_profile() -> dict[str, Any]:
    """Where I work, how far I go and what I can do."""
    return _profile(auth.helper())


@blp.route("/helper/profile", methods=["PUT"])
@blp.arguments(HelperProfileSchema)
@blp.response(200, HelperProfileOutSchema)
@blp.alt_response(401, **PROBLEM, description="No valid access token")
@blp.alt_response(422, **PROBLEM, description="Invalid profile")
def put_helper_profile(body: dict[str, Any]) -> dict[str, Any]:
    """Create or replace my helper profile (this makes me a helper)."""
    user = auth.caller()
    home = places.resolve(body["home"], body.get("place"), "home")
    accounts.save_helper_profile(user, home=home, radius_km=body["radius_km"],
                                 skills=body["skills"], bio=body.get("bio"))
    return _profile(user)


@blp.route("/helper/payout-account/link", methods=["POST"])
@blp.arguments(OnboardingLinkArgs)
@blp.response(201, UrlSchema)
@blp.alt_response(401, **PROBLEM, description="No valid access token")
@blp.alt_response(403, **PROBLEM, description="Not a helper")
@blp.alt_response(422, **PROBLEM, description="Return URL not allowed, or no profile yet")
def payout_account_link(body: dict[str, Any]) -> dict[str, Any]:
    """A Stripe-hosted page to set up (or fix) my payout account; it returns to
    `return_url` (an allowed deep link); `refresh_url` is where an expired link goes."""
    user = auth.helper()
    back = returns.checked(body["return_url"])
    refresh = returns.checked(body.get("refresh_url") or back, "refresh_url")
    return {"url": onboarding.bank_details_link(user, refresh, back)}


@blp.route("/helper/payouts", methods=["GET"])
@blp.response(200, PayoutsSchema)
@blp.alt_response(401, **PROBLEM, description="No valid access token")
@blp.alt_response(403, **PROBLEM, description="Not a helper")
def get_payouts() -> dict[str, Any]:
    """My payouts (one per mission) and my connected account's bank payouts."""
    user = auth.helper()
    return {
        "payouts": [{"id": p.id, "mission_id": p.mission_id,
                     "amount": money(p.amount_cents, p.currency), "status": str(p.status),
                     "release_after": p.release_after, "paid_at": p.paid_at}
                    for p in reports.payouts_of_helper(user.id)[:100]],
        "bank_payouts": [{"id": b.id, "amount": money(b.amount_cents, b.currency),
                          "status": str(b.status), "arrival_date": b.arrival_date,
                          "failure_message": b.failure_message}
                         for b in bank_payouts.bank_payouts_of_helper(user.id)],
    }
