"""Command-line tasks: `flask create-operator`, `flask seed-demo`, `flask outbox relay`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from marketplace.accounts import services as accounts
from marketplace.core import outbox
from marketplace.core.db import db
from marketplace.core.errors import DomainError
from marketplace.payments.services.reconcile import run_and_store
from marketplace.places import services as places
from marketplace.places.cli import import_ban_file

ASNIERES = (48.9146, 2.2874)
DEMO_BAN_FILE = Path(__file__).resolve().parent.parent / "tests/fixtures/ban/adresses-92.csv"
DEMO_PASSWORD = "entraide-demo-2026"  # noqa: S105  (printed demo credential)
DEMO_HELPERS = [
    ("helper1@demo.entraide.fr", "Karim Benali", (48.9105, 2.2840),
     ["bricolage", "montage-meubles", "demenagement"]),
    ("helper2@demo.entraide.fr", "Sophie Martin", (48.9230, 2.2960),
     ["garde-enfants", "garde-animaux", "menage"]),
    ("helper3@demo.entraide.fr", "Lucas Petit", (48.9021, 2.2702),
     ["jardinage", "bricolage", "depannage", "informatique"]),
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
        lines.append(f"  helper    {email}  ({', '.join(skills)})")
    operator = accounts.make_operator("operator@demo.entraide.fr", DEMO_PASSWORD, "Olivia Ops")
    lines.append(f"  operator  {operator.email}")
    db.session.commit()
    click.echo("\n".join(lines))
