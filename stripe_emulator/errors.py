"""Stripe-formatted API errors.

Handlers raise :class:`StripeError`; the server turns it into the exact JSON body and
status code the ``stripe`` SDK maps to its exception classes (``InvalidRequestError`` for
400/404, ``CardError`` for 402, ``IdempotencyError`` for type ``idempotency_error``...).
"""

from __future__ import annotations

from typing import Any

DOCS = "https://stripe.com/docs/error-codes"


class StripeError(Exception):
    """An API error with Stripe's wire format.

    ``cacheable`` mirrors Stripe's idempotency rule: requests rejected during parameter
    validation are not stored, so a corrected retry with the same key may succeed.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        cacheable: bool = True,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.type = type
        self.code = code
        self.param = param
        self.cacheable = cacheable
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body Stripe sends: ``{"error": {...}}``."""
        err: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.code:
            err["code"] = self.code
            err["doc_url"] = f"{DOCS}#{self.code.replace('_', '-')}"
        if self.param:
            err["param"] = self.param
        err.update(self.extra)
        return {"error": err}


def missing_param(param: str) -> StripeError:
    """400 for a required parameter that was not sent."""
    return StripeError(
        f"Missing required param: {param}.",
        code="parameter_missing",
        param=param,
        cacheable=False,
    )


def invalid_param(param: str, message: str, code: str = "parameter_invalid") -> StripeError:
    """400 for a parameter with a bad value."""
    return StripeError(message, code=code, param=param, cacheable=False)


def no_such(kind: str, obj_id: str, param: str = "id", status: int = 404) -> StripeError:
    """``resource_missing``: 404 on retrieve, 400 when the id is a parameter of a POST."""
    return StripeError(
        f"No such {kind}: '{obj_id}'", status=status, code="resource_missing", param=param
    )


def unexpected_state(kind: str, message: str, obj: dict[str, Any] | None = None) -> StripeError:
    """``<kind>_unexpected_state`` (e.g. capturing a PaymentIntent that is not authorized)."""
    extra: dict[str, Any] = {}
    if obj is not None:
        extra[obj["object"]] = obj
    return StripeError(message, code=f"{kind}_unexpected_state", **extra)
