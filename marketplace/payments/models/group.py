"""The money of group purchases: each order's card payment, the seller's payout per
campaign, refunds granted to participants, and participants' disputes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import User
from marketplace.core.base import StrEnumString, TimestampMixin, str_enum
from marketplace.core.db import Model
from marketplace.groupbuy.models import Campaign, Order
from marketplace.payments.status import DisputeStatus, PaymentStatus, PayoutStatus


class GroupPayment(TimestampMixin, Model):
    """One order's manual-capture PaymentIntent (or saved card, for a far closing):
    authorized for quantity x the highest tier price, captured at the final price."""

    __tablename__ = "group_payments"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("captured_cents >= 0 AND captured_cents <= amount_cents",
                        name="captured_within_amount"),
        CheckConstraint("refunded_cents >= 0 AND refunded_cents <= captured_cents",
                        name="refunded_within_captured"),
        CheckConstraint("stripe_fee_cents >= 0", name="stripe_fee_non_negative"),
        CheckConstraint("commission_cents >= 0 AND commission_cents <= captured_cents",
                        name="commission_within_captured"),
        CheckConstraint("length(currency) = 3", name="currency_iso"),
        # the commission report pages rows by (captured_at, id) (commission_report.py)
        Index("ix_group_payments_captured_at_id", "captured_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("group_orders.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    quantity: Mapped[int]  # the units this payment covers (an increase adds a payment)
    amount_cents: Mapped[int]  # what the card is (or will be) authorized for
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[PaymentStatus] = mapped_column(str_enum(PaymentStatus),
                                                  default=PaymentStatus.CREATED)
    checkout_session_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(String(500))
    checkout_attempts: Mapped[int] = mapped_column(default=0)
    payment_intent_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    payment_method_id: Mapped[str | None] = mapped_column(String(80))
    charge_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    captured_cents: Mapped[int] = mapped_column(default=0)
    commission_cents: Mapped[int] = mapped_column(default=0)
    refunded_cents: Mapped[int] = mapped_column(default=0)
    stripe_fee_cents: Mapped[int] = mapped_column(default=0)
    failure_message: Mapped[str | None] = mapped_column(String(255))
    authorized_at: Mapped[datetime | None]
    captured_at: Mapped[datetime | None]
    released_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship()
    campaign: Mapped[Campaign] = relationship()

    @property
    def seller_share_cents(self) -> int:
        return self.captured_cents - self.commission_cents


class GroupPayout(TimestampMixin, Model):
    """The seller's share of a confirmed campaign, paid after the refund window as one
    Stripe Transfer per captured charge (GroupTransfer rows); `amount_cents` is their sum.
    `transfer_id` is the first transfer's id (kept for the pages; the rows hold them all)."""

    __tablename__ = "group_payouts"
    __table_args__ = (
        CheckConstraint("amount_cents >= 0", name="amount_non_negative"),
        CheckConstraint("length(currency) = 3", name="currency_iso"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), unique=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(default=0)  # fixed when the transfer is made
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[PayoutStatus] = mapped_column(str_enum(PayoutStatus),
                                                 default=PayoutStatus.SCHEDULED)
    transfer_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    release_after: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    hold_reason: Mapped[str | None] = mapped_column(String(255))
    last_error: Mapped[str | None] = mapped_column(String(500))
    paid_at: Mapped[datetime | None]

    campaign: Mapped[Campaign] = relationship()
    seller: Mapped[User] = relationship()


class GroupTransfer(TimestampMixin, Model):
    """One Stripe Transfer of a seller payout, drawn on one captured charge
    (`source_transaction`), so it needs no available platform balance at Stripe. Its amount
    is that charge's seller share (captured - commission - refunds before the payout); its
    idempotency key is `mkt:group-transfer:<id>`. A refund after it is paid reverses part of
    it (`reversed_cents`)."""

    __tablename__ = "group_transfers"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("reversed_cents >= 0 AND reversed_cents <= amount_cents",
                        name="reversed_within_amount"),
        CheckConstraint("length(currency) = 3", name="currency_iso"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payout_id: Mapped[int] = mapped_column(ForeignKey("group_payouts.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("group_payments.id"), unique=True)
    charge_id: Mapped[str] = mapped_column(String(80))
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[PayoutStatus] = mapped_column(str_enum(PayoutStatus),
                                                 default=PayoutStatus.SCHEDULED)
    transfer_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    reversed_cents: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    paid_at: Mapped[datetime | None]

    payout: Mapped[GroupPayout] = relationship()
    payment: Mapped[GroupPayment] = relationship()


class GroupRefund(TimestampMixin, Model):
    """Money given back to one participant after capture; `seller_cents` of it comes off
    the seller's share (all of it before the payout, through a reversal after)."""

    __tablename__ = "group_refunds"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("seller_cents >= 0 AND seller_cents <= amount_cents",
                        name="seller_within_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("group_orders.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("group_payments.id"), index=True)
    amount_cents: Mapped[int]
    seller_cents: Mapped[int] = mapped_column(default=0)
    stripe_refund_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    stripe_reversal_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(500))


class GroupDispute(TimestampMixin, Model):
    """A participant says they did not get their goods, or their bank charged one of the
    order's payments back (`stripe_dispute_id`, `payment_id`; no `opened_by_id`): either way
    the payout waits for an operator."""

    __tablename__ = "group_disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("group_orders.id"), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("group_payments.id"))
    stripe_dispute_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    bank_status: Mapped[str | None] = mapped_column(String(30))
    disputed_cents: Mapped[int | None]  # what the bank took back from the platform
    seller_cents: Mapped[int | None]  # of that, what the seller's share bears (lost)
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[DisputeStatus] = mapped_column(StrEnumString(DisputeStatus, 10),
                                                  default=DisputeStatus.OPEN)
    resolution: Mapped[str | None] = mapped_column(String(10))  # refund | seller | split
    refund_cents: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(String(500))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship()
