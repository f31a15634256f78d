"""The boundary between our services and the payment provider.

Services see frozen dataclasses and our own errors; only stripe_gateway.py knows Stripe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class GatewayError(Exception):
    """The provider refused or failed; `transient` says whether retrying may help."""

    def __init__(self, message: str, *, transient: bool, code: str | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.code = code


class CardDeclined(GatewayError):
    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message, transient=False, code=code)


@dataclass(frozen=True)
class ConnectedAccount:
    id: str
    details_submitted: bool
    charges_enabled: bool
    payouts_enabled: bool


@dataclass(frozen=True)
class PaymentIntentInfo:
    id: str
    status: str
    amount_cents: int
    amount_capturable_cents: int
    amount_received_cents: int
    currency: str
    charge_id: str | None
    stripe_fee_cents: int | None
    balance_transaction_id: str | None
    failure_message: str | None


@dataclass(frozen=True)
class CheckoutSessionInfo:
    id: str
    url: str | None
    status: str
    payment_intent: PaymentIntentInfo | None
    mode: str = "payment"
    saved_payment_method: str | None = None  # mode=setup: the card saved for later


@dataclass(frozen=True)
class TransferInfo:
    id: str
    amount_cents: int
    currency: str
    destination: str


@dataclass(frozen=True)
class BalanceTxn:
    """One movement on the platform's Stripe balance (what we reconcile against)."""

    id: str
    type: str
    source: str | None
    amount_cents: int
    fee_cents: int
    net_cents: int
    currency: str


@dataclass(frozen=True)
class CheckoutRequest:
    """What to charge for a mission; idempotency_key is derived from our payment row."""

    amount_cents: int
    currency: str
    product_name: str
    customer_id: str
    transfer_group: str
    success_url: str
    cancel_url: str
    metadata: dict[str, str]
    idempotency_key: str


# Provider objects arrive as JSON-like mappings (API answers and webhook payloads alike).


def account_from_dict(obj: Any) -> ConnectedAccount:
    return ConnectedAccount(id=obj["id"], details_submitted=bool(obj["details_submitted"]),
                            charges_enabled=bool(obj["charges_enabled"]),
                            payouts_enabled=bool(obj["payouts_enabled"]))


def payment_intent_from_dict(obj: Any) -> PaymentIntentInfo:
    charge = obj.get("latest_charge")
    charge_id, fee, txn_id = (charge if isinstance(charge, str) else None), None, None
    if charge is not None and not isinstance(charge, str):
        charge_id = charge["id"]
        txn = charge.get("balance_transaction")
        if txn is not None and not isinstance(txn, str):
            fee, txn_id = int(txn["fee"]), txn["id"]
        elif isinstance(txn, str):
            txn_id = txn
    error = obj.get("last_payment_error")
    return PaymentIntentInfo(
        id=obj["id"], status=obj["status"], amount_cents=int(obj["amount"]),
        amount_capturable_cents=int(obj.get("amount_capturable") or 0),
        amount_received_cents=int(obj.get("amount_received") or 0),
        currency=obj["currency"], charge_id=charge_id, stripe_fee_cents=fee,
        balance_transaction_id=txn_id,
        failure_message=(error.get("message") if error else None),
    )


def checkout_session_from_dict(obj: Any) -> CheckoutSessionInfo:
    pi = obj.get("payment_intent")
    si = obj.get("setup_intent")
    return CheckoutSessionInfo(
        id=obj["id"], url=obj.get("url"), status=obj["status"],
        payment_intent=(payment_intent_from_dict(pi)
                        if pi is not None and not isinstance(pi, str) else None),
        mode=obj.get("mode") or "payment",
        saved_payment_method=(si.get("payment_method") if isinstance(si, dict) else None),
    )


class PaymentGateway(Protocol):
    def create_express_account(self, email: str, metadata: dict[str, str],
                               idempotency_key: str) -> ConnectedAccount: ...

    def retrieve_account(self, account_id: str) -> ConnectedAccount: ...

    def create_onboarding_link(self, account_id: str, refresh_url: str, return_url: str,
                               idempotency_key: str) -> str: ...

    def create_login_link(self, account_id: str, idempotency_key: str) -> str: ...

    def create_customer(self, email: str, name: str, metadata: dict[str, str],
                        idempotency_key: str) -> str: ...

    def create_checkout_session(self, request: CheckoutRequest) -> CheckoutSessionInfo: ...

    def retrieve_checkout_session(self, session_id: str) -> CheckoutSessionInfo: ...

    def create_setup_session(self, customer_id: str, success_url: str, cancel_url: str,
                             metadata: dict[str, str], idempotency_key: str,
                             submit_message: str | None = None) -> CheckoutSessionInfo: ...

    def authorize_off_session(self, amount_cents: int, currency: str, customer_id: str,
                              payment_method_id: str, transfer_group: str,
                              metadata: dict[str, str],
                              idempotency_key: str) -> PaymentIntentInfo: ...

    def retrieve_payment_intent(self, payment_intent_id: str) -> PaymentIntentInfo: ...

    def capture_payment_intent(self, payment_intent_id: str, amount_cents: int,
                               idempotency_key: str) -> PaymentIntentInfo: ...

    def cancel_payment_intent(self, payment_intent_id: str,
                              idempotency_key: str) -> PaymentIntentInfo: ...

    def create_refund(self, charge_id: str, amount_cents: int, metadata: dict[str, str],
                      idempotency_key: str) -> str: ...

    def reverse_transfer(self, transfer_id: str, amount_cents: int, metadata: dict[str, str],
                         idempotency_key: str) -> str: ...

    def create_transfer(self, amount_cents: int, currency: str, destination: str,
                        source_transaction: str, transfer_group: str,
                        metadata: dict[str, str], idempotency_key: str) -> TransferInfo: ...

    def find_transfer(self, transfer_group: str, metadata_key: str,
                      metadata_value: str) -> TransferInfo | None: ...

    def list_events_since(self, since_ts: int, page_size: int = 100) -> list[dict[str, Any]]: ...

    def parse_webhook(self, payload: bytes, signature: str) -> dict[str, Any]: ...

    def list_balance_transactions(self) -> list[BalanceTxn]: ...
