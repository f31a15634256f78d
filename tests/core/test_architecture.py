"""The dependency rule holds in the code itself (import-linter checks the layers in
`make lint`; this checks what it cannot: cycles at every depth, imports inside functions)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from scripts.import_graph import measure

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("depth", [2, 3, 9])
def test_no_import_cycle_between_packages_or_modules(depth: int) -> None:
    assert measure(ROOT, depth).cycles == []


def test_first_party_imports_sit_at_module_top_outside_the_app_factory() -> None:
    assert measure(ROOT).function_imports == []


def test_every_ops_page_lives_in_the_operators_package(app: Flask) -> None:
    """Operators' pages are found in one place: each /ops route's view is in operators/."""
    elsewhere = [rule.rule for rule in app.url_map.iter_rules()
                 if rule.rule.startswith("/ops")
                 and not app.view_functions[rule.endpoint].__module__.startswith(
                     "marketplace.operators.")]
    assert elsewhere == []
