"""Stateful Stripe API emulator (standalone: no dependency on the marketplace app).

Start it in-process with :class:`StripeEmulator` or as a CLI with
``python -m stripe_emulator``; point ``stripe.StripeClient`` at its base URL.
"""

from .conformance import assert_matches_fixture
from .server import StripeEmulator
from .webhooks import sign as sign_webhook

__all__ = ["StripeEmulator", "assert_matches_fixture", "sign_webhook"]
