"""Command-line tasks: `flask create-operator`, `flask seed-demo`, `flask outbox relay`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
import requests
from flask import Flask, current_app

from config import EMULATOR_SECRET_KEY
from marketplace.accounts import availability
from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.core import outbox
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.flows.group_purchases import campaigns as group_campaigns
from marketplace.groupbuy import services as groupbuy
from marketplace.groupbuy.tiers import Tier
from marketplace.payments.gateway import GatewayError
from marketplace.payments.services import onboarding
from marketplace.payments.services.reconcile import run_and_store
from marketplace.places import services as places
from marketplace.places.cli import import_ban_file

ASNIERES = (48.9146, 2.2874)
DEMO_BAN_FILE = Path(__file__).resolve().parent.parent / "tests/fixtures/ban/adresses-92.csv"
DEMO_PASSWORD = "entraide-demo-2026"  # noqa: S105  (printed demo credential)
DEMO_SELLER = ("seller@demo.entraide.fr", "Jardinerie des Bourguignons", (48.9146, 2.2874))
DEMO_HELPERS = [
    ("helper1@demo.entraide.fr", "Karim Benali", (48.9105, 2.2840),
     ["bricolage", "montage-meubles", "demenagement", "courses"]),
    ("helper2@demo.entraide.fr", "Sophie Martin", (48.9230, 2.2960),
     ["garde-enfants", "garde-animaux", "menage", "courses", "coup-de-main"]),
    ("helper3@demo.entraide.fr", "Lucas Petit", (48.9021, 2.2702),
     ["jardinage", "bricolage", "depannage", "informatique", "coup-de-main"]),
]


def register_commands(app: Flask) -> None:
    @app.cli.command("create-operator")
    @click.argument("email")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--name", default="Operator")
    def create_operator(email: str, password: str, name: str) -> None:
        """Create an operator account (or grant the role to an existing one)."""
        if len(password) < 10:
            raise click.BadParameter("use at least 10 characters", param_hint="--password")
        try:
            user = accounts.make_operator(email, password, name)
        except DomainError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"operator ready: {user.email}")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Create a demo client, three helpers around Asnières-sur-Seine and an operator."""
        _seed()

    @app.cli.group("outbox")
    def outbox_group() -> None:
        """Inspect and re-drive the transactional outbox."""

    @app.cli.group("ledger")
    def ledger_group() -> None:
        """Check the ledger's invariants and reconcile it with Stripe."""

    @ledger_group.command("check")
    def ledger_check() -> None:
        """Print any problem, then the summary line; exit 1 on any violation."""
        result = run_and_store()
        for problem in result.problems:
            click.echo(f"  {problem}")
        click.echo(result.summary)
        if not result.ok:
            raise SystemExit(1)

    @outbox_group.command("relay")
    def relay() -> None:
        click.echo(f"published {outbox.relay_pending()} message(s)")


def _seed() -> None:
    lines = ["Demo accounts (password for all: " + DEMO_PASSWORD + ")"]
    if DEMO_BAN_FILE.exists():  # street-level suggestions around Asnières for `make run`
        lines.append("  addresses " + import_ban_file(DEMO_BAN_FILE))
    client = accounts.find_user_by_email("client@demo.entraide.fr")
    if client is None:
        client = accounts.register_user("client@demo.entraide.fr", DEMO_PASSWORD,
                                        "Claire Dubois", client=True, helper=False,
                                        phone="+33 6 00 00 00 01")
    lines.append(f"  client    {client.email}")
    for email, name, (lat, lng), skills in DEMO_HELPERS:
        user = accounts.find_user_by_email(email) or accounts.register_user(
            email, DEMO_PASSWORD, name, client=False, helper=True)
        if user.helper_profile is None:
            home = places.reverse(lat, lng).places
            accounts.save_helper_profile(user, home=home[0] if home else None, lat=lat,
                                         lng=lng, radius_km=8, skills=skills)
        _available_every_day(user)
        paid = _onboard_in_emulator(user)
        lines.append(f"  helper    {email}  ({', '.join(skills)})"
                     + ("  payouts ready" if paid else "  (payouts not set up)"))
    lines.append(_seed_campaign())
    operator = accounts.make_operator("operator@demo.entraide.fr", DEMO_PASSWORD, "Olivia Ops")
    lines.append(f"  operator  {operator.email}")
    db.session.commit()
    click.echo("\n".join(lines))


def _seed_campaign() -> str:
    """A gardening box sold near Asnières by a seller onboarded at the emulator: three tiers,
    a minimum of 10, a pickup point from the offline address data (created once)."""
    email, name, (lat, lng) = DEMO_SELLER
    seller = accounts.find_user_by_email(email) or accounts.register_user(
        email, DEMO_PASSWORD, name, client=False, helper=True)
    if seller.helper_profile is None:  # where the seller's Express account hangs
        home = places.reverse(lat, lng).places
        accounts.save_helper_profile(seller, home=home[0] if home else None, lat=lat, lng=lng,
                                     radius_km=5, skills=["jardinage"])
    paid = _onboard_in_emulator(seller)
    line = f"  seller    {email}" + ("  onboarded at Stripe" if paid else "  (not onboarded)")
    if not paid or groupbuy.campaigns_of_seller(seller, limit=1):
        return line
    pickup = places.reverse(lat, lng).places
    if not pickup:
        return line + "  (no pickup address found: no campaign)"
    closes = utcnow().replace(second=0, microsecond=0) + timedelta(days=4)
    campaign = group_campaigns.create_campaign(seller, groupbuy.CampaignDraft(
        title="Box potager de saison",
        description="Graines bio, terreau et un guide des semis d'hiver, préparés par une "
                    "jardinerie d'Asnières. Plus nous sommes nombreux, moins la box coûte.",
        tiers=[Tier(1, 2400), Tier(10, 2000), Tier(30, 1700)], minimum_quantity=10,
        maximum_quantity=80, closes_at=closes, place=pickup[0],
        pickup_starts_at=closes + timedelta(days=1),
        pickup_ends_at=closes + timedelta(days=1, hours=4), reach_km=8))
    return line + f"  campaign #{campaign.id} '{campaign.title}' at {campaign.address}"


def _available_every_day(user: User) -> None:
    """Demo helpers take work any day at any hour (added once)."""
    profile = user.helper_profile
    if profile is not None and not availability.slots_of(profile):
        for weekday in range(7):
            availability.add_slot(profile, weekday, 0, 24 * 60)


def _onboard_in_emulator(user: User) -> bool:
    """Complete the demo helper's Express onboarding at the bundled emulator, as a person
    would on its hosted page (GET then submit), so they can take paid work. Real Stripe
    is never touched: without the emulator this does nothing."""
    cfg = current_app.config
    profile = user.helper_profile
    if profile is None or cfg["STRIPE_SECRET_KEY"] != EMULATOR_SECRET_KEY or not cfg[
            "STRIPE_API_BASE"]:
        return False
    if not profile.payouts_enabled:
        try:
            url = onboarding.onboarding_link(user, cfg["PUBLIC_BASE_URL"] + "/helper/payouts/setup",
                                             cfg["PUBLIC_BASE_URL"] + "/helper/payouts/setup")
            with requests.Session() as http:
                http.get(url, timeout=5, allow_redirects=False)
                http.post(url, data={"tos": "accepted"}, timeout=5, allow_redirects=False)
            onboarding.refresh_account(user)
        except (requests.RequestException, GatewayError) as exc:
            click.echo(f"  (could not onboard {user.email} at the emulator: {exc})")
            return False
    return bool(user.helper_profile and user.helper_profile.payouts_enabled)
