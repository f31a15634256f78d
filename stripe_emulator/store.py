"""In-memory (optionally persisted) state of the emulator.

One re-entrant lock guards everything: API requests are short and the emulator is a test
double, so a single lock keeps every multi-object mutation (PI + charge + balance
transaction + events) atomic and trivially thread-safe.
"""

from __future__ import annotations

import json
import os
import secrets
import string
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import no_such
from .fixtures import clone, fill, template

API_VERSION = "2026-10-28.endive"
_ALPHABET = string.ascii_letters + string.digits


def random_token(length: int = 24) -> str:
    """Stripe-looking random alphanumerics (one urandom read: ids are made on every call)."""
    raw = secrets.token_bytes(length)
    return "".join(_ALPHABET[b % len(_ALPHABET)] for b in raw)


class Store:
    """All emulator state: objects by id, private per-object data, events, idempotency."""

    def __init__(self, state_file: str | os.PathLike[str] | None = None) -> None:
        self.lock = threading.RLock()
        self.objects: dict[str, dict[str, Any]] = {}
        self.meta: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []
        self.by_kind: dict[str, list[str]] = {}  # ids per ``object`` kind, oldest first
        self.idempotency: dict[str, dict[str, Any]] = {}
        self.links: dict[str, dict[str, Any]] = {}
        self.clock_offset = 0  # seconds; hook for a future test clock
        self.on_event: Callable[[dict[str, Any]], int] | None = None
        self.state_file = Path(state_file) if state_file else None
        if self.state_file and self.state_file.exists():
            self.load()

    # -- basics ---------------------------------------------------------------------
    def now(self) -> int:
        """Current unix time as seen by the emulator (offsettable for test clocks)."""
        return int(time.time()) + self.clock_offset

    def new_id(self, prefix: str, length: int = 24) -> str:
        """``prefix_`` + random alphanumerics, unique within the store."""
        while True:
            obj_id = f"{prefix}_{random_token(length)}"
            if obj_id not in self.objects:
                return obj_id

    def add(self, obj: dict[str, Any], scope: str | None = None, **meta: Any) -> dict[str, Any]:
        """Register a new object (``scope`` = connected account it lives on, if any)."""
        self.objects[obj["id"]] = obj
        self.meta[obj["id"]] = {"scope": scope, **meta}
        self.order.append(obj["id"])
        self.by_kind.setdefault(obj.get("object", ""), []).append(obj["id"])
        return obj

    def get(self, obj_id: str, kind: str | None = None) -> dict[str, Any] | None:
        """The live object (not a copy) or ``None`` if unknown / of another kind."""
        obj = self.objects.get(obj_id) if isinstance(obj_id, str) else None
        if obj is None or (kind is not None and obj.get("object") != kind):
            return None
        return obj

    def require(
        self,
        obj_id: str | None,
        kind: str,
        label: str | None = None,
        param: str = "id",
        status: int = 404,
    ) -> dict[str, Any]:
        """Like :meth:`get` but raises Stripe's ``resource_missing`` error."""
        obj = self.get(obj_id, kind) if obj_id else None
        if obj is None:
            raise no_such(label or kind, obj_id or "", param=param, status=status)
        return obj

    def all(self, kind: str, scope: Any = ...) -> list[dict[str, Any]]:
        """Objects of ``kind`` newest first; ``scope`` filters on the connected account."""
        out = []
        for obj_id in reversed(self.by_kind.get(kind, ())):
            obj = self.objects[obj_id]
            if scope is not ... and self.meta[obj_id].get("scope") != scope:
                continue
            out.append(obj)
        return out

    def all_recent(self, count: int) -> list[dict[str, Any]]:
        """The ``count`` most recently created objects of any kind."""
        return [self.objects[obj_id] for obj_id in reversed(self.order[-count:])]

    # -- events ---------------------------------------------------------------------
    def emit(
        self,
        event_type: str,
        obj: dict[str, Any],
        request_id: str | None = None,
        idempotency_key: str | None = None,
        scope: str | None = None,
    ) -> dict[str, Any]:
        """Record an event whose ``data.object`` is a snapshot, then hand it to webhooks."""
        event = fill(
            template("event"),
            id=self.new_id("evt"),
            api_version=API_VERSION,
            created=self.now(),
            data={"object": clone(obj)},
            livemode=False,
            pending_webhooks=0,
            request={"id": request_id, "idempotency_key": idempotency_key},
            type=event_type,
        )
        if scope is not None:  # a Connect event names its connected account at top level
            event["account"] = scope
        self.add(event, scope=scope)
        if self.on_event is not None:
            event["pending_webhooks"] = self.on_event(event)
        return event

    def webhook_delivered(self, event_id: str) -> None:
        """Decrement ``pending_webhooks`` once an endpoint acknowledged the event."""
        with self.lock:
            event = self.objects.get(event_id)
            if event is not None and event["pending_webhooks"] > 0:
                event["pending_webhooks"] -= 1

    # -- persistence ----------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Everything needed to restore the emulator after a restart."""
        return {
            "objects": self.objects,
            "meta": self.meta,
            "order": self.order,
            "idempotency": self.idempotency,
            "links": self.links,
        }

    def load(self) -> None:
        """Load the state file (missing keys tolerated for forward compatibility)."""
        assert self.state_file is not None
        data = json.loads(self.state_file.read_text(encoding="utf-8"))
        self.objects = data.get("objects", {})
        self.meta = data.get("meta", {})
        self.order = data.get("order", [])
        self.idempotency = data.get("idempotency", {})
        self.links = data.get("links", {})
        self.reindex()

    def reindex(self) -> None:
        """Rebuild the per-kind index from ``order`` (after a load or a reset)."""
        self.by_kind = {}
        for obj_id in self.order:
            self.by_kind.setdefault(self.objects[obj_id].get("object", ""), []).append(obj_id)

    def save(self) -> None:
        """Atomic write (temp file + rename) so a crash never leaves half a JSON file."""
        if self.state_file is None:
            return
        with self.lock:
            payload = json.dumps(self.snapshot())
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.state_file.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
            os.replace(tmp, self.state_file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


@dataclass
class Ctx:
    """Per-request context handed to API handlers and hosted-page actions."""

    store: Store
    params: dict[str, Any] = field(default_factory=dict)
    account: str | None = None  # Stripe-Account header
    request_id: str | None = None
    idempotency_key: str | None = None
    base_url: str = ""
    # Set by the server: echo this request's accepted parameters into the object of this
    # kind before each event snapshot (``(kind, callback)``), so events show them too.
    echo: tuple[str, Callable[[dict[str, Any]], None]] | None = None

    def emit(self, event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
        """Emit an event tied to this request (``event.request``)."""
        if self.echo is not None and obj.get("object") == self.echo[0]:
            self.echo[1](obj)
        return self.store.emit(
            event_type, obj, self.request_id, self.idempotency_key, scope=self.account
        )
