"""Where services get the payment gateway from: one per app, built from its config."""

from __future__ import annotations

from typing import cast

from flask import Flask, current_app

from marketplace.payments.gateway import PaymentGateway
from marketplace.payments.gateway.stripe_adapter import StripeGateway


def init_gateway(app: Flask) -> None:
    app.extensions["payment_gateway"] = StripeGateway(
        secret_key=app.config["STRIPE_SECRET_KEY"],
        webhook_secret=app.config["STRIPE_WEBHOOK_SECRET"],
        connect_webhook_secret=app.config.get("STRIPE_CONNECT_WEBHOOK_SECRET") or "",
        api_base=app.config.get("STRIPE_API_BASE") or None,
    )


def gateway() -> PaymentGateway:
    return cast(PaymentGateway, current_app.extensions["payment_gateway"])
