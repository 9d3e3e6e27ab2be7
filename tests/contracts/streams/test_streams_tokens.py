"""BudgetStreams with awkward tokens: no-bool (USDT), fee-on-transfer, false-returning,
more than 18 decimals, and a malicious reentrant token."""

from __future__ import annotations

import boa
from streams_helpers import DAY, E18, USDC, events, load_mock


def test_usdt_style_token_works(streams, make_stream, payer, recipient, usdt):
    stream_id = make_stream(deposit=1_000 * USDC, token=usdt)
    with boa.env.prank(payer):
        streams.deposit(stream_id, 1_000 * USDC)
    boa.env.time_travel(seconds=DAY)
    with boa.env.prank(recipient):
        paid = streams.withdraw_max(stream_id, recipient)
    assert usdt.balanceOf(recipient) == paid > 0
    before = usdt.balanceOf(payer)
    with boa.env.prank(payer):
        refunded = streams.refund_max(stream_id)
    assert usdt.balanceOf(payer) == before + refunded
    assert refunded + paid == 2_000 * USDC - streams.withdrawable_amount_of(stream_id)
    assert usdt.balanceOf(streams.address) == streams.get_stream(stream_id).balance


def test_fee_on_transfer_token_is_refused(streams, payer, recipient):
    """The deposit books the balance before the token call; a short delivery undoes it."""
    fee = load_mock("StreamsFeeToken.vy")
    fee.mint(payer, 100 * E18)
    with boa.env.prank(payer):
        fee.approve(streams.address, 100 * E18)
        stream_id = streams.create(recipient, fee.address, E18, 0)
        with boa.reverts("budget_streams: token delivered less than the amount sent"):
            streams.deposit(stream_id, 100 * E18)
    assert streams.get_stream(stream_id).balance == 0 == fee.balanceOf(streams.address)
    with boa.env.prank(payer):
        with boa.reverts("budget_streams: token delivered less than the amount sent"):
            streams.create_and_deposit(recipient, fee.address, E18, 0, 100 * E18)


def test_false_returning_token_is_refused(streams, payer, recipient):
    token = load_mock("StreamsFalseToken.vy")
    token.mint(payer, 100 * E18)
    with boa.env.prank(payer):
        token.approve(streams.address, 100 * E18)
        stream_id = streams.create_and_deposit(recipient, token.address, E18, 0, 50 * E18)
    boa.env.time_travel(seconds=10)
    token.set_fail(True)
    with boa.env.prank(payer), boa.reverts("budget_streams: transfer failed"):
        streams.deposit(stream_id, E18)
    with boa.env.prank(recipient), boa.reverts("budget_streams: transfer failed"):
        streams.withdraw_max(stream_id, recipient)
    with boa.env.prank(payer), boa.reverts("budget_streams: transfer failed"):
        streams.refund_max(stream_id)


def test_zero_decimal_token_streams_whole_units(streams, make_stream, payer, recipient):
    token = load_mock("StreamsERC20.vy", "WHOLE", 0)
    token.mint(payer, 1_000)
    with boa.env.prank(payer):
        token.approve(streams.address, 1_000)
    stream_id = make_stream(deposit=1_000, token=token, per_second=E18 // 3)  # a third a second
    boa.env.time_travel(seconds=10)
    assert streams.withdrawable_amount_of(stream_id) == 3
    boa.env.time_travel(seconds=2)
    assert streams.withdrawable_amount_of(stream_id) == 3  # 12/3 - 1e-18 rounds down
    boa.env.time_travel(seconds=1)
    assert streams.withdrawable_amount_of(stream_id) == 4


def _reentrant_stream(streams, payer):
    """A stream paid in the malicious token whose recipient is the token itself."""
    evil = load_mock("StreamsReentrantToken.vy")
    evil.mint(payer, 1_000 * E18)
    with boa.env.prank(payer):
        evil.approve(streams.address, 1_000 * E18)
        stream_id = streams.create_and_deposit(evil.address, evil.address, E18, 0, 100 * E18)
    boa.env.time_travel(seconds=10)
    return evil, stream_id


def test_reentrant_withdraw_during_withdraw_is_refused(streams, payer):
    evil, stream_id = _reentrant_stream(streams, payer)
    sink = boa.env.generate_address("sink")
    again = streams.withdraw_max.prepare_calldata(stream_id, sink)
    evil.arm(streams.address, again)
    evil.call(streams.address, streams.withdraw_max.prepare_calldata(stream_id, sink))
    assert evil.attempted() and not evil.reentry_succeeded()
    assert evil.balanceOf(sink) == 10 * E18  # paid once
    assert evil.balanceOf(streams.address) == streams.get_stream(stream_id).balance == 90 * E18


def test_reentrant_calls_during_deposit_are_refused(streams, payer):
    evil, stream_id = _reentrant_stream(streams, payer)
    sink = boa.env.generate_address("sink")
    for payload in (
        streams.withdraw_max.prepare_calldata(stream_id, sink),
        streams.deposit.prepare_calldata(stream_id, E18),
        streams.batch_withdraw_max.prepare_calldata([stream_id], sink),
    ):
        evil.arm(streams.address, payload)
        with boa.env.prank(payer):
            streams.deposit(stream_id, E18)
        assert evil.attempted() and not evil.reentry_succeeded()
    assert evil.balanceOf(sink) == 0
    assert evil.balanceOf(streams.address) == streams.get_stream(stream_id).balance == 103 * E18


def test_reentrant_refund_during_refund_is_refused(streams, payer):
    evil = load_mock("StreamsReentrantToken.vy")
    evil.mint(evil.address, 1_000 * E18)
    # The token is the payer here: it creates and funds a stream through `call`.
    evil.call(evil.address, evil.approve.prepare_calldata(streams.address, 1_000 * E18))
    create = streams.create_and_deposit.prepare_calldata(payer, evil.address, 1, 0, 100 * E18)
    stream_id = int.from_bytes(evil.call(streams.address, create)[:32], "big")
    evil.arm(streams.address, streams.refund.prepare_calldata(stream_id, 10 * E18))
    evil.call(streams.address, streams.refund.prepare_calldata(stream_id, 10 * E18))
    assert evil.attempted() and not evil.reentry_succeeded()
    assert evil.balanceOf(streams.address) == streams.get_stream(stream_id).balance == 90 * E18


def test_reentrancy_guard_reverts_without_data(streams, payer):
    evil, stream_id = _reentrant_stream(streams, payer)
    evil.arm(streams.address, streams.refund_max.prepare_calldata(stream_id))
    with boa.env.prank(payer):
        streams.deposit(stream_id, E18)
    assert not evil.reentry_succeeded()
    # Vyper's lock check reverts with no reason; without the lock this call would
    # have reverted with "budget_streams: caller is not the payer".
    assert evil.reentry_error() == b""


def test_attack_deposit_lands_on_a_voided_stream_fails(streams, payer):
    """A token whose transferFrom calls back into `void` (here as the recipient)
    voids an insolvent stream in the middle of a deposit. Before the fix, void saw
    the old balance and wrote off the debt the deposit was paying, and the deposit
    then landed on the voided stream as refundable to the payer."""
    evil, stream_id = _reentrant_stream(streams, payer)  # 100 tokens, 1 a second, 10 s old
    boa.env.time_travel(seconds=120)  # owes 130: 30 uncovered
    evil.arm(streams.address, streams.void.prepare_calldata(stream_id))
    with boa.env.prank(payer):
        streams.deposit(stream_id, 50 * E18)
    assert evil.attempted()
    # The void ran after the deposit was booked, exactly as if it had come next:
    # the deposit covered the debt, nothing was written off, the cell keeps it all.
    logs = [log for log in events(streams) if type(log).__name__ in ("Deposited", "Voided")]
    assert [type(log).__name__ for log in logs] == ["Deposited", "Voided"]
    assert logs[1].written_off == 0
    s = streams.get_stream(stream_id)
    assert s.voided and s.balance == 150 * E18 == evil.balanceOf(streams.address)
    assert streams.withdrawable_amount_of(stream_id) == 130 * E18
    assert streams.refundable_amount_of(stream_id) == 20 * E18
    assert streams.uncovered_debt_of(stream_id) == 0


def test_attack_deposit_lands_on_a_voided_stream_matches_deposit_then_void(streams, payer):
    """The same reentrant void leaves every figure as a deposit followed by a void."""
    figures = []
    for reenter in (True, False):
        with boa.env.anchor():
            evil, stream_id = _reentrant_stream(streams, payer)
            boa.env.time_travel(seconds=120)
            if reenter:
                evil.arm(streams.address, streams.void.prepare_calldata(stream_id))
                with boa.env.prank(payer):
                    streams.deposit(stream_id, 50 * E18)
            else:
                with boa.env.prank(payer):
                    streams.deposit(stream_id, 50 * E18)
                evil.call(streams.address, streams.void.prepare_calldata(stream_id))
            figures.append((
                tuple(streams.get_stream(stream_id)),
                streams.withdrawable_amount_of(stream_id),
                streams.refundable_amount_of(stream_id),
                evil.balanceOf(streams.address),
            ))
    assert figures[0] == figures[1]
