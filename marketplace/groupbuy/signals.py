"""What happens to group purchases, announced for whoever listens (notifications subscribe).

Sent inside the transaction of the change, with the campaign or the order as sender;
receivers only add rows to that transaction (notifications and their outbox jobs).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

campaign_opened = _signals.signal("campaign-opened")  # sender: campaign
order_joined = _signals.signal("group-order-joined")  # sender: order (card held or saved)
order_changed = _signals.signal("group-order-changed")  # sender: order; old_quantity
order_withdrawn = _signals.signal("group-order-withdrawn")  # sender: order
tier_reached = _signals.signal("campaign-tier-reached")  # sender: campaign; total, unit_price_cents
campaign_confirmed = _signals.signal("campaign-confirmed")  # sender: campaign
campaign_called_off = _signals.signal("campaign-called-off")  # sender: campaign; reason
payment_needed = _signals.signal("group-payment-needed")  # sender: order; due_by
order_dropped = _signals.signal("group-order-dropped")  # sender: order
order_handed_over = _signals.signal("group-order-handed-over")  # sender: order; by
pickup_reminder = _signals.signal("campaign-pickup-reminder")  # sender: order
order_disputed = _signals.signal("group-order-disputed")  # sender: order
dispute_resolved = _signals.signal("group-dispute-resolved")  # sender: order; refund_cents
seller_paid = _signals.signal("campaign-seller-paid")  # sender: campaign; amount_cents
