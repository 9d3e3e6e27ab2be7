"""People's units: amounts, rates and durations."""

from decimal import Decimal

import pytest

from opgov.errors import UnitsError
from opgov.units import (
    DAY,
    MONTH,
    Amount,
    Rate,
    format_amount,
    format_duration,
    format_rate,
    parse_duration,
    to_base_units,
)


@pytest.mark.parametrize(
    "text, seconds",
    [("3 days", 3 * DAY), ("36 hours", 36 * 3600), ("90s", 90), ("1 month", MONTH),
     ("2 weeks", 14 * DAY), ("1.5 days", 36 * 3600), (600, 600), ("600", 600)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["three days", "3 fortnights", "0 days", "", "-1 days"])
def test_parse_duration_refuses_with_advice(text):
    with pytest.raises(UnitsError) as err:
        parse_duration(text)
    assert str(err.value)


def test_format_duration():
    assert format_duration(DAY + 2 * 3600) == "1 day 2 hours"
    assert format_duration(3 * DAY) == "3 days"
    assert format_duration(59) == "59 seconds"
    assert format_duration(0) == "0 minutes"


def test_rate_per_month_is_thirty_days():
    rate = Rate.parse("1500 USDC/month")
    assert rate.amount == Amount(Decimal(1500), "USDC")
    assert rate.per_second() == 1500 * 10**18 // MONTH
    assert Rate.parse("50 DAI per day").per_second() == 50 * 10**18 // DAY


def test_rate_rounds_down_by_less_than_a_unit_a_month():
    rate = Rate.parse("1000 USDC/month").per_second()
    streamed = rate * MONTH
    assert 1000 * 10**18 - streamed < MONTH  # under 2.6e-12 USDC lost in a month


@pytest.mark.parametrize("text", ["1500 USDC", "USDC/month", "0 USDC/month", "5 USDC/fortnight"])
def test_rate_refuses_with_advice(text):
    with pytest.raises(UnitsError):
        Rate.parse(text)


def test_base_units_round_trip():
    assert to_base_units("1,500.25", 6) == 1_500_250_000
    assert format_amount(1_500_250_000, 6, "USDC") == "1,500.25 USDC"
    assert format_amount(1, 6, "USDC") == "0.000001 USDC"
    assert format_rate(1500 * 10**18 // MONTH, "USDC") == "1,500.00 USDC/month"


def test_base_units_refuse_lost_precision_and_negatives():
    with pytest.raises(UnitsError, match="decimal places"):
        to_base_units("1.0000001", 6)
    with pytest.raises(UnitsError, match="negative"):
        to_base_units("-1", 6)
    with pytest.raises(UnitsError, match="cannot read"):
        to_base_units("lots", 6)
