"""Entraide: the neighbourhood-services marketplace. `create_app()` builds the web app."""

from __future__ import annotations

from flask import Flask

from config import config_for
from marketplace.core.observability import configure_logging


def create_app(config_name: str | None = None, **overrides: object) -> Flask:
    """Build the app from ENTRAIDE_ENV (or `config_name`) plus explicit overrides."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(config_for(config_name))
    app.config.update(overrides)
    configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_cli(app)
    from marketplace.errors import register_error_handlers

    register_error_handlers(app)
    return app


def register_extensions(app: Flask) -> None:
    import marketplace.models  # noqa: F401  (the whole schema, for Alembic)
    from marketplace.celery_setup import celery_init_app
    from marketplace.core import dbsetup
    from marketplace.core.observability import install_request_ids
    from marketplace.core.safety import install_security_headers
    from marketplace.extensions import csrf, db, limiter, login_manager, migrate
    from marketplace.notifications.senders import init_sms
    from marketplace.payments.provider import init_gateway

    db.init_app(app)
    dbsetup.install(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    _register_user_loader()
    install_security_headers(app)
    install_request_ids(app)
    init_gateway(app)
    init_sms(app)
    celery_init_app(app)


def _register_user_loader() -> None:
    from marketplace.accounts.models import User
    from marketplace.extensions import db, login_manager

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def register_blueprints(app: Flask) -> None:
    from marketplace.accounts.views import bp as accounts_bp
    from marketplace.core.health import bp as health_bp
    from marketplace.missions.cancel_views import bp as cancel_bp
    from marketplace.missions.views import bp as missions_bp
    from marketplace.notifications.views import bp as notifications_bp
    from marketplace.operators.money_cases import bp as ops_cases_bp
    from marketplace.operators.money_views import bp as ops_money_bp
    from marketplace.operators.views import bp as operators_bp
    from marketplace.payments.views import bp as payments_bp

    for bp in (accounts_bp, missions_bp, payments_bp, operators_bp, ops_money_bp, cancel_bp,
               ops_cases_bp, notifications_bp, health_bp):
        app.register_blueprint(bp)


def register_template_helpers(app: Flask) -> None:
    from marketplace.core.dates import paris_time
    from marketplace.core.money import format_cents
    from marketplace.missions.categories import category_label

    app.jinja_env.filters["money"] = format_cents
    app.jinja_env.filters["category"] = category_label
    app.jinja_env.filters["localtime"] = paris_time
    from marketplace.payments import fee_rules

    app.jinja_env.globals.update(format_cents=format_cents, helper_terms=fee_rules.terms_for_helper,
                                 service_fee_schedule=fee_rules.service_fee_schedule,
                                 cancellation=_cancellation_module(),
                                 completion=_completion_module(),
                                 auto_confirm_delta=lambda: _auto_confirm_delta(app))


def _cancellation_module() -> object:
    from marketplace.missions import cancellation

    return cancellation


def _completion_module() -> object:
    from marketplace.missions import completion

    return completion


def _auto_confirm_delta(app: Flask) -> object:
    from datetime import timedelta

    return timedelta(seconds=app.config["AUTO_CONFIRM_SECONDS"])


def register_cli(app: Flask) -> None:
    from marketplace.cli import register_commands

    register_commands(app)
