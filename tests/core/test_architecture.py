"""The dependency rule holds in the code itself (import-linter checks the layers in
`make lint`; this checks what it cannot: cycles at every depth, imports inside functions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.import_graph import measure

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("depth", [2, 3, 9])
def test_no_import_cycle_between_packages_or_modules(depth: int) -> None:
    assert measure(ROOT, depth)["cycles"] == []


def test_first_party_imports_sit_at_module_top_outside_the_app_factory() -> None:
    assert measure(ROOT)["function_imports"] == []
