"""Replay a Stripe CLI trigger fixture (``stripe trigger <event>``) over HTTP.

Does what the CLI's ``pkg/fixtures`` does: each request in order, its params form-encoded as
the CLI encodes them (``key[sub]=v``, ``list[]=v`` for arrays of scalars, ``list[0][k]=v``
for arrays of hashes), ``${name:dot.path}`` references resolved in the earlier responses
(``${disputes_list:data.0.id}``), no ``Stripe-Version`` header (the account's default
version), and a request failing unless it fails with its ``expected_error_type``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

FIXTURES = Path(__file__).with_name("fixtures")
_QUERY = re.compile(r"\$\{([^|}]+):([^|}]+)\|?([^/\n]+)?\}")


class ReplayError(AssertionError):
    """A fixture request failed where the CLI would have stopped."""


@dataclass
class Replay:
    """The responses of one replayed fixture, by request name."""

    responses: dict[str, Any] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


def _lookup(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        elif isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return None
    return data


def resolve(value: str, responses: dict[str, Any]) -> str:
    """Replace ``${name:path}`` (with an optional ``|default``) as the CLI's ParseQuery."""
    def sub(match: re.Match[str]) -> str:
        name, path, default = match.group(1), match.group(2), match.group(3)
        if name not in responses:
            raise ReplayError(f"an undeclared fixture name was referenced: {name}")
        found = _lookup(responses[name], path)
        if found is None or found == "":
            return default or match.group(0)
        return str(found).lower() if isinstance(found, bool) else str(found)
    return _QUERY.sub(sub, value)


def form_pairs(params: Any, responses: dict[str, Any], parent: str = "") -> list[tuple[str, str]]:
    """The CLI's ParseToFormData."""
    pairs: list[tuple[str, str]] = []
    if isinstance(params, dict):
        for key, value in params.items():
            name = f"{parent}[{key}]" if parent else key
            pairs += _value_pairs(name, value, responses)
    return pairs


def _value_pairs(name: str, value: Any, responses: dict[str, Any]) -> list[tuple[str, str]]:
    if isinstance(value, bool):
        return [(name, "true" if value else "false")]
    if isinstance(value, int | float):
        return [(name, str(value))]
    if isinstance(value, str):
        return [(name, resolve(value, responses))]
    if isinstance(value, dict):
        return form_pairs(value, responses, name)
    if isinstance(value, list):
        out: list[tuple[str, str]] = []
        index = -1
        for item in value:
            if isinstance(item, dict):
                index += 1
                out += form_pairs(item, responses, f"{name}[{index}]")
            elif isinstance(item, list):
                out += _value_pairs(name, item, responses)
            else:
                out += [(f"{name}[]", v) for _, v in _value_pairs(name, item, responses)]
        return out
    return []


def load(event_type: str) -> dict[str, Any]:
    """The fixture file of a trigger."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{event_type}.json").read_text("utf-8"))
    return data


def replay(base_url: str, event_type: str, api_key: str = "sk_test_emulator",
           session: requests.Session | None = None) -> Replay:
    """Run the trigger's requests in order; raise :class:`ReplayError` on a failure."""
    http = session or requests.Session()
    result = Replay()
    for request in load(event_type)["fixtures"]:
        name = request["name"]
        path = resolve(request["path"], result.responses)
        pairs = form_pairs(request.get("params") or {}, result.responses)
        method = request["method"].upper()
        headers = {"Authorization": f"Bearer {api_key}"}
        if request.get("idempotency_key"):
            headers["Idempotency-Key"] = resolve(request["idempotency_key"], result.responses)
        for key, value in (request.get("headers") or {}).items():
            headers[key] = resolve(value, result.responses)
        url = base_url + path
        if method == "GET":
            resp = http.get(url, params=pairs, headers=headers, timeout=10)
        else:
            resp = http.request(method, url, data=pairs, headers=headers, timeout=10)
        body = resp.json()
        result.responses[name] = body
        result.statuses[name] = resp.status_code
        if resp.status_code >= 400:
            expected = request.get("expected_error_type")
            if not expected or (body.get("error") or {}).get("type") != expected:
                raise ReplayError(f"{event_type}: {name} {method} {path} answered "
                                  f"{resp.status_code}: {body}")
    return result
