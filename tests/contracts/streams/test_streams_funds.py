"""BudgetStreams: deposit, refund and refund_max."""

from __future__ import annotations

import boa
from streams_helpers import DAY, MONTH, USDC, events, load_mock


def test_anyone_can_deposit(streams, make_stream, usdc, stranger):
    stream_id = make_stream(deposit=100 * USDC)
    usdc.mint(stranger, 50 * USDC)
    with boa.env.prank(stranger):
        usdc.approve(streams.address, 50 * USDC)
        streams.deposit(stream_id, 50 * USDC)
    (log,) = events(streams, "Deposited")
    assert (log.stream_id, log.funder, log.amount, log.balance) == (stream_id, stranger, 50 * USDC, 150 * USDC)
    assert streams.get_stream(stream_id).balance == 150 * USDC
    assert usdc.balanceOf(streams.address) == 150 * USDC


def test_deposit_covers_uncovered_debt(streams, make_stream, payer):
    stream_id = make_stream(deposit=100 * USDC)  # 1,000 USDC a month: 3 days' worth
    boa.env.time_travel(seconds=6 * DAY)
    debt = streams.total_debt_of(stream_id)
    assert streams.withdrawable_amount_of(stream_id) == 100 * USDC
    assert streams.uncovered_debt_of(stream_id) == debt - 100 * USDC
    with boa.env.prank(payer):
        streams.deposit(stream_id, 500 * USDC)
    assert streams.uncovered_debt_of(stream_id) == 0
    assert streams.withdrawable_amount_of(stream_id) == debt
    assert streams.refundable_amount_of(stream_id) == 600 * USDC - debt


def test_deposit_refuses_zero_amount(streams, make_stream, payer):
    stream_id = make_stream()
    with boa.env.prank(payer), boa.reverts("budget_streams: zero amount"):
        streams.deposit(stream_id, 0)


def test_deposit_refuses_unknown_stream(streams, make_stream, payer):
    stream_id = make_stream()
    with boa.env.prank(payer), boa.reverts("budget_streams: unknown stream"):
        streams.deposit(stream_id + 1, USDC)


def test_deposit_refuses_voided_stream(streams, make_stream, payer):
    stream_id = make_stream(deposit=USDC)
    with boa.env.prank(payer):
        streams.void(stream_id)
        with boa.reverts("budget_streams: stream is voided"):
            streams.deposit(stream_id, USDC)


def test_deposit_refuses_more_than_a_stream_can_account(streams, payer, recipient):
    token = load_mock("StreamsERC20.vy", "HUGE", 18)
    token.mint(payer, 2**121)
    with boa.env.prank(payer):
        token.approve(streams.address, 2**121)
        stream_id = streams.create(recipient, token.address, 10**18, 0)
        streams.deposit(stream_id, 2**120 - 2)  # (balance + withdrawn + 1) * scale = 2**120 - 1
        with boa.reverts("budget_streams: deposit too large"):
            streams.deposit(stream_id, 1)


def test_refund_returns_what_is_not_owed(streams, make_stream, payer, usdc):
    stream_id = make_stream(deposit=1_000 * USDC)
    boa.env.time_travel(seconds=MONTH // 2)
    refundable = streams.refundable_amount_of(stream_id)
    assert refundable == 1_000 * USDC - streams.total_debt_of(stream_id)
    before = usdc.balanceOf(payer)
    with boa.env.prank(payer):
        assert streams.refund(stream_id, 100 * USDC) == 100 * USDC
    (log,) = events(streams, "Refunded")
    assert (log.stream_id, log.amount, log.balance) == (stream_id, 100 * USDC, 900 * USDC)
    assert usdc.balanceOf(payer) == before + 100 * USDC
    assert streams.refundable_amount_of(stream_id) == refundable - 100 * USDC


def test_refund_refuses_more_than_refundable(streams, make_stream, payer):
    stream_id = make_stream(deposit=1_000 * USDC)
    boa.env.time_travel(seconds=DAY)
    refundable = streams.refundable_amount_of(stream_id)
    with boa.env.prank(payer), boa.reverts("budget_streams: amount above refundable"):
        streams.refund(stream_id, refundable + 1)


def test_refund_takes_nothing_from_an_insolvent_stream(streams, make_stream, payer):
    stream_id = make_stream(deposit=10 * USDC)
    boa.env.time_travel(seconds=MONTH)
    assert streams.refundable_amount_of(stream_id) == 0
    with boa.env.prank(payer):
        with boa.reverts("budget_streams: amount above refundable"):
            streams.refund(stream_id, 1)
        with boa.reverts("budget_streams: nothing to refund"):
            streams.refund_max(stream_id)


def test_refund_refuses_zero_amount(streams, make_stream, payer):
    stream_id = make_stream(deposit=USDC)
    with boa.env.prank(payer), boa.reverts("budget_streams: zero amount"):
        streams.refund(stream_id, 0)


def test_refund_is_for_the_payer_only(streams, make_stream, recipient, stranger):
    stream_id = make_stream(deposit=100 * USDC)
    for caller in (recipient, stranger):
        with boa.env.prank(caller):
            with boa.reverts("budget_streams: caller is not the payer"):
                streams.refund(stream_id, USDC)
            with boa.reverts("budget_streams: caller is not the payer"):
                streams.refund_max(stream_id)


def test_refund_refuses_unknown_stream(streams, make_stream, payer):
    stream_id = make_stream(deposit=USDC)
    with boa.env.prank(payer):
        with boa.reverts("budget_streams: unknown stream"):
            streams.refund(stream_id + 1, 1)
        with boa.reverts("budget_streams: unknown stream"):
            streams.refund_max(stream_id + 1)


def test_refund_max_empties_the_refundable_balance(streams, make_stream, payer, usdc):
    stream_id = make_stream(deposit=1_000 * USDC)
    boa.env.time_travel(seconds=10 * DAY)
    refundable = streams.refundable_amount_of(stream_id)
    before = usdc.balanceOf(payer)
    with boa.env.prank(payer):
        assert streams.refund_max(stream_id) == refundable
    assert usdc.balanceOf(payer) == before + refundable
    assert streams.refundable_amount_of(stream_id) == 0
    assert streams.withdrawable_amount_of(stream_id) == streams.total_debt_of(stream_id)


def test_refund_works_on_a_voided_stream(streams, make_stream, payer, recipient, usdc):
    stream_id = make_stream(deposit=1_000 * USDC)
    boa.env.time_travel(seconds=3 * DAY)
    with boa.env.prank(recipient):
        streams.void(stream_id)
    owed = streams.withdrawable_amount_of(stream_id)
    with boa.env.prank(payer):
        assert streams.refund_max(stream_id) == 1_000 * USDC - owed
    with boa.env.prank(recipient):
        assert streams.withdraw_max(stream_id, recipient) == owed
    assert usdc.balanceOf(streams.address) == 0
