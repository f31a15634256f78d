from __future__ import annotations

import pytest

from marketplace.core.money import MoneyFormatError, format_cents, parse_major_to_cents


@pytest.mark.parametrize(("text", "cents"), [("45", 4500), ("45.5", 4550), ("45,50", 4550),
                                             (" 1 200,00 ", 120000), ("0.01", 1)])
def test_parse(text: str, cents: int) -> None:
    assert parse_major_to_cents(text) == cents


@pytest.mark.parametrize("text", ["abc", "10.005", "", "1e400", "NaN", "inf", "12..3", "-5",
                                  "1" + "0" * 13])
def test_parse_refuses(text: str) -> None:
    with pytest.raises(MoneyFormatError):
        parse_major_to_cents(text)


def test_format() -> None:
    assert format_cents(123456) == "1\u202f234,56\u00a0€"
    assert format_cents(-5) == "-0,05\u00a0€"
