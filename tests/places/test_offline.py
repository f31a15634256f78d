"""The offline geocoder: streets from the imported BAN fixture, communes from GeoNames."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, text

from marketplace.core.db import db
from marketplace.places import ban, gazetteer
from marketplace.places.models import BanAddress
from marketplace.places.offline import OfflineGeocoder
from tests.support.schema import BAN_FIXTURES


@pytest.fixture
def offline(ctx: Flask) -> OfflineGeocoder:
    return OfflineGeocoder()


def labels(found: list) -> list[str]:  # type: ignore[type-arg]
    return [p.label for p in found]


def test_a_street_address_is_found_with_its_codes(offline: OfflineGeocoder) -> None:
    [place] = offline.search("12 rue de la station asnieres", limit=1)
    assert place.label == "12 Rue de la Station 92600 Asnières-sur-Seine"
    assert (place.housenumber, place.street, place.postcode, place.citycode, place.city,
            place.kind) == ("12", "Rue de la Station", "92600", "92004", "Asnières-sur-Seine",
                            "housenumber")
    assert place.lat == pytest.approx(48.9093, abs=1e-3)


def test_accents_case_and_word_starts_do_not_matter(offline: OfflineGeocoder) -> None:
    found = labels(offline.search("RUE DU CHATEAU ASN", limit=10))
    assert "12ter Rue du Château 92600 Asnières-sur-Seine" in found
    assert all("Château" in label for label in found)


def test_a_commune_name_gives_the_commune_first(offline: OfflineGeocoder) -> None:
    first = offline.search("Colombes", limit=5)[0]
    assert (first.label, first.kind, first.citycode) == ("Colombes", "municipality", None)


def test_communes_outside_the_imported_files_come_from_geonames(
        offline: OfflineGeocoder) -> None:
    assert labels(offline.search("Lyon", limit=1)) == ["Lyon"]
    assert len(gazetteer.communes()) > 600  # GeoNames cities15000, France


def test_a_made_up_address_finds_nothing(offline: OfflineGeocoder) -> None:
    assert offline.search("zzzz") == []
    assert offline.search("   ") == []
    assert offline.search('"; DROP TABLE ban_addresses; --') == []


def test_reverse_gives_the_nearest_address_then_the_commune(offline: OfflineGeocoder) -> None:
    here = offline.reverse(48.91071, 2.28551)
    assert here is not None and here.street == "Place de l'Hôtel de Ville"
    fields = offline.reverse(48.95, 2.40)  # no BAN row within 200 m: the nearest commune
    assert fields is not None and fields.kind == "municipality" and fields.housenumber is None
    assert offline.reverse(0.0, -30.0) is None  # the middle of the Atlantic


def test_re_importing_a_departement_replaces_it(ctx: Flask, offline: OfflineGeocoder) -> None:
    def count() -> int:
        return db.session.execute(db.select(func.count()).select_from(BanAddress).where(
            BanAddress.departement == "13")).scalar_one()

    path = BAN_FIXTURES / "adresses-13.csv"
    before = count()
    for _ in range(2):
        with path.open(encoding="utf-8", newline="") as stream:
            result = ban.import_file(stream)
        assert (result.departement, result.rows, result.skipped) == ("13", before, 0)
        assert count() == before
    assert labels(offline.search("10 la canebiere", limit=5)) == [
        "10 La Canebière 13001 Marseille"]


def test_a_shorter_file_removes_addresses_gone_from_the_ban(ctx: Flask,
                                                            offline: OfflineGeocoder) -> None:
    path = BAN_FIXTURES / "adresses-75.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    try:
        ban.import_file(io.StringIO("".join(lines[:2])))  # the header and one address
        assert len(offline.search("rue de rivoli paris", limit=10)) == 1
    finally:
        with path.open(encoding="utf-8", newline="") as stream:
            ban.import_file(stream)
    assert len(offline.search("rue de rivoli paris", limit=10)) == len(lines) - 3


def test_a_file_that_is_not_the_ban_is_refused(ctx: Flask) -> None:
    with pytest.raises(ban.BanFileError, match="missing columns"):
        ban.import_file(io.StringIO("name,lat,lon\nx,1,2\n"))


def test_bad_lines_are_skipped_not_fatal(ctx: Flask) -> None:
    header = (BAN_FIXTURES / "adresses-13.csv").read_text(encoding="utf-8").splitlines()[0]
    good = (BAN_FIXTURES / "adresses-13.csv").read_text(encoding="utf-8").splitlines()[1:]
    bad = good[0].replace("43.29", "not-a-number")
    try:
        result = ban.import_file(io.StringIO("\n".join([header, bad, *good[1:]]) + "\n"))
        assert (result.rows, result.skipped) == (len(good) - 1, 1)
    finally:
        with (BAN_FIXTURES / "adresses-13.csv").open(encoding="utf-8", newline="") as stream:
            ban.import_file(stream)


def test_the_command_imports_a_file(app: Flask, ctx: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["places", "import-ban", str(BAN_FIXTURES / "adresses-75.csv")])
    assert result.exit_code == 0, result.output
    assert "département 75: 6 address(es) imported" in result.output
    bad = app.test_cli_runner().invoke(args=["places", "import-ban", str(Path(__file__))])
    assert bad.exit_code != 0 and "not a BAN addresses file" in bad.output


def test_the_text_index_exists_for_the_dialect(ctx: Flask) -> None:
    if db.engine.dialect.name == "postgresql":
        found = db.session.execute(text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_ban_addresses_search_trgm'"
        )).scalar_one()
        assert "gin_trgm_ops" in found
    else:
        found = db.session.execute(text(
            "SELECT sql FROM sqlite_master WHERE name = 'ban_addresses_fts'")).scalar_one()
        assert "fts5" in found
