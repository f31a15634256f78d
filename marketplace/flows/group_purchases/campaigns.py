"""A seller opens, edits or cancels a campaign."""

from __future__ import annotations

from datetime import datetime

from marketplace.accounts.models import HelperProfile, User
from marketplace.core import audit, outbox
from marketplace.core.db import db
from marketplace.core.errors import Conflict
from marketplace.core.i18n import lazy_gettext as _l
from marketplace.core.state import transition
from marketplace.groupbuy import errors, services, signals
from marketplace.groupbuy.errors import NotSellerError, SellerNotReadyError
from marketplace.groupbuy.lifecycle import CAMPAIGN_TRANSITIONS, CampaignStatus
from marketplace.groupbuy.models import Campaign
from marketplace.groupbuy.services import CampaignDraft
from marketplace.payments.services import group_capture

SETTLE_TASK = "group_purchases.settle"


def seller_ready(seller: User) -> bool:
    """A seller takes money like a helper: a Stripe Express account must exist."""
    profile = db.session.execute(db.select(HelperProfile).where(
        HelperProfile.user_id == seller.id)).scalar_one_or_none()
    return profile is not None and profile.stripe_account_id is not None


def create_campaign(seller: User, draft: CampaignDraft, now: datetime | None = None,
                    channel: str = "web") -> Campaign:
    """Open a campaign: validated draft, the commission fixed now (fee engine, category
    `group_purchase`), one commit. Raises CampaignError / SellerNotReadyError."""
    if not seller_ready(seller):
        raise SellerNotReadyError(errors.SELLER_NOT_READY)
    campaign = services.build_campaign(seller, draft, now)
    group_capture.snapshot_commission(campaign, channel)
    signals.campaign_opened.send(campaign)
    db.session.commit()
    return campaign


def update_campaign(campaign: Campaign, actor: User, draft: CampaignDraft,
                    now: datetime | None = None) -> Campaign:
    """The seller edits an open campaign (what participants agreed to stays)."""
    _require_seller(campaign, actor)
    services.edit_campaign(campaign, draft, now)
    db.session.commit()
    return campaign


def cancel_campaign(campaign: Campaign, actor: User, reason: str,
                    by_operator: bool = False) -> Campaign:
    """Stop a campaign before it is confirmed: every hold is released (by the settle job)."""
    if not by_operator:
        _require_seller(campaign, actor)
    if not transition(db.session, campaign, CAMPAIGN_TRANSITIONS, CampaignStatus.CANCELLED,
                      sources=(CampaignStatus.OPEN, CampaignStatus.WAITING_PAYMENTS),
                      cancel_reason=reason[:500]):
        db.session.rollback()
        raise Conflict(_l("This group purchase can no longer be cancelled."))
    if by_operator:
        audit.record(actor, "campaign.cancel", "campaign", campaign.id, note=reason[:500])
    signals.campaign_called_off.send(campaign, reason="cancelled")
    outbox.enqueue(SETTLE_TASK, campaign.id)
    db.session.commit()
    return campaign


def _require_seller(campaign: Campaign, actor: User) -> None:
    if campaign.seller_id != actor.id:
        raise NotSellerError(errors.NOT_SELLER)
