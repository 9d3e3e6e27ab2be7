"""Proposals in a cell: propose, object, withdraw, amend, cancel, clear, and the views."""

from __future__ import annotations

import boa
from consent_world import (
    CANCELLED, DAY, EXPIRED, OBJECTED, OPEN, PASSED, SUPERSEDED, VETOED, actions_hash, travel,
)


def events(contract, name):
    return [e for e in contract.get_logs() if type(e).__name__ == name]


def pay(world, amount=10**18):
    return [world.pay(world.people["mallory"], amount)]


# -- propose --------------------------------------------------------------


def test_propose_stores_one_word_and_logs_the_actions(world):
    actions = pay(world) + [world.poke(3)]
    boa.env.time_travel(seconds=1)
    now = boa.env.timestamp
    with boa.env.prank(world.people["alice"]):
        pid = world.module.propose(world.ops, actions, "pay the supplier and poke")
    (ev,) = events(world.module, "ProposalCreated")
    assert ev.proposal_id == pid and ev.cell == world.ops and ev.proposer == world.people["alice"]
    assert [tuple(a) for a in ev.actions] == [tuple(a) for a in actions]
    assert ev.rationale == "pay the supplier and poke" and ev.closes_at == now + 3 * DAY
    index = world.module.cell(world.ops).index
    assert pid == world.module.proposal_id_of(world.ops, now, actions)
    assert pid & (2**216 - 1) == int.from_bytes(actions_hash(actions, index), "big") & (2**216 - 1)
    p = world.module.proposal(pid)
    assert (p.created_at, p.cell, p.holder, p.proposer) == (now, world.ops, world.ops, world.people["alice"])
    assert (p.closes_at, p.deadline, p.round, p.objections, p.state) == (now + 3 * DAY, now + 10 * DAY, 0, 0, OPEN)
    assert world.module.cell(world.ops).active == 1


def test_propose_reverts(world):
    alice = world.people["alice"]
    with boa.env.prank(alice), boa.reverts("consent: no actions"):
        world.module.propose(world.ops, [], "")
    with boa.env.prank(alice), boa.reverts("consent: unknown cell"):
        world.module.propose(999, pay(world), "")
    with boa.env.prank(world.people["bob"]), boa.reverts("consent: caller does not wear the cell's proposer hat"):
        world.module.propose(world.ops, pay(world), "")
    world.as_safe("pause")
    with boa.env.prank(alice), boa.reverts("consent: module is paused"):
        world.module.propose(world.ops, pay(world), "")


def test_proposer_hat_in_another_tree(world):
    """A proposer hat in the cell's own tree is kept beside the cell's index
    (one read in `propose`); one from another tree is read from its own slot.
    Either way only its wearers propose, and changing it takes effect."""
    with boa.env.prank(world.admin):
        other_top = world.hats.mintTopHat(world.admin, "another org", "")
    outsider_hat = world.new_hat(other_top, "outside proposer")
    outsider = world.person("olga", outsider_hat)
    alice = world.people["alice"]
    for proposer_hat, allowed, refused in (
        (outsider_hat, outsider, alice),          # another tree
        (world.ops_proposer, alice, outsider),    # back in the cell's tree
        (world.ops, None, alice),                 # the cell hat itself (worn by nobody)
        (world.top, world.admin, alice),          # the tree's top hat (low 224 bits all zero)
    ):
        world.as_safe("set_cell", world.ops, proposer_hat, 3 * DAY, 7 * DAY, world.council, 3)
        assert world.module.cell(world.ops).proposer_hat == proposer_hat
        boa.env.time_travel(seconds=1)
        if allowed is not None:
            with boa.env.prank(allowed):
                pid = world.module.propose(world.ops, pay(world), "")
            assert world.module.proposal(pid).proposer == allowed
            with boa.env.prank(allowed):
                world.module.cancel(pid)
        with boa.env.prank(refused), boa.reverts("consent: caller does not wear the cell's proposer hat"):
            world.module.propose(world.ops, pay(world), "")


def test_propose_same_actions_twice_in_one_block(world):
    with boa.env.prank(world.people["alice"]):
        world.module.propose(world.ops, pay(world), "")
        with boa.reverts("consent: duplicate proposal in this block"):
            world.module.propose(world.ops, pay(world), "again")
        world.module.propose(world.ops, pay(world, 2), "other actions are fine")
    with boa.env.prank(world.people["erin"]):  # another cell: another id
        world.module.propose(world.council, pay(world), "the same actions in another cell")
    travel(1)
    with boa.env.prank(world.people["alice"]):
        world.module.propose(world.ops, pay(world), "next block is fine")


def test_max_active_and_clear_frees_a_slot(world):
    pids = [world.propose(pay(world, i + 1)) for i in range(3)]
    with boa.env.prank(world.people["alice"]), boa.reverts("consent: cell has too many live proposals"):
        world.module.propose(world.ops, pay(world, 9), "")
    # executing frees a slot
    world.until_closed(pids[0])
    world.execute(pids[0], pay(world, 1))
    assert world.module.cell(world.ops).active == 2
    pids.append(world.propose(pay(world, 4)))
    # lapsed proposals still count until cleared; anyone may clear them
    travel(11 * DAY)
    assert world.state(pids[1]) == EXPIRED
    assert world.module.cell(world.ops).active == 3
    with boa.env.prank(world.people["alice"]), boa.reverts("consent: cell has too many live proposals"):
        world.module.propose(world.ops, pay(world, 9), "")
    with boa.env.prank(world.people["mallory"]):
        world.module.clear(pids[1])
    assert [e.proposal_id for e in events(world.module, "ProposalCleared")] == [pids[1]]
    assert world.state(pids[1]) == EXPIRED
    assert world.module.cell(world.ops).active == 2
    world.propose(pay(world, 9))


def test_max_active_zero_freezes_a_cell(world):
    world.as_safe("set_cell", world.ops, world.ops_proposer, DAY, DAY, world.council, 0)
    with boa.env.prank(world.people["alice"]), boa.reverts("consent: cell has too many live proposals"):
        world.module.propose(world.ops, pay(world), "")


def test_clear_reverts(world):
    with boa.reverts("consent: unknown proposal"):
        world.module.clear(12345)
    pid = world.propose(pay(world))
    with boa.reverts("consent: proposal has not expired"):
        world.module.clear(pid)
    world.until_closed(pid)
    with boa.reverts("consent: proposal has not expired"):
        world.module.clear(pid)
    travel(7 * DAY)
    world.module.clear(pid)
    with boa.reverts("consent: proposal is no longer live"):
        world.module.clear(pid)


def test_state_and_proposal_of_unknown(world):
    with boa.reverts("consent: unknown proposal"):
        world.module.state(1)
    with boa.reverts("consent: unknown proposal"):
        world.module.proposal(1)
    assert world.module.objections(1) == 0
    assert world.module.objection(1, world.people["bob"]) == (b"\x00" * 32, False)


# -- objections -----------------------------------------------------------


def test_object_and_withdraw(world):
    pid = world.propose(pay(world))
    with boa.env.prank(world.people["bob"]):
        world.module.object(pid, world.ops_objector, "the supplier has not delivered yet")
    (ev,) = events(world.module, "ObjectionRaised")
    assert (ev.proposal_id, ev.objector, ev.hat) == (pid, world.people["bob"], world.ops_objector)
    assert ev.reason == "the supplier has not delivered yet"
    from eth_utils import keccak

    assert world.module.objection(pid, world.people["bob"]) == (keccak(b"the supplier has not delivered yet"), True)
    assert world.module.objections(pid) == 1
    assert world.state(pid) == OBJECTED
    world.object(pid, "carol")
    assert world.module.proposal(pid).objections == 2
    world.withdraw(pid, "bob")
    (ev,) = events(world.module, "ObjectionWithdrawn")
    assert (ev.proposal_id, ev.objector) == (pid, world.people["bob"])
    assert world.module.objection(pid, world.people["bob"]) == (b"\x00" * 32, False)
    assert world.state(pid) == OBJECTED
    world.withdraw(pid, "carol")
    assert world.state(pid) == OPEN
    # an objector may object again after withdrawing
    world.object(pid, "bob")
    assert world.module.objections(pid) == 1


def test_object_reverts(world):
    pid = world.propose(pay(world))
    bob = world.people["bob"]
    with boa.env.prank(bob), boa.reverts("consent: reason is empty"):
        world.module.object(pid, world.ops_objector, "")
    with boa.env.prank(bob), boa.reverts("consent: unknown proposal"):
        world.module.object(pid + 1, world.ops_objector, "no")
    with boa.env.prank(bob), boa.reverts("consent: hat is not an objector hat of the cell"):
        world.module.object(pid, world.council_objector, "no")
    with boa.env.prank(world.people["mallory"]), boa.reverts("consent: caller does not wear the hat"):
        world.module.object(pid, world.ops_objector, "no")
    world.object(pid, "bob")
    with boa.env.prank(bob), boa.reverts("consent: caller already has a standing objection"):
        world.module.object(pid, world.ops_objector, "again")
    world.until_closed(pid)
    with boa.env.prank(world.people["carol"]), boa.reverts("consent: consent window has closed"):
        world.module.object(pid, world.ops_objector, "too late")
    with boa.env.prank(world.people["alice"]):
        world.module.cancel(pid)
    with boa.env.prank(world.people["carol"]), boa.reverts("consent: proposal is not in a consent window"):
        world.module.object(pid, world.ops_objector, "cancelled anyway")


def test_object_after_the_objector_lost_the_hat(world):
    pid = world.propose(pay(world))
    with boa.env.prank(world.people["bob"]):
        world.hats.renounceHat(world.ops_objector)
    with boa.env.prank(world.people["bob"]), boa.reverts("consent: caller does not wear the hat"):
        world.module.object(pid, world.ops_objector, "no")


def test_objection_works_while_paused(world):
    pid = world.propose(pay(world))
    world.as_safe("pause")
    world.object(pid, "bob")
    world.withdraw(pid, "bob")
    assert world.state(pid) == OPEN


def test_withdraw_reverts(world):
    pid = world.propose(pay(world))
    with boa.env.prank(world.people["bob"]), boa.reverts("consent: caller has no standing objection"):
        world.module.withdraw_objection(pid)
    with boa.env.prank(world.people["bob"]), boa.reverts("consent: unknown proposal"):
        world.module.withdraw_objection(pid + 1)
    world.object(pid, "bob")
    world.until_closed(pid)
    with boa.env.prank(world.people["bob"]), boa.reverts("consent: consent window has closed"):
        world.module.withdraw_objection(pid)
    with boa.env.prank(world.people["alice"]):
        world.module.cancel(pid)
    with boa.env.prank(world.people["bob"]), boa.reverts("consent: proposal is not in a consent window"):
        world.module.withdraw_objection(pid)


def test_objection_at_window_end_blocks_execution(world):
    pid = world.propose(pay(world))
    world.object(pid, "bob")
    world.until_closed(pid)
    assert world.state(pid) == OBJECTED
    with boa.env.prank(world.people["mallory"]), boa.reverts("consent: an objection stands, amend or escalate the proposal"):
        world.module.execute(pid, pay(world))
    travel(7 * DAY)
    assert world.state(pid) == EXPIRED


# -- amend ----------------------------------------------------------------


def test_amend_supersedes_and_opens_a_new_window(world):
    pid = world.propose(pay(world, 100))
    world.object(pid, "bob")
    travel(DAY)
    amended = pay(world, 50)
    with boa.env.prank(world.people["alice"]):
        new = world.module.amend(pid, amended, "half now, half on delivery")
    created = events(world.module, "ProposalCreated")
    (ev,) = events(world.module, "ProposalAmended")
    assert (ev.proposal_id, ev.new_proposal_id, ev.amended_by) == (pid, new, world.people["alice"])
    assert created[0].proposal_id == new and created[0].rationale == "half now, half on delivery"
    assert world.state(pid) == SUPERSEDED
    p = world.module.proposal(new)
    assert p.state == OPEN and p.proposer == world.people["alice"] and p.objections == 0
    assert p.closes_at == boa.env.timestamp + 3 * DAY
    assert world.module.cell(world.ops).active == 1
    world.until_closed(new)
    world.execute(new, amended)
    assert world.token.balanceOf(world.people["mallory"]) == 50


def test_amend_reverts(world):
    pid = world.propose(pay(world))
    with boa.env.prank(world.people["alice"]), boa.reverts("consent: no actions"):
        world.module.amend(pid, [], "")
    with boa.env.prank(world.people["alice"]), boa.reverts("consent: unknown proposal"):
        world.module.amend(pid + 1, pay(world, 2), "")
    with boa.env.prank(world.people["bob"]), boa.reverts("consent: caller is not the proposer or the Safe"):
        world.module.amend(pid, pay(world, 2), "")
    # another wearer of the proposer hat may not rewrite someone else's proposal
    with boa.env.prank(world.people["alex"]), boa.reverts("consent: caller is not the proposer or the Safe"):
        world.module.amend(pid, pay(world, 2), "")
    with boa.env.prank(world.people["alice"]), boa.reverts("consent: duplicate proposal in this block"):
        world.module.amend(pid, pay(world), "same actions, same block")
    world.as_safe("pause")
    with boa.env.prank(world.people["alice"]), boa.reverts("consent: module is paused"):
        world.module.amend(pid, pay(world, 2), "")
    world.as_safe("unpause")
    with boa.env.prank(world.people["alice"]):
        world.module.amend(pid, pay(world, 2), "")
    with boa.env.prank(world.people["alice"]), boa.reverts("consent: proposal is no longer live"):
        world.module.amend(pid, pay(world, 3), "")


def test_safe_may_amend(world):
    pid = world.propose(pay(world))
    new = world.as_safe("amend", pid, pay(world, 2), "the signers' counter-proposal")
    assert world.state(pid) == SUPERSEDED and world.module.proposal(new).proposer == world.safe.address


# -- cancel ---------------------------------------------------------------


def test_cancel_by_proposer_and_by_safe(world):
    pid = world.propose(pay(world))
    with boa.env.prank(world.people["alice"]):
        world.module.cancel(pid)
    (ev,) = events(world.module, "ProposalCancelled")
    assert (ev.proposal_id, ev.cancelled_by) == (pid, world.people["alice"])
    assert world.state(pid) == CANCELLED
    assert world.module.cell(world.ops).active == 0
    pid2 = world.propose(pay(world, 2))
    assert world.safe_tx("cancel", pid2)
    assert world.state(pid2) == CANCELLED


def test_cancel_reverts(world):
    with boa.reverts("consent: unknown proposal"):
        world.module.cancel(5)
    pid = world.propose(pay(world))
    for who in ("alex", "bob", "mallory"):
        with boa.env.prank(world.people[who]), boa.reverts("consent: caller is not the proposer or the Safe"):
            world.module.cancel(pid)
    world.as_safe("veto", pid, "out of scope for this quarter")
    with boa.env.prank(world.people["alice"]), boa.reverts("consent: proposal is no longer live"):
        world.module.cancel(pid)
    assert world.state(pid) == VETOED


def test_cancel_an_expired_proposal_frees_its_slot(world):
    pid = world.propose(pay(world))
    travel(11 * DAY)
    assert world.state(pid) == EXPIRED
    with boa.env.prank(world.people["alice"]):
        world.module.cancel(pid)
    assert world.state(pid) == CANCELLED
    assert world.module.cell(world.ops).active == 0


def test_state_walk_open_passed_expired(world):
    pid = world.propose(pay(world))
    closes = world.module.proposal(pid).closes_at
    boa.env.time_travel(seconds=closes - boa.env.timestamp - 1)
    assert world.state(pid) == OPEN
    travel(1)
    assert world.state(pid) == PASSED
    world.until_deadline(pid)
    assert world.state(pid) == EXPIRED


def test_execution_window_follows_the_cell_setting(world):
    pid = world.propose(pay(world))
    world.as_safe("set_cell", world.ops, world.ops_proposer, 3 * DAY, DAY, world.council, 3)
    assert world.module.proposal(pid).deadline == world.module.proposal(pid).closes_at + DAY
