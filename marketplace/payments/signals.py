"""What happens to the money, announced for whoever listens (notifications subscribe).

Sent inside the transaction of the change, like `missions.signals`: receivers only add rows
to it, so a payment's new state and the messages it causes commit together.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

payment_authorized = _signals.signal("payment-authorized")  # sender: the payment
payment_failed = _signals.signal("payment-failed")  # payment; payment_intent_id
payment_action_needed = _signals.signal("payment-action-needed")  # payment
payout_sent = _signals.signal("payout-sent")  # payout; loaded (payouts.load_with_release)
bank_payout_failed = _signals.signal("bank-payout-failed")  # bank payout
dispute_opened = _signals.signal("dispute-opened")  # mission; dispute_id, reason
dispute_resolved = _signals.signal(
    "dispute-resolved")  # mission; dispute_id, resolution, helper_cents, refund_cents, note
payment_link_sent = _signals.signal("payment-link-sent")  # payment link; token (raw, not stored)
payment_link_paid = _signals.signal("payment-link-paid")  # payment link; payment
