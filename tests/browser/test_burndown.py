"""The burn-down line from a stream's events (a pure function: no chain, no browser)."""

from __future__ import annotations

from types import SimpleNamespace

from opgov.dashboard.burndown import burndown

DAY = 86_400
RATE = 10**18 // DAY  # one token a day, in 18-decimal fixed point per second


def ev(name: str, t: int, **args) -> SimpleNamespace:
    return SimpleNamespace(name=name, timestamp=t, args={k: str(v) for k, v in args.items()})


def created(t: int, rate: int = RATE) -> SimpleNamespace:
    return ev("StreamCreated", t, rate_per_second=rate)


def test_a_deposit_then_streaming_with_a_projection_to_depletion():
    # 18 decimals: scale 1, so `remaining` is deposit − rate × elapsed exactly
    rate = 10**12
    events = [created(100, rate), ev("Deposited", 100, amount=10**15)]
    line = burndown(events, 18, now=200, depletion_time=1100)
    assert line.points == [(100, 0), (100, 10**15), (200, 10**15 - 100 * rate)]
    assert line.projection == [(200, 10**15 - 100 * rate), (1100, 0)]
    assert line.to_dict()["past"][-1] == [200, str(10**15 - 100 * rate)]


def test_withdrawals_leave_the_remaining_budget_alone_and_refunds_lower_it():
    rate = 10**12
    events = [
        created(0, rate), ev("Deposited", 0, amount=10**15),
        ev("Withdrawn", 50, amount=4 * 10**13),
        ev("Refunded", 100, amount=10**14),
    ]
    line = burndown(events, 18, now=100, depletion_time=None)
    assert (50, 10**15 - 50 * rate) in line.points
    assert line.points[-1] == (100, 10**15 - 100 * rate - 10**14)
    assert line.projection == []


def test_pause_restart_and_rate_change_follow_the_contracts_snapshots():
    rate = 10**12
    events = [
        created(0, rate), ev("Deposited", 0, amount=10**16),
        ev("Paused", 100, streamed_scaled=100 * rate),
        ev("Restarted", 300, rate_per_second=2 * rate),
        ev("RateAdjusted", 400, rate_per_second=rate, streamed_scaled=300 * rate),
    ]
    line = burndown(events, 18, now=500, depletion_time=10**6)
    at = dict(line.points)
    assert at[300] == 10**16 - 100 * rate  # nothing streamed while paused
    assert at[400] == 10**16 - 300 * rate
    assert at[500] == 10**16 - 400 * rate


def test_the_line_stops_at_zero_where_the_budget_ran_out():
    # 6 decimals: 1 USDC a day; 2 USDC deposited last two days
    usdc_rate = 10**18 // DAY
    events = [created(0, usdc_rate), ev("Deposited", 0, amount=2 * 10**6)]
    line = burndown(events, 6, now=5 * DAY, depletion_time=5 * DAY)
    dry = [t for t, v in line.points if v == 0 and t > 0]
    assert dry and abs(dry[0] - 2 * DAY) <= 1
    assert line.points[-1] == (5 * DAY, 0)
    assert line.projection == []


def test_a_voided_stream_keeps_what_it_had_not_streamed():
    rate = 10**12
    events = [created(0, rate), ev("Deposited", 0, amount=10**15),
              ev("Voided", 100, streamed_scaled=100 * rate, written_off=0)]
    line = burndown(events, 18, now=1000, depletion_time=None)
    assert line.points[-1] == (1000, 10**15 - 100 * rate)


def test_no_events_no_line():
    assert burndown([], 6, now=10, depletion_time=None).points == []
