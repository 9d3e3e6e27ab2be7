"""Execution through the real Safe: exact actions, timing, domain, spending limits, failures."""

from __future__ import annotations

import boa
from consent_world import APPROVE, DAY, ETHER, EXECUTED, EXPIRED, MOCKS, PASSED, TRANSFER, deploy, travel

TOKENS = 10**18


def events(contract, name):
    return [e for e in contract.get_logs() if type(e).__name__ == name]


def passed(world, actions, who="alice", cell=None):
    pid = world.propose(actions, who=world.people[who], cell=cell)
    world.until_closed(pid)
    assert world.state(pid) == PASSED
    return pid


def test_execute_pays_through_the_safe(world):
    supplier = world.people["mallory"]
    actions = [world.pay(supplier, 100 * TOKENS), world.poke(7)]
    pid = passed(world, actions)
    safe_before = world.token.balanceOf(world.safe.address)
    keeper = boa.env.generate_address("keeper")
    with boa.env.prank(keeper):
        world.module.execute(pid, actions)
    (ev,) = events(world.module, "ProposalExecuted")
    assert (ev.proposal_id, ev.executed_by) == (pid, keeper)
    assert world.token.balanceOf(supplier) == 100 * TOKENS
    assert world.token.balanceOf(world.safe.address) == safe_before - 100 * TOKENS
    assert world.target.calls() == 7 and world.target.last_sender() == world.safe.address
    assert world.state(pid) == EXECUTED
    assert world.module.spent(world.ops, world.token.address) == 100 * TOKENS
    assert world.module.cell(world.ops).active == 0


def test_execute_reverts_on_timing_and_identity(world):
    actions = [world.pay(world.people["mallory"], TOKENS)]
    with boa.reverts("consent: unknown proposal"):
        world.module.execute(1, actions)
    pid = world.propose(actions)
    with boa.reverts("consent: consent window is still open"):
        world.module.execute(pid, actions)
    world.until_closed(pid)
    with boa.reverts("consent: actions do not match the proposal"):
        world.module.execute(pid, [world.pay(world.people["mallory"], 2 * TOKENS)])
    with boa.reverts("consent: actions do not match the proposal"):
        world.module.execute(pid, actions + [world.poke()])
    world.until_deadline(pid)
    with boa.reverts("consent: execution window has ended"):
        world.module.execute(pid, actions)


def test_execute_only_once(world):
    actions = [world.pay(world.people["mallory"], TOKENS)]
    pid = passed(world, actions)
    world.module.execute(pid, actions)
    with boa.reverts("consent: proposal was already executed"):
        world.module.execute(pid, actions)
    assert world.token.balanceOf(world.people["mallory"]) == TOKENS


def test_execute_refused_when_not_executable(world):
    actions = [world.pay(world.people["mallory"], TOKENS)]
    pid = passed(world, actions)
    with boa.env.prank(world.people["alice"]):
        world.module.cancel(pid)
    with boa.reverts("consent: proposal is not executable"):
        world.module.execute(pid, actions)


def test_execute_refused_while_paused(world):
    actions = [world.pay(world.people["mallory"], TOKENS)]
    pid = passed(world, actions)
    world.as_safe("pause")
    with boa.reverts("consent: module is paused"):
        world.module.execute(pid, actions)
    world.as_safe("unpause")
    world.module.execute(pid, actions)


def test_a_failing_action_reverts_everything_and_can_be_retried(world):
    supplier = world.people["mallory"]
    actions = [world.pay(supplier, 5 * TOKENS), world.poke(1)]
    pid = passed(world, actions)
    world.target.set_fail(True)
    with boa.reverts("consent: action failed"):
        world.module.execute(pid, actions)
    assert world.token.balanceOf(supplier) == 0
    assert world.module.spent(world.ops, world.token.address) == 0
    assert world.state(pid) == PASSED
    world.target.set_fail(False)
    world.module.execute(pid, actions)
    assert world.token.balanceOf(supplier) == 5 * TOKENS and world.target.calls() == 1


def test_a_token_that_returns_false_reverts(world):
    actions = [world.pay(world.people["mallory"], TOKENS)]
    pid = passed(world, actions)
    world.token.set_return_false(True)
    with boa.reverts("consent: token call returned false"):
        world.module.execute(pid, actions)
    world.token.set_return_false(False)
    world.module.execute(pid, actions)


def test_a_token_transfer_that_reverts(world):
    # more than the Safe holds: the token reverts, so does the execution
    world.as_safe("set_spend_limit", world.ops, world.token.address, 2**107 - 1, 30 * DAY)
    actions = [world.pay(world.people["mallory"], 10**31)]
    pid = passed(world, actions)
    with boa.reverts("consent: action failed"):
        world.module.execute(pid, actions)


def test_call_outside_the_domain(world):
    other = deploy(MOCKS / "ConsentTarget.vy")
    actions = [(other.address, 0, other.poke.prepare_calldata(1))]
    pid = passed(world, actions)
    with boa.reverts("consent: call outside the cell's domain, escalate the proposal"):
        world.module.execute(pid, actions)
    # an allowed target with another selector is outside too
    actions = [(world.target.address, 0, world.target.set_fail.prepare_calldata(True))]
    pid = passed(world, actions)
    with boa.reverts("consent: call outside the cell's domain, escalate the proposal"):
        world.module.execute(pid, actions)


def test_token_call_data_too_short(world):
    actions = [(world.token.address, 0, TRANSFER + b"\x00" * 10)]
    pid = passed(world, actions)
    with boa.reverts("consent: token call data is too short"):
        world.module.execute(pid, actions)


def test_spending_limit_within_a_period_and_across_periods(world):
    world.as_safe("set_cell", world.ops, world.ops_proposer, 3_600, 7 * DAY, world.council, 3)
    supplier = world.people["mallory"]
    token = world.token.address
    start = world.module.spend_limit(world.ops, token)[2]
    a = [world.pay(supplier, 1_000 * TOKENS)]
    b = [world.pay(supplier, 600 * TOKENS)]
    c = [world.pay(supplier, 500 * TOKENS)]
    pa, pb, pc = world.propose(a), world.propose(b), world.propose(c)
    world.until_closed(pc)
    world.module.execute(pa, a)
    # 1,000 + 600 > 1,500 in this period
    with boa.reverts("consent: over the cell's spending limit, escalate"):
        world.module.execute(pb, b)
    world.module.execute(pc, c)
    assert world.module.spent(world.ops, token) == 1_500 * TOKENS
    with boa.env.prank(world.people["alice"]):
        world.module.cancel(pb)
    # the next 30-day period starts exactly at start + 30 days
    boa.env.time_travel(seconds=start + 30 * DAY - 3_700 - boa.env.timestamp)
    d = [world.pay(supplier, 1)]
    pd = world.propose(d)
    boa.env.time_travel(seconds=start + 30 * DAY - 1 - boa.env.timestamp)
    assert world.state(pd) == PASSED
    with boa.reverts("consent: over the cell's spending limit, escalate"):
        world.module.execute(pd, d)
    travel(1)
    assert world.module.spent(world.ops, token) == 0
    assert world.module.spend_limit(world.ops, token)[2] == start + 30 * DAY
    world.module.execute(pd, d)
    assert world.module.spent(world.ops, token) == 1
    # several periods later the spent amount starts from zero again
    travel(95 * DAY)
    assert world.module.spent(world.ops, token) == 0
    assert world.module.spend_limit(world.ops, token)[2] == start + 120 * DAY
    e = [world.pay(supplier, 1_500 * TOKENS)]
    pe = world.propose(e)
    world.until_closed(pe)
    world.module.execute(pe, e)
    assert world.module.spent(world.ops, token) == 1_500 * TOKENS


def test_spending_counts_every_action_of_a_proposal(world):
    supplier = world.people["mallory"]
    actions = [world.pay(supplier, 800 * TOKENS), world.pay(supplier, 800 * TOKENS)]
    pid = passed(world, actions)
    with boa.reverts("consent: over the cell's spending limit, escalate"):
        world.module.execute(pid, actions)


def test_approve_counts_against_the_token_budget(world):
    world.as_safe("allow_call", world.ops, world.token.address, APPROVE, True)
    spender = world.people["mallory"]
    ok = [(world.token.address, 0, world.token.approve.prepare_calldata(spender, 1_000 * TOKENS))]
    too_much = [(world.token.address, 0, world.token.approve.prepare_calldata(spender, 501 * TOKENS))]
    p1, p2 = passed(world, ok), world.propose(too_much)
    world.module.execute(p1, ok)
    assert world.token.allowance(world.safe.address, spender) == 1_000 * TOKENS
    world.until_closed(p2)
    with boa.reverts("consent: over the cell's spending limit, escalate"):
        world.module.execute(p2, too_much)


def test_unlimited_token_is_denied_by_default(world):
    other = deploy(MOCKS / "ConsentToken.vy")
    other.mint(world.safe.address, 10**24)
    world.as_safe("allow_call", world.ops, other.address, TRANSFER, True)
    actions = [world.pay(world.people["mallory"], 1, token=other)]
    pid = passed(world, actions)
    with boa.reverts("consent: over the cell's spending limit, escalate"):
        world.module.execute(pid, actions)
    # a zero-amount transfer spends nothing
    zero = [world.pay(world.people["mallory"], 0, token=other)]
    pid = passed(world, zero)
    world.module.execute(pid, zero)


def test_ether_value_is_limited(world):
    recipient = world.people["mallory"]
    world.as_safe("allow_call", world.ops, recipient, b"\x00\x00\x00\x00", True)
    send = [(recipient, 10**18, b"")]
    pid = passed(world, send)
    with boa.reverts("consent: over the cell's spending limit, escalate"):
        world.module.execute(pid, send)
    world.as_safe("set_spend_limit", world.ops, ETHER, 2 * 10**18, 7 * DAY)
    before = boa.env.get_balance(recipient)
    world.module.execute(pid, send)
    assert boa.env.get_balance(recipient) == before + 10**18
    assert world.module.spent(world.ops, ETHER) == 10**18
    # ether with a call counts too
    poke = [world.poke(1, value=2 * 10**18)]
    pid = passed(world, poke)
    with boa.reverts("consent: over the cell's spending limit, escalate"):
        world.module.execute(pid, poke)


def test_plain_transfer_needs_the_empty_selector(world):
    recipient = world.people["mallory"]
    world.as_safe("set_spend_limit", world.ops, ETHER, 10**18, 7 * DAY)
    send = [(recipient, 1, b"")]
    pid = passed(world, send)
    with boa.reverts("consent: call outside the cell's domain, escalate the proposal"):
        world.module.execute(pid, send)
    world.as_safe("allow_call", world.ops, recipient, b"\x00\x00\x00\x00", True)
    world.module.execute(pid, send)


def test_removed_cell_proposals_expire(world):
    # a cell can only be removed without live proposals, so remove the holder by moving
    # ops under the root, then check that a proposal held by a removed cell is expired
    pid = world.propose([world.pay(world.people["mallory"], 1)])
    world.object(pid, "bob")
    world.until_closed(pid)
    world.escalate(pid)
    world.as_safe("set_cell", world.ops, world.ops_proposer, 3 * DAY, 7 * DAY, 0, 3)
    world.as_safe("remove_cell", world.council)
    assert world.state(pid) == EXPIRED
    world.until_closed(pid)
    with boa.reverts("consent: the cell holding the proposal was removed"):
        world.module.execute(pid, [world.pay(world.people["mallory"], 1)])
    with boa.reverts("consent: proposal has expired"):
        world.escalate(pid)
    world.module.clear(pid)
    assert world.module.cell(world.ops).active == 0
