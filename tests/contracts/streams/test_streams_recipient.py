"""BudgetStreams: set_recipient. The cell (the recipient or a spender-hat wearer)
decides where its budget goes; the payer cannot redirect what it owes."""

from __future__ import annotations

import boa
import pytest
from streams_helpers import DAY, MONTH, USDC, ZERO, events

NOT_THE_CELL = "budget_streams: caller is not the recipient or a spender"


@pytest.mark.parametrize("redirect", ["after void", "after refund_max", "while streaming"])
def test_attack_payer_redirects_streamed_funds_fails(streams, make_stream, payer, recipient, usdc, redirect):
    """The payer points the stream at itself and withdraws what was streamed to the
    cell, undoing void's and refund's promise that the covered debt stays the cell's."""
    stream_id = make_stream(deposit=1_000 * USDC)
    boa.env.time_travel(seconds=10 * DAY)
    with boa.env.prank(payer):
        if redirect == "after void":
            streams.void(stream_id)
        elif redirect == "after refund_max":
            streams.refund_max(stream_id)
    owed = streams.withdrawable_amount_of(stream_id)
    assert owed > 0
    payer_before = usdc.balanceOf(payer)
    with boa.env.prank(payer):
        with boa.reverts(NOT_THE_CELL):
            streams.set_recipient(stream_id, payer)
        with boa.reverts(NOT_THE_CELL):
            streams.withdraw_max(stream_id, payer)
    assert streams.get_stream(stream_id).recipient == recipient
    assert usdc.balanceOf(payer) == payer_before
    # The cell still gets what it was owed (and, while streaming, what accrued since).
    with boa.env.prank(recipient):
        paid = streams.withdraw_max(stream_id, recipient)
    assert paid >= owed and usdc.balanceOf(recipient) == paid


def test_recipient_moves_the_stream(streams, make_stream, recipient, stranger, usdc):
    stream_id = make_stream(deposit=1_000 * USDC)
    boa.env.time_travel(seconds=DAY)
    with boa.env.prank(recipient):
        streams.set_recipient(stream_id, stranger)
    (log,) = events(streams, "RecipientSet")
    assert (log.stream_id, log.recipient) == (stream_id, stranger)
    assert streams.get_stream(stream_id).recipient == stranger
    with boa.env.prank(recipient):
        with boa.reverts(NOT_THE_CELL):
            streams.withdraw_max(stream_id, recipient)
        with boa.reverts(NOT_THE_CELL):
            streams.set_recipient(stream_id, recipient)  # the former recipient has no say left
    with boa.env.prank(stranger):
        assert streams.withdraw_max(stream_id, stranger) == usdc.balanceOf(stranger) > 0


def test_spender_hat_wearer_moves_the_stream(streams, make_stream, recipient, spender, spender_hat, stranger):
    stream_id = make_stream(deposit=1_000 * USDC, hat=spender_hat)
    with boa.env.prank(spender):
        streams.set_recipient(stream_id, stranger)
    assert events(streams, "RecipientSet")[0].recipient == stranger
    assert streams.get_stream(stream_id).recipient == stranger
    boa.env.time_travel(seconds=DAY)
    with boa.env.prank(recipient), boa.reverts(NOT_THE_CELL):
        streams.withdraw_max(stream_id, recipient)
    with boa.env.prank(spender):  # the hat still draws the budget down
        assert streams.withdraw_max(stream_id, spender) > 0


def test_recipient_moves_a_voided_stream_and_its_covered_debt(streams, make_stream, payer, recipient, stranger, usdc):
    stream_id = make_stream(deposit=1_000 * USDC)
    boa.env.time_travel(seconds=DAY)
    with boa.env.prank(payer):
        streams.void(stream_id)
    owed = streams.withdrawable_amount_of(stream_id)
    with boa.env.prank(recipient):
        streams.set_recipient(stream_id, stranger)
    with boa.env.prank(stranger):
        assert streams.withdraw_max(stream_id, stranger) == owed == usdc.balanceOf(stranger)


def test_payer_that_is_the_recipient_moves_its_own_stream(streams, payer, stranger, usdc, rate):
    with boa.env.prank(payer):
        stream_id = streams.create(payer, usdc.address, rate, 0)
        streams.set_recipient(stream_id, stranger)
    assert streams.get_stream(stream_id).recipient == stranger


def test_set_recipient_refusals(streams, make_stream, payer, recipient, stranger, spender, spender_hat):
    plain = make_stream()
    for caller in (payer, stranger, spender):  # the spender wears no hat of this stream
        with boa.env.prank(caller), boa.reverts(NOT_THE_CELL):
            streams.set_recipient(plain, caller)
    with boa.env.prank(recipient):
        with boa.reverts("budget_streams: zero recipient"):
            streams.set_recipient(plain, ZERO)
        with boa.reverts("budget_streams: unknown stream"):
            streams.set_recipient(plain + 1, stranger)
    with_hat = make_stream(hat=spender_hat)
    for caller in (payer, stranger):
        with boa.env.prank(caller), boa.reverts(NOT_THE_CELL):
            streams.set_recipient(with_hat, caller)
    with boa.env.prank(spender), boa.reverts("budget_streams: zero recipient"):
        streams.set_recipient(with_hat, ZERO)


def test_spender_who_lost_the_hat_cannot_move_the_stream(
    streams, make_stream, hats, hats_admin, spender, spender_hat, stranger
):
    stream_id = make_stream(deposit=1_000 * USDC, hat=spender_hat)
    with boa.env.prank(hats_admin):
        hats.setHatWearerStatus(spender_hat, spender, False, True)
    with boa.env.prank(spender), boa.reverts(NOT_THE_CELL):
        streams.set_recipient(stream_id, stranger)


def test_payer_keeps_its_own_remedies(streams, make_stream, payer, recipient, usdc):
    """What the payer may still do when a cell should get no more: void and refund
    what is not owed. The owed part stays the cell's."""
    stream_id = make_stream(deposit=1_000 * USDC)
    boa.env.time_travel(seconds=MONTH // 2)
    with boa.env.prank(payer):
        streams.void(stream_id)
        refunded = streams.refund_max(stream_id)
    with boa.env.prank(recipient):
        paid = streams.withdraw_max(stream_id, recipient)
    assert refunded + paid == 1_000 * USDC and usdc.balanceOf(streams.address) == 0
    assert paid == usdc.balanceOf(recipient) > 0
