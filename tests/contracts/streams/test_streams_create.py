"""BudgetStreams: constructor, create and create_and_deposit."""

from __future__ import annotations

import boa
from streams_helpers import PENDING, STREAMING_SOLVENT, USDC, ZERO, events, load, load_mock

MAX_RATE = 2**88 - 1


def test_constructor_refuses_zero_hats():
    with boa.reverts("budget_streams: hats is the zero address"):
        load("BudgetStreams", ZERO)


def test_constructor_keeps_hats(streams, hats):
    assert streams.hats() == hats.address
    assert streams.stream_count() == 0


def test_create_returns_payer_namespaced_ids(streams, payer, recipient, usdc, rate, stranger):
    expected = (int(payer, 16) << 96) | 1
    assert streams.next_stream_id(payer) == expected
    with boa.env.prank(payer):
        first = streams.create(recipient, usdc.address, rate, 0)
    assert first == expected
    assert streams.payer_of(first) == payer
    assert streams.stream_number_of(first) == 1
    with boa.env.prank(stranger):
        second = streams.create(recipient, usdc.address, rate, 0)
    assert second == (int(stranger, 16) << 96) | 2
    assert streams.stream_count() == 2


def test_create_stores_the_stream_and_logs_it(streams, payer, recipient, usdc, rate, spender_hat):
    with boa.env.prank(payer):
        stream_id = streams.create(recipient, usdc.address, rate, spender_hat)
    (log,) = events(streams)
    assert type(log).__name__ == "StreamCreated"
    assert (log.stream_id, log.payer, log.recipient, log.token) == (stream_id, payer, recipient, usdc.address)
    assert (log.token_decimals, log.rate_per_second, log.spender_hat) == (6, rate, spender_hat)
    s = streams.get_stream(stream_id)
    assert (s.payer, s.recipient, s.token, s.token_decimals) == (payer, recipient, usdc.address, 6)
    assert (s.spender_hat, s.rate_per_second, s.balance, s.withdrawn) == (spender_hat, rate, 0, 0)
    assert (s.streamed_scaled, s.snapshot_time, s.voided) == (0, boa.env.evm.patch.timestamp, False)
    assert streams.status_of(stream_id) == PENDING


def test_create_accepts_the_highest_rate_and_any_decimals_up_to_18(streams, payer, recipient):
    for decimals in (0, 6, 18):
        token = load_mock("StreamsERC20.vy", "T", decimals)
        with boa.env.prank(payer):
            stream_id = streams.create(recipient, token.address, MAX_RATE, 0)
        assert streams.get_stream(stream_id).token_decimals == decimals


def test_create_refuses_zero_recipient(streams, payer, usdc, rate):
    with boa.env.prank(payer), boa.reverts("budget_streams: zero recipient"):
        streams.create(ZERO, usdc.address, rate, 0)


def test_create_refuses_zero_rate(streams, payer, recipient, usdc):
    with boa.env.prank(payer), boa.reverts("budget_streams: zero rate"):
        streams.create(recipient, usdc.address, 0, 0)


def test_create_refuses_a_rate_above_max(streams, payer, recipient, usdc):
    with boa.env.prank(payer), boa.reverts("budget_streams: rate too high"):
        streams.create(recipient, usdc.address, MAX_RATE + 1, 0)


def test_create_refuses_more_than_18_decimals(streams, payer, recipient, rate):
    token = load_mock("StreamsERC20.vy", "BIG", 24)
    with boa.env.prank(payer), boa.reverts("budget_streams: token has more than 18 decimals"):
        streams.create(recipient, token.address, rate, 0)


def test_create_refuses_a_token_without_decimals(streams, payer, recipient, rate, hats):
    for not_a_token in (ZERO, recipient, hats.address):
        with boa.env.prank(payer), boa.reverts("budget_streams: token has no decimals"):
            streams.create(recipient, not_a_token, rate, 0)


def test_create_and_deposit_funds_the_new_stream(streams, payer, recipient, usdc, rate):
    before = usdc.balanceOf(payer)
    with boa.env.prank(payer):
        stream_id = streams.create_and_deposit(recipient, usdc.address, rate, 0, 500 * USDC)
    created, deposited = events(streams)
    assert type(created).__name__ == "StreamCreated" and created.stream_id == stream_id
    assert type(deposited).__name__ == "Deposited"
    assert (deposited.stream_id, deposited.funder, deposited.amount, deposited.balance) == (
        stream_id, payer, 500 * USDC, 500 * USDC
    )
    assert streams.get_stream(stream_id).balance == 500 * USDC
    assert usdc.balanceOf(payer) == before - 500 * USDC
    assert usdc.balanceOf(streams.address) == 500 * USDC
    assert streams.status_of(stream_id) == STREAMING_SOLVENT


def test_create_and_deposit_refuses_zero_amount(streams, payer, recipient, usdc, rate):
    with boa.env.prank(payer), boa.reverts("budget_streams: zero amount"):
        streams.create_and_deposit(recipient, usdc.address, rate, 0, 0)


def test_create_and_deposit_refuses_bad_creation_arguments(streams, payer, recipient, usdc, rate):
    with boa.env.prank(payer):
        with boa.reverts("budget_streams: zero recipient"):
            streams.create_and_deposit(ZERO, usdc.address, rate, 0, USDC)
        with boa.reverts("budget_streams: zero rate"):
            streams.create_and_deposit(recipient, usdc.address, 0, 0, USDC)


def test_create_and_deposit_needs_an_allowance(streams, recipient, usdc, rate, stranger):
    usdc.mint(stranger, USDC)
    with boa.env.prank(stranger), boa.reverts():
        streams.create_and_deposit(recipient, usdc.address, rate, 0, USDC)
