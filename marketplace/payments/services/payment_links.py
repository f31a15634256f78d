"""Payment links for phone callers: a random single-use token, stored only as its SHA-256,
opens a page that needs no account and leads to the same hosted checkout as the site.

A link is `sent` when the operator creates it, `opened` when the caller first reads the
page, `paid` once the card is held (or saved), `expired` when opened after its
PAYMENT_LINK_TTL_HOURS, `revoked` when a newer link replaces it (resend). Only the latest
link of a mission is ever live; every send is audited in the same transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _

from marketplace.accounts.models import User
from marketplace.core import audit
from marketplace.core.base import utcnow
from marketplace.core.db import db
from marketplace.core.errors import Conflict, DomainError, Forbidden
from marketplace.core.state import transition
from marketplace.missions.lifecycle import MissionStatus
from marketplace.missions.models import Mission
from marketplace.payments import signals
from marketplace.payments.models import Payment, PaymentLink
from marketplace.payments.services import checkout
from marketplace.payments.status import PAYMENT_LINK_TRANSITIONS, PaymentLinkState, PaymentStatus

LIVE = (PaymentLinkState.SENT, PaymentLinkState.OPENED)
HELD = (PaymentStatus.AUTHORIZED, PaymentStatus.SAVED, PaymentStatus.CAPTURED)
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,100}")
_SESSION_ID_RE = re.compile(r"cs_[A-Za-z0-9_]{1,250}")


class LinkGone(DomainError):
    """A link that is used, replaced, expired or not ours: a clear page, never a 500."""

    status_code = 410


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ttl() -> timedelta:
    return timedelta(hours=int(current_app.config["PAYMENT_LINK_TTL_HOURS"]))


def send_link(mission: Mission, operator: User) -> tuple[PaymentLink, str]:
    """Create the mission's live link (revoking any older one) and send it to the caller;
    returns the row and the raw token, which is never stored."""
    if not operator.is_operator:
        raise Forbidden(_("Only operators send payment links."))
    if mission.status != MissionStatus.PENDING_PAYMENT:
        raise Conflict(_("This mission's card is already authorized."))
    previous = latest_link(mission)
    revoked = [link.id for link in _live_links(mission.id)]
    for link in _live_links(mission.id):
        transition(db.session, link, PAYMENT_LINK_TRANSITIONS, PaymentLinkState.REVOKED)
    now, token = utcnow(), secrets.token_urlsafe(32)
    link = PaymentLink(mission_id=mission.id, token_hash=hash_token(token), sent_at=now,
                       expires_at=now + ttl(), sent_by_id=operator.id,
                       resend_count=previous.resend_count + 1 if previous else 0)
    db.session.add(link)
    db.session.flush()
    audit.record(operator, "payment_link.resend" if previous else "payment_link.send",
                 "mission", mission.id, before={"revoked": revoked} if revoked else None,
                 after={"link": link.id, "expires_at": link.expires_at.isoformat()})
    signals.payment_link_sent.send(link, token=token)
    db.session.commit()
    return link, token


def _live_links(mission_id: int) -> list[PaymentLink]:
    return list(db.session.execute(
        db.select(PaymentLink).where(PaymentLink.mission_id == mission_id,
                                     PaymentLink.status.in_(LIVE))).scalars())


def latest_link(mission: Mission) -> PaymentLink | None:
    return db.session.execute(
        db.select(PaymentLink).where(PaymentLink.mission_id == mission.id)
        .order_by(PaymentLink.id.desc()).limit(1)).scalar_one_or_none()


def shown_state(link: PaymentLink, payment: Payment | None,
                now: datetime | None = None) -> PaymentLinkState:
    """The state an operator reads: a live link past its time is expired, and a live link
    whose mission is paid (by whatever path) is paid."""
    if link.status in LIVE and payment is not None and payment.status in HELD:
        return PaymentLinkState.PAID
    if link.status in LIVE and (now or utcnow()) >= link.expires_at:
        return PaymentLinkState.EXPIRED
    return link.status


def find(token: str) -> PaymentLink:
    """The link a token names, whatever its state; LinkGone when it is not ours."""
    link = None
    if _TOKEN_RE.fullmatch(token or ""):
        link = db.session.execute(db.select(PaymentLink).where(
            PaymentLink.token_hash == hash_token(token))).scalar_one_or_none()
    if link is None:
        raise LinkGone(_("This payment link is not valid."))
    return link


def usable(token: str) -> PaymentLink:
    """The live link a token names (opened now if first read); LinkGone once used,
    replaced or past its time (an expired link is marked so)."""
    link = find(token)
    payment = checkout.latest_payment(link.mission)
    state = shown_state(link, payment)
    if state == PaymentLinkState.EXPIRED and link.status in LIVE:
        transition(db.session, link, PAYMENT_LINK_TRANSITIONS, PaymentLinkState.EXPIRED,
                   sources=LIVE)
        db.session.commit()
    if state != link.status or link.status not in LIVE:
        raise LinkGone(_gone_message(state))
    if link.status == PaymentLinkState.SENT:
        transition(db.session, link, PAYMENT_LINK_TRANSITIONS, PaymentLinkState.OPENED,
                   opened_at=utcnow())
        db.session.commit()
    return link


def _gone_message(state: PaymentLinkState) -> str:
    if state == PaymentLinkState.PAID:
        return str(_("This payment link was used already: the mission is paid."))
    if state == PaymentLinkState.EXPIRED:
        return str(_("This payment link has expired."))
    return str(_("This payment link was replaced by a newer one."))


def checkout_for(token: str, success_url: str, cancel_url: str) -> str:
    """The hosted checkout page for the link's mission (the site's own checkout service)."""
    link = usable(token)
    return checkout.checkout_url(link.mission, success_url=success_url, cancel_url=cancel_url)


def come_back(token: str, session_id: str) -> tuple[PaymentLink, Payment | None]:
    """Back from the hosted page: read the session (the webhook may be later), then report
    what our database says. A revoked or expired link stays gone."""
    link = find(token)
    if link.status not in (*LIVE, PaymentLinkState.PAID):
        raise LinkGone(_gone_message(link.status))
    if link.status in LIVE and _SESSION_ID_RE.fullmatch(session_id or ""):
        synced = checkout.sync_checkout_session(session_id)
        if synced is not None and synced.mission_id != link.mission_id:
            raise LinkGone(_("This payment link is not valid."))
    payment = checkout.latest_payment(link.mission)
    if link.status in LIVE and payment is not None and payment.status in HELD:
        mark_paid(payment)
        db.session.commit()
    db.session.refresh(link)
    return link, payment


def mark_paid(payment: Payment) -> None:
    """The mission's live link is used up once its card is held (in the caller's
    transaction; the signal receiver for webhooks, and the return page)."""
    for link in _live_links(payment.mission_id):
        if transition(db.session, link, PAYMENT_LINK_TRANSITIONS, PaymentLinkState.PAID,
                      sources=LIVE, paid_at=utcnow()):
            signals.payment_link_paid.send(link, payment=payment)


def connect() -> None:
    """Mark the link paid whenever a payment is authorized (the webhook path included)."""
    signals.payment_authorized.connect(mark_paid, weak=False)


def hotline_phone() -> str:
    return str(current_app.config["HOTLINE_PHONE"])


def commune(mission: Mission) -> str:
    """The caller reads their commune, not the street (the page is reachable by link)."""
    last = mission.address.rsplit(",", 1)[-1].strip()
    return re.sub(r"^\d{4,5}\s+", "", last) or last
