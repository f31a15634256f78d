"""Access to Stripe's published object fixtures (``fixtures3.json``, MIT licensed).

Every object the emulator returns is built from a deep copy of the matching fixture so the
JSON shape (keys, nesting, types) is the one the real API returns for the pinned version.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

FIXTURE_PATH = Path(__file__).with_name("fixtures3.json")


@functools.cache
def resources() -> dict[str, Any]:
    """Load the fixture resources once per process (the file is ~1 MB)."""
    with FIXTURE_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)["resources"]


@functools.cache
def _fixture_json(name: str) -> str:
    return json.dumps(resources()[name])


def template(name: str) -> dict[str, Any]:
    """Return a private deep copy of the fixture for ``name`` (e.g. ``"charge"``)."""
    return json.loads(_fixture_json(name))


def clone(obj: Any) -> Any:
    """A deep copy of JSON-shaped data; the C JSON codec is several times faster than
    ``copy.deepcopy``, and every emulator object is JSON by construction."""
    return json.loads(json.dumps(obj))


def fill(obj: dict[str, Any], **values: Any) -> dict[str, Any]:
    """Set existing keys only: a typo would silently add a key the real API never sends."""
    for key, value in values.items():
        if key not in obj:
            raise KeyError(f"{obj.get('object')} has no field {key!r}")
        obj[key] = value
    return obj
