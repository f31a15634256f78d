"""Decoding of the SDK's form encoding and typed parameter access.

The SDK sends ``application/x-www-form-urlencoded`` bodies (and GET query strings) with
bracketed keys: ``line_items[0][price_data][unit_amount]=4500``, ``expand[0]=x``,
``metadata[k]=v``; booleans as ``true``/``false``. We rebuild the nested structure so
handlers can work with plain dicts and lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .errors import StripeError, invalid_param, missing_param

_PART = re.compile(r"\[([^\[\]]*)\]")
_NO_LISTIFY = frozenset({"metadata"})


def _split(key: str) -> list[str]:
    head, _, rest = key.partition("[")
    parts = [head]
    if rest:
        parts.extend(_PART.findall("[" + rest))
    return parts


def parse_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Turn flat ``(key, value)`` pairs into nested dicts/lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts = _split(key)
        cur: dict[str, Any] = root
        for i, part in enumerate(parts):
            name = part if part != "" else str(len(cur))
            if i == len(parts) - 1:
                cur[name] = value
                break
            nxt = cur.setdefault(name, {})
            if not isinstance(nxt, dict):
                raise invalid_param(parts[0], f"Invalid value for {parts[0]}.")
            cur = nxt
    return _listify(root, "")


def _listify(node: Any, name: str) -> Any:
    if not isinstance(node, dict):
        return node
    out = {k: _listify(v, k) for k, v in node.items()}
    if out and name not in _NO_LISTIFY and all(k.isdigit() for k in out):
        return [out[k] for k in sorted(out, key=int)]
    return out


def get_str(params: dict[str, Any], name: str, required: bool = False) -> str | None:
    """A string parameter; empty string means unset (Stripe's convention)."""
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise missing_param(name)
        return None
    if not isinstance(value, str):
        raise invalid_param(name, f"Invalid string: {name}")
    return value


def get_int(
    params: dict[str, Any], name: str, required: bool = False, minimum: int = 1
) -> int | None:
    """An integer parameter (amounts are integers in the smallest currency unit)."""
    raw = get_str(params, name, required)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise invalid_param(
            name, f"Invalid integer: {raw}", code="parameter_invalid_integer"
        ) from None
    if value < minimum:
        raise invalid_param(
            name,
            f"This value must be greater than or equal to {minimum}.",
            code="parameter_invalid_integer",
        )
    return value


def get_bool(params: dict[str, Any], name: str, default: bool = False) -> bool:
    """A boolean parameter encoded as ``true``/``false``."""
    raw = get_str(params, name)
    if raw is None:
        return default
    if raw not in ("true", "false"):
        raise invalid_param(name, f"Invalid boolean: {raw}")
    return raw == "true"


def get_dict(params: dict[str, Any], name: str) -> dict[str, Any]:
    """A hash parameter (``metadata``, ``payment_intent_data``...), ``{}`` when absent."""
    value = params.get(name)
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid_param(name, f"Invalid hash: {name}")
    return value


def get_metadata(params: dict[str, Any], name: str = "metadata") -> dict[str, str]:
    """Metadata: string values only, as Stripe stores them."""
    meta = get_dict(params, name)
    for key, value in meta.items():
        if not isinstance(value, str):
            raise invalid_param(f"{name}[{key}]", "Metadata values must be strings.")
    return dict(meta)


def get_list(params: dict[str, Any], name: str) -> list[Any]:
    """An array parameter (``expand``, ``line_items``...)."""
    value = params.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, dict):  # sparse indices
        return list(value.values())
    if not isinstance(value, list):
        return [value]
    return value


def get_currency(params: dict[str, Any], name: str = "currency") -> str:
    """A required ISO currency, lower-cased like Stripe returns it."""
    value = get_str(params, name, required=True)
    assert value is not None
    if len(value) != 3 or not value.isalpha():
        raise invalid_param(name, f"Invalid currency: {value}")
    return value.lower()


def list_limit(params: dict[str, Any]) -> int:
    """List ``limit``: default 10, 1..100."""
    limit = get_int(params, "limit") or 10
    if limit > 100:
        raise StripeError(
            "This value must be less than or equal to 100.",
            code="parameter_invalid_integer",
            param="limit",
            cacheable=False,
        )
    return limit
