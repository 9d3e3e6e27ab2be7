"""opgov.streams on ape's embedded chain: the SDK and the `opgov stream` commands."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from opgov.chain import send
from opgov.cli.main import cli
from opgov.errors import StreamError, TransactionReverted, UnitsError
from opgov.streams import (
    PAUSED_INSOLVENT,
    PAUSED_SOLVENT,
    PENDING,
    STREAMING_INSOLVENT,
    STREAMING_SOLVENT,
    VOIDED,
    StreamsClient,
    _MULTICALL3_ABI,
    deploy_test_token,
)
from opgov.units import DAY, HOUR, MONTH

USDC = 10**6
ZERO = "0x0000000000000000000000000000000000000000"
PER_MONTH_1000 = 1000 * 10**18 // MONTH  # "1000 USDC/month" per second, rounded down
PER_MONTH_1500 = 1500 * 10**18 // MONTH


def _deploy_multicall3(sender):
    """Multicall3's runtime code behind a 12-byte constructor that returns it (no set_code here)."""
    from ape.contracts import ContractContainer
    from ape_ethereum.multicall.constants import MULTICALL3_CODE
    from ethpm_types import ContractType

    code = bytes(MULTICALL3_CODE) if not isinstance(MULTICALL3_CODE, str) else bytes.fromhex(MULTICALL3_CODE[2:])
    n = len(code)
    init = bytes([0x61, n >> 8, n & 0xFF, 0x80, 0x60, 0x0C, 0x60, 0x00, 0x39, 0x60, 0x00, 0xF3]) + code
    contract_type = ContractType.model_validate(
        {"abi": _MULTICALL3_ABI, "contractName": "Multicall3", "deploymentBytecode": {"bytecode": "0x" + init.hex()}}
    )
    return sender.deploy(ContractContainer(contract_type))


@pytest.fixture(scope="session")
def world(accounts):
    """Hats (tree 1: cell hat 1.1, spender hat 1.1.1 worn by `spender`), BudgetStreams, USDC and DAI."""
    from opgov.hats import HatsClient

    treasury, cell, other_cell, spender, supplier, stranger = accounts[:6]
    hats = HatsClient.deploy(treasury)
    top = hats.create_tree(treasury.address, "Org", sender=treasury)
    cell_hat = hats.create_hat(top, "Repair Café", sender=treasury)
    spender_hat = hats.create_hat(cell_hat, "Repair Café spender", sender=treasury)
    hats.mint(spender_hat, spender.address, sender=treasury)
    multicall = _deploy_multicall3(treasury)
    client = StreamsClient.deploy(treasury, hats.address)
    client.multicall = str(multicall.address)
    usdc = deploy_test_token(treasury, "USDC", 6)
    dai = deploy_test_token(treasury, "DAI", 18)
    usdc.mint(treasury.address, 10**9 * USDC, sender=treasury)
    dai.mint(treasury.address, 10**9 * 10**18, sender=treasury)
    return SimpleNamespace(
        hats=hats, client=client, usdc=usdc, dai=dai, treasury=treasury, cell=cell, other_cell=other_cell,
        spender=spender, supplier=supplier, stranger=stranger, spender_hat=spender_hat, cell_hat=cell_hat,
        multicall=str(multicall.address),
    )


def _set_time(timestamp):
    from ape import chain

    chain.pending_timestamp = timestamp


def _agrees_with_contract(client, view):
    c, sid = client.contract, view.id
    assert view.withdrawable == c.withdrawable_amount_of(sid)
    assert view.total_debt == c.total_debt_of(sid)
    assert view.covered_debt == c.covered_debt_of(sid)
    assert view.uncovered_debt == c.uncovered_debt_of(sid)
    assert view.refundable == c.refundable_amount_of(sid)
    assert view.status == c.status_of(sid)
    assert view.streamed == c.streamed_amount_of(sid)
    depletion = c.depletion_time_of(sid)
    if view.depletion_time is None or view.insolvent:
        assert depletion == 0
    else:
        assert view.depletion_time == depletion


# ---------------------------------------------------------------- the SDK


def test_create_deposit_and_read_agree_with_the_contract(world):
    w, told = world, []
    sid = w.client.create(w.cell.address, w.usdc.address, "1500 USDC/month", sender=w.treasury, announce=told.append)
    assert told == [f"create a stream of 1,500.00 USDC/month (a month is 30 days) from {w.treasury.address} "
                    f"to {w.cell.address}; it accrues debt until it is funded"]
    view = w.client.stream(sid)
    assert view.status == PENDING and view.rate_per_second == PER_MONTH_1500
    assert view.rate_text == "1,500.00 USDC/month" and view.token.symbol == "USDC" and view.token.decimals == 6
    assert view.payer == w.treasury.address and view.recipient == w.cell.address
    _set_time(view.snapshot_time + DAY)
    told.clear()
    assert w.client.deposit(sid, "3000 USDC", sender=w.treasury, announce=told.append) == 3000 * USDC
    assert told[0].startswith("approve the BudgetStreams contract") and "3,000.00 USDC" in told[0]
    assert told[1] == f"deposit 3,000.00 USDC into stream {sid & (2**96 - 1)} from {w.treasury.address}"
    told.clear()
    w.client.deposit(sid, "1", sender=w.treasury, announce=told.append)  # allowance is exact: approve again
    assert len(told) == 2
    from ape import chain

    base = chain.blocks.head.timestamp
    for seconds in (10, 3 * HOUR, 20 * DAY, 70 * DAY):
        _set_time(base + seconds)
        w.usdc.mint(w.stranger.address, 1, sender=w.stranger)  # a block at that time, where calls run
        batched = w.client.stream(sid)
        _agrees_with_contract(w.client, batched)
        one_by_one = StreamsClient(w.client.contract, multicall=None).stream(sid)
        assert one_by_one == batched
    assert batched.status == STREAMING_INSOLVENT and batched.runway == 0


def test_runway_and_depletion_match_hand_computation(world):
    w = world
    sid = w.client.create_and_deposit(w.cell.address, w.usdc.address, "1500 USDC/month", "3000 USDC",
                                      sender=w.treasury)
    view = w.client.stream(sid)
    start = view.snapshot_time
    # insolvent from the first second streamed reaches 3,000.000001 USDC (in 18 decimals)
    depletion = start + -(-(3000 * USDC + 1) * 10**12 // PER_MONTH_1500)
    assert view.depletion_time == depletion == w.client.contract.depletion_time_of(sid)
    assert 60 * DAY <= depletion - start <= 60 * DAY + 60  # 3,000 USDC at 1,500 a month: two months
    assert view.runway == depletion - view.now
    _set_time(start + 10 * DAY)
    w.usdc.mint(w.stranger.address, 1, sender=w.stranger)
    view = w.client.stream(sid)
    assert view.runway == depletion - (start + 10 * DAY)
    assert any(line.startswith("  runway: 50 days") for line in view.describe())
    # 10 days at 1,500 a month is 500 USDC owed and withdrawable, 2,500 refundable
    assert view.withdrawable == PER_MONTH_1500 * 10 * DAY // 10**12 == 499_999_999
    assert view.refundable == 3000 * USDC - view.withdrawable


def test_a_month_withdrawn_daily_equals_one_withdrawal_at_the_end(world):
    from ape import chain

    w = world
    w.usdc.approve(w.client.address, 2000 * USDC, sender=w.treasury)
    totals = []
    for daily in (True, False):
        start = chain.blocks.head.timestamp + 100
        _set_time(start)
        sid = w.client.create_and_deposit(w.cell.address, w.usdc.address, "1000 USDC/month", "1000 USDC",
                                          sender=w.treasury)
        assert w.client.stream(sid).snapshot_time == start
        paid = 0
        if daily:
            for day in range(1, 30):
                _set_time(start + day * DAY)
                paid += w.client.withdraw(sid, "max", sender=w.cell)
        _set_time(start + MONTH)
        paid += w.client.withdraw(sid, "max", sender=w.cell)
        assert chain.blocks.head.timestamp == start + MONTH
        assert w.client.stream(sid).withdrawn == paid
        totals.append(paid)
    # a whole month at the rate rounded down to 10^-18 USDC a second
    assert totals[0] == totals[1] == PER_MONTH_1000 * MONTH // 10**12 == 999_999_999


def test_spender_hat_wearer_pays_a_supplier_straight_from_the_stream(world):
    w = world
    sid = w.client.create_and_deposit(w.cell.address, w.usdc.address, "1500 USDC/month", "1500 USDC",
                                      sender=w.treasury, spender_hat=w.spender_hat)
    _set_time(w.client.stream(sid).snapshot_time + 10 * DAY)
    told = []
    paid = w.client.withdraw(sid, "250 USDC", sender=w.spender, to=w.supplier.address, announce=told.append)
    assert paid == 250 * USDC and w.usdc.balanceOf(w.supplier.address) == 250 * USDC
    assert told == [f"withdraw 250.00 USDC from stream {sid & (2**96 - 1)} and pay it to {w.supplier.address}"]
    second = w.client.withdraw(sid, "max", sender=w.cell)
    view = w.client.stream(sid)
    assert view.withdrawn == 250 * USDC + second == view.streamed and view.withdrawable == 0
    assert view.streamed == PER_MONTH_1500 * (view.now - view.snapshot_time) // 10**12
    with pytest.raises(StreamError, match="nor wears its spender hat 1.1.1"):
        w.client.withdraw(sid, "1 USDC", sender=w.stranger)


def test_payer_operations(world):
    from ape import chain

    w = world
    sid = w.client.create(w.cell.address, w.dai.address, "50 DAI/day", sender=w.treasury,
                          deposit="100 DAI")
    view = w.client.stream(sid)
    assert view.rate_text == "1,500.00 DAI/month" and view.status == STREAMING_SOLVENT
    _set_time(view.snapshot_time + DAY)
    w.client.pause(sid, sender=w.treasury)
    view = w.client.stream(sid)
    assert view.status == PAUSED_SOLVENT and view.runway is None
    assert view.total_debt == (50 * 10**18 // DAY) * DAY  # the rate is rounded down to 10^-18 DAI a second
    _set_time(view.snapshot_time + 10 * DAY)
    w.dai.mint(w.stranger.address, 1, sender=w.stranger)
    assert w.client.stream(sid).total_debt == view.total_debt  # paused: nothing accrues
    w.client.restart(sid, "100 DAI/day", sender=w.treasury)
    assert w.client.stream(sid).rate_per_second == 100 * 10**18 // DAY
    w.client.adjust(sid, "2000 DAI/month", sender=w.treasury)
    view = w.client.stream(sid)
    assert view.rate_text == "2,000.00 DAI/month"
    assert w.client.refund(sid, "10 DAI", sender=w.treasury) == 10 * 10**18
    refundable = w.client.stream(sid).refundable
    assert 0 < w.client.refund(sid, "max", sender=w.treasury) <= refundable  # a second later: less
    assert w.client.stream(sid).refundable == 0
    _set_time(chain.blocks.head.timestamp + DAY)
    w.client.set_recipient(sid, w.other_cell.address, sender=w.cell)  # the cell's call, not the payer's
    assert w.client.stream(sid).recipient == w.other_cell.address
    written_off = w.client.void(sid, sender=w.other_cell)
    view = w.client.stream(sid)
    assert view.status == VOIDED and view.runway is None and written_off > 0
    assert view.uncovered_debt == 0 and view.withdrawable == view.balance
    _agrees_with_contract(w.client, view)
    _set_time(chain.blocks.head.timestamp + DAY)
    w.dai.mint(w.stranger.address, 1, sender=w.stranger)
    assert w.client.stream(sid).total_debt == view.total_debt  # a voided stream never accrues


def test_attack_payer_redirects_streamed_funds_fails(world):
    """The payer voids a stream, then tries to point it at itself and take what the
    void promised the cell: the SDK refuses before sending, and the contract reverts."""
    from ape import chain

    w = world
    sid = w.client.create_and_deposit(w.cell.address, w.usdc.address, "1500 USDC/month", "1000 USDC",
                                      sender=w.treasury, spender_hat=w.spender_hat)
    _set_time(w.client.stream(sid).snapshot_time + 10 * DAY)
    w.client.void(sid, sender=w.treasury)
    owed = w.client.stream(sid).withdrawable
    assert owed > 0
    with pytest.raises(StreamError, match="the payer cannot redirect"):
        w.client.set_recipient(sid, w.treasury.address, sender=w.treasury)
    with pytest.raises(TransactionReverted, match="budget_streams: caller is not the recipient or a spender"):
        send(w.client.contract.set_recipient, sid, w.treasury.address, sender=w.treasury)
    before = w.usdc.balanceOf(w.treasury.address)
    _set_time(chain.blocks.head.timestamp + DAY)
    assert w.client.withdraw(sid, "max", sender=w.spender, to=w.supplier.address) == owed
    assert w.usdc.balanceOf(w.treasury.address) == before
    # The cell itself may still send its budget elsewhere.
    w.client.set_recipient(sid, w.other_cell.address, sender=w.spender)
    assert w.client.stream(sid).recipient == w.other_cell.address


def test_a_funded_then_refunded_stream_reads_insolvent_not_pending(world):
    w = world
    # 1 USDC a month is 0.39 base units a second: a second or two later nothing is owed yet
    sid = w.client.create_and_deposit(w.cell.address, w.usdc.address, "1 USDC/month", "1 USDC",
                                      sender=w.treasury)
    assert w.client.refund(sid, "max", sender=w.treasury) == USDC
    view = w.client.stream(sid)
    assert view.balance == view.withdrawn == 0 and view.funded
    _set_time(view.snapshot_time + DAY)
    w.usdc.mint(w.stranger.address, 1, sender=w.stranger)
    view = w.client.stream(sid)
    assert view.status == STREAMING_INSOLVENT and view.uncovered_debt > 0
    _agrees_with_contract(w.client, view)
    unfunded = w.client.stream(w.client.create(w.cell.address, w.usdc.address, "1 USDC/day", sender=w.treasury))
    assert unfunded.status == PENDING and not unfunded.funded


def test_paused_insolvent_and_a_deposit_covers_the_debt(world):
    w = world
    # 86.4 USDC a day is exactly 0.001 USDC a second
    sid = w.client.create_and_deposit(w.cell.address, w.usdc.address, "86.4 USDC/day", "10 USDC", sender=w.treasury)
    _set_time(w.client.stream(sid).snapshot_time + DAY)
    w.client.pause(sid, sender=w.treasury)
    view = w.client.stream(sid)
    assert view.status == PAUSED_INSOLVENT and view.uncovered_debt == 76_400_000 and view.runway is None
    assert "paused, insolvent" in "\n".join(view.describe())
    w.client.deposit(sid, "76.4 USDC", sender=w.treasury)
    view = w.client.stream(sid)
    assert view.status == PAUSED_SOLVENT and view.withdrawable == 86_400_000 and view.refundable == 0


def test_a_cells_streams_together_in_one_batched_read(world, monkeypatch):
    w = world
    a = w.client.create_and_deposit(w.cell.address, w.usdc.address, "1500 USDC/month", "100 USDC", sender=w.treasury)
    b = w.client.create(w.cell.address, w.dai.address, "10 DAI/day", sender=w.treasury)
    c = w.client.create(w.other_cell.address, w.usdc.address, "1 USDC/day", sender=w.treasury,
                        spender_hat=w.spender_hat)
    d = w.client.create(w.other_cell.address, w.usdc.address, "2 USDC/day", sender=w.treasury)
    w.client.set_recipient(d, w.cell.address, sender=w.other_cell)
    w.client.set_recipient(b, w.other_cell.address, sender=w.cell)
    calls = []
    real = w.client._read_batched
    monkeypatch.setattr(w.client, "_read_batched", lambda ids: calls.append(ids) or real(ids))
    views = w.client.streams_of(recipient=w.cell.address)
    assert [v.id for v in views] == [a, d] and len(calls) == 1
    assert [v.id for v in w.client.streams_of(hat=w.spender_hat)] == [c]
    slow = StreamsClient(w.client.contract, multicall=None).streams([a, b, c, d])
    assert slow == w.client.streams([a, b, c, d])
    assert w.client.withdraw_max_many([a, d], sender=w.cell) > 0
    with pytest.raises(StreamError, match="may not withdraw from stream"):
        w.client.withdraw_max_many([a, b], sender=w.cell)


def test_resolve_a_stream_number(world):
    w = world
    sid = w.client.create(w.cell.address, w.usdc.address, "1 USDC/day", sender=w.treasury)
    number = sid & (2**96 - 1)
    assert w.client.resolve(str(number)) == sid == w.client.resolve(str(sid)) == w.client.resolve(hex(sid))
    for bad, match in (("x", "is not a stream"), ("0", "start at 1"), ("999", "no stream 999")):
        with pytest.raises(StreamError, match=match):
            w.client.resolve(bad)


# ---------------------------------------------------------------- refusals before sending


@pytest.fixture
def funded(world):
    """A 1,500 USDC/month stream with 100 USDC, one day old."""
    w = world
    sid = w.client.create_and_deposit(w.cell.address, w.usdc.address, "1500 USDC/month", "100 USDC",
                                      sender=w.treasury, spender_hat=w.spender_hat)
    _set_time(w.client.stream(sid).snapshot_time + DAY)
    w.usdc.mint(w.stranger.address, 1, sender=w.stranger)
    return sid


def _voided(w, sid):
    w.client.void(sid, sender=w.treasury)
    return sid


BAD = [
    ("zero rate", lambda w, s: w.client.create(w.cell.address, w.usdc.address, "0 USDC/month", sender=w.treasury),
     "the rate is zero"),
    ("zero rate int", lambda w, s: w.client.create(w.cell.address, w.usdc.address, 0, sender=w.treasury),
     "the rate is zero"),
    ("rate too high", lambda w, s: w.client.create(w.cell.address, w.usdc.address, 2**88, sender=w.treasury),
     "above the most"),
    ("zero recipient", lambda w, s: w.client.create(ZERO, w.usdc.address, "1 USDC/day", sender=w.treasury),
     "recipient is the zero address"),
    ("wrong symbol", lambda w, s: w.client.create(w.cell.address, w.usdc.address, "1 DAI/day", sender=w.treasury),
     "token is USDC, not DAI"),
    ("not a token", lambda w, s: w.client.create(w.cell.address, w.cell.address, "1 USDC/day", sender=w.treasury),
     "is not a contract"),
    ("no decimals", lambda w, s: w.client.create(w.cell.address, w.client.address, "1 USDC/day", sender=w.treasury),
     "has no decimals"),
    ("24 decimals", lambda w, s: w.client.create(
        w.cell.address, deploy_test_token(w.treasury, "BIG", 24).address, "1 BIG/day", sender=w.treasury),
     "has 24 decimals"),
    ("unknown stream", lambda w, s: w.client.stream(s + 1000), "there is no stream"),
    ("above withdrawable", lambda w, s: w.client.withdraw(s, "60 USDC", sender=w.cell),
     "60.00 USDC is more than the 49.99 USDC withdrawable"),
    ("nothing withdrawable", lambda w, s: w.client.withdraw(
        w.client.create(w.cell.address, w.usdc.address, "1 USDC/day", sender=w.treasury), "max", sender=w.cell),
     "nothing is withdrawable"),
    ("zero withdrawal", lambda w, s: w.client.withdraw(s, "0", sender=w.cell), "withdrawal amount is zero"),
    ("withdraw to zero", lambda w, s: w.client.withdraw(s, "1", sender=w.cell, to=ZERO), "zero address"),
    ("too fine", lambda w, s: w.client.withdraw(s, "0.0000001 USDC", sender=w.cell), "more decimal places"),
    ("not recipient", lambda w, s: w.client.withdraw(s, "1 USDC", sender=w.stranger), "is not the recipient"),
    ("refund above", lambda w, s: w.client.refund(s, "60 USDC", sender=w.treasury),
     "more than the 50.00 USDC refundable"),
    ("nothing refundable", lambda w, s: w.client.refund(
        w.client.create(w.cell.address, w.usdc.address, "1 USDC/day", sender=w.treasury), "max", sender=w.treasury),
     "nothing in stream"),
    ("refund not payer", lambda w, s: w.client.refund(s, "1", sender=w.cell), "only the payer"),
    ("pause not payer", lambda w, s: w.client.pause(s, sender=w.cell), "only the payer"),
    ("adjust not payer", lambda w, s: w.client.adjust(s, "1 USDC/day", sender=w.stranger), "only the payer"),
    ("recipient by payer", lambda w, s: w.client.set_recipient(s, w.treasury.address, sender=w.treasury),
     "is not the recipient of stream .* nor wears its spender hat 1.1.1, so it cannot change where"),
    ("recipient by stranger", lambda w, s: w.client.set_recipient(s, w.stranger.address, sender=w.stranger),
     "is not the recipient"),
    ("recipient zero", lambda w, s: w.client.set_recipient(s, ZERO, sender=w.cell), "zero address"),
    ("void stranger", lambda w, s: w.client.void(s, sender=w.stranger), "neither the payer nor the recipient"),
    ("deposit voided", lambda w, s: w.client.deposit(_voided(w, s), "1 USDC", sender=w.treasury), "is voided"),
    ("pause voided", lambda w, s: w.client.pause(_voided(w, s), sender=w.treasury), "is voided"),
    ("adjust voided", lambda w, s: w.client.adjust(_voided(w, s), "1 USDC/day", sender=w.treasury), "is voided"),
    ("void voided", lambda w, s: w.client.void(_voided(w, s), sender=w.treasury), "is voided"),
    ("restart voided", lambda w, s: w.client.restart(_voided(w, s), "1 USDC/day", sender=w.treasury), "is voided"),
    ("restart streaming", lambda w, s: w.client.restart(s, "1 USDC/day", sender=w.treasury), "is not paused"),
    ("adjust paused", lambda w, s: (w.client.pause(s, sender=w.treasury),
                                    w.client.adjust(s, "1 USDC/day", sender=w.treasury)), "is paused"),
    ("pause paused", lambda w, s: (w.client.pause(s, sender=w.treasury), w.client.pause(s, sender=w.treasury)),
     "already paused"),
    ("same rate", lambda w, s: w.client.adjust(s, "1500 USDC/month", sender=w.treasury), "already streams"),
    ("deposit short", lambda w, s: w.client.deposit(s, "5 USDC", sender=w.stranger), "less than the 5.00 USDC"),
    ("deposit zero", lambda w, s: w.client.deposit(s, "0 USDC", sender=w.treasury), "deposit amount is zero"),
    ("batch too big", lambda w, s: w.client.withdraw_max_many([s] * 65, sender=w.cell), "1 to 64"),
    ("list nobody", lambda w, s: w.client.streams_of(), "say whose streams"),
]


@pytest.mark.parametrize("case, action, match", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_before_sending(world, funded, case, action, match):
    with pytest.raises(UnitsError if case == "too fine" else StreamError, match=match):
        action(world, funded)


def test_reverts_that_still_happen_carry_the_contracts_reason(world, funded):
    w = world
    with pytest.raises(TransactionReverted, match="budget_streams: amount above withdrawable"):
        send(w.client.contract.withdraw, funded, w.cell.address, 10**12, sender=w.cell)
    with pytest.raises(TransactionReverted, match="budget_streams: caller is not the recipient or a spender"):
        send(w.client.contract.withdraw, funded, w.cell.address, 1, sender=w.stranger)


# ---------------------------------------------------------------- the CLI


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture
def recorded(world):
    """The world's contracts in the embedded chain's deployments record (tests roll the chain back)."""
    from opgov.deployments import Deployments

    record = Deployments.for_connected_network()
    saved = dict(record.records)
    record.record("Hats", world.hats.address)
    record.record("BudgetStreams", world.client.address)
    record.record("TestToken", str(world.usdc.address))
    yield record
    record.records.clear()
    record.records.update(saved)


def test_cli_stream_story(world, recorded):
    w = world
    code, out = run("stream", "deploy")
    assert code == 0 and "→ deploy a BudgetStreams contract" in out and w.hats.address in out, out
    code, out = run("stream", "create", w.cell.address, "1500 USDC/month", "--deposit", "3000 USDC",
                    "--spender-hat", "1.1.1")
    assert code == 0, out
    assert "→ approve the BudgetStreams contract" in out
    assert ("→ create a stream of 1,500.00 USDC/month (a month is 30 days) from "
            f"{w.treasury.address} to {w.cell.address}; wearers of Repair Café spender (hat 1.1.1) may also "
            "withdraw, funded with 3,000.00 USDC") in out
    assert "created stream #1 (Repair Café spender's budget)" in out  # the hat's details name it
    from ape import chain

    _set_time(chain.blocks.head.timestamp + 10 * DAY)
    code, out = run("stream", "show", "1")
    assert code == 0, out
    assert "status: streaming, solvent" in out and "rate: 1,500.00 USDC/month" in out
    assert "balance: 3,000.00 USDC" in out and "withdrawable now: 499.99 USDC" in out
    assert re.search(r"runway: (49 days 23 hours|50 days) \(runs out 20", out), out
    code, out = run("stream", "withdraw", "1", "200 USDC", "--to", w.supplier.address, "--account", "TEST::3")
    assert code == 0, out
    assert f"→ withdraw 200.00 USDC from stream 1 and pay it to {w.supplier.address}" in out
    assert f"paid 200.00 USDC to {w.supplier.address}" in out
    code, out = run("stream", "deposit", "1", "500 USDC")
    assert code == 0 and "→ deposit 500.00 USDC into stream 1" in out, out
    code, out = run("stream", "adjust", "1", "2000 USDC/month")
    assert code == 0 and "from 1,500.00 USDC/month to 2,000.00 USDC/month" in out, out
    code, out = run("stream", "pause", "1")
    assert code == 0 and "→ pause stream 1" in out and "paused, solvent" in out, out
    code, out = run("stream", "restart", "1", "1000 USDC/month")
    assert code == 0 and "→ restart stream 1 at 1,000.00 USDC/month" in out, out
    code, out = run("stream", "refund", "1", "100 USDC")
    assert code == 0 and "→ refund 100.00 USDC from stream 1 to the payer" in out, out
    code, out = run("stream", "list", "--recipient", w.cell.address)
    assert code == 0 and "1 stream for" in out and "stream #1 (Repair Café spender's budget): 1,000.00 USDC/month" in out
    code, out = run("stream", "list", "--hat", "1.1.1")
    assert code == 0 and "1 stream for Repair Café spender (hat 1.1.1)" in out and "in all (USDC)" in out, out
    code, out = run("stream", "set-recipient", "1", w.other_cell.address)  # the treasury: refused
    assert code != 0 and "cannot change where the stream pays" in out, out
    code, out = run("stream", "set-recipient", "1", w.other_cell.address, "--account", "TEST::1")
    assert code == 0 and f"now pays {w.other_cell.address}" in out, out
    code, out = run("stream", "void", "1")
    assert code == 0 and "→ void stream 1 for good" in out and "voided" in out, out
    code, out = run("stream", "refund", "1", "max")
    assert code == 0 and "refunded" in out, out
    code, out = run("stream", "withdraw", "1", "max", "--account", "TEST::2")
    assert code == 0 and "paid" in out, out
    code, out = run("stream", "list", "--recipient", w.stranger.address)
    assert code == 0 and "no streams for" in out, out


def test_cli_test_token(world, recorded):
    code, out = run("stream", "test-token", "--symbol", "EURC", "--decimals", "6", "--mint", "1000")
    assert code == 0 and "→ mint 1,000.00 EURC" in out and "test token EURC deployed" in out, out


CLI_BAD = [
    (("create", "{cell}", "0 USDC/month"), "the rate is zero"),
    (("create", "{zero}", "1 USDC/day"), "recipient is the zero address"),
    (("create", "{cell}", "1 DAI/day"), "token is USDC, not DAI"),
    (("create", "{cell}", "lots"), "cannot read 'lots' as a rate"),
    (("show", "77"), "there is no stream 77"),
    (("show", "abc"), "is not a stream"),
    (("withdraw", "1", "60 USDC", "--account", "TEST::1"), "withdraw at most 49.99 USDC"),
    (("withdraw", "1", "1 USDC", "--account", "TEST::5"), "is not the recipient of stream 1"),
    (("refund", "1", "60 USDC"), "more than the 50.00 USDC refundable"),
    (("pause", "1", "--account", "TEST::1"), "only the payer"),
    (("void", "1", "--account", "TEST::5"), "neither the payer nor the recipient"),
    (("list",), "--recipient"),
]


@pytest.mark.parametrize("args, message", CLI_BAD, ids=[" ".join(a[0][:2]) + f" {i}" for i, a in enumerate(CLI_BAD)])
def test_cli_bad_input_is_one_line_and_non_zero(world, recorded, args, message):
    w = world
    sid = w.client.create_and_deposit(w.cell.address, w.usdc.address, "1500 USDC/month", "100 USDC",
                                      sender=w.treasury)
    assert sid & (2**96 - 1) == 1
    _set_time(w.client.stream(sid).snapshot_time + DAY)
    w.usdc.mint(w.stranger.address, 1, sender=w.stranger)
    filled = [a.format(cell=w.cell.address, zero=ZERO) for a in args]
    code, out = run("stream", *filled)
    assert code != 0
    assert message in out, out
    assert "Traceback" not in out
    assert len([line for line in out.splitlines() if line.startswith("error:")]) == 1 or "Usage" in out


def test_cli_voided_stream_refuses_deposit(world, recorded):
    w = world
    sid = w.client.create_and_deposit(w.cell.address, w.usdc.address, "1 USDC/day", "10 USDC", sender=w.treasury)
    w.client.void(sid, sender=w.treasury)
    code, out = run("stream", "deposit", "1", "5 USDC")
    assert code == 1 and "stream 1 is voided, so you cannot deposit into it" in out and "→" not in out, out


def test_cli_without_a_streams_contract_says_how_to_get_one(world, recorded):
    recorded.records.pop("BudgetStreams")
    code, out = run("stream", "show", "1")
    assert code == 1 and "no BudgetStreams contract" in out and "opgov stream deploy" in out, out
