"""Pages that belong to no domain: health checks, and the app shell (manifest, service
worker, offline page) that lets a phone install the site."""

from __future__ import annotations

from flask import Blueprint

from marketplace.core.views import health, shell

bp = Blueprint("health", __name__)
health.routes.register(bp)

shell_bp = Blueprint("shell", __name__, template_folder="templates")
shell.routes.register(shell_bp)
