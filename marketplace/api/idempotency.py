"""Idempotency-Key on POST, as Stripe does it: a retried request is answered, not redone.

The first request with a key stores a row (committed before the work starts); its answer is
stored on the row when it ends. The same key with the same method, path and body within
KEY_TTL replays that answer (`Idempotent-Replayed: true`); with a different request it is
refused (422); while the first is still running a retry gets 409. Server errors are not
kept: the row goes, so a retry runs again. Keys are per user; a worker sweeps old rows.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from flask import Response, g, request
from flask_babel import gettext as _
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from marketplace.api.models import IdempotencyKey
from marketplace.api.problems import ApiProblem
from marketplace.core.base import utcnow
from marketplace.core.db import db

HEADER = "Idempotency-Key"
KEY_TTL = timedelta(hours=24)
_KEY_RE = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.get_data()):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _replay(row: IdempotencyKey) -> Response:
    response = Response(row.body or "", status=row.status_code or 200,
                        content_type=row.content_type or "application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def begin(user_id: int) -> Response | None:
    """Before a POST view: a stored answer to replay, or None to run it (and keep it)."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    if not _KEY_RE.fullmatch(key):
        raise ApiProblem(400, "invalid_idempotency_key",
                         _("An Idempotency-Key is 1 to 255 visible ASCII characters."))
    fingerprint = _fingerprint()
    row = db.session.execute(db.select(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key,
        IdempotencyKey.created_at > utcnow() - KEY_TTL)).scalar_one_or_none()
    if row is None:
        db.session.execute(delete(IdempotencyKey).where(  # an expired one, not swept yet
            IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
        row = IdempotencyKey(user_id=user_id, key=key, fingerprint=fingerprint,
                             created_at=utcnow())
        db.session.add(row)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            raise _in_progress() from None
        g.idempotency_row_id = row.id
        return None
    if row.fingerprint != fingerprint:
        raise ApiProblem(422, "idempotency_key_reused",
                         _("This Idempotency-Key was used with a different request."))
    if row.status_code is None:
        raise _in_progress()
    return _replay(row)


def _in_progress() -> ApiProblem:
    return ApiProblem(409, "idempotency_in_progress",
                      _("A request with this Idempotency-Key is still running; retry later."))


def finish(response: Response) -> Response:
    """After the view: keep its answer under the key (or drop the key after a 5xx)."""
    row_id = g.pop("idempotency_row_id", None)
    if row_id is None:
        return response
    db.session.rollback()  # whatever a failed view left; its work is committed or gone
    row = db.session.get(IdempotencyKey, row_id)
    if row is None:
        return response
    if response.status_code >= 500:
        db.session.delete(row)
    else:
        row.status_code, row.content_type = response.status_code, response.content_type
        row.body = response.get_data(as_text=True)
    db.session.commit()
    return response


def sweep() -> int:
    """Delete keys older than KEY_TTL; return how many."""
    result = db.session.execute(delete(IdempotencyKey).where(
        IdempotencyKey.created_at <= utcnow() - KEY_TTL))
    db.session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
