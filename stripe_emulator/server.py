"""The WSGI application and the :class:`StripeEmulator` facade used by tests and the CLI."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import random
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from . import bank_payouts, disputes, helpers, pages, strict
from .errors import StripeError, invalid_param
from .fixtures import clone, resources
from .httpserver import ApiServer
from .params import get_list, parse_pairs
from .routes import build_map
from .store import API_VERSION, Ctx, Store, random_token
from .webhooks import WebhookDispatcher

# A fault hook receives (method, path, params) before the request is applied and may
# return (status, body) to short-circuit it: the extension point for fault injection.
_LOST_RESPONSE = {"error": {"type": "api_error",
                            "message": "The response was lost after the request was applied."}}
FaultHook = Callable[[str, str, dict[str, Any]], "tuple[int, dict[str, Any]] | None"]


def _json(body: dict[str, Any], status: int = 200, **headers: str) -> Response:
    resp = Response(json.dumps(body), status=status, mimetype="application/json")
    resp.headers.update(headers)
    return resp


def _expand(store: Store, node: Any, parts: list[str]) -> None:
    if not isinstance(node, dict) or not parts:
        return
    if node.get("object") == "list" and parts[0] == "data":
        for item in node["data"]:
            _expand(store, item, parts[1:])
        return
    key = parts[0]
    if key not in node:
        raise invalid_param("expand", f"This property cannot be expanded ({key}).")
    value = node[key]
    if isinstance(value, str) and store.get(value) is not None:
        node[key] = value = copy.deepcopy(store.get(value))
    _expand(store, value, parts[1:])


class StripeEmulator:
    """A stateful, in-process Stripe API double reachable over real HTTP."""

    def __init__(
        self,
        webhook_endpoints: Iterable[tuple[str, str]] = (),
        state_file: str | os.PathLike[str] | None = None,
        log_requests: bool = False,
    ) -> None:
        self.store = Store(state_file)
        self.webhooks = WebhookDispatcher(on_delivered=self.store.webhook_delivered)
        for url, secret in webhook_endpoints:
            self.webhooks.add_endpoint(url, secret)
        self.store.on_event = self.webhooks.enqueue
        self.faults: list[FaultHook] = []
        self.lost_response_rate = 0.0  # share of POSTs whose answer is lost after the effect
        self.lose_next_responses = 0  # the next N POSTs lose their answer, whatever the rate
        self.lost_responses = 0
        self._chaos = random.Random(0)
        self.base_url: str | None = None
        self._map = build_map()
        self._log_requests = log_requests
        self._server: ApiServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve in a daemon thread; returns the base URL (``port=0`` picks a free port)."""
        self._server = ApiServer((host, port), self.wsgi_app, log_requests=self._log_requests)
        self.base_url = f"http://{host}:{self._server.server_port}"
        self.webhooks.start()
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="stripe-emulator", daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving and delivering; safe to call twice."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        self.webhooks.stop()

    def __enter__(self) -> StripeEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- inspection helpers -----------------------------------------------------------
    def add_webhook_endpoint(self, url: str, secret: str) -> None:
        """Deliver events created from now on to ``url``."""
        self.webhooks.add_endpoint(url, secret)

    def objects(self, kind: str) -> list[dict[str, Any]]:
        """Copies of all objects of ``kind`` (e.g. ``"transfer"``), oldest first."""
        with self.store.lock:
            return copy.deepcopy(list(reversed(self.store.all(kind))))

    def get(self, obj_id: str) -> dict[str, Any]:
        """A copy of any object by id; ``KeyError`` if unknown."""
        with self.store.lock:
            return copy.deepcopy(self.store.objects[obj_id])

    def events(self, type: str | None = None) -> list[dict[str, Any]]:
        """All events oldest first, optionally of one ``type``."""
        return [e for e in self.objects("event") if type is None or e["type"] == type]

    def complete_onboarding(self, account_id: str) -> dict[str, Any]:
        """Onboard an account without the hosted form (emits ``account.updated``)."""
        return copy.deepcopy(helpers.complete_onboarding(self.store, account_id))

    def pay_checkout_session(self, session_id: str,
                             card_number: str = "4242424242424242") -> dict[str, Any]:
        """Pay a session without the hosted form; returns the PaymentIntent (402 raises)."""
        pi = helpers.pay_checkout_session(self.store, session_id, card_number,
                                          self.base_url or "")
        return copy.deepcopy(pi)

    def create_dispute(self, charge_id: str, reason: str = "fraudulent") -> dict[str, Any]:
        """The client's bank disputes a captured charge now (``charge.dispute.created``,
        ``charge.dispute.funds_withdrawn``); over HTTP, pay with ``pm_card_createDispute``."""
        return disputes.create(self.store, charge_id, reason)

    def close_dispute(self, dispute_id: str, won: bool) -> dict[str, Any]:
        """The bank decides now (``charge.dispute.closed``); won disputes reinstate the funds.
        Over HTTP, submit ``winning_evidence`` / ``losing_evidence`` instead."""
        return disputes.close(self.store, dispute_id, won)

    def pay_out_balance(self, account_id: str,
                        failure_code: str | None = None) -> dict[str, Any]:
        """Stripe's schedule pays a connected account's balance to its bank
        (``payout.created`` then ``payout.paid``, or ``payout.failed`` with ``failure_code``).
        Over HTTP, ``POST /v1/payouts`` with ``Stripe-Account``."""
        return bank_payouts.pay_out(self.store, account_id, failure_code)

    def fail_paid_payout(self, payout_id: str,
                         failure_code: str = "account_closed") -> dict[str, Any]:
        """The bank returns a payout already marked paid (``payout.failed``)."""
        return bank_payouts.fail_paid(self.store, payout_id, failure_code)

    def advance_time(self, seconds: int) -> None:
        """Move the emulator clock forward (link expiry, ``created`` timestamps); card holds
        older than 7 days lapse like real authorizations (``payment_intent.canceled``)."""
        with self.store.lock:
            self.store.clock_offset += seconds
        helpers.expire_authorizations(self.store)
        bank_payouts.settle_due(self.store)

    def reset_idempotency_keys(self) -> None:
        """Forget stored keys, as Stripe does after 24 hours."""
        with self.store.lock:
            self.store.idempotency.clear()

    def reset(self) -> None:
        """Drop all state (keeps the server and webhook endpoints running)."""
        helpers.reset(self.store)

    def wait_for_webhooks_idle(self, timeout: float = 10) -> None:
        """Block until every queued webhook was delivered or gave up (``TimeoutError``)."""
        self.webhooks.wait_idle(timeout)

    # -- WSGI -----------------------------------------------------------------------
    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Dispatch to the API, the hosted pages or the dashboard."""
        request = Request(environ)
        try:
            endpoint, args = self._map.bind_to_environ(environ).match()
        except (NotFound, MethodNotAllowed):
            if request.path.startswith("/v1/"):
                response = _json(StripeError(
                    f"Unrecognized request URL ({request.method}: {request.path}).",
                    status=404).body(), 404)
            else:
                response = Response("Not found", status=404)
        except HTTPException as exc:  # pragma: no cover - e.g. malformed requests
            response = exc.get_response(environ)
        else:
            kind, handler = endpoint
            if kind == "api":
                response = self._api(request, handler[0], handler[1], args)
            elif kind == "hosted":
                response = self._hosted(request, handler, args)
            else:
                with self.store.lock:
                    recent = copy.deepcopy(self.store.all_recent(50))
                response = Response(pages.dashboard(recent, self.webhooks.log[-30:][::-1]),
                                    mimetype="text/html")
        return response(environ, start_response)

    def _ctx(self, request: Request) -> Ctx:
        return Ctx(store=self.store, base_url=request.host_url.rstrip("/"))

    def _hosted(self, request: Request, handler: Any, args: Mapping[str, Any]) -> Response:
        with self.store.lock:
            response = handler(self._ctx(request), request, args["obj_id"])
            if request.method == "POST":
                self.store.save()
        return response

    def _api(self, request: Request, handler: Any, params_name: str,
             args: Mapping[str, Any]) -> Response:
        request_id = f"req_{random_token(14)}"
        headers = {"Request-Id": request_id,
                   "Stripe-Version": request.headers.get("Stripe-Version", API_VERSION)}
        api_key = _api_key(request)
        if api_key is None or not api_key.startswith("sk_test_"):
            shown = f"{api_key[:8]}****" if api_key else ""
            message = (f"Invalid API Key provided: {shown}" if api_key else
                       "You did not provide an API key. You need to provide your API key in "
                       "the Authorization header, using Bearer auth (e.g. 'Authorization: "
                       "Bearer YOUR_SECRET_KEY').")
            return _json(StripeError(message).body(), 401, **headers)
        pairs = list((request.form if request.method == "POST" else request.args)
                     .items(multi=True))
        versioned = "Stripe-Version" in request.headers
        ctx = self._ctx(request)
        ctx.request_id = request_id
        ctx.account = request.headers.get("Stripe-Account") or None
        ctx.idempotency_key = request.headers.get("Idempotency-Key") or None
        fingerprint = hashlib.sha256(json.dumps(sorted(pairs)).encode()).hexdigest()
        idem_key = (f"{api_key}|{ctx.account}|{ctx.idempotency_key}"
                    if ctx.idempotency_key and request.method == "POST" else None)
        with self.store.lock:
            if idem_key is not None and idem_key in self.store.idempotency:
                return self._replay(self.store.idempotency[idem_key], request, fingerprint,
                                    ctx.idempotency_key or "", headers)
            status, body, cacheable = self._run(ctx, request, (handler, params_name), args,
                                                pairs, versioned)
            real_status, real_body = status, body
            if request.method == "POST" and self._lose_response():
                status, body, cacheable = 500, _LOST_RESPONSE, cacheable
            if idem_key is not None and cacheable:
                self.store.idempotency[idem_key] = {
                    "path": request.path, "fingerprint": fingerprint, "status": real_status,
                    "body": real_body, "request_id": request_id,
                }
            if request.method == "POST":
                self.store.save()
        return _json(body, status, **headers)

    def _lose_response(self) -> bool:
        """Chaos: apply the request, then answer 500 as if the response never arrived."""
        if self.lose_next_responses > 0:
            self.lose_next_responses -= 1
            self.lost_responses += 1
            return True
        if self.lost_response_rate and self._chaos.random() < self.lost_response_rate:
            self.lost_responses += 1
            return True
        return False

    def _run(self, ctx: Ctx, request: Request, endpoint: tuple[Any, str],
             args: Mapping[str, Any], pairs: list[tuple[str, str]],
             versioned: bool) -> tuple[int, dict[str, Any], bool]:
        handler, params_name = endpoint
        try:
            ctx.params = parse_pairs(pairs)
            if not versioned:
                strict.upgrade_legacy(params_name, ctx.params)
            strict.check(params_name, ctx.params)
            for hook in self.faults:
                injected = hook(request.method, request.path, ctx.params)
                if injected is not None:
                    return injected[0], injected[1], False
            echo = None
            if request.method == "POST" and ctx.params:
                echo = _echoer(params_name, ctx.params)
                ctx.echo = echo
            result = handler(ctx, **args)
            if echo is not None and result.get("object") == echo[0]:
                echo[1](result)
            obj = clone(result)
            for path in get_list(ctx.params, "expand"):
                _expand(self.store, obj, str(path).split("."))
            return 200, obj, True
        except StripeError as exc:
            return exc.status, exc.body(), exc.cacheable

    @staticmethod
    def _replay(record: dict[str, Any], request: Request, fingerprint: str, key: str,
                headers: dict[str, str]) -> Response:
        if record["path"] != request.path:
            err = StripeError(
                f"Keys for idempotent requests can only be used for the same endpoint they "
                f"were first used for ('POST {record['path']}' vs 'POST {request.path}'). "
                f"Try using a key other than '{key}' if you meant to execute a different "
                "request.", type="idempotency_error")
            return _json(err.body(), 400, **headers)
        if record["fingerprint"] != fingerprint:
            err = StripeError(
                "Keys for idempotent requests can only be used with the same parameters "
                f"they were first used with. Try using a key other than '{key}' if you "
                "meant to execute a different request.", type="idempotency_error")
            return _json(err.body(), 400, **headers)
        return _json(record["body"], record["status"], **headers,
                     **{"Idempotent-Replayed": "true", "Original-Request": record["request_id"]})


def _echoer(params_name: str, params: dict[str, Any]) -> tuple[str, Any]:
    """``(kind, callback)`` echoing the request's parameters into an object of that kind."""
    kind = strict.object_kind(params_name)
    shape = _shape(kind)
    return kind, lambda obj: strict.echo(params_name, obj, params, shape)


@functools.cache
def _shape(kind: str) -> dict[str, Any]:
    """The object's fixture, its null hashes (``shipping``...) taken from another fixture
    that shows them (a charge's ``shipping``), so echoed hashes get every key."""
    shape = dict(resources().get(kind) or {})
    for key, value in shape.items():
        if value is None or value == {}:
            for other in resources().values():
                if isinstance(other, dict) and isinstance(other.get(key), dict) \
                        and other[key]:
                    shape[key] = other[key]
                    break
    return shape


def _api_key(request: Request) -> str | None:
    """Bearer token, or the username of HTTP Basic auth (``curl -u sk_test_...:``)."""
    auth = request.authorization
    if auth is None:
        return None
    if auth.type == "bearer":
        return auth.token
    return auth.username
