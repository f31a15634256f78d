"""What the API answers about missions, gathered in the web layer (it may read every domain).

Privacy as on the pages: the exact address goes to the mission's client, its assigned helper
and operators; anyone else gets the commune, a position rounded to about a kilometre and a
distance rounded to half a kilometre.
"""

from __future__ import annotations

from typing import Any

from marketplace.accounts.models import User
from marketplace.api.schemas import money
from marketplace.missions.lifecycle import MatchingMode
from marketplace.missions.models import Mission
from marketplace.missions.services import cancellation, missions
from marketplace.payments.services import checkout, fee_rules
from marketplace.places import services as places


def person(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.id, "full_name": user.full_name}


def is_party(mission: Mission, viewer: User) -> bool:
    return viewer.is_operator or viewer.id in (mission.client_id, mission.helper_id)


def mission(m: Mission, viewer: User, mode: MatchingMode | None) -> dict[str, Any]:
    party = is_party(m, viewer)
    return {
        "id": m.id, "status": str(m.status), "category": m.category, "title": m.title,
        "description": m.description, "address": m.address if party else None,
        "city": places.commune_of(m.city, m.lat, m.lng),
        "lat": m.lat if party else round(m.lat, 2), "lng": m.lng if party else round(m.lng, 2),
        "starts_at": m.starts_at, "ends_at": m.ends_at,
        "price": money(m.price_cents, m.currency),
        "service_fee": money(m.service_fee_cents, m.currency),
        "total": money(m.total_cents, m.currency), "channel": str(m.channel),
        "matching_mode": str(mode) if mode is not None else None,
        "client": person(m.client), "helper": person(m.helper), "created_at": m.created_at,
    }


def take_home(m: Mission, viewer: User) -> dict[str, Any] | None:
    """What the helper would receive (their own commission rule applied)."""
    if m.helper_id == viewer.id:
        return money(m.helper_share_cents, m.currency)
    if viewer.is_helper and m.client_id != viewer.id:
        terms = fee_rules.terms_for_helper(m, viewer.id)
        return money(terms.take_home_cents, m.currency)
    return None


def take_homes(listed: list[Mission], viewer: User) -> dict[int, dict[str, Any]]:
    """take_home for a page of missions in two statements whatever their number (one
    fee-rule look-up for all, not three per mission); missions it does not apply to are
    left out."""
    own = {m.id: money(m.helper_share_cents, m.currency) for m in listed
           if m.helper_id == viewer.id}
    others = [m for m in listed if m.id not in own and viewer.is_helper
              and m.client_id != viewer.id]
    terms = fee_rules.terms_for_helper_many(others, viewer.id) if others else {}
    return {**own, **{m.id: money(terms[m.id].take_home_cents, m.currency) for m in others}}


def timeline(m: Mission) -> list[dict[str, Any]]:
    """The mission's dated events, oldest first."""
    events = [(m.created_at, "posted")]
    for assignment in missions.assignments_of(m):
        events.append((assignment.created_at, "assigned"))
        if assignment.released_at is not None:
            events.append((assignment.released_at, "released"))
    events += [(at, name) for at, name in ((m.done_at, "done"), (m.completed_at, "completed"))
               if at is not None]
    record = cancellation.cancellation_of(m)
    if record is not None:
        events.append((record.created_at, "cancelled"))
    return [{"at": at, "event": name} for at, name in sorted(events, key=lambda e: e[0])]


def detail(m: Mission, viewer: User, mode: MatchingMode | None) -> dict[str, Any]:
    payment = checkout.latest_payment(m)
    return {**mission(m, viewer, mode),
            "payment_status": str(payment.status) if payment is not None else None,
            "helper_take_home": take_home(m, viewer), "timeline": timeline(m)}
