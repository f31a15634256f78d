"""Shortcuts for app tests: the same state changes as the hosted pages, without HTML.

They go through the exact code paths of the pages (and emit the same events), so a test
can skip the browser part of a flow without getting a different world.
"""

from __future__ import annotations

from typing import Any

from . import checkout, objects, payments
from .cards import lookup
from .errors import StripeError
from .store import Ctx, Store


def complete_onboarding(store: Store, account_id: str) -> dict[str, Any]:
    """Onboard ``account_id`` as if its holder submitted the Express form."""
    with store.lock:
        account = store.require(account_id, "account")
        objects.complete_onboarding(account, store.now(), "127.0.0.1")
        Ctx(store=store).emit("account.updated", account)
        store.save()
        return account


def pay_checkout_session(
    store: Store, session_id: str, card_number: str, base_url: str
) -> dict[str, Any]:
    """Pay an open session with a test card; returns the PaymentIntent.

    Raises :class:`StripeError` (402) on decline, like the page shows it.
    """
    card = lookup(card_number)
    if card is None:
        raise StripeError("Your card number is incorrect.", status=402, type="card_error",
                          code="incorrect_number")
    with store.lock:
        session = store.require(session_id, "checkout.session")
        ctx = Ctx(store=store, base_url=base_url)
        try:
            return checkout.pay(ctx, session, card, 12, 2034, "Jenny Rosen", None)
        finally:
            store.save()


def reset(store: Store) -> None:
    """Forget every object, event, link and idempotency record."""
    with store.lock:
        store.objects.clear()
        store.meta.clear()
        store.order.clear()
        store.by_kind.clear()
        store.idempotency.clear()
        store.links.clear()
        store.clock_offset = 0
        store.save()


AUTHORIZATION_TTL = 7 * 24 * 3600  # card networks release uncaptured holds after ~7 days


def expire_authorizations(store: Store) -> list[str]:
    """Cancel every uncaptured PaymentIntent whose hold outlived the card's authorization."""
    expired = []
    with store.lock:
        ctx = Ctx(store=store)
        for pi in store.all("payment_intent"):
            charge = store.get(pi.get("latest_charge") or "", "charge")
            held_since = charge["created"] if charge else pi["created"]
            if pi["status"] == "requires_capture" and \
                    store.now() - held_since >= AUTHORIZATION_TTL:
                payments.cancel(ctx, pi, "automatic")
                expired.append(pi["id"])
        store.save()
    return expired
