"""The only module that imports `stripe`: one StripeClient, pinned API version, mapped errors."""

from __future__ import annotations

import http.client
import json
import os
import ssl
import threading
import urllib.request
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any
from urllib.parse import urlsplit

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


class KeepAliveHTTPClient(stripe.HTTPClient):
    """The SDK's transport: one kept-alive connection per host, thread and process.

    The SDK's default client goes through requests and urllib3, whose layers cost about half
    a millisecond a call (a twelfth of a payout's time). Stripe keeps connections alive, as
    the emulator does; this client keeps one `http.client` connection per host in each
    thread (after a fork, the child opens its own), verifies TLS against the SDK's own
    certificate bundle, and reports network failures as the SDK's retryable
    APIConnectionError, so the SDK's retries (with the idempotency keys every creating call
    carries) work as with its own client. A kept-alive connection the server closed while
    idle is reopened once."""

    name = "http.client"
    TIMEOUT_S = 80.0  # the SDK's own default
    STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)

    def __init__(self) -> None:
        super().__init__()
        self._local = threading.local()
        self._tls = ssl.create_default_context(cafile=stripe.ca_bundle_path)
        # every thread's connections, closed with the client (urllib3 does the same)
        self._opened: list[http.client.HTTPConnection] = []
        weakref.finalize(self, _close_all, self._opened)

    def request(self, method: str, url: str, headers: Mapping[str, str] | None,
                post_data: Any = None, *, _usage: list[str] | None = None
                ) -> tuple[Any, int, Mapping[str, str]]:
        """(body bytes, status, lower-cased headers), as the SDK's own clients answer."""
        parts = urlsplit(url)
        target = f"{parts.path}?{parts.query}" if parts.query else parts.path
        body = post_data.encode() if isinstance(post_data, str) else post_data
        return self._exchange((parts.scheme, parts.netloc), method.upper(), target, body,
                              dict(headers or {}), reopen=True)

    def _exchange(self, host: tuple[str, str], method: str, target: str, body: Any,
                  headers: dict[str, str], *, reopen: bool) -> tuple[Any, int, dict[str, str]]:
        conn = self._connection(*host)
        try:
            conn.request(method, target, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self._drop(*host)
            if reopen and isinstance(exc, self.STALE):  # dropped while idle: a new one, once
                return self._exchange(host, method, target, body, headers, reopen=False)
            raise self._network_error(exc) from exc
        return content, response.status, {k.lower(): v for k, v in response.getheaders()}

    def close(self) -> None:
        _close_all(self._opened)
        self._local = threading.local()

    def _connections(self) -> dict[tuple[str, str], http.client.HTTPConnection]:
        if getattr(self._local, "pid", None) != os.getpid():  # a forked child: its own
            self._local.pid, self._local.connections = os.getpid(), {}
        connections: dict[tuple[str, str], http.client.HTTPConnection] = self._local.connections
        return connections

    def _connection(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        connections = self._connections()
        conn = connections.get((scheme, netloc))
        if conn is None:
            conn = (http.client.HTTPSConnection(netloc, timeout=self.TIMEOUT_S, context=self._tls)
                    if scheme == "https" else
                    http.client.HTTPConnection(netloc, timeout=self.TIMEOUT_S))
            connections[(scheme, netloc)] = conn
            self._opened.append(conn)
        return conn

    def _drop(self, scheme: str, netloc: str) -> None:
        conn = self._connections().pop((scheme, netloc), None)
        if conn is not None:
            conn.close()
            with suppress(ValueError):  # close() emptied the list meanwhile
                self._opened.remove(conn)

    @staticmethod
    def _network_error(exc: Exception) -> stripe.APIConnectionError:
        return stripe.APIConnectionError(  # type: ignore[no-untyped-call]
            f"Unexpected error communicating with Stripe. (Network error: {exc})",
            should_retry=True)


def _close_all(connections: list[http.client.HTTPConnection]) -> None:
    while connections:
        connections.pop().close()


def _http_client() -> stripe.HTTPClient:
    """Ours, unless a proxy is configured: then the SDK's requests-based client, which
    follows the proxy settings (NO_PROXY included)."""
    if urllib.request.getproxies():
        return stripe.RequestsClient()
    return KeepAliveHTTPClient()


class StripeGateway:
    """Talks to Stripe (or the emulator, when api_base is set) through the official SDK."""

    def __init__(self, secret_key: str, webhook_secret: str, api_base: str | None = None,
                 connect_webhook_secret: str = "",
                 http_client: stripe.HTTPClient | None = None) -> None:
        self._client = stripe.StripeClient(
            secret_key, stripe_version=STRIPE_API_VERSION,
            base_addresses={"api": api_base} if api_base else {}, max_network_retries=2,
            http_client=http_client or _http_client(),
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
