"""The sociocratic loop, escalation to the parent cell and to the Safe, approval and veto."""

from __future__ import annotations

import boa
from consent_world import (
    DAY, ESCALATED, EXECUTED, EXPIRED, OBJECTED, OPEN, PASSED, PENDING, SUPERSEDED, VETOED, TRANSFER, travel,
)

TOKENS = 10**18


def events(contract, name):
    return [e for e in contract.get_logs() if type(e).__name__ == name]


def test_full_sociocratic_loop(world):
    """Propose, object with a reason, amend, consent (no objection), execute."""
    supplier = world.people["mallory"]
    first = [world.pay(supplier, 1_200 * TOKENS)]
    pid = world.propose(first)
    assert world.state(pid) == OPEN
    world.object(pid, "bob", reason="pay half now and half on delivery")
    assert world.state(pid) == OBJECTED
    travel(DAY)
    amended = [world.pay(supplier, 600 * TOKENS)]
    with boa.env.prank(world.people["alice"]):
        new = world.module.amend(pid, amended, "half now, as bob suggested")
    assert world.state(pid) == SUPERSEDED and world.state(new) == OPEN
    world.until_closed(new)
    assert world.state(new) == PASSED
    world.execute(new, amended)
    assert world.state(new) == EXECUTED
    assert world.token.balanceOf(supplier) == 600 * TOKENS


def test_objection_resolved_by_withdrawal(world):
    actions = [world.pay(world.people["mallory"], TOKENS)]
    pid = world.propose(actions)
    world.object(pid, "carol")
    travel(DAY)
    world.withdraw(pid, "carol")
    world.until_closed(pid)
    world.execute(pid, actions)
    assert world.state(pid) == EXECUTED


def test_escalation_to_the_parent_cell(world):
    """An objection stands at window end; the council consents; the council's domain applies."""
    supplier = world.people["mallory"]
    big = [world.pay(supplier, 5_000 * TOKENS)]  # above ops' 1,500 but within the council's 10,000
    pid = world.propose(big)
    world.object(pid, "bob")
    world.until_closed(pid)
    world.escalate(pid)
    (ev,) = events(world.module, "ProposalEscalated")
    assert (ev.proposal_id, ev.from_cell, ev.to_cell) == (pid, world.ops, world.council)
    assert ev.closes_at == boa.env.timestamp + 2 * DAY
    p = world.module.proposal(pid)
    assert (p.state, p.round, p.holder, p.cell, p.objections) == (ESCALATED, 1, world.council, world.ops, 0)
    assert p.deadline == p.closes_at + 3 * DAY
    # the ops objection does not carry over; ops members cannot object in the council window
    assert world.module.objection(pid, world.people["bob"]) == (b"\x00" * 32, False)
    with boa.env.prank(world.people["carol"]), boa.reverts("consent: hat is not an objector hat of the cell"):
        world.module.object(pid, world.ops_objector, "no")
    with boa.reverts("consent: consent window is still open"):
        world.module.execute(pid, big)
    world.until_closed(pid)
    assert world.state(pid) == PASSED
    world.execute(pid, big)
    assert world.token.balanceOf(supplier) == 5_000 * TOKENS
    assert world.module.spent(world.council, world.token.address) == 5_000 * TOKENS
    assert world.module.spent(world.ops, world.token.address) == 0
    assert world.module.cell(world.ops).active == 0


def test_out_of_domain_proposal_escalated_without_objection(world):
    big = [world.pay(world.people["mallory"], 2_000 * TOKENS)]
    pid = world.propose(big)
    world.until_closed(pid)
    with boa.reverts("consent: over the cell's spending limit, escalate"):
        world.module.execute(pid, big)
    with boa.env.prank(world.people["alex"]):  # any wearer of the proposer hat may escalate
        world.module.escalate(pid)
    world.until_closed(pid)
    world.execute(pid, big)
    assert world.state(pid) == EXECUTED


def test_parent_objection_then_safe_approval_through_signed_safe_tx(world):
    """Escalate twice: ops -> council (objection stands) -> the Safe, approved by 2 of 3 signers."""
    target = world.target
    actions = [(target.address, 0, target.set_fail.prepare_calldata(False))]  # outside every domain
    pid = world.propose(actions)
    world.until_closed(pid)
    world.escalate(pid)
    world.object(pid, "dave", hat=world.council_objector, reason="the Safe's signers should decide")
    assert world.state(pid) == OBJECTED
    world.until_closed(pid)
    world.escalate(pid)
    (ev,) = events(world.module, "ProposalEscalated")
    assert (ev.from_cell, ev.to_cell, ev.closes_at) == (world.council, 0, 0)
    assert world.state(pid) == PENDING
    assert world.module.proposal(pid).deadline == 0
    with boa.reverts("consent: proposal is not executable"):
        world.module.execute(pid, actions)
    # pending has no deadline: it waits for the signers
    travel(30 * DAY)
    assert world.state(pid) == PENDING
    assert world.safe_tx("approve", pid)
    assert world.state(pid) == PASSED
    p = world.module.proposal(pid)
    assert p.closes_at == boa.env.timestamp and p.deadline == boa.env.timestamp + 3 * DAY and p.objections == 0
    world.execute(pid, actions)
    assert world.state(pid) == EXECUTED


def test_approved_proposal_expires(world):
    actions = [world.poke(1)]
    pid = world.propose(actions, who=world.people["erin"], cell=world.council)
    world.until_closed(pid)
    world.escalate(pid, who="erin")
    world.as_safe("approve", pid)
    (ev,) = events(world.module, "ProposalApproved")
    assert ev.proposal_id == pid and ev.approved_at == boa.env.timestamp
    world.until_deadline(pid)
    assert world.state(pid) == EXPIRED
    with boa.reverts("consent: execution window has ended"):
        world.module.execute(pid, actions)
    world.module.clear(pid)
    assert world.module.cell(world.council).active == 0


def test_approve_reverts(world):
    pid = world.propose([world.poke(1)])
    with boa.env.prank(world.people["alice"]), boa.reverts("consent: caller is not the Safe"):
        world.module.approve(pid)
    with boa.reverts("consent: unknown proposal"):
        world.as_safe("approve", pid + 1)
    with boa.reverts("consent: proposal is not awaiting the Safe's approval"):
        world.as_safe("approve", pid)


def test_veto_anything_live_with_a_reason(world):
    pid = world.propose([world.poke(1)])
    assert world.safe_tx("veto", pid, "not aligned with this quarter's plan")
    assert world.state(pid) == VETOED
    assert world.module.cell(world.ops).active == 0
    # a pending one too
    pid = world.propose([world.poke(2)], who=world.people["erin"], cell=world.council)
    world.until_closed(pid)
    world.escalate(pid, who="erin")
    world.as_safe("veto", pid, "no")
    (ev,) = events(world.module, "ProposalVetoed")
    assert (ev.proposal_id, ev.reason) == (pid, "no")
    assert world.state(pid) == VETOED


def test_veto_reverts(world):
    pid = world.propose([world.poke(1)])
    with boa.env.prank(world.people["alice"]), boa.reverts("consent: caller is not the Safe"):
        world.module.veto(pid, "no")
    with boa.reverts("consent: reason is empty"):
        world.as_safe("veto", pid, "")
    with boa.reverts("consent: unknown proposal"):
        world.as_safe("veto", pid + 1, "no")
    world.as_safe("veto", pid, "no")
    with boa.reverts("consent: proposal is no longer live"):
        world.as_safe("veto", pid, "again")


def test_escalate_reverts(world):
    actions = [world.poke(1)]
    with boa.reverts("consent: unknown proposal"):
        world.escalate(123)
    pid = world.propose(actions)
    with boa.reverts("consent: consent window is still open"):
        world.escalate(pid)
    world.until_closed(pid)
    with boa.reverts("consent: caller does not wear the cell's proposer hat"):
        world.escalate(pid, who="bob")
    world.as_safe("pause")
    with boa.reverts("consent: module is paused"):
        world.escalate(pid)
    world.as_safe("unpause")
    world.until_deadline(pid)
    with boa.reverts("consent: proposal has expired"):
        world.escalate(pid)
    pid = world.propose([world.poke(2)], who=world.people["erin"], cell=world.council)
    world.until_closed(pid)
    world.escalate(pid, who="erin")
    with boa.reverts("consent: proposal is not in a consent window"):
        world.escalate(pid, who="erin")


def test_escalation_depth_limit(world):
    """A chain of 17 cells: a proposal can climb at most 15 parents."""
    hats = [world.new_hat(world.top, f"chain {i}") for i in range(17)]
    world.as_safe("set_cell", hats[0], world.ops_proposer, 60, DAY, 0, 1)
    for i in range(1, 17):
        world.as_safe("set_cell", hats[i], world.ops_proposer, 60, DAY, hats[i - 1], 1)
    pid = world.propose([world.poke(1)], cell=hats[16])
    for climbed in range(15):
        world.until_closed(pid)
        world.escalate(pid)
        assert world.module.proposal(pid).holder == hats[15 - climbed]
    world.until_closed(pid)
    with boa.reverts("consent: proposal was escalated too many times"):
        world.escalate(pid)


def test_many_objectors_and_the_standing_objection_cap(world):
    pid = world.propose([world.poke(1)])
    for i in range(5):
        who = world.person(f"member{i}", world.ops_objector)
        with boa.env.prank(who):
            world.module.object(pid, world.ops_objector, f"objection {i}")
    assert world.module.objections(pid) == 5
    # the count has 16 bits; reaching the cap needs 65,535 distinct objectors, so
    # write it straight into the proposal word (slot of _meta[pid], _meta at slot 9)
    from eth_abi import encode
    from eth_utils import keccak

    slot = int.from_bytes(keccak(encode(["uint256", "uint256"], [9, pid])), "big")  # vyper: keccak(slot . key)
    word = boa.env.get_storage(world.module.address, slot)
    boa.env.set_storage(world.module.address, slot, word | (0xFFFF << 240))
    assert world.module.objections(pid) == 65_535
    with boa.env.prank(world.people["bob"]), boa.reverts("consent: too many standing objections"):
        world.module.object(pid, world.ops_objector, "one more")


def test_module_cannot_delegatecall_and_uses_the_safe(world):
    # every action runs as a CALL from the Safe: msg.sender at the target is the Safe
    actions = [world.poke(2)]
    pid = world.propose(actions)
    world.until_closed(pid)
    world.execute(pid, actions)
    assert world.target.last_sender() == world.safe.address
    assert world.module.allowed(world.ops, world.token.address, TRANSFER)
