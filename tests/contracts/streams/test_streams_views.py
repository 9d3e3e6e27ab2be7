"""BudgetStreams: views, statuses and depletion time."""

from __future__ import annotations

import boa
import pytest
from streams_helpers import (
    DAY,
    E18,
    MONTH,
    PAUSED_INSOLVENT,
    PAUSED_SOLVENT,
    PENDING,
    STREAMING_INSOLVENT,
    STREAMING_SOLVENT,
    USDC,
    VOIDED,
    rate_per_month,
)

VIEWS = [
    "get_stream",
    "withdrawable_amount_of",
    "total_debt_of",
    "covered_debt_of",
    "uncovered_debt_of",
    "refundable_amount_of",
    "streamed_amount_of",
    "depletion_time_of",
    "status_of",
]


@pytest.mark.parametrize("view", VIEWS)
def test_views_refuse_unknown_streams(streams, make_stream, view):
    stream_id = make_stream()
    with boa.reverts("budget_streams: unknown stream"):
        getattr(streams, view)(stream_id + 1)
    with boa.reverts("budget_streams: unknown stream"):
        getattr(streams, view)(0)


def test_status_walks_through_every_state(streams, make_stream, payer, recipient, rate):
    stream_id = make_stream()
    assert streams.status_of(stream_id) == PENDING
    with boa.env.prank(payer):
        streams.deposit(stream_id, 100 * USDC)
    assert streams.status_of(stream_id) == STREAMING_SOLVENT
    boa.env.time_travel(seconds=MONTH)
    assert streams.status_of(stream_id) == STREAMING_INSOLVENT
    with boa.env.prank(payer):
        streams.pause(stream_id)
    assert streams.status_of(stream_id) == PAUSED_INSOLVENT
    with boa.env.prank(payer):
        streams.deposit(stream_id, 10_000 * USDC)
    assert streams.status_of(stream_id) == PAUSED_SOLVENT
    with boa.env.prank(recipient):
        streams.void(stream_id)
    assert streams.status_of(stream_id) == VOIDED


def test_a_drained_stream_is_not_pending(streams, make_stream, recipient):
    stream_id = make_stream(deposit=10 * USDC)
    boa.env.time_travel(seconds=MONTH)
    with boa.env.prank(recipient):
        streams.withdraw_max(stream_id, recipient)
    assert streams.get_stream(stream_id).balance == 0
    assert streams.status_of(stream_id) == STREAMING_INSOLVENT


def test_a_funded_then_refunded_stream_is_insolvent_not_pending(streams, make_stream, payer):
    stream_id = make_stream(deposit=100 * USDC)
    with boa.env.prank(payer):
        assert streams.refund_max(stream_id) == 100 * USDC  # nothing owed yet: all of it
    s = streams.get_stream(stream_id)
    assert (s.balance, s.withdrawn, s.funded) == (0, 0, True)
    assert streams.status_of(stream_id) == STREAMING_SOLVENT  # owes nothing yet
    boa.env.time_travel(seconds=DAY)
    assert streams.uncovered_debt_of(stream_id) > 0
    assert streams.status_of(stream_id) == STREAMING_INSOLVENT
    with boa.env.prank(payer):
        streams.pause(stream_id)
    assert streams.status_of(stream_id) == PAUSED_INSOLVENT
    with boa.env.prank(payer):
        streams.restart(stream_id, rate_per_month(1_000))
        streams.deposit(stream_id, 100 * USDC)
    assert streams.status_of(stream_id) == STREAMING_SOLVENT
    boa.env.time_travel(seconds=MONTH)
    assert streams.status_of(stream_id) == STREAMING_INSOLVENT


def test_a_stream_refunded_to_zero_by_amount_is_not_pending(streams, make_stream, payer):
    stream_id = make_stream(deposit=100 * USDC)
    with boa.env.prank(payer):
        streams.refund(stream_id, 60 * USDC)
        assert streams.get_stream(stream_id).funded  # the balance says so
        streams.refund(stream_id, 40 * USDC)
    assert streams.get_stream(stream_id).funded
    boa.env.time_travel(seconds=DAY)
    assert streams.status_of(stream_id) == STREAMING_INSOLVENT


def test_an_unfunded_stream_stays_pending_while_debt_accrues(streams, make_stream):
    stream_id = make_stream()
    boa.env.time_travel(seconds=DAY)
    assert streams.uncovered_debt_of(stream_id) > 0
    assert not streams.get_stream(stream_id).funded
    assert streams.status_of(stream_id) == PENDING


def test_debt_views_add_up(streams, make_stream, rate):
    stream_id = make_stream(deposit=100 * USDC)
    for days in (1, 2, 5):
        boa.env.time_travel(seconds=days * DAY)
        total = streams.total_debt_of(stream_id)
        covered = streams.covered_debt_of(stream_id)
        assert covered == streams.withdrawable_amount_of(stream_id) == min(total, 100 * USDC)
        assert covered + streams.uncovered_debt_of(stream_id) == total
        assert streams.refundable_amount_of(stream_id) == 100 * USDC - covered
        assert streams.streamed_amount_of(stream_id) == total  # nothing withdrawn yet


def test_depletion_time_is_the_first_insolvent_second(streams, make_stream, payer, recipient):
    stream_id = make_stream(deposit=100 * USDC)
    boa.env.time_travel(seconds=DAY)
    with boa.env.prank(recipient):
        streams.withdraw(stream_id, recipient, 5 * USDC)
    depletion = streams.depletion_time_of(stream_id)
    now = boa.env.evm.patch.timestamp
    assert now < depletion
    boa.env.time_travel(seconds=depletion - now - 1)
    assert streams.uncovered_debt_of(stream_id) == 0
    assert streams.depletion_time_of(stream_id) == depletion
    boa.env.time_travel(seconds=1)
    assert streams.uncovered_debt_of(stream_id) > 0
    assert streams.depletion_time_of(stream_id) == 0


def test_depletion_time_is_zero_when_nothing_accrues(streams, make_stream, payer):
    paused = make_stream(deposit=100 * USDC)
    voided = make_stream(deposit=100 * USDC)
    with boa.env.prank(payer):
        streams.pause(paused)
        streams.void(voided)
    assert streams.depletion_time_of(paused) == streams.depletion_time_of(voided) == 0


def test_depletion_time_with_18_decimals(streams, make_stream, dai):
    stream_id = make_stream(deposit=E18, token=dai, per_second=3)  # 3 wei a second
    start = boa.env.evm.patch.timestamp
    # Insolvent once more than 10**18 wei is owed: at ceil((10**18 + 1) / 3) seconds.
    assert streams.depletion_time_of(stream_id) == start + (E18 + 1 + 2) // 3


def test_18_and_6_decimals_stream_the_same_value(streams, make_stream, dai, usdc, rate):
    a = make_stream(deposit=1_000 * USDC, token=usdc)
    b = make_stream(deposit=1_000 * E18, token=dai)
    boa.env.time_travel(seconds=MONTH // 3)
    assert streams.total_debt_of(a) == rate * (MONTH // 3) // 10**12
    assert streams.total_debt_of(b) == rate * (MONTH // 3)


def test_id_helpers(streams, payer):
    stream_id = (int(payer, 16) << 96) | 77
    assert streams.payer_of(stream_id) == payer
    assert streams.stream_number_of(stream_id) == 77
