"""The mission lifecycle, as one table of allowed transitions (and a final-price proposal's)."""

from __future__ import annotations

from enum import StrEnum

from marketplace.core.state import check_transition


class MissionStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"  # posted, card not authorized yet
    OPEN = "open"  # card authorized, visible to nearby helpers
    ASSIGNED = "assigned"
    DONE = "done"  # helper says the work is done; waiting for the client
    COMPLETED = "completed"  # client confirmed; payment captured
    CANCELLED = "cancelled"
    DISPUTED = "disputed"  # the client or the bank contests; payout held for an operator


S = MissionStatus
MISSION_TRANSITIONS: dict[MissionStatus, frozenset[MissionStatus]] = {
    S.PENDING_PAYMENT: frozenset({S.OPEN, S.CANCELLED}),
    S.OPEN: frozenset({S.ASSIGNED, S.CANCELLED}),
    S.ASSIGNED: frozenset({S.DONE, S.OPEN, S.CANCELLED}),
    S.DONE: frozenset({S.COMPLETED, S.DISPUTED, S.CANCELLED}),
    S.COMPLETED: frozenset({S.DISPUTED}),
    S.DISPUTED: frozenset({S.COMPLETED, S.CANCELLED}),
    S.CANCELLED: frozenset(),
}


def mission_transition(current: MissionStatus, target: MissionStatus) -> MissionStatus:
    """Validate a mission status change against the table."""
    return check_transition(MISSION_TRANSITIONS, current, target)


class ProposalStatus(StrEnum):
    """A lower final price proposed by the helper, answered once by the client."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"


PROPOSAL_TRANSITIONS: dict[ProposalStatus, frozenset[ProposalStatus]] = {
    ProposalStatus.PROPOSED: frozenset({ProposalStatus.ACCEPTED, ProposalStatus.DECLINED}),
    ProposalStatus.ACCEPTED: frozenset(),
    ProposalStatus.DECLINED: frozenset(),
}


def proposal_transition(current: ProposalStatus, target: ProposalStatus) -> ProposalStatus:
    return check_transition(PROPOSAL_TRANSITIONS, current, target)


class Channel(StrEnum):
    WEB = "web"
    API = "api"
    HOTLINE = "hotline"

class MatchingMode(StrEnum):
    CHOOSE = "choose"  # invited helpers apply, the client picks one
    INSTANT = "instant"  # waves of widening radius, first accept wins
    OPERATOR = "operator"  # an operator assigns
