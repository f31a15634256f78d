"""Webhook delivery, signed exactly like Stripe, from a background thread.

API calls only enqueue; one sender thread posts events in order and reschedules failures
with exponential backoff, so a slow or down app never blocks the emulator's API.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)  # 6 attempts in total
SEND_TIMEOUT = 10.0


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """``Stripe-Signature`` header: ``t=<ts>,v1=<hex HMAC-SHA256(secret, "t.payload")>``."""
    ts = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{ts}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


@dataclass(order=True)
class _Delivery:
    due: float
    seq: int
    url: str = field(compare=False)
    secret: str = field(compare=False)
    event_id: str = field(compare=False)
    payload: str = field(compare=False)
    attempt: int = field(default=0, compare=False)


class WebhookDispatcher:
    """Queue + sender thread. ``on_delivered(event_id)`` is called after each 2xx."""

    def __init__(self, on_delivered: Callable[[str], None] | None = None) -> None:
        self.endpoints: list[tuple[str, str]] = []
        self.on_delivered = on_delivered
        self.retry_delays: tuple[float, ...] = RETRY_DELAYS  # tests may shorten them
        self.log: list[dict[str, Any]] = []  # one entry per attempt, for tests / dashboard
        self._heap: list[_Delivery] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._in_flight = 0
        self._stopping = False
        self._thread: threading.Thread | None = None

    def add_endpoint(self, url: str, secret: str) -> None:
        """Deliver subsequent events to ``url`` signed with ``secret``."""
        with self._cond:
            self.endpoints.append((url, secret))

    def enqueue(self, event: dict[str, Any]) -> int:
        """Schedule ``event`` for every endpoint; returns the number of deliveries.

        The payload is serialised here, under the caller's lock, so later changes to the
        live event never leak into what was sent."""
        with self._cond:
            if not self.endpoints:
                return 0
            payload = json.dumps(event, indent=2)
            for url, secret in self.endpoints:
                heapq.heappush(self._heap, _Delivery(
                    time.monotonic(), next(self._seq), url, secret, event["id"], payload))
            self._cond.notify_all()
            return len(self.endpoints)

    def start(self) -> None:
        """Start the sender thread (daemon: never keeps the process alive)."""
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="stripe-emulator-webhooks",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the sender thread; undelivered events are dropped."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until nothing is queued or being sent; ``TimeoutError`` otherwise."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._heap or self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(self._heap) + self._in_flight} webhook "
                                       "deliveries still pending")
                self._cond.wait(remaining)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping:
                    if self._heap and self._heap[0].due <= time.monotonic():
                        break
                    wait = self._heap[0].due - time.monotonic() if self._heap else None
                    self._cond.wait(wait)
                if self._stopping:
                    return
                delivery = heapq.heappop(self._heap)
                self._in_flight += 1
            ok = self._send(delivery)
            if ok and self.on_delivered is not None:
                self.on_delivered(delivery.event_id)
            with self._cond:
                self._in_flight -= 1
                delays = self.retry_delays
                if not ok and delivery.attempt < len(delays) and not self._stopping:
                    delivery.due = time.monotonic() + delays[delivery.attempt]
                    delivery.attempt += 1
                    heapq.heappush(self._heap, delivery)
                self._cond.notify_all()

    def _send(self, delivery: _Delivery) -> bool:
        request = urllib.request.Request(  # noqa: S310 - URL configured by the operator
            delivery.url, data=delivery.payload.encode(), method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": sign(delivery.payload, delivery.secret),
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
        )
        status: int | None = None
        try:
            with urllib.request.urlopen(request, timeout=SEND_TIMEOUT) as resp:  # noqa: S310
                status = resp.status
                resp.read()
        except urllib.error.HTTPError as exc:
            status = exc.code
            exc.close()
        except (OSError, ValueError):
            status = None
        self.log.append({"event": delivery.event_id, "url": delivery.url,
                         "attempt": delivery.attempt + 1, "status": status})
        return status is not None and 200 <= status < 300
