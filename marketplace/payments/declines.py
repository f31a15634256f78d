"""Stripe's card messages as Stripe writes them (English), listed here so that they are in
our catalogue: pages (the `stored` filter) and notifications (`catalog.Stored`) show them in
the reader's language instead of Stripe's English. A message not listed shows as sent."""

from __future__ import annotations

from marketplace.core.i18n import N_

STRIPE_CARD_MESSAGES: tuple[str, ...] = (
    N_("Your card was declined."),
    N_("The card was declined."),
    N_("Your card has insufficient funds."),
    N_("Your card has expired."),
    N_("Your card's security code is incorrect."),
    N_("Your card's security code is invalid."),
    N_("Your card number is incorrect."),
    N_("Your card's expiration date is invalid."),
    N_("Your card was declined. This transaction requires authentication."),
    N_("Your card does not support this type of purchase."),
    N_("An error occurred while processing your card. Try again in a little bit."),
)
