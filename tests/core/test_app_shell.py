"""The installable shell: manifest, service worker and offline page (issue 11)."""

from __future__ import annotations

import struct

from flask.testing import FlaskClient


def test_manifest_describes_an_installable_app(client: FlaskClient) -> None:
    resp = client.get("/manifest.webmanifest")
    assert resp.status_code == 200
    assert resp.mimetype == "application/manifest+json"
    manifest = resp.get_json(force=True)
    assert manifest["short_name"] == "Entraide" and manifest["name"]
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert manifest["theme_color"].startswith("#")
    sizes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as png:
            assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = struct.unpack(">II", png.data[16:24])
        assert f"{width}x{height}" == icon["sizes"]


def test_service_worker_is_served_from_the_root_and_precaches_the_offline_page(
        client: FlaskClient) -> None:
    resp = client.get("/sw.js")
    assert resp.status_code == 200 and resp.mimetype == "application/javascript"
    assert resp.headers["Cache-Control"] == "no-cache"
    body = resp.get_data(as_text=True)
    assert '"/offline"' in body and "navigate" in body and "/static/entraide.css" in body


def test_every_page_links_the_manifest_and_registers_the_worker(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'rel="apple-touch-icon"' in html and "register-sw.js" in html
    assert 'class="skip-link" href="#content"' in html and '<main id="content"' in html


def test_offline_page_is_translated_and_carries_no_personal_menu(client: FlaskClient) -> None:
    en = client.get("/offline").get_data(as_text=True)
    fr = client.get("/offline", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "You are offline" in en and 'lang="en"' in en
    assert 'id="offline"' in fr and 'lang="fr"' in fr
    assert "menu-toggle" not in en and "/logout" not in en
