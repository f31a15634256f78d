"""RGPD right of access: everything we hold about one person, as one JSON document.

It reads every domain (profile, helper profile, missions on both sides, messages, reviews,
money, the audit trail), hence a flow; the notifications package adds its own sections
(it answers the `personal_data_requested` signal, as nothing below may import it).
Only rows about the person: missions where they are the client or the helper, messages
on those missions, reviews they wrote or received, their own notifications, payments of
their missions as client, their payouts. A mission's exact address is exported only on
their own missions as client.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_

from marketplace.accounts import signals
from marketplace.accounts.models import AvailabilitySlot, TimeOff, User
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.models import AuditEntry
from marketplace.missions.matching.models import MissionOffer
from marketplace.missions.models import Message, Mission, MissionCancellation, Review
from marketplace.payments.models import ClientReceivable, Payment, Payout, Refund

FORMAT_VERSION = 1


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _all(query: Any) -> list[Any]:
    return list(db.session.execute(query).scalars())


def _profile(user: User) -> dict[str, Any]:
    return {"id": user.id, "email": user.email, "full_name": user.full_name,
            "phone": user.phone, "is_client": user.is_client, "is_helper": user.is_helper,
            "is_operator": user.is_operator, "is_suspended": user.is_suspended,
            "email_confirmed_at": _when(user.email_confirmed_at),
            "created_at": _when(user.created_at)}


def _helper(user: User) -> dict[str, Any] | None:
    profile = user.helper_profile
    if profile is None:
        return None
    slots = _all(db.select(AvailabilitySlot).where(
        AvailabilitySlot.helper_profile_id == profile.id).order_by(AvailabilitySlot.id))
    off = _all(db.select(TimeOff).where(TimeOff.helper_profile_id == profile.id)
               .order_by(TimeOff.id))
    return {"home_address": profile.home_label, "home_city": profile.home_city,
            "lat": profile.lat, "lng": profile.lng, "radius_km": profile.radius_km,
            "bio": profile.bio, "skills": profile.skill_slugs,
            "payouts_enabled": profile.payouts_enabled,
            "availability": [{"weekday": s.weekday, "start_minute": s.start_minute,
                              "end_minute": s.end_minute} for s in slots],
            "time_off": [{"starts_at": _when(t.starts_at), "ends_at": _when(t.ends_at)}
                         for t in off]}


def _mission(mission: Mission, user: User) -> dict[str, Any]:
    own = mission.client_id == user.id
    return {"id": mission.id, "role": "client" if own else "helper", "title": mission.title,
            "description": mission.description if own else None,
            "address": mission.address if own else None, "category": mission.category,
            "status": mission.status.value, "starts_at": _when(mission.starts_at),
            "ends_at": _when(mission.ends_at), "price_cents": mission.price_cents,
            "service_fee_cents": mission.service_fee_cents,
            "commission_cents": mission.commission_cents, "currency": mission.currency,
            "channel": mission.channel.value, "created_at": _when(mission.created_at)}


def _money(user: User, client_ids: list[int]) -> dict[str, Any]:
    payments = _all(db.select(Payment).where(Payment.mission_id.in_(client_ids))
                    .order_by(Payment.id))
    refunds = _all(db.select(Refund).where(Refund.mission_id.in_(client_ids))
                   .order_by(Refund.id))
    payouts = _all(db.select(Payout).where(Payout.helper_id == user.id).order_by(Payout.id))
    owed = _all(db.select(ClientReceivable).where(ClientReceivable.client_id == user.id)
                .order_by(ClientReceivable.id))
    return {
        "payments": [{"mission_id": p.mission_id, "amount_cents": p.amount_cents,
                      "captured_cents": p.captured_cents, "currency": p.currency,
                      "status": p.status.value, "captured_at": _when(p.captured_at)}
                     for p in payments],
        "refunds": [{"mission_id": r.mission_id, "amount_cents": r.amount_cents,
                     "created_at": _when(r.created_at)} for r in refunds],
        "payouts": [{"mission_id": p.mission_id, "amount_cents": p.amount_cents,
                     "currency": p.currency, "status": p.status.value,
                     "paid_at": _when(p.paid_at)} for p in payouts],
        "receivables": [{"mission_id": r.mission_id, "amount_cents": r.amount_cents,
                         "currency": r.currency, "reason": r.reason, "status": r.status.value}
                        for r in owed],
    }


def export_user_data(user: User) -> dict[str, Any]:
    """What we hold about `user`, as plain JSON-ready data."""
    missions = _all(db.select(Mission).where(
        or_(Mission.client_id == user.id, Mission.helper_id == user.id)).order_by(Mission.id))
    ids = [m.id for m in missions]
    client_ids = [m.id for m in missions if m.client_id == user.id]
    messages = _all(db.select(Message).where(
        or_(Message.author_id == user.id, Message.mission_id.in_(ids)))
        .order_by(Message.id))
    reviews = _all(db.select(Review).where(
        or_(Review.author_id == user.id, Review.subject_id == user.id)).order_by(Review.id))
    offers = _all(db.select(MissionOffer).where(MissionOffer.helper_id == user.id,
                                                MissionOffer.applied_at.is_not(None)))
    cancels = _all(db.select(MissionCancellation).where(MissionCancellation.by_user_id == user.id))
    audit = _all(db.select(AuditEntry).where(or_(
        AuditEntry.actor_id == user.id,
        (AuditEntry.object_type == "user") & (AuditEntry.object_id == str(user.id))))
        .order_by(AuditEntry.id))
    data = {
        "format": FORMAT_VERSION, "exported_at": _when(utcnow()),
        "profile": _profile(user), "helper_profile": _helper(user),
        "missions": [_mission(m, user) for m in missions],
        "applications": [{"mission_id": o.mission_id, "message": o.message,
                          "applied_at": _when(o.applied_at)} for o in offers],
        "cancellations": [{"mission_id": c.mission_id, "role": c.role, "reason": c.reason}
                          for c in cancels],
        "messages": [{"mission_id": m.mission_id, "sent": m.author_id == user.id,
                      "body": m.body, "at": _when(m.created_at)} for m in messages],
        "reviews": [{"mission_id": r.mission_id, "written": r.author_id == user.id,
                     "stars": r.stars, "comment": r.comment,
                     "published_at": _when(r.published_at)} for r in reviews],
        "money": _money(user, client_ids),
        "audit": [{"action": a.action, "object": f"{a.object_type}:{a.object_id}",
                   "by_me": a.actor_id == user.id, "note": a.note, "at": _when(a.created_at)}
                  for a in audit],
    }
    for _receiver, section in signals.personal_data_requested.send(user):
        data.update(section or {})  # notifications add theirs
    return data
