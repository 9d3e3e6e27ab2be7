"""BudgetStreams: withdraw, withdraw_max and batch_withdraw_max, by the recipient or a spender."""

from __future__ import annotations

import boa
from eth_abi import encode
from streams_helpers import DAY, MONTH, USDC, ZERO, events, rate_per_month


def test_recipient_withdraws_to_any_address(streams, make_stream, recipient, usdc, stranger):
    stream_id = make_stream(deposit=1_000 * USDC)
    boa.env.time_travel(seconds=4 * DAY)
    assert streams.withdrawable_amount_of(stream_id) >= 100 * USDC
    with boa.env.prank(recipient):
        assert streams.withdraw(stream_id, stranger, 100 * USDC) == 100 * USDC
    (log,) = events(streams, "Withdrawn")
    assert (log.stream_id, log.to, log.caller, log.amount, log.balance) == (
        stream_id, stranger, recipient, 100 * USDC, 900 * USDC
    )
    assert usdc.balanceOf(stranger) == 100 * USDC
    s = streams.get_stream(stream_id)
    assert (s.balance, s.withdrawn) == (900 * USDC, 100 * USDC)


def test_spender_hat_wearer_pays_a_supplier(streams, make_stream, spender, spender_hat, usdc, stranger):
    stream_id = make_stream(deposit=1_000 * USDC, hat=spender_hat)
    boa.env.time_travel(seconds=3 * DAY)
    with boa.env.prank(spender):
        paid = streams.withdraw_max(stream_id, stranger)
    assert events(streams, "Withdrawn")[0].caller == spender
    assert paid == streams.get_stream(stream_id).withdrawn > 0
    assert usdc.balanceOf(stranger) == paid


def test_spender_who_lost_the_hat_cannot_withdraw(streams, make_stream, hats, hats_admin, spender, spender_hat):
    stream_id = make_stream(deposit=1_000 * USDC, hat=spender_hat)
    boa.env.time_travel(seconds=3 * DAY)
    with boa.env.prank(hats_admin):
        hats.setHatWearerStatus(spender_hat, spender, False, True)
    assert not hats.isWearerOfHat(spender, spender_hat)
    with boa.env.prank(spender), boa.reverts("budget_streams: caller is not the recipient or a spender"):
        streams.withdraw(stream_id, spender, USDC)


def test_hat_wearer_cannot_withdraw_from_a_stream_without_spender_hat(streams, make_stream, spender):
    stream_id = make_stream(deposit=1_000 * USDC)
    boa.env.time_travel(seconds=3 * DAY)
    with boa.env.prank(spender), boa.reverts("budget_streams: caller is not the recipient or a spender"):
        streams.withdraw_max(stream_id, spender)


def test_others_cannot_withdraw(streams, make_stream, payer, stranger, spender_hat):
    stream_id = make_stream(deposit=1_000 * USDC, hat=spender_hat)
    boa.env.time_travel(seconds=3 * DAY)
    for caller in (payer, stranger):
        with boa.env.prank(caller):
            with boa.reverts("budget_streams: caller is not the recipient or a spender"):
                streams.withdraw(stream_id, caller, USDC)
            with boa.reverts("budget_streams: caller is not the recipient or a spender"):
                streams.withdraw_max(stream_id, caller)
            with boa.reverts("budget_streams: caller is not the recipient or a spender"):
                streams.batch_withdraw_max([stream_id], caller)


def test_withdraw_refuses_more_than_withdrawable(streams, make_stream, recipient):
    stream_id = make_stream(deposit=1_000 * USDC)
    boa.env.time_travel(seconds=DAY)
    withdrawable = streams.withdrawable_amount_of(stream_id)
    with boa.env.prank(recipient), boa.reverts("budget_streams: amount above withdrawable"):
        streams.withdraw(stream_id, recipient, withdrawable + 1)


def test_withdraw_refuses_zero_amount(streams, make_stream, recipient):
    stream_id = make_stream(deposit=USDC)
    with boa.env.prank(recipient), boa.reverts("budget_streams: zero amount"):
        streams.withdraw(stream_id, recipient, 0)


def test_withdraw_refuses_bad_destinations(streams, make_stream, recipient):
    stream_id = make_stream(deposit=1_000 * USDC)
    boa.env.time_travel(seconds=DAY)
    with boa.env.prank(recipient):
        for call in (
            lambda to: streams.withdraw(stream_id, to, USDC),
            lambda to: streams.withdraw_max(stream_id, to),
            lambda to: streams.batch_withdraw_max([stream_id], to),
        ):
            with boa.reverts("budget_streams: withdraw to the zero address"):
                call(ZERO)
            with boa.reverts("budget_streams: withdraw to this contract"):
                call(streams.address)


def test_withdraw_refuses_unknown_stream(streams, make_stream, recipient):
    stream_id = make_stream(deposit=USDC)
    with boa.env.prank(recipient):
        with boa.reverts("budget_streams: unknown stream"):
            streams.withdraw(stream_id + 1, recipient, 1)
        with boa.reverts("budget_streams: unknown stream"):
            streams.withdraw_max(stream_id + 1, recipient)
        with boa.reverts("budget_streams: unknown stream"):
            streams.batch_withdraw_max([stream_id, stream_id + 1], recipient)


def test_withdraw_max_pays_the_covered_debt(streams, make_stream, recipient, usdc):
    stream_id = make_stream(deposit=100 * USDC)
    boa.env.time_travel(seconds=MONTH)  # insolvent: the balance is what is covered
    with boa.env.prank(recipient):
        assert streams.withdraw_max(stream_id, recipient) == 100 * USDC
        with boa.reverts("budget_streams: nothing to withdraw"):
            streams.withdraw_max(stream_id, recipient)
    assert usdc.balanceOf(recipient) == 100 * USDC
    assert streams.uncovered_debt_of(stream_id) == streams.total_debt_of(stream_id) > 0


def test_withdraw_max_refuses_when_nothing_streamed_yet(streams, make_stream, recipient):
    stream_id = make_stream(deposit=100 * USDC)
    with boa.env.prank(recipient), boa.reverts("budget_streams: nothing to withdraw"):
        streams.withdraw_max(stream_id, recipient)


def test_withdraw_keeps_sub_unit_remainders(streams, make_stream, recipient, usdc):
    """1,000 USDC a month withdrawn daily yields exactly one withdrawal at the end."""
    rate = rate_per_month(1_000)
    daily = make_stream(deposit=2_000 * USDC, per_second=rate)
    once = make_stream(deposit=2_000 * USDC, per_second=rate)
    daily_to = boa.env.generate_address("daily")
    once_to = boa.env.generate_address("once")
    with boa.env.prank(recipient):
        for _ in range(30):
            boa.env.time_travel(seconds=DAY)
            streams.withdraw_max(daily, daily_to)
        streams.withdraw_max(once, once_to)
    expected = rate * MONTH // 10**12  # token units, rounded down once
    assert usdc.balanceOf(daily_to) == usdc.balanceOf(once_to) == expected
    assert expected == 1_000 * USDC - 1  # the per-second rate itself is rounded down


def test_odd_withdrawals_never_lose_remainders(streams, make_stream, recipient, usdc):
    rate = 10**18 // 7  # 1/7 USDC a second: every second leaves a remainder
    stream_id = make_stream(deposit=10**6 * USDC, per_second=rate)
    to = boa.env.generate_address("odd")
    total = 0
    with boa.env.prank(recipient):
        for seconds in (1, 2, 3, 5, 7, 11, 13):
            boa.env.time_travel(seconds=seconds)
            withdrawable = streams.withdrawable_amount_of(stream_id)
            if withdrawable:
                total += streams.withdraw(stream_id, to, withdrawable)
    assert total == usdc.balanceOf(to) == rate * 42 // 10**12


def test_batch_withdraw_max_pays_every_stream_and_skips_empty_ones(streams, make_stream, recipient, usdc):
    a = make_stream(deposit=100 * USDC)
    b = make_stream(deposit=100 * USDC)
    boa.env.time_travel(seconds=DAY)
    empty = make_stream(deposit=100 * USDC)  # nothing streamed yet
    expected = streams.withdrawable_amount_of(a) + streams.withdrawable_amount_of(b)
    to = boa.env.generate_address("batch")
    with boa.env.prank(recipient):
        streams.batch_withdraw_max([a, empty, b], to)
    assert [log.stream_id for log in events(streams, "Withdrawn")] == [a, b]
    assert usdc.balanceOf(to) == expected
    assert streams.withdrawable_amount_of(a) == streams.withdrawable_amount_of(b) == 0


def test_batch_withdraw_max_spender_needs_every_hat(streams, make_stream, spender, spender_hat):
    with_hat = make_stream(deposit=100 * USDC, hat=spender_hat)
    without = make_stream(deposit=100 * USDC)
    boa.env.time_travel(seconds=DAY)
    with boa.env.prank(spender):
        streams.batch_withdraw_max([with_hat], spender)
        with boa.reverts("budget_streams: caller is not the recipient or a spender"):
            streams.batch_withdraw_max([with_hat, without], spender)


def test_batch_withdraw_max_refuses_more_than_64_streams(streams, make_stream, recipient):
    stream_id = make_stream(deposit=100 * USDC)
    boa.env.time_travel(seconds=DAY)
    selector = streams.batch_withdraw_max.prepare_calldata([stream_id], recipient)[:4]
    for count, fails in ((64, False), (65, True)):
        data = selector + encode(["uint256[]", "address"], [[stream_id] * count, recipient])
        run = boa.env.execute_code(to_address=streams.address, sender=recipient, data=data)
        assert run.is_error == fails


def test_withdraw_from_voided_stream_pays_what_was_covered(streams, make_stream, payer, recipient, usdc):
    stream_id = make_stream(deposit=1_000 * USDC)
    boa.env.time_travel(seconds=5 * DAY)
    with boa.env.prank(payer):
        streams.void(stream_id)
    owed = streams.withdrawable_amount_of(stream_id)
    assert owed > 0
    boa.env.time_travel(seconds=30 * DAY)
    assert streams.withdrawable_amount_of(stream_id) == owed
    with boa.env.prank(recipient):
        assert streams.withdraw_max(stream_id, recipient) == owed
    assert usdc.balanceOf(recipient) == owed
