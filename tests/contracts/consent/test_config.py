"""ConsentModule set-up by the Safe: cells, objector hats, calls, spending limits, pause."""

from __future__ import annotations

import boa
import pytest
from consent_world import CONTRACTS, DAY, ETHER, TRANSFER, deploy, travel

ZERO = "0x0000000000000000000000000000000000000000"
NOT_SAFE = "consent: caller is not the Safe"


def test_constructor_refuses_zero_addresses(world):
    with boa.reverts("consent: avatar is the zero address"):
        deploy(CONTRACTS / "ConsentModule.vy", ZERO, world.hats.address, ZERO, ZERO, ZERO)
    with boa.reverts("consent: hats is the zero address"):
        deploy(CONTRACTS / "ConsentModule.vy", world.safe.address, ZERO, ZERO, ZERO, ZERO)


def test_streams_and_gate_are_optional(world):
    module = deploy(CONTRACTS / "ConsentModule.vy", world.safe.address, world.hats.address, ZERO, ZERO, ZERO)
    assert (module.streams(), module.signer_gate(), module.signer_hat(), module.forwarder()) == (ZERO, ZERO, 0, ZERO)


def test_immutables_and_enabled_module(world):
    assert world.module.avatar() == world.safe.address
    assert world.module.hats() == world.hats.address
    assert world.module.streams() == world.streams.address
    assert world.module.signer_gate() == world.gate.address
    assert world.module.signer_hat() == world.signer
    assert world.module.forwarder() == world.forwarder.address
    assert world.safe.isModuleEnabled(world.module.address)
    assert not world.module.paused()


def test_cell_view_after_setup(world):
    ops = world.module.cell(world.ops)
    assert ops.configured and ops.proposer_hat == world.ops_proposer
    assert (ops.consent_window, ops.execution_window, ops.max_active) == (3 * DAY, 7 * DAY, 3)
    assert ops.parent == world.council and ops.active == 0 and ops.children == 0
    council = world.module.cell(world.council)
    assert council.parent == 0 and council.children == 1
    assert not world.module.cell(12345).configured


def test_set_cell_through_a_signed_safe_transaction(world):
    new_cell = world.new_hat(world.top, "research cell")
    assert world.safe_tx("set_cell", new_cell, world.ops_proposer, DAY, DAY, world.council, 2)
    assert world.module.cell(new_cell).configured
    assert world.module.cell(world.council).children == 2


def test_set_cell_emits_and_updates(world):
    world.as_safe("set_cell", world.ops, world.ops_objector, DAY, 2 * DAY, world.council, 9)
    (ev,) = [e for e in world.module.get_logs() if type(e).__name__ == "CellSet"]
    assert ev.cell == world.ops and ev.max_active == 9 and ev.parent == world.council
    ops = world.module.cell(world.ops)
    assert ops.proposer_hat == world.ops_objector and ops.consent_window == DAY and ops.max_active == 9


def test_set_cell_keeps_live_count(world):
    world.propose([world.pay(world.people["mallory"], 1)])
    world.as_safe("set_cell", world.ops, world.ops_proposer, DAY, 2 * DAY, world.council, 5)
    assert world.module.cell(world.ops).active == 1


@pytest.mark.parametrize(
    "args, reason",
    [
        ((0, 1, DAY, DAY, 0, 1), "consent: cell is zero"),
        ((77, 0, DAY, DAY, 0, 1), "consent: proposer hat is zero"),
        ((77, 1, 0, DAY, 0, 1), "consent: consent window must be 1 to 2**32 - 1 seconds"),
        ((77, 1, 2**32, DAY, 0, 1), "consent: consent window must be 1 to 2**32 - 1 seconds"),
        ((77, 1, DAY, 0, 0, 1), "consent: execution window must be 1 to 2**32 - 1 seconds"),
        ((77, 1, DAY, 2**32, 0, 1), "consent: execution window must be 1 to 2**32 - 1 seconds"),
        ((77, 1, DAY, DAY, 0, 2**32), "consent: max active is too large"),
        ((77, 1, DAY, DAY, 77, 1), "consent: cell cannot be its own parent"),
        ((77, 1, DAY, DAY, 78, 1), "consent: parent is not a configured cell"),
    ],
)
def test_set_cell_reverts(world, args, reason):
    with boa.reverts(reason):
        world.as_safe("set_cell", *args)


def test_set_cell_only_safe(world):
    with boa.env.prank(world.people["alice"]), boa.reverts(NOT_SAFE):
        world.module.set_cell(77, 1, DAY, DAY, 0, 1)


def test_parent_change_moves_child_counts(world):
    # ops is a leaf: it may move from the council to the root
    world.as_safe("set_cell", world.ops, world.ops_proposer, DAY, DAY, 0, 3)
    assert world.module.cell(world.council).children == 0
    # and under the council again
    world.as_safe("set_cell", world.ops, world.ops_proposer, DAY, DAY, world.council, 3)
    assert world.module.cell(world.council).children == 1


def test_parent_change_refused_for_a_cell_with_children(world):
    # the council has a child (ops): making it a child of ops would be a cycle
    with boa.reverts("consent: cell has child cells, its parent cannot change"):
        world.as_safe("set_cell", world.council, world.council_proposer, DAY, DAY, world.ops, 3)


def test_remove_cell(world):
    world.as_safe("remove_cell", world.ops)
    (ev,) = [e for e in world.module.get_logs() if type(e).__name__ == "CellRemoved"]
    assert ev.cell == world.ops
    assert not world.module.cell(world.ops).configured
    assert world.module.cell(world.council).children == 0
    # its domain is inert while removed and comes back with it
    assert world.module.allowed(world.ops, world.token.address, TRANSFER)
    with boa.env.prank(world.people["alice"]), boa.reverts("consent: unknown cell"):
        world.module.propose(world.ops, [world.pay(world.people["mallory"], 1)], "")
    world.as_safe("set_cell", world.ops, world.ops_proposer, DAY, DAY, 0, 1)
    assert world.module.cell(world.ops).configured


def test_remove_root_cell(world):
    world.as_safe("remove_cell", world.ops)
    world.as_safe("remove_cell", world.council)
    assert not world.module.cell(world.council).configured


def test_remove_cell_reverts(world):
    with boa.env.prank(world.people["alice"]), boa.reverts(NOT_SAFE):
        world.module.remove_cell(world.ops)
    with boa.reverts("consent: unknown cell"):
        world.as_safe("remove_cell", 424242)
    with boa.reverts("consent: cell has child cells"):
        world.as_safe("remove_cell", world.council)
    world.propose([world.pay(world.people["mallory"], 1)])
    with boa.reverts("consent: cell has live proposals, cancel or clear them first"):
        world.as_safe("remove_cell", world.ops)


def test_set_objector_hat(world):
    assert world.module.is_objector_hat(world.ops, world.ops_objector)
    world.as_safe("set_objector_hat", world.ops, world.ops_objector, False)
    (ev,) = [e for e in world.module.get_logs() if type(e).__name__ == "ObjectorHatSet"]
    assert ev.hat == world.ops_objector and ev.allowed is False
    assert not world.module.is_objector_hat(world.ops, world.ops_objector)
    assert not world.module.is_objector_hat(999, world.ops_objector)


def test_set_objector_hat_reverts(world):
    with boa.env.prank(world.people["bob"]), boa.reverts(NOT_SAFE):
        world.module.set_objector_hat(world.ops, world.ops_objector, True)
    with boa.reverts("consent: unknown cell"):
        world.as_safe("set_objector_hat", 999, world.ops_objector, True)
    with boa.reverts("consent: hat is zero"):
        world.as_safe("set_objector_hat", world.ops, 0, True)


def test_allow_call(world):
    sel = b"\xde\xad\xbe\xef"
    assert not world.module.allowed(world.ops, world.target.address, sel)
    world.as_safe("allow_call", world.ops, world.target.address, sel, True)
    (ev,) = [e for e in world.module.get_logs() if type(e).__name__ == "CallAllowed"]
    assert ev.selector == sel and ev.allowed
    assert world.module.allowed(world.ops, world.target.address, sel)
    world.as_safe("allow_call", world.ops, world.target.address, sel, False)
    assert not world.module.allowed(world.ops, world.target.address, sel)


def test_allow_call_keeps_the_budget_in_the_same_slot(world):
    limit_before = world.module.spend_limit(world.ops, world.token.address)
    world.as_safe("allow_call", world.ops, world.token.address, TRANSFER, False)
    assert world.module.spend_limit(world.ops, world.token.address) == limit_before
    world.as_safe("allow_call", world.ops, world.token.address, TRANSFER, True)
    assert world.module.spend_limit(world.ops, world.token.address) == limit_before


def test_allow_call_reverts(world):
    with boa.env.prank(world.people["alice"]), boa.reverts(NOT_SAFE):
        world.module.allow_call(world.ops, world.target.address, b"\x00\x00\x00\x00", True)
    with boa.reverts("consent: unknown cell"):
        world.as_safe("allow_call", 999, world.target.address, b"\x00\x00\x00\x00", True)


def test_set_spend_limit_and_views(world):
    now = boa.env.timestamp
    world.as_safe("set_spend_limit", world.ops, ETHER, 10**18, DAY)
    (ev,) = [e for e in world.module.get_logs() if type(e).__name__ == "SpendLimitSet"]
    assert ev.token == ETHER and ev.period_start == now
    amount, period, start = world.module.spend_limit(world.ops, ETHER)
    assert (amount, period, start) == (10**18, DAY, now)
    travel(DAY + 5)
    assert world.module.spend_limit(world.ops, ETHER)[2] == now + DAY
    assert world.module.spend_limit(world.ops, world.target.address) == (0, 0, 0)
    assert world.module.spent(world.ops, ETHER) == 0


def test_set_spend_limit_same_period_keeps_spent(world):
    pay = [world.pay(world.people["mallory"], 100 * 10**18)]
    pid = world.propose(pay)
    world.until_closed(pid)
    world.execute(pid, pay)
    token = world.token.address
    assert world.module.spent(world.ops, token) == 100 * 10**18
    start = world.module.spend_limit(world.ops, token)[2]
    # same period length: same period, spent kept, new amount
    world.as_safe("set_spend_limit", world.ops, token, 50 * 10**18, 30 * DAY)
    assert world.module.spent(world.ops, token) == 100 * 10**18
    assert world.module.spend_limit(world.ops, token) == (50 * 10**18, 30 * DAY, start)
    # after the period ended, setting the same length rolls to the current period
    travel(31 * DAY)
    world.as_safe("set_spend_limit", world.ops, token, 60 * 10**18, 30 * DAY)
    assert world.module.spent(world.ops, token) == 0
    assert world.module.spend_limit(world.ops, token)[2] == start + 30 * DAY
    # a new period length starts a fresh period now
    world.as_safe("set_spend_limit", world.ops, token, 60 * 10**18, 7 * DAY)
    assert world.module.spend_limit(world.ops, token)[2] == boa.env.timestamp


def test_set_spend_limit_reverts(world):
    with boa.env.prank(world.people["alice"]), boa.reverts(NOT_SAFE):
        world.module.set_spend_limit(world.ops, ETHER, 1, DAY)
    with boa.reverts("consent: unknown cell"):
        world.as_safe("set_spend_limit", 999, ETHER, 1, DAY)
    with boa.reverts("consent: amount does not fit in 107 bits"):
        world.as_safe("set_spend_limit", world.ops, ETHER, 2**107, DAY)
    with boa.reverts("consent: period is zero"):
        world.as_safe("set_spend_limit", world.ops, ETHER, 1, 0)
    with boa.reverts("consent: period is too long"):
        world.as_safe("set_spend_limit", world.ops, ETHER, 1, 2**32)


def test_pause_and_unpause(world):
    world.as_safe("pause")
    assert [type(e).__name__ for e in world.module.get_logs()] == ["Paused"]
    assert world.module.paused()
    with boa.reverts("consent: module is already paused"):
        world.as_safe("pause")
    world.as_safe("unpause")
    assert not world.module.paused()
    with boa.reverts("consent: module is not paused"):
        world.as_safe("unpause")


def test_pause_only_safe(world):
    with boa.env.prank(world.people["alice"]), boa.reverts(NOT_SAFE):
        world.module.pause()
    world.as_safe("pause")
    with boa.env.prank(world.people["alice"]), boa.reverts(NOT_SAFE):
        world.module.unpause()


def test_pause_through_a_signed_safe_transaction(world):
    assert world.safe_tx("pause")
    assert world.module.paused()
