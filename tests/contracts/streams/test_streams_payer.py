"""BudgetStreams: adjust_rate, pause, restart and void."""

from __future__ import annotations

import boa
import pytest
from streams_helpers import (
    DAY,
    MONTH,
    PAUSED_SOLVENT,
    STREAMING_SOLVENT,
    USDC,
    VOIDED,
    events,
    rate_per_month,
)

MAX_RATE = 2**88 - 1


def test_adjust_rate_keeps_what_was_streamed(streams, make_stream, payer, rate):
    stream_id = make_stream(deposit=10_000 * USDC)
    boa.env.time_travel(seconds=10 * DAY)
    streamed = rate * 10 * DAY
    with boa.env.prank(payer):
        streams.adjust_rate(stream_id, 2 * rate)
    (log,) = events(streams, "RateAdjusted")
    assert (log.stream_id, log.rate_per_second, log.streamed_scaled) == (stream_id, 2 * rate, streamed)
    s = streams.get_stream(stream_id)
    assert (s.rate_per_second, s.streamed_scaled, s.snapshot_time) == (2 * rate, streamed, boa.env.evm.patch.timestamp)
    boa.env.time_travel(seconds=DAY)
    assert streams.total_debt_of(stream_id) == (streamed + 2 * rate * DAY) // 10**12


def test_adjust_rate_refusals(streams, make_stream, payer, recipient, rate):
    stream_id = make_stream(deposit=USDC)
    with boa.env.prank(recipient), boa.reverts("budget_streams: caller is not the payer"):
        streams.adjust_rate(stream_id, 2 * rate)
    with boa.env.prank(payer):
        with boa.reverts("budget_streams: unknown stream"):
            streams.adjust_rate(stream_id + 1, 2 * rate)
        with boa.reverts("budget_streams: zero rate"):
            streams.adjust_rate(stream_id, 0)
        with boa.reverts("budget_streams: rate too high"):
            streams.adjust_rate(stream_id, MAX_RATE + 1)
        with boa.reverts("budget_streams: rate unchanged"):
            streams.adjust_rate(stream_id, rate)
        streams.pause(stream_id)
        with boa.reverts("budget_streams: stream is paused"):
            streams.adjust_rate(stream_id, 2 * rate)
        streams.void(stream_id)
        with boa.reverts("budget_streams: stream is voided"):
            streams.adjust_rate(stream_id, 2 * rate)


def test_pause_freezes_the_debt(streams, make_stream, payer, rate):
    stream_id = make_stream(deposit=10_000 * USDC)
    boa.env.time_travel(seconds=DAY)
    with boa.env.prank(payer):
        streams.pause(stream_id)
    (log,) = events(streams, "Paused")
    assert (log.stream_id, log.streamed_scaled) == (stream_id, rate * DAY)
    debt = streams.total_debt_of(stream_id)
    boa.env.time_travel(seconds=30 * DAY)
    assert streams.total_debt_of(stream_id) == debt == rate * DAY // 10**12
    assert streams.status_of(stream_id) == PAUSED_SOLVENT
    assert streams.get_stream(stream_id).rate_per_second == 0


def test_pause_refusals(streams, make_stream, payer, recipient):
    stream_id = make_stream(deposit=USDC)
    with boa.env.prank(recipient), boa.reverts("budget_streams: caller is not the payer"):
        streams.pause(stream_id)
    with boa.env.prank(payer):
        with boa.reverts("budget_streams: unknown stream"):
            streams.pause(stream_id + 1)
        streams.pause(stream_id)
        with boa.reverts("budget_streams: stream is paused"):
            streams.pause(stream_id)
        streams.void(stream_id)
        with boa.reverts("budget_streams: stream is voided"):
            streams.pause(stream_id)


def test_restart_resumes_from_now(streams, make_stream, payer, rate):
    stream_id = make_stream(deposit=10_000 * USDC)
    boa.env.time_travel(seconds=DAY)
    with boa.env.prank(payer):
        streams.pause(stream_id)
        boa.env.time_travel(seconds=5 * DAY)
        streams.restart(stream_id, 3 * rate)
    (log,) = events(streams, "Restarted")
    assert (log.stream_id, log.rate_per_second) == (stream_id, 3 * rate)
    assert streams.status_of(stream_id) == STREAMING_SOLVENT
    boa.env.time_travel(seconds=DAY)
    assert streams.total_debt_of(stream_id) == (rate * DAY + 3 * rate * DAY) // 10**12


def test_restart_refusals(streams, make_stream, payer, recipient, rate):
    stream_id = make_stream(deposit=USDC)
    with boa.env.prank(payer):
        with boa.reverts("budget_streams: stream is not paused"):
            streams.restart(stream_id, rate)
        with boa.reverts("budget_streams: unknown stream"):
            streams.restart(stream_id + 1, rate)
        streams.pause(stream_id)
        with boa.reverts("budget_streams: zero rate"):
            streams.restart(stream_id, 0)
        with boa.reverts("budget_streams: rate too high"):
            streams.restart(stream_id, MAX_RATE + 1)
    with boa.env.prank(recipient), boa.reverts("budget_streams: caller is not the payer"):
        streams.restart(stream_id, rate)
    with boa.env.prank(payer):
        streams.void(stream_id)
        with boa.reverts("budget_streams: stream is voided"):
            streams.restart(stream_id, rate)


def test_void_solvent_writes_off_nothing(streams, make_stream, payer, rate):
    stream_id = make_stream(deposit=1_000 * USDC)
    boa.env.time_travel(seconds=3 * DAY)
    debt = streams.total_debt_of(stream_id)
    with boa.env.prank(payer):
        streams.void(stream_id)
    (log,) = events(streams, "Voided")
    assert (log.stream_id, log.caller, log.written_off, log.streamed_scaled) == (stream_id, payer, 0, rate * 3 * DAY)
    assert streams.status_of(stream_id) == VOIDED
    assert streams.get_stream(stream_id).voided
    boa.env.time_travel(seconds=MONTH)
    assert streams.total_debt_of(stream_id) == streams.withdrawable_amount_of(stream_id) == debt
    assert streams.refundable_amount_of(stream_id) == 1_000 * USDC - debt
    assert streams.depletion_time_of(stream_id) == 0


@pytest.mark.parametrize("by", ["payer", "recipient"])
def test_void_insolvent_writes_off_only_the_uncovered_debt(streams, make_stream, payer, recipient, by):
    stream_id = make_stream(deposit=100 * USDC)
    boa.env.time_travel(seconds=MONTH)
    uncovered = streams.uncovered_debt_of(stream_id)
    assert uncovered > 0
    with boa.env.prank(payer if by == "payer" else recipient):
        streams.void(stream_id)
    log = events(streams, "Voided")[0]
    assert log.written_off == uncovered
    assert log.streamed_scaled == 100 * USDC * 10**12
    boa.env.time_travel(seconds=MONTH)
    assert streams.total_debt_of(stream_id) == streams.withdrawable_amount_of(stream_id) == 100 * USDC
    assert streams.uncovered_debt_of(stream_id) == streams.refundable_amount_of(stream_id) == 0


def test_void_after_withdrawals_keeps_the_rest_of_the_covered_debt(streams, make_stream, payer, recipient):
    stream_id = make_stream(deposit=100 * USDC)
    boa.env.time_travel(seconds=DAY)
    with boa.env.prank(recipient):
        first = streams.withdraw_max(stream_id, recipient)
    boa.env.time_travel(seconds=MONTH)
    with boa.env.prank(payer):
        streams.void(stream_id)
    assert streams.withdrawable_amount_of(stream_id) == 100 * USDC - first
    assert streams.get_stream(stream_id).withdrawn == first


def test_void_refusals(streams, make_stream, payer, stranger, spender, spender_hat):
    stream_id = make_stream(deposit=USDC, hat=spender_hat)
    for caller in (stranger, spender):
        with boa.env.prank(caller), boa.reverts("budget_streams: caller is not the payer or the recipient"):
            streams.void(stream_id)
    with boa.env.prank(payer):
        with boa.reverts("budget_streams: unknown stream"):
            streams.void(stream_id + 1)
        streams.void(stream_id)
        with boa.reverts("budget_streams: stream is voided"):
            streams.void(stream_id)


def test_void_a_paused_stream(streams, make_stream, payer):
    stream_id = make_stream(deposit=1_000 * USDC, per_second=rate_per_month(3_000))
    boa.env.time_travel(seconds=DAY)
    with boa.env.prank(payer):
        streams.pause(stream_id)
        boa.env.time_travel(seconds=DAY)
        streams.void(stream_id)
    assert streams.total_debt_of(stream_id) == rate_per_month(3_000) * DAY // 10**12


def test_snapshots_beyond_120_bits_are_refused_but_void_still_works(streams, make_stream, payer, dai):
    stream_id = make_stream(token=dai, per_second=MAX_RATE)
    boa.env.time_travel(seconds=2**32 + 1)  # MAX_RATE * that > 2**120
    with boa.env.prank(payer):
        with boa.reverts("budget_streams: streamed amount too large, void the stream"):
            streams.pause(stream_id)
        with boa.reverts("budget_streams: streamed amount too large, void the stream"):
            streams.adjust_rate(stream_id, 1)
        streams.void(stream_id)
    assert streams.total_debt_of(stream_id) == 0
    assert streams.status_of(stream_id) == VOIDED
