"""The only module that imports `stripe`: one StripeClient, pinned API version, mapped errors."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
import stripe

from config import STRIPE_API_VERSION
from marketplace.payments.gateway import (
    BalanceTxn,
    CardDeclined,
    CheckoutRequest,
    CheckoutSessionInfo,
    ConnectedAccount,
    GatewayError,
    PaymentIntentInfo,
    TransferInfo,
    account_from_dict,
    checkout_session_from_dict,
    payment_intent_from_dict,
)

TRANSIENT = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)


@contextmanager
def _mapped_errors() -> Iterator[None]:
    """Turn Stripe's exceptions into ours, sorted into transient and permanent."""
    try:
        yield
    except stripe.CardError as exc:
        raise CardDeclined(exc.user_message or str(exc), code=exc.code) from exc
    except TRANSIENT as exc:
        raise GatewayError(str(exc), transient=True, code=getattr(exc, "code", None)) from exc
    except stripe.StripeError as exc:
        status = exc.http_status or 0
        raise GatewayError(exc.user_message or str(exc), transient=status >= 500,
                           code=exc.code) from exc


class _ThreadSessions:
    """The SDK's HTTP session, one per thread as the SDK itself does, minus a per-call cost.

    requests re-reads the proxy settings from the environment on every call (two scans of
    os.environ, about a millisecond: a tenth of a payout's CPU). When no proxy is configured
    at start-up there is nothing to re-read, so sessions skip it; with a proxy configured,
    requests keeps doing what it always did (NO_PROXY included)."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._read_env = bool(urllib.request.getproxies())

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = self._read_env
            self._local.session = session
        return session

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        return self._session().request(*args, **kwargs)

    def close(self) -> None:
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()
            self._local.session = None


class StripeGateway:
    """Talks to Stripe (or the emulator, when api_base is set) through the official SDK."""

    def __init__(self, secret_key: str, webhook_secret: str, api_base: str | None = None,
                 connect_webhook_secret: str = "") -> None:
        self._client = stripe.StripeClient(
            secret_key, stripe_version=STRIPE_API_VERSION,
            base_addresses={"api": api_base} if api_base else {}, max_network_retries=2,
            http_client=stripe.RequestsClient(session=_ThreadSessions()),  # type: ignore[arg-type]
        )
        self._webhook_secrets = tuple(s for s in (webhook_secret, connect_webhook_secret) if s)

    @property
    def v1(self) -> Any:
        return self._client.v1

    def create_express_account(self, email: str, metadata: dict[str, str],
                               idempotency_key: str) -> ConnectedAccount:
        with _mapped_errors():
            acct = self.v1.accounts.create(
                params={"type": "express", "country": "FR", "email": email,
                        "business_type": "individual",
                        "capabilities": {"transfers": {"requested": True}},
                        "metadata": metadata},
                options={"idempotency_key": idempotency_key})
        return account_from_dict(acct.to_dict())

    def create_login_link(self, account_id: str, idempotency_key: str) -> str:
        """A single-use link into the helper's Express Dashboard (bank details, payouts)."""
        with _mapped_errors():
            link = self.v1.accounts.login_links.create(
                account_id, options={"idempotency_key": idempotency_key})
        return str(link["url"])

    def retrieve_account(self, account_id: str) -> ConnectedAccount:
        with _mapped_errors():
            return account_from_dict(self.v1.accounts.retrieve(account_id).to_dict())

    def create_onboarding_link(self, account_id: str, refresh_url: str, return_url: str,
                               idempotency_key: str) -> str:
        with _mapped_errors():
            link = self.v1.account_links.create(
                params={"account": account_id, "refresh_url": refresh_url,
                        "return_url": return_url, "type": "account_onboarding"},
                options={"idempotency_key": idempotency_key})
        return str(link["url"])

    def create_customer(self, email: str, name: str, metadata: dict[str, str],
                        idempotency_key: str) -> str:
        with _mapped_errors():
            customer = self.v1.customers.create(
                params={"email": email, "name": name, "metadata": metadata},
                options={"idempotency_key": idempotency_key})
        return str(customer["id"])

    def create_checkout_session(self, request: CheckoutRequest) -> CheckoutSessionInfo:
        params = {
            "mode": "payment", "customer": request.customer_id,
            "line_items": [{"quantity": 1, "price_data": {
                "currency": request.currency, "unit_amount": request.amount_cents,
                "product_data": {"name": request.product_name}}}],
            "payment_intent_data": {"capture_method": "manual",
                                    "transfer_group": request.transfer_group,
                                    "metadata": request.metadata},
            "success_url": request.success_url, "cancel_url": request.cancel_url,
            "client_reference_id": request.metadata.get("payment_id"),
            "metadata": request.metadata,
        }
        with _mapped_errors():
            session = self.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": request.idempotency_key})
        return checkout_session_from_dict(session.to_dict())

    def retrieve_checkout_session(self, session_id: str) -> CheckoutSessionInfo:
        with _mapped_errors():
            session = self.v1.checkout.sessions.retrieve(
                session_id,
                params={"expand": ["payment_intent", "payment_intent.latest_charge",
                                   "setup_intent"]})
        return checkout_session_from_dict(session.to_dict())

    def create_setup_session(self, customer_id: str, success_url: str, cancel_url: str,
                             metadata: dict[str, str], idempotency_key: str,
                             submit_message: str | None = None) -> CheckoutSessionInfo:
        """A hosted page that saves the client's card for an off-session hold later;
        `submit_message` tells the client, above the button, what will happen to it."""
        params: dict[str, Any] = {
            "mode": "setup", "customer": customer_id, "currency": "eur",
            "success_url": success_url, "cancel_url": cancel_url, "metadata": metadata,
            "setup_intent_data": {"metadata": metadata}}
        if submit_message:
            params["custom_text"] = {"submit": {"message": submit_message}}
        with _mapped_errors():
            session = self.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key})
        return checkout_session_from_dict(session.to_dict())

    def authorize_off_session(self, amount_cents: int, currency: str, customer_id: str,
                              payment_method_id: str, transfer_group: str,
                              metadata: dict[str, str],
                              idempotency_key: str) -> PaymentIntentInfo:
        """Place a manual-capture hold on a saved card without the client present."""
        with _mapped_errors():
            pi = self.v1.payment_intents.create(
                params={"amount": amount_cents, "currency": currency, "customer": customer_id,
                        "payment_method": payment_method_id, "off_session": True,
                        "confirm": True, "capture_method": "manual",
                        "transfer_group": transfer_group, "metadata": metadata,
                        "expand": ["latest_charge"]},
                options={"idempotency_key": idempotency_key})
        return payment_intent_from_dict(pi.to_dict())

    def retrieve_payment_intent(self, payment_intent_id: str) -> PaymentIntentInfo:
        with _mapped_errors():
            pi = self.v1.payment_intents.retrieve(
                payment_intent_id, params={"expand": ["latest_charge.balance_transaction"]})
        return payment_intent_from_dict(pi.to_dict())

    def capture_payment_intent(self, payment_intent_id: str, amount_cents: int,
                               idempotency_key: str) -> PaymentIntentInfo:
        with _mapped_errors():
            pi = self.v1.payment_intents.capture(
                payment_intent_id,
                params={"amount_to_capture": amount_cents,
                        "expand": ["latest_charge.balance_transaction"]},
                options={"idempotency_key": idempotency_key})
        return payment_intent_from_dict(pi.to_dict())

    def cancel_payment_intent(self, payment_intent_id: str,
                              idempotency_key: str) -> PaymentIntentInfo:
        """Release a card hold (nothing is charged)."""
        with _mapped_errors():
            pi = self.v1.payment_intents.cancel(
                payment_intent_id, params={"expand": ["latest_charge"]},
                options={"idempotency_key": idempotency_key})
        return payment_intent_from_dict(pi.to_dict())

    def create_refund(self, charge_id: str, amount_cents: int, metadata: dict[str, str],
                      idempotency_key: str) -> str:
        """Give part or all of a captured charge back to the client's card; returns re_ id."""
        with _mapped_errors():
            refund = self.v1.refunds.create(
                params={"charge": charge_id, "amount": amount_cents, "metadata": metadata},
                options={"idempotency_key": idempotency_key})
        return str(refund["id"])

    def reverse_transfer(self, transfer_id: str, amount_cents: int, metadata: dict[str, str],
                         idempotency_key: str) -> str:
        """Pull part of a transfer back from the helper's account; returns trr_ id."""
        with _mapped_errors():
            reversal = self.v1.transfers.reversals.create(
                transfer_id, params={"amount": amount_cents, "metadata": metadata},
                options={"idempotency_key": idempotency_key})
        return str(reversal["id"])

    def create_transfer(self, amount_cents: int, currency: str, destination: str,
                        source_transaction: str, transfer_group: str,
                        metadata: dict[str, str], idempotency_key: str) -> TransferInfo:
        with _mapped_errors():
            # Every transfer we make names its charge (mission payouts, tips, group
            # purchases: one per charge), so it is funded by that charge's pending money;
            # without one Stripe would draw on the available balance.
            source = {"source_transaction": source_transaction} if source_transaction else {}
            tr = self.v1.transfers.create(
                params={"amount": amount_cents, "currency": currency,
                        "destination": destination, **source,
                        "transfer_group": transfer_group, "metadata": metadata},
                options={"idempotency_key": idempotency_key})
        return TransferInfo(id=tr["id"], amount_cents=int(tr["amount"]),
                            currency=tr["currency"], destination=str(tr["destination"]))

    def find_transfer(self, transfer_group: str, metadata_key: str,
                      metadata_value: str) -> TransferInfo | None:
        """Look a transfer up when our idempotency key may have expired (older than 24 h)."""
        with _mapped_errors():
            page = self.v1.transfers.list(params={"transfer_group": transfer_group,
                                                  "limit": 100})
        for tr in page.to_dict()["data"]:
            if (tr.get("metadata") or {}).get(metadata_key) == metadata_value:
                return TransferInfo(id=tr["id"], amount_cents=int(tr["amount"]),
                                    currency=tr["currency"], destination=str(tr["destination"]))
        return None

    def list_events_since(self, since_ts: int, page_size: int = 100) -> list[dict[str, Any]]:
        """Events created at or after `since_ts`, newest first (for the webhook backfill)."""
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": page_size}
        while True:
            with _mapped_errors():
                page = self.v1.events.list(params=params).to_dict()
            fresh = [e for e in page["data"] if e["created"] >= since_ts]
            found.extend(fresh)
            if not page["has_more"] or len(fresh) < len(page["data"]) or not page["data"]:
                return found
            params["starting_after"] = page["data"][-1]["id"]

    def list_balance_transactions(self) -> list[BalanceTxn]:
        """Every movement on the platform balance, all pages, oldest last."""
        with _mapped_errors():
            page = self.v1.balance_transactions.list(params={"limit": 100})
            rows = [t.to_dict() for t in page.auto_paging_iter()]
        return [BalanceTxn(id=t["id"], type=t["type"], source=t.get("source"),
                           amount_cents=int(t["amount"]), fee_cents=int(t["fee"]),
                           net_cents=int(t["net"]), currency=t["currency"]) for t in rows]

    def parse_webhook(self, payload: bytes, signature: str) -> dict[str, Any]:
        """Verify the signature on the raw body against the platform endpoint's secret, then
        the Connect endpoint's (if configured); raise ValueError when neither holds."""
        failure: Exception = ValueError("No webhook signing secret is configured.")
        for secret in self._webhook_secrets:
            try:
                stripe.Webhook.construct_event(payload, signature, secret)
                break
            except stripe.SignatureVerificationError as exc:
                failure = exc
        else:
            raise ValueError(str(failure)) from failure
        # The verified body itself, as Stripe sent it: the SDK's object would hydrate
        # decimal strings (e.g. `fx_rate`) into Decimals that JSON cannot store.
        event: dict[str, Any] = json.loads(payload)
        return event
