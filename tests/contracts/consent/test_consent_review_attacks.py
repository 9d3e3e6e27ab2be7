"""The security review's findings against the consent module, each tried as an attack
on a real Safe v1.4.1 (docs/security.md lists them):

1. a cell's domain reaching the org's own machinery (Hats, BudgetStreams, the Safe,
   this module, the signer gate), which runs with the Safe's full authority;
2. an approved escalation calling the Safe itself (its guard, owners, modules);
3. a revoked or other proposer amending or escalating;
6. selector 0 matching non-empty calldata; another cell making `propose` revert by
   proposing the same actions first in the same block.
"""

from __future__ import annotations

import boa
import pytest
from consent_world import DAY, EXPIRED, PENDING, SUPERSEDED, travel

ZERO = "0x0000000000000000000000000000000000000000"
MINT_HAT = bytes.fromhex("641f776e")
TRANSFER_HAT = bytes.fromhex("a4a1f06c")


def passed(world, actions, cell=None, who="alice"):
    """Propose in a cell and let the window close with no objection."""
    pid = world.propose(actions, who=world.people[who], cell=cell or world.ops)
    world.until_closed(pid)
    return pid


def approved(world, actions):
    """Escalate a council proposal to the Safe, and approve it by a Safe transaction."""
    pid = passed(world, actions, cell=world.council, who="erin")
    world.escalate(pid, who="erin")
    assert world.state(pid) == PENDING
    assert world.safe_tx("approve", pid)
    return pid


def call(contract, fn, *args):
    return (contract.address, 0, getattr(contract, fn).prepare_calldata(*args))


def safe_is_top_hat_wearer(world):
    """As after `opgov deploy`'s hand-over: the Safe wears the top hat."""
    with boa.env.prank(world.admin):
        world.hats.transferHat(world.top, world.admin, world.safe.address)


# ---------------------------------------------------------------- 1. domains and machinery


def test_attack_cell_mints_signer_hat_through_its_domain_fails(world):
    """The lead's domain allows Hats.mintHat; the Safe wears the top hat; the lead
    proposes minting the signer hat to two own addresses (then would claim seats)."""
    safe_is_top_hat_wearer(world)
    world.as_safe("allow_call", world.ops, world.hats.address, MINT_HAT, True)
    mallory = world.people["mallory"]
    actions = [call(world.hats, "mintHat", world.signer, mallory)]
    pid = passed(world, actions)
    with boa.reverts("consent: cells may only mint or transfer hats below them"):
        world.module.execute(pid, actions)
    assert not world.hats.isWearerOfHat(mallory, world.signer)


def test_attack_cell_mints_an_admin_of_the_signer_hat_fails(world):
    """Even inside its own subtree a cell may not mint a hat that is an admin of the
    signer hat (were the signer hat ever placed below a cell)."""
    safe_is_top_hat_wearer(world)
    # a signer hat below the ops cell: deploy a module whose gate uses it
    with boa.env.prank(world.safe.address):
        admin_hat = world.hats.createHat(world.ops, "treasury circle", 10, world.safe.address, world.safe.address, True, "")
        signer_hat = world.hats.createHat(admin_hat, "signers below a cell", 10, world.safe.address, world.safe.address, True, "")
    from consent_world import CONTRACTS, deploy
    gate = deploy(CONTRACTS / "SignerGate.vy", world.safe.address, world.hats.address, signer_hat, 1, 1, ZERO)
    module = deploy(CONTRACTS / "ConsentModule.vy", world.safe.address, world.hats.address, world.streams.address, gate.address, world.forwarder.address)
    from safe_boa import exec_safe_tx
    assert exec_safe_tx(world.safe, world.owners[:2], world.safe.address, 0, world.safe.enableModule.prepare_calldata(module.address))
    with boa.env.prank(world.safe.address):
        module.set_cell(world.ops, world.ops_proposer, DAY, 7 * DAY, 0, 3)
        module.allow_call(world.ops, world.hats.address, MINT_HAT, True)
    mallory = world.people["mallory"]
    for hat, reason in ((admin_hat, "consent: hat is the signer hat or its admin"),
                        (signer_hat, "consent: hat is the signer hat or its admin")):
        actions = [call(world.hats, "mintHat", hat, mallory)]
        travel(1)
        with boa.env.prank(world.people["alice"]):
            pid = module.propose(world.ops, actions, "")
        travel(DAY)
        with boa.reverts(reason):
            module.execute(pid, actions)


def test_cell_may_mint_and_transfer_hats_of_its_own_subtree(world):
    """The narrow power a cell may be given: mint (and transfer) hats below its own hat."""
    safe_is_top_hat_wearer(world)
    world.as_safe("allow_call", world.ops, world.hats.address, MINT_HAT, True)
    world.as_safe("allow_call", world.ops, world.hats.address, TRANSFER_HAT, True)
    newcomer, other = boa.env.generate_address("newcomer"), boa.env.generate_address("other")
    actions = [call(world.hats, "mintHat", world.ops_objector, newcomer)]
    pid = passed(world, actions)
    world.module.execute(pid, actions)
    assert world.hats.isWearerOfHat(newcomer, world.ops_objector)
    actions = [call(world.hats, "transferHat", world.ops_objector, newcomer, other)]
    pid = passed(world, actions)
    world.module.execute(pid, actions)
    assert world.hats.isWearerOfHat(other, world.ops_objector)
    assert not world.hats.isWearerOfHat(newcomer, world.ops_objector)


@pytest.mark.parametrize("hat", ["ops", "council_objector", "top"], ids=["own-hat", "other-cell", "top-hat"])
def test_attack_cell_mints_outside_its_subtree_fails(world, hat):
    safe_is_top_hat_wearer(world)
    world.as_safe("allow_call", world.ops, world.hats.address, MINT_HAT, True)
    actions = [call(world.hats, "mintHat", getattr(world, hat), world.people["mallory"])]
    pid = passed(world, actions)
    with boa.reverts("consent: cells may only mint or transfer hats below them"):
        world.module.execute(pid, actions)


def test_attack_cell_calls_other_hats_functions_fails(world):
    """Only mintHat and transferHat: not, say, changeHatEligibility on its own hat."""
    safe_is_top_hat_wearer(world)
    selector = world.hats.changeHatEligibility.prepare_calldata(0, ZERO)[:4]
    world.as_safe("allow_call", world.ops, world.hats.address, selector, True)
    actions = [call(world.hats, "changeHatEligibility", world.ops_objector, world.people["mallory"])]
    pid = passed(world, actions)
    with boa.reverts("consent: cells may only mint or transfer hats below them"):
        world.module.execute(pid, actions)


def test_attack_hat_call_with_short_data_fails(world):
    world.as_safe("allow_call", world.ops, world.hats.address, MINT_HAT, True)
    actions = [(world.hats.address, 0, MINT_HAT + b"\x01")]
    pid = passed(world, actions)
    with boa.reverts("consent: hat call data is too short"):
        world.module.execute(pid, actions)


@pytest.mark.parametrize("fn", ["adjust_rate", "set_recipient"])
def test_attack_cell_adjusts_budget_streams_through_its_domain_fails(world, fn):
    """A cell raising its own rate, or sending a stream elsewhere, is the signers' call."""
    args = {"adjust_rate": (1, 10**18), "set_recipient": (1, world.people["mallory"])}[fn]
    data = getattr(world.streams, fn).prepare_calldata(*args)
    world.as_safe("allow_call", world.ops, world.streams.address, data[:4], True)
    actions = [(world.streams.address, 0, data)]
    pid = passed(world, actions)
    with boa.reverts("consent: domains cannot call the streams"):
        world.module.execute(pid, actions)


@pytest.mark.parametrize("fn", ["addOwnerWithThreshold", "setGuard", "enableModule", "execTransactionFromModule"])
def test_attack_cell_calls_the_safe_through_its_domain_fails(world, fn):
    args = {
        "addOwnerWithThreshold": (world.people["mallory"], 1),
        "setGuard": (ZERO,),
        "enableModule": (world.people["mallory"],),
        "execTransactionFromModule": (world.people["mallory"], 10**18, b"", 0),
    }[fn]
    data = getattr(world.safe, fn).prepare_calldata(*args)
    world.as_safe("allow_call", world.ops, world.safe.address, data[:4], True)
    actions = [(world.safe.address, 0, data)]
    pid = passed(world, actions)
    with boa.reverts("consent: proposals cannot call the Safe"):
        world.module.execute(pid, actions)


def test_attack_cell_calls_the_module_through_its_domain_fails(world):
    """The Safe's own module functions (set a wider domain) called as the Safe."""
    data = world.module.allow_call.prepare_calldata(world.ops, world.people["mallory"], b"\x00" * 4, True)
    world.as_safe("allow_call", world.ops, world.module.address, data[:4], True)
    actions = [(world.module.address, 0, data)]
    pid = passed(world, actions)
    with boa.reverts("consent: domains cannot call the module"):
        world.module.execute(pid, actions)


def test_attack_cell_calls_the_signer_gate_fails(world):
    data = world.gate.reconcile_threshold.prepare_calldata()
    world.as_safe("allow_call", world.ops, world.gate.address, data[:4], True)
    actions = [(world.gate.address, 0, data)]
    pid = passed(world, actions)
    with boa.reverts("consent: proposals cannot call the gate"):
        world.module.execute(pid, actions)


# ---------------------------------------------------------------- 2. approved escalations


@pytest.mark.parametrize("fn", ["setGuard", "addOwnerWithThreshold", "enableModule"])
def test_attack_approved_escalation_bypasses_the_signer_gate_fails(world, fn):
    """One Safe transaction approves a proposal whose actions remove the guard and add
    an owner with threshold 1: module calls are not guarded, so this bypassed the gate."""
    args = {"setGuard": (ZERO,), "addOwnerWithThreshold": (world.people["mallory"], 1),
            "enableModule": (world.people["mallory"],)}[fn]
    actions = [(world.safe.address, 0, getattr(world.safe, fn).prepare_calldata(*args))]
    pid = approved(world, actions)
    with boa.reverts("consent: proposals cannot call the Safe"):
        world.module.execute(pid, actions)
    assert not world.safe.isOwner(world.people["mallory"])


def test_attack_approved_escalation_changes_roles_fails(world):
    """Approved proposals may not call Hats either: who signs changes by Safe
    transactions, which the signer gate checks after execution."""
    safe_is_top_hat_wearer(world)
    actions = [call(world.hats, "setHatStatus", world.signer, False)]
    pid = approved(world, actions)
    with boa.reverts("consent: approved proposals cannot call hats"):
        world.module.execute(pid, actions)


def test_attack_approved_escalation_calls_the_gate_fails(world):
    actions = [(world.gate.address, 0, world.gate.reconcile_threshold.prepare_calldata())]
    pid = approved(world, actions)
    with boa.reverts("consent: proposals cannot call the gate"):
        world.module.execute(pid, actions)


def test_approved_escalation_may_call_streams_and_the_module(world):
    """The signers approved it: a budget change or a domain change runs (outside every
    domain), only the Safe, the gate and Hats stay out of reach."""
    target = world.people["mallory"]
    actions = [call(world.module, "allow_call", world.ops, target, b"\x00" * 4, True)]
    pid = approved(world, actions)
    world.module.execute(pid, actions)
    assert world.module.allowed(world.ops, target, b"\x00" * 4)


# ---------------------------------------------------------------- 3. amend and escalate


def test_attack_revoked_lead_amends_expired_proposal_fails(world):
    """A lead whose hat was taken turned a two-month-old expired proposal into new actions."""
    pid = world.propose([world.pay(world.people["alice"], 1)])
    travel(60 * DAY)
    assert world.state(pid) == EXPIRED
    with boa.env.prank(world.people["alice"]), boa.reverts("consent: proposal has expired"):
        world.module.amend(pid, [world.pay(world.people["mallory"], 10**21)], "new actions")
    with boa.env.prank(world.admin):
        world.hats.setHatWearerStatus(world.ops_proposer, world.people["alice"], False, True)
    pid = world.propose([world.pay(world.people["alice"], 2)], who=world.people["alex"])
    with boa.env.prank(world.people["alex"]):
        world.hats.renounceHat(world.ops_proposer)
    with boa.env.prank(world.people["alex"]), boa.reverts("consent: caller does not wear the cell's proposer hat"):
        world.module.amend(pid, [world.pay(world.people["mallory"], 10**21)], "")


def test_attack_other_proposer_amends_someone_elses_proposal_fails(world):
    pid = world.propose([world.pay(world.people["mallory"], 1)])
    with boa.env.prank(world.people["alex"]), boa.reverts("consent: caller is not the proposer or the Safe"):
        world.module.amend(pid, [world.pay(world.people["alex"], 10**21)], "mine now")
    assert world.state(pid) != SUPERSEDED


def test_attack_revoked_proposer_escalates_fails(world):
    pid = world.propose([world.pay(world.people["mallory"], 1)])
    world.object(pid, "bob")
    world.until_closed(pid)
    with boa.env.prank(world.people["alice"]):
        world.hats.renounceHat(world.ops_proposer)
    with boa.reverts("consent: caller does not wear the cell's proposer hat"):
        world.escalate(pid, who="alice")
    world.escalate(pid, who="alex")  # the cell still escalates through a current wearer


# ---------------------------------------------------------------- 6. smaller findings


@pytest.mark.parametrize("data", [b"\x00\x00\x00\x00" + b"\x01" * 32, b"\x01\x02", b"\x00"], ids=["zero-selector", "three-bytes", "one-byte"])
def test_attack_plain_transfer_permission_with_calldata_fails(world, data):
    """The 'plain ether transfer' permission (selector 0) matched calldata too: a call
    whose first four bytes are zero reaches a contract's fallback."""
    recipient = world.target.address
    world.as_safe("set_spend_limit", world.ops, ZERO, 10**18, 7 * DAY)
    world.as_safe("allow_call", world.ops, recipient, b"\x00" * 4, True)
    actions = [(recipient, 0, data)]
    pid = passed(world, actions)
    with boa.reverts("consent: call has no function selector"):
        world.module.execute(pid, actions)


def test_attack_another_cell_front_runs_the_same_actions_fails(world):
    """Another cell proposing the same actions first in the block made the victim's
    propose revert; ids now include the cell."""
    actions = [world.pay(world.people["mallory"], 5)]
    travel(1)
    with boa.env.prank(world.people["erin"]):
        first = world.module.propose(world.council, actions, "front-run")
    with boa.env.prank(world.people["alice"]):
        second = world.module.propose(world.ops, actions, "the real one")
    assert first != second
    assert world.module.proposal(second).cell == world.ops


def test_spending_periods_are_fixed_windows(world):
    """Documented, not a rolling allowance: the whole limit in the last second of one
    period and the whole limit again in the first second of the next (docs/security.md)."""
    world.as_safe("set_spend_limit", world.ops, world.token.address, 100, 10 * DAY)
    start = world.module.spend_limit(world.ops, world.token.address)[2]
    first, second = [world.pay(world.people["mallory"], 100)], [world.pay(world.people["carol"], 100)]
    pid, pid2 = world.propose(first), world.propose(second)
    boa.env.time_travel(seconds=start + 10 * DAY - 1 - boa.env.timestamp)
    world.module.execute(pid, first)
    travel(1)
    world.module.execute(pid2, second)
    assert world.token.balanceOf(world.people["mallory"]) + world.token.balanceOf(world.people["carol"]) == 200
