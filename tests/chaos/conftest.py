"""The chaos suite's tally, printed as its last line: `chaos: runs=N duplicates=0 ...`."""

from __future__ import annotations

from collections import Counter

import pytest

TALLY: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TALLY["runs"]:
        terminalreporter.write_line(
            f"chaos: runs={TALLY['runs']} duplicates={TALLY['duplicates']} "
            f"lost={TALLY['lost']} unbalanced={TALLY['unbalanced']}")
