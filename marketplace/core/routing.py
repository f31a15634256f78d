"""Routes declared by a views module and attached to its package's blueprint.

Each `views/` package creates its blueprint in `__init__.py` and attaches the routes of its
modules there, so no module reaches into another's blueprint and no import sits at the
bottom of a file to register routes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint

F = TypeVar("F", bound=Callable[..., Any])


class Routes:
    """A module's routes, kept until `register` attaches them (endpoint = function name)."""

    def __init__(self) -> None:
        self._rules: list[tuple[str, Callable[..., Any], dict[str, Any]]] = []

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        def decorator(view: F) -> F:
            self._rules.append((rule, view, options))
            return view

        return decorator

    def register(self, blueprint: Blueprint) -> None:
        for rule, view, options in self._rules:
            blueprint.add_url_rule(rule, view_func=view, **options)
