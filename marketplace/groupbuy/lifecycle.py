"""A campaign's and an order's lifecycles: enums and allowed-transition tables, changed only
through `core/state.py` (the conditional UPDATE or the locked assignment)."""

from __future__ import annotations

from enum import StrEnum

from marketplace.core.state import check_transition


class CampaignStatus(StrEnum):
    OPEN = "open"  # neighbours may join, change or withdraw until closes_at
    CLOSING = "closing"  # claimed by one closing worker (inside its transaction)
    WAITING_PAYMENTS = "waiting_payments"  # closed; some participants have 24 h to pay
    CONFIRMED = "confirmed"  # minimum reached: captured at the final tier price
    CALLED_OFF = "called_off"  # minimum missed: every hold released
    CANCELLED = "cancelled"  # the seller (or an operator) stopped it before closing
    COMPLETED = "completed"  # the seller was paid


class OrderStatus(StrEnum):
    PENDING = "pending"  # joined, the card step is not done yet (reserves stock)
    ACTIVE = "active"  # card authorized, or saved for an off-session hold before closing
    PAYMENT_NEEDED = "payment_needed"  # the off-session hold failed: 24 h to pay
    CAPTURED = "captured"  # charged at the final price
    HANDED_OVER = "handed_over"  # the seller handed it over, or the participant received it
    DISPUTED = "disputed"  # not received: held for an operator
    RESOLVED = "resolved"  # an operator decided the dispute (refund, or split)
    WITHDRAWN = "withdrawn"  # left before closing, free of charge
    ABANDONED = "abandoned"  # never finished the card step
    DROPPED = "dropped"  # did not pay within 24 h after the hold failed
    RELEASED = "released"  # the campaign was called off or cancelled: nothing charged


C, OS = CampaignStatus, OrderStatus
CAMPAIGN_TRANSITIONS: dict[CampaignStatus, frozenset[CampaignStatus]] = {
    C.OPEN: frozenset({C.CLOSING, C.CANCELLED}),
    C.CLOSING: frozenset({C.WAITING_PAYMENTS, C.CONFIRMED, C.CALLED_OFF}),
    C.WAITING_PAYMENTS: frozenset({C.CLOSING, C.CANCELLED}),
    C.CONFIRMED: frozenset({C.COMPLETED}),
    C.CALLED_OFF: frozenset(),
    C.CANCELLED: frozenset(),
    C.COMPLETED: frozenset(),
}
ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OS.PENDING: frozenset({OS.ACTIVE, OS.WITHDRAWN, OS.ABANDONED, OS.RELEASED}),
    OS.ACTIVE: frozenset({OS.PENDING, OS.PAYMENT_NEEDED, OS.CAPTURED, OS.WITHDRAWN, OS.RELEASED}),
    OS.PAYMENT_NEEDED: frozenset({OS.ACTIVE, OS.DROPPED, OS.WITHDRAWN, OS.RELEASED}),
    OS.CAPTURED: frozenset({OS.HANDED_OVER, OS.DISPUTED}),
    OS.HANDED_OVER: frozenset({OS.DISPUTED}),
    OS.DISPUTED: frozenset({OS.RESOLVED}),
    OS.RESOLVED: frozenset(),
    OS.WITHDRAWN: frozenset(),
    OS.ABANDONED: frozenset(),
    OS.DROPPED: frozenset(),
    OS.RELEASED: frozenset(),
}
# Orders whose quantity is reserved against the stock and the campaign's counter.
RESERVING = frozenset({OS.PENDING, OS.ACTIVE, OS.PAYMENT_NEEDED})
# Orders that count towards the minimum and the tiers (a card is behind them).
COUNTING = frozenset({OS.ACTIVE, OS.PAYMENT_NEEDED})
# Orders charged at closing.
CHARGED = frozenset({OS.CAPTURED, OS.HANDED_OVER, OS.DISPUTED, OS.RESOLVED})
# Campaigns a neighbour may still join, change or leave.
JOINABLE = frozenset({C.OPEN})


def campaign_transition(current: CampaignStatus, target: CampaignStatus) -> CampaignStatus:
    return check_transition(CAMPAIGN_TRANSITIONS, current, target)


def order_transition(current: OrderStatus, target: OrderStatus) -> OrderStatus:
    return check_transition(ORDER_TRANSITIONS, current, target)
