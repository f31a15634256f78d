"""What happens to missions, announced for whoever listens (notifications subscribe).

Each signal is sent inside the transaction of the change it announces, with the mission as
sender; receivers only add rows to that transaction (a notification, its outbox jobs), so
the change and what it causes are committed, or rolled back, together. Nothing in this
domain knows who listens.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

helper_assigned = _signals.signal("helper-assigned")  # helper, assignment_id
mission_done = _signals.signal("mission-done")
mission_completed = _signals.signal("mission-completed")  # confirmed: both sides may review
mission_cancelled = _signals.signal("mission-cancelled")  # helper, reason, fee_cents
helper_withdrew = _signals.signal("helper-withdrew")  # helper, cancellation_id
mission_expired = _signals.signal("mission-expired")
application_received = _signals.signal("application-received")  # helper, offer_id, message
new_missions_nearby = _signals.signal("new-missions-nearby")  # helper_ids_km
