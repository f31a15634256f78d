"""The app shell: a web app manifest and a service worker, so the site installs on a phone's
home screen and shows our offline page instead of the browser's error when the network fails.

The service worker is served from the root (not /static) so that its scope is the whole site.
"""

from __future__ import annotations

from flask import Response, jsonify, render_template, url_for
from flask_babel import gettext as _

from marketplace.core.routing import Routes

routes = Routes()

THEME_COLOUR = "#0b6e4f"
BACKGROUND_COLOUR = "#f6f8f7"
# Bump when the precached files change: the new worker then replaces the old cache.
CACHE_VERSION = "entraide-shell-v1"


@routes.route("/manifest.webmanifest")
def manifest() -> Response:
    """Describe the installable app (name, start page, colours, icons) in the page's language."""
    icons = [
        {"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192",
         "type": "image/png", "purpose": "any"},
        {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512",
         "type": "image/png", "purpose": "any"},
        {"src": url_for("static", filename="icons/maskable-512.png"), "sizes": "512x512",
         "type": "image/png", "purpose": "maskable"},
    ]
    response = jsonify(
        name=_("Entraide — help between neighbours"), short_name="Entraide",
        description=_("Help from your neighbours, paid safely."),
        start_url=url_for("missions.home"), scope="/", id="/", display="standalone",
        theme_color=THEME_COLOUR, background_color=BACKGROUND_COLOUR, icons=icons)
    response.mimetype = "application/manifest+json"
    return response


@routes.route("/sw.js")
def service_worker() -> Response:
    """The service worker script; never cached by HTTP, so a new version is picked up."""
    precache = [url_for("shell.offline"), url_for("static", filename="entraide.css"),
                url_for("static", filename="icons/icon-192.png")]
    script = render_template("shell/sw.js", cache_version=CACHE_VERSION, precache=precache,
                             offline_url=url_for("shell.offline"))
    response = Response(script, mimetype="application/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@routes.route("/offline")
def offline() -> str:
    """What the service worker shows when a page cannot be reached (no personal data: cached)."""
    return render_template("shell/offline.html")
