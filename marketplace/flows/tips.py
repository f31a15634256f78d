"""Tip the helper after confirming: the mission's rules (completed, the client's own, a
helper to pay) checked here, the money moved by payments/services/tips.py."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.core.errors import Conflict, NotFound
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.missions.services import missions
from marketplace.payments.models import Tip
from marketplace.payments.services import checkout, tips


@dataclass(frozen=True)
class TipStarted:
    tip: Tip
    redirect_url: str | None  # the hosted checkout page, when there was no card on file


def _tippable(mission_id: int, client: User) -> Mission:
    mission = missions.get_visible_mission(client, mission_id)
    if mission.client_id != client.id:
        raise NotFound("No such mission.")
    if mission.status != MissionStatus.COMPLETED or mission.helper_id is None:
        raise Conflict(_("You can add a tip once you have confirmed the work."))
    return mission


def add_tip(mission_id: int, client: User, amount_cents: int, success_url: str,
            cancel_url: str) -> TipStarted:
    """Charge the saved card off-session when the mission has one, else open a checkout."""
    mission = _tippable(mission_id, client)
    tip = tips.open_tip(mission, client, amount_cents)
    customer_id = checkout.ensure_customer(client)
    card = tips.saved_card(mission)
    if card is not None:
        return TipStarted(tips.charge_saved_card(tip, customer_id, card), None)
    return TipStarted(tip, tips.checkout_url(tip, customer_id, success_url, cancel_url))


def tip_returned(mission_id: int, client: User, session_id: str) -> Tip | None:
    """Back from the hosted page: apply the session (the webhook may come later)."""
    _tippable(mission_id, client)
    tip = tips.tip_of(mission_id)
    if tip is None or tip.checkout_session_id != session_id:
        return tip
    return tips.sync_checkout_session(session_id)
