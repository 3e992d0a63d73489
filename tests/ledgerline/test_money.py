"""The Money value: exact, one currency at a time, rounded half away from zero at display."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ledgerline.money import Money, parse_amount


def test_adding_two_currencies_is_refused():
    with pytest.raises(ValueError, match="EUR with USD"):
        Money(Decimal("1"), "EUR") + Money(Decimal("1"), "USD")


def test_rounding_is_symmetric_for_negative_amounts():
    assert Money(Decimal("2.345"), "EUR").rounded().amount == Decimal("2.35")
    assert Money(Decimal("-2.345"), "EUR").rounded().amount == Decimal("-2.35")


def test_minor_units_follow_the_currency():
    assert Money(Decimal("1234.5"), "JPY").format() == "JPY 1,235"
    assert Money(Decimal("1234.5"), "KWD").format() == "KWD 1,234.500"
    assert Money(Decimal("1234.5"), "EUR").format() == "EUR 1,234.50"


def test_floats_and_unknown_currencies_are_refused():
    with pytest.raises(TypeError):
        Money(0.1, "EUR")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="ISO 4217"):
        Money(Decimal("1"), "EURO")
    with pytest.raises(ValidationError):
        parse_amount(0.1)


@pytest.mark.parametrize("text, expected", [("1,234.50", Decimal("1234.50")), (" 7 ", Decimal("7"))])
def test_amounts_are_parsed_exactly(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["abc", "NaN", "Infinity", "1.23456"])
def test_bad_amounts_are_refused_with_a_message(text):
    with pytest.raises(ValidationError):
        parse_amount(text)
