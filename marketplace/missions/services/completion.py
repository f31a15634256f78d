"""Finishing a mission: a lower final price agreed by both, and automatic confirmation.

A helper who needed less time may propose a lower final price once the mission is assigned
or done; if the client accepts, the mission's booked amounts scale down proportionally
(service fee and commission keep the rates both people saw, rounded half up) and only the
new total is captured. A mission marked done and left unconfirmed and undisputed for
AUTO_CONFIRM_SECONDS is confirmed automatically by a worker.
"""

from __future__ import annotations

from marketplace.accounts.models import User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError, NotFound
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.missions.lifecycle import MissionStatus, ProposalStatus, proposal_transition
from marketplace.missions.models import FinalPriceProposal, Mission


def _scaled(amount: int, new_price: int, old_price: int) -> int:
    return (amount * new_price * 2 + old_price) // (2 * old_price)


def pending_proposal(mission_id: int) -> FinalPriceProposal | None:
    return db.session.execute(
        db.select(FinalPriceProposal).where(FinalPriceProposal.mission_id == mission_id,
                                            FinalPriceProposal.status == ProposalStatus.PROPOSED)
    ).scalar_one_or_none()


def propose_final_price(mission_id: int, helper: User, price_cents: int) -> FinalPriceProposal:
    """The assigned helper asks for less than the booked price (never more)."""
    mission = db.session.get(Mission, mission_id)
    if mission is None or mission.helper_id != helper.id:
        raise NotFound(_l("No such mission."))
    if mission.status not in (MissionStatus.ASSIGNED, MissionStatus.DONE):
        raise Conflict(_l("The final price can change only before the client confirms."))
    if not 0 < price_cents < mission.price_cents:
        raise DomainError(_l("The final price must be lower than the booked price."))
    if pending_proposal(mission.id) is not None:
        raise Conflict(_l("A proposal is already waiting for the client."))
    proposal = FinalPriceProposal(mission_id=mission.id, helper_id=helper.id,
                                  price_cents=price_cents)
    db.session.add(proposal)
    db.session.commit()
    return proposal


def answer_final_price(mission_id: int, client: User, accept: bool) -> Mission:
    """The client accepts (the lower amounts replace the booked ones) or declines."""
    mission = db.session.get(Mission, mission_id, with_for_update=True)
    if mission is None or mission.client_id != client.id:
        raise NotFound(_l("No such mission."))
    proposal = pending_proposal(mission.id)
    if proposal is None or mission.status not in (MissionStatus.ASSIGNED, MissionStatus.DONE):
        raise Conflict(_l("There is no price proposal to answer."))
    proposal.status = proposal_transition(  # under the mission's lock
        proposal.status, ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED)
    proposal.decided_at = utcnow()
    if accept:
        old = mission.price_cents
        mission.commission_cents = _scaled(mission.commission_cents, proposal.price_cents, old)
        mission.service_fee_cents = _scaled(mission.service_fee_cents, proposal.price_cents, old)
        mission.price_cents = proposal.price_cents
    db.session.commit()
    return mission
