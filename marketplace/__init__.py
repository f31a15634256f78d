"""Entraide: the neighbourhood-services marketplace. `create_app()` builds the web app.

The factory is made of small `register_*` steps; its imports sit inside them (the one place
first-party imports may live in functions) so that importing any module of the package does
not import the whole web app.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import config_for
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.core.observability import configure_logging


def create_app(config_name: str | None = None, **overrides: object) -> Flask:
    """Build the app from ENTRAIDE_ENV (or `config_name`) plus explicit overrides."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(config_for(config_name))
    app.config.update(overrides)
    configure_logging(app)
    register_proxy_fix(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_filters(app)
    register_errors(app)
    register_api(app)
    register_cli(app)
    register_subscribers(app)
    return app


def register_proxy_fix(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, believe that many X-Forwarded-For/-Proto/-Host
    hops (so the rate limits see each visitor, not the proxy); none by default."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    import marketplace.models  # noqa: F401  (the whole schema, for Alembic)
    from marketplace.celery_setup import celery_init_app
    from marketplace.core import converters, dbsetup, i18n, readonly
    from marketplace.core.db import db
    from marketplace.core.observability import install_request_ids
    from marketplace.core.safety import install_security_headers, refuse_json_bodies
    from marketplace.extensions import csrf, limiter, login_manager, migrate
    from marketplace.notifications.senders import init_push, init_sms
    from marketplace.payments.gateway.provider import init_gateway
    from marketplace.places.provider import init_geocoder

    converters.install(app)  # before any blueprint: `<int:...>` refuses ids beyond the id column
    refuse_json_bodies(app)  # before CSRF: a JSON body to a form route is 415 either way
    i18n.install(app)
    db.init_app(app)
    dbsetup.install(app)
    readonly.install(app)  # after db.init_app: its teardown runs first
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.localize_callback = str  # the lazy message, in the page's language
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)
    install_security_headers(app)
    install_request_ids(app)
    init_gateway(app)
    init_geocoder(app)
    init_sms(app)
    init_push(app)
    celery_init_app(app)


def _load_user(session_id: str) -> object:
    """Session and remember-me cookies count only while the account is not suspended and
    their session version is current (marketplace/accounts/sessions.py)."""
    from marketplace.accounts.sessions import user_for_session

    return user_for_session(session_id)


def register_blueprints(app: Flask) -> None:
    from marketplace.accounts.views import bp as accounts_bp
    from marketplace.core.views import bp as health_bp
    from marketplace.core.views import shell_bp
    from marketplace.groupbuy.views import bp as groupbuy_bp
    from marketplace.missions.views import bp as missions_bp
    from marketplace.missions.views import cancellations_bp
    from marketplace.notifications.views import bp as notifications_bp
    from marketplace.operators.views import BLUEPRINTS as operators_bps
    from marketplace.payments.views import bp as payments_bp
    from marketplace.places.views import bp as places_bp

    for bp in (accounts_bp, missions_bp, payments_bp, *operators_bps, cancellations_bp,
               notifications_bp, health_bp, places_bp, shell_bp, groupbuy_bp):
        app.register_blueprint(bp)


def register_template_filters(app: Flask) -> None:
    """Formatting only: pages receive their data from the views, never a module to query."""
    from marketplace.core.categories import category_name
    from marketplace.core.dates import localdate, localtime
    from marketplace.core.i18n import format_money, format_number, translate_stored
    from marketplace.core.labels import label
    from marketplace.core.rows import fill
    from marketplace.places.privacy import format_km

    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["category"] = category_name
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["localdate"] = localdate
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["stored"] = translate_stored
    app.jinja_env.filters["status"] = label
    app.jinja_env.filters["matching_mode"] = label
    app.jinja_env.filters["channel"] = label
    app.jinja_env.filters["fill"] = fill
    app.jinja_env.filters["km"] = format_km  # rounded to 0.5 km: others never see more
    app.jinja_env.globals["format_cents"] = format_money


def register_errors(app: Flask) -> None:
    from marketplace.errors import register_error_handlers

    register_error_handlers(app)


def register_api(app: Flask) -> None:
    """The mobile app's JSON API under /api/v1 (after the site's error handlers: it wraps
    them so that /api answers problem+json)."""
    from marketplace.api.views import init_api

    init_api(app)


def register_cli(app: Flask) -> None:
    from marketplace.cli import register_commands
    from marketplace.places.cli import register as register_places_cli

    register_commands(app)
    register_places_cli(app)


def register_subscribers(app: Flask) -> None:
    """Notifications listen to the domains' signals (once per process is enough)."""
    from marketplace.notifications import subscribers
    from marketplace.payments.services import payment_links

    subscribers.connect()
    payment_links.connect()
