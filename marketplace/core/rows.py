"""Long lists rendered at the cost of a string replace: row links and row markup.

The lists people load most (missions near a helper, the operators' commission report) show
50 rows. Through the template runtime each row cost 60-400 us: url_for walking the URL
map (~10 us a link), a filter call and an escape per cell, a translated label per cell.
Two helpers do that work once per page instead:

- `url_pattern` builds a link once with a sentinel id and fills in each row's id;
- `fill` (a template filter) fills a row's markup, rendered once per page by the template
  with named `{fields}` in place of the row's values, with the row's values escaped.

The HTML stays in the templates; the URL and the markup are the ones the template runtime
would have produced.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable
from typing import Any

from flask import url_for
from markupsafe import Markup, escape

_SENTINEL = 2_147_483_646  # an id no route receives: its digits mark where a row's id goes


def url_pattern(endpoint: str, argument: str = "mission_id") -> Callable[[int], str]:
    """A function of a row id giving url_for(endpoint, **{argument: id})."""
    values: dict[str, Any] = {argument: _SENTINEL}
    built = url_for(endpoint, **values)
    head, _, tail = built.partition(str(_SENTINEL))
    return lambda row_id: f"{head}{row_id}{tail}"


def fill(pattern: Markup, row: object) -> Markup:
    """The row's markup: `pattern` (safe markup with `{name}` fields; braces are never part
    of our markup or labels) with each field replaced by the row's attribute of that name,
    escaped unless it is markup already."""
    values = {name: escape(getattr(row, name)) for name in _fields(pattern)}
    return Markup(str.format_map(pattern, values))  # noqa: S704  (values are escaped)


@functools.lru_cache(maxsize=256)
def _fields(pattern: str) -> tuple[str, ...]:
    """The field names a pattern uses (a page renders a few patterns, each many times; the
    same pattern object each time, so its hash is computed once)."""
    return tuple({name for _, name, _, _ in string.Formatter().parse(pattern) if name})
