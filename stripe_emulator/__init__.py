"""Stateful Stripe API emulator (standalone: no dependency on the marketplace app).

Start it in-process with :class:`StripeEmulator` or as a CLI with
``python -m stripe_emulator``; point ``stripe.StripeClient`` at its base URL.

What works against it should work against Stripe: every endpoint accepts exactly the
parameters of the installed SDK's definitions (:mod:`.strict`), Stripe's test cards and
``pm_card_*`` / ``tok_*`` ids behave as documented (declines, 3-D Secure, disputes,
``bypassPending``), disputes, payouts, SetupIntents are served over HTTP (:mod:`.routes`
lists the endpoints), and the Stripe CLI's ``stripe trigger`` fixtures replay against it
(tests/emulator/test_triggers.py).
"""

from .conformance import assert_matches_fixture
from .server import StripeEmulator
from .webhooks import sign as sign_webhook

__all__ = ["StripeEmulator", "assert_matches_fixture", "sign_webhook"]
