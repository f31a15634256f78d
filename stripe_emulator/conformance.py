"""Structural comparison of emulator output against Stripe's fixtures.

Used by tests (ours and the app's) to make sure the emulator never drifts from the real
API shape: same keys, same JSON types, nested objects included.

Rules (documented because the fixtures are partly placeholders):
* ``None`` on either side matches anything (nullable fields / fixture nulls).
* A dict carrying a known ``"object"`` name is checked against *that* resource's fixture
  (handles expanded ids such as ``payment_intent`` and ``event.data.object``).
* ``list`` objects must have exactly ``data/has_more/object/url``; items are checked
  against the fixture's first item, or against their own resource fixture.
* ``metadata``-like maps and fixture ``{}`` are free-form.
* A few fixture placeholders (``last_payment_error``, ``next_action``) only require the
  fixture's keys to be present, since the real objects carry more.
* Scalars must have the same JSON type (an int is accepted where a float is expected).
"""

from __future__ import annotations

from typing import Any

from .fixtures import resources

FREE_MAPS = frozenset({"metadata", "capabilities", "source_types"})
LOOSE_FIELDS = frozenset({"last_payment_error", "next_action"})
LIST_KEYS = frozenset({"data", "has_more", "object", "url"})
# Keys Stripe sends that the fixture (a platform object) lacks: a Connect event names the
# connected account it happened on.
OPTIONAL_KEYS = {"event": frozenset({"account"})}


class FixtureMismatch(AssertionError):
    """Raised with the JSON path of the first difference."""


def assert_matches_fixture(obj: dict[str, Any]) -> None:
    """Check ``obj`` against the fixture named by ``obj["object"]`` (or a list object)."""
    if not isinstance(obj, dict) or "object" not in obj:
        raise FixtureMismatch(f"not a Stripe object: {obj!r:.200}")
    _compare(obj, None, obj["object"])


def _resource_for(actual: dict[str, Any]) -> dict[str, Any] | None:
    name = actual.get("object")
    if isinstance(name, str) and name != "list":
        return resources().get(name)
    return None


def _compare(actual: Any, expected: Any, path: str) -> None:
    if actual is None or (expected is None and not isinstance(actual, dict | list)):
        return
    if isinstance(actual, dict):
        _compare_dict(actual, expected, path)
    elif isinstance(actual, list):
        if expected is not None and not isinstance(expected, list):
            raise FixtureMismatch(f"{path}: list where fixture has {type(expected).__name__}")
        if expected:
            for i, item in enumerate(actual):
                _compare(item, expected[0], f"{path}[{i}]")
        else:
            for i, item in enumerate(actual):
                if isinstance(item, dict) and _resource_for(item) is not None:
                    _compare(item, None, f"{path}[{i}]")
    elif expected is not None:
        _compare_scalar(actual, expected, path)


def _compare_scalar(actual: Any, expected: Any, path: str) -> None:
    if isinstance(expected, bool) or isinstance(actual, bool):
        ok = isinstance(expected, bool) and isinstance(actual, bool)
    elif isinstance(expected, float):
        ok = isinstance(actual, int | float)
    else:
        ok = type(actual) is type(expected)
    if not ok:
        raise FixtureMismatch(
            f"{path}: {type(actual).__name__} {actual!r:.60} where fixture has "
            f"{type(expected).__name__} {expected!r:.60}"
        )


def _compare_dict(actual: dict[str, Any], expected: Any, path: str) -> None:
    if actual.get("object") == "list":
        if set(actual) != LIST_KEYS:
            raise FixtureMismatch(f"{path}: list keys {sorted(actual)}")
        item_fixture = None
        if isinstance(expected, dict) and expected.get("data"):
            item_fixture = [expected["data"][0]]
        _compare(actual["data"], item_fixture, f"{path}.data")
        _compare_scalar(actual["has_more"], False, f"{path}.has_more")
        _compare_scalar(actual["url"], "", f"{path}.url")
        return
    resource = _resource_for(actual)
    if resource is not None:
        expected = resource
    if expected is None:
        return  # fixture null, nothing to compare the shape against
    if not isinstance(expected, dict):
        raise FixtureMismatch(f"{path}: object where fixture has {type(expected).__name__}")
    last = path.rsplit(".", 1)[-1]
    if last in FREE_MAPS or expected == {}:
        return
    if last in LOOSE_FIELDS:
        absent = set(expected) - set(actual)
        if absent:
            raise FixtureMismatch(f"{path}: missing keys {sorted(absent)}")
    elif set(actual) - OPTIONAL_KEYS.get(str(actual.get("object")), frozenset()) \
            != set(expected):
        extra = sorted(set(actual) - set(expected))
        missing = sorted(set(expected) - set(actual))
        raise FixtureMismatch(f"{path}: extra keys {extra}, missing keys {missing}")
    for key in expected:
        if key in actual:
            _compare(actual[key], expected[key], f"{path}.{key}")
