"""Stripe writes its card messages in English; a French client reads them in French, in the
notification and on the page (marketplace/payments/declines.py lists them)."""

from __future__ import annotations

from flask import Flask

from marketplace.core.i18n import translate_stored
from marketplace.notifications.catalog import Stored, render
from marketplace.payments.declines import STRIPE_CARD_MESSAGES


def test_a_declined_card_is_explained_in_the_clients_language(ctx: Flask) -> None:
    context = {"title": "Monter une armoire",
               "reason": Stored("Your card has insufficient funds.")}
    _, french, _ = render("payment_failed", context, "fr")
    _, english, _ = render("payment_failed", context, "en")
    assert "Le solde de votre carte est insuffisant." in french and "funds" not in french
    assert "Your card has insufficient funds." in english


def test_every_stripe_card_message_has_its_french(ctx: Flask) -> None:
    with ctx.test_request_context(headers={"Accept-Language": "fr"}):
        for message in STRIPE_CARD_MESSAGES:
            assert translate_stored(message) != message, message
        assert translate_stored("Something Stripe says that we never saw") == \
            "Something Stripe says that we never saw"  # shown as sent
