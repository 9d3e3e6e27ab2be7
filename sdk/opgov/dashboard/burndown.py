"""A cell's burn-down: its stream's remaining budget over time, from the stream's events.

"Remaining" is what the payer has put in and not taken back, less what has
streamed: deposited − refunded − streamed. It is the stream's refundable
amount (balance − covered debt, since a withdrawal lowers both alike), so the
line falls at the stream's rate, jumps up at a deposit, down at a refund,
and stays at zero once the budget is used up (debt may keep accruing then, but
nothing remains). Every point is computed in integers from the events'
amounts, rates and snapshots, exactly as the contract computes them; the part
after `now` is a projection at the current rate, and is labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

MAX_DECIMALS = 18  # BudgetStreams keeps streamed amounts with 18 decimals


@dataclass
class Burndown:
    """The past (from events) and the projected future of one stream's remaining budget.

    Amounts are in the token's base units; times are block timestamps.
    """

    points: list[tuple[int, int]] = field(default_factory=list)  # the past, up to `now`
    projection: list[tuple[int, int]] = field(default_factory=list)  # from `now` to depletion
    decimals: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: amounts as decimal strings (no precision lost in JavaScript's numbers)."""
        return {
            "decimals": self.decimals,
            "past": [[t, str(v)] for t, v in self.points],
            "projected": [[t, str(v)] for t, v in self.projection],
        }


class _Stream:
    """The stream's accounting as its events leave it."""

    def __init__(self, decimals: int):
        self.scale = 10 ** (MAX_DECIMALS - decimals)
        self.put_in = 0  # deposited − refunded
        self.streamed_scaled = 0  # at `snapshot_time`
        self.snapshot_time = 0
        self.rate = 0

    def remaining(self, t: int) -> int:
        streamed = (self.streamed_scaled + self.rate * max(t - self.snapshot_time, 0)) // self.scale
        return max(self.put_in - streamed, 0)

    def runs_out(self) -> int | None:
        """When, at the current rate, everything put in has streamed (None: never)."""
        if self.rate == 0:
            return None
        owed = self.put_in * self.scale - self.streamed_scaled
        return self.snapshot_time + max(-(-owed // self.rate), 0)


def burndown(events: Iterable[Any], decimals: int, now: int, depletion_time: int | None) -> Burndown:
    """The burn-down of one stream.

    Args:
        events: the stream's BudgetStreams events in chain order, each with
            `name`, `timestamp` and `args` (as the indexer stores them).
        decimals: the token's decimals.
        now: the chain's time for the last point of the past.
        depletion_time: when the stream runs dry, as the SDK reads it from the
            chain (`StreamView.depletion_time`); None if it does not accrue.

    Returns:
        the past line (a point before and after each event, and where the
        budget ran out) and the projection from `now` to `depletion_time`.
    """
    s = _Stream(decimals)
    out = Burndown(decimals=decimals)
    started = False

    def add(t: int) -> None:
        out.points.append((t, s.remaining(t)))

    def until(t: int) -> None:
        """Mark where the budget ran out between the last point and `t`, if it did."""
        dry = s.runs_out()
        if out.points and dry is not None and out.points[-1][0] < dry < t and out.points[-1][1] > 0:
            add(dry)

    for ev in events:
        t, a = int(ev.timestamp), ev.args
        if ev.name == "StreamCreated":
            s.rate, s.snapshot_time, started = int(a["rate_per_second"]), t, True
            add(t)
            continue
        if not started:
            continue
        until(t)
        add(t)
        if ev.name == "Deposited":
            s.put_in += int(a["amount"])
        elif ev.name == "Refunded":
            s.put_in -= int(a["amount"])
        elif ev.name == "RateAdjusted":
            s.streamed_scaled, s.snapshot_time, s.rate = int(a["streamed_scaled"]), t, int(a["rate_per_second"])
        elif ev.name in ("Paused", "Voided"):
            s.streamed_scaled, s.snapshot_time, s.rate = int(a["streamed_scaled"]), t, 0
        elif ev.name == "Restarted":
            s.snapshot_time, s.rate = t, int(a["rate_per_second"])
        else:
            continue  # withdrawals and recipient changes leave the remaining budget as it is
        add(t)
    if not started:
        return out
    until(now)
    add(now)
    if depletion_time is not None and depletion_time > now and out.points[-1][1] > 0:
        out.projection = [(now, out.points[-1][1]), (depletion_time, 0)]
    # a point repeated at the same time and value draws nothing
    out.points = [p for i, p in enumerate(out.points) if i == 0 or p != out.points[i - 1]]
    return out
