"""People's units: token amounts, rates and durations.

Every number shown to people is in token units and every duration in days and
hours; every number sent to a contract is an integer in the token's base units
(or, for rates, 18-decimal fixed point per second).

A "month" is 30 days and a "year" 365 days: budgets are agreed per month, and a
fixed month keeps a stream's rate constant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from opgov.errors import UnitsError

MINUTE = 60
HOUR = 3_600
DAY = 86_400
WEEK = 7 * DAY
MONTH = 30 * DAY
YEAR = 365 * DAY
RATE_DECIMALS = 18  # stream rates are token units per second with 18 decimals

PERIODS = {
    "second": 1, "sec": 1, "s": 1,
    "minute": MINUTE, "min": MINUTE,
    "hour": HOUR, "h": HOUR, "hr": HOUR,
    "day": DAY, "d": DAY,
    "week": WEEK, "wk": WEEK,
    "month": MONTH, "mo": MONTH,
    "year": YEAR, "yr": YEAR,
}

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$")
_AMOUNT = re.compile(r"^\s*([0-9][0-9_,]*(?:\.[0-9]+)?)\s*([A-Za-z][A-Za-z0-9.]*)?\s*$")
_RATE = re.compile(r"^\s*(.+?)\s*(?:/|\bper\b|\ba\b)\s*([a-zA-Z]+)\s*$")


def _period_seconds(word: str, what: str) -> int:
    key = word.lower().rstrip("s") if word.lower() not in PERIODS else word.lower()
    if key not in PERIODS:
        raise UnitsError(
            f"'{word}' is not a unit of time in {what!r}",
            "use seconds, minutes, hours, days, weeks, months (30 days) or years (365 days)",
        )
    return PERIODS[key]


def parse_duration(text: str | int) -> int:
    """Read a duration such as "3 days", "36 hours" or "90s" as seconds.

    Args:
        text: the duration; a bare integer is taken as seconds.

    Returns:
        the duration in whole seconds.

    Raises:
        UnitsError: if it is not a positive duration.
    """
    if isinstance(text, int):
        seconds = text
    elif str(text).strip().isdigit():
        seconds = int(str(text).strip())
    else:
        m = _DURATION.match(str(text))
        if not m:
            raise UnitsError(
                f"cannot read {text!r} as a duration", "write it like '3 days' or '36 hours'"
            )
        seconds = int(Decimal(m.group(1)) * _period_seconds(m.group(2), str(text)))
    if seconds <= 0:
        raise UnitsError(f"the duration {text!r} must be longer than zero")
    return seconds


def format_duration(seconds: int) -> str:
    """Say a duration in days, hours and minutes: 93,600 -> "1 day 2 hours"."""
    if seconds <= 0:
        return "0 minutes"
    days, rest = divmod(int(seconds), DAY)
    hours, rest = divmod(rest, HOUR)
    minutes = rest // MINUTE
    parts = []
    for n, word in ((days, "day"), (hours, "hour"), (minutes, "minute")):
        if n:
            parts.append(f"{n} {word}{'' if n == 1 else 's'}")
    if not parts:
        return f"{int(seconds)} second{'' if seconds == 1 else 's'}"
    return " ".join(parts[:2])


def format_time(timestamp: int) -> str:
    """A UTC date and time for a block timestamp."""
    return datetime.fromtimestamp(int(timestamp), tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def to_base_units(amount: Decimal | str | int, decimals: int) -> int:
    """Token units (e.g. 12.5 USDC) to base units (12500000), refusing lost precision."""
    try:
        value = Decimal(str(amount).replace(",", "").replace("_", ""))
    except InvalidOperation:
        raise UnitsError(f"cannot read {amount!r} as an amount", "write a number like 1500 or 12.5")
    if not value.is_finite():  # NaN and Infinity: Decimal reads them, no token holds them
        raise UnitsError(f"cannot read {amount!r} as an amount", "write a number like 1500 or 12.5")
    if value < 0:
        raise UnitsError(f"the amount {amount!r} is negative", "amounts are zero or more")
    if value.adjusted() > 90:  # far beyond 2**256 base units whatever the decimals
        raise UnitsError(f"{amount} is more than any token or chain can hold", "check the amount")
    with localcontext() as ctx:
        ctx.prec = 200  # exact for every 256-bit amount: the default 28 digits would round without a word
        scaled = value * (Decimal(10) ** decimals)
        if scaled != scaled.to_integral_value():
            raise UnitsError(
                f"{amount} has more decimal places than the token's {decimals}",
                f"round it to {decimals} decimal places",
            )
    if int(scaled) >= 2**256:
        raise UnitsError(f"{amount} is more than any token or chain can hold", "check the amount")
    return int(scaled)


def format_amount(
    base_units: int, decimals: int, symbol: str = "", places: int = 2, rounding: str = ROUND_DOWN
) -> str:
    """Base units to people's units: (1500000000, 6, "USDC") -> "1,500.00 USDC".

    Amounts are rounded down (never show more than there is); amounts too
    small for `places` are shown in full.
    """
    value = Decimal(int(base_units)) / (Decimal(10) ** decimals)
    shown = max(places, 0)
    quantized = value.quantize(Decimal(1).scaleb(-shown), rounding=rounding)
    if quantized == 0 and value != 0:
        quantized = value.normalize()
        text = f"{quantized:f}"
    else:
        text = f"{quantized:,.{shown}f}"
    return f"{text} {symbol}".strip()


@dataclass(frozen=True)
class Amount:
    """An amount as written, e.g. "1500 USDC": the number and the token symbol (if any)."""

    value: Decimal
    symbol: str | None

    @classmethod
    def parse(cls, text: str) -> "Amount":
        m = _AMOUNT.match(str(text))
        if not m:
            raise UnitsError(f"cannot read {text!r} as an amount", "write it like '1500 USDC'")
        try:
            value = Decimal(m.group(1).replace(",", "").replace("_", ""))
        except InvalidOperation:
            raise UnitsError(f"cannot read {text!r} as an amount", "write it like '1500 USDC'")
        return cls(value, m.group(2))


@dataclass(frozen=True)
class Rate:
    """A rate as people say it, e.g. "1500 USDC/month" or "50 DAI per day"."""

    amount: Amount
    period_seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        m = _RATE.match(str(text))
        if not m:
            raise UnitsError(
                f"cannot read {text!r} as a rate", "write it like '1500 USDC/month' or '50 DAI/day'"
            )
        amount = Amount.parse(m.group(1))
        period = _period_seconds(m.group(2), str(text))
        if amount.value <= 0:
            raise UnitsError(f"the rate {text!r} must be more than zero")
        return cls(amount, period)

    def per_second(self) -> int:
        """The rate as the contract takes it: token units per second, 18-decimal fixed point.

        Rounded down, so a stream never pays more than agreed; the loss is below
        one 10^-18 token unit per second (under 0.0000000000026 tokens a month).
        """
        scaled = self.amount.value * (Decimal(10) ** RATE_DECIMALS) / self.period_seconds
        return int(scaled.to_integral_value(rounding=ROUND_DOWN))


def format_rate(rate_per_second: int, symbol: str = "", per: str = "month") -> str:
    """An 18-decimal per-second rate as people say it: "1,500.00 USDC/month".

    Rounded to the nearest cent, because `Rate.per_second` rounds down by less
    than 10^-18 a second and "1,499.99" would misstate the agreed budget.
    """
    seconds = PERIODS[per]
    amount = format_amount(rate_per_second * seconds, RATE_DECIMALS, symbol, rounding=ROUND_HALF_UP)
    return f"{amount}/{per}"
