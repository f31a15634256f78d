"""`flask places import-ban FILE`: load one département's BAN addresses for street search."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from marketplace.places import ban


def register(app: Flask) -> None:
    @app.cli.group("places")
    def places_group() -> None:
        """Addresses: import the Base Adresse Nationale for the offline geocoder."""

    @places_group.command("import-ban")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_ban(path: Path) -> None:
        """Import adresses-XX.csv (semicolon-separated, from adresse.data.gouv.fr)."""
        click.echo(import_ban_file(path))


def import_ban_file(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            result = ban.import_file(stream)
    except ban.BanFileError as exc:
        raise click.ClickException(str(exc)) from exc
    return (f"département {result.departement}: {result.rows} address(es) imported, "
            f"{result.skipped} line(s) skipped")
