"""SignerGate as a module: construction, claim_signer, remove_signer,
reconcile_threshold and the views, with every revert path."""

from __future__ import annotations

import boa
import pytest
from eth_account import Account
from helpers import SENTINEL, ZERO, Sig, attach, deploy_gate, last_event, load, new_signers

# ---------------------------------------------------------------- construction


def test_config_getters(safe_contracts, roles):
    safe = safe_contracts.new_safe([Account.create().address], 1)
    gate = deploy_gate(safe_contracts, safe, roles, 2, 3)
    assert gate.safe() == safe.address
    assert gate.hats() == roles.hats.address
    assert gate.signer_hat() == roles.signer_hat
    assert gate.min_threshold() == 2
    assert gate.target_threshold() == 3
    assert gate.multisend() == safe_contracts.multisend_call_only.address
    assert gate.MAX_SIGNERS() == 20


@pytest.mark.parametrize(
    "args, reason",
    [
        ((ZERO, "hats", 1, 1), "signer_gate: safe is the zero address"),
        (("safe", ZERO, 1, 1), "signer_gate: hats is the zero address"),
        (("safe", "hats", 0, 1), "signer_gate: min threshold is zero"),
        (("safe", "hats", 3, 2), "signer_gate: min threshold above target"),
        (("safe", "hats", 1, 21), "signer_gate: target threshold above max signers"),
    ],
)
def test_constructor_reverts(safe_contracts, roles, args, reason):
    safe = safe_contracts.new_safe([Account.create().address], 1)
    s, h, lo, hi = args
    s = safe.address if s == "safe" else s
    h = roles.hats.address if h == "hats" else h
    with boa.reverts(reason):
        load("SignerGate", s, h, roles.signer_hat, lo, hi, ZERO)


def test_supports_interface(make_org):
    gate = make_org(1, 1, 1).gate
    assert gate.supportsInterface(bytes.fromhex("e6d7a83a"))  # Safe Guard
    assert gate.supportsInterface(bytes.fromhex("01ffc9a7"))  # ERC-165
    assert not gate.supportsInterface(bytes.fromhex("ffffffff"))
    assert not gate.supportsInterface(bytes.fromhex("00000000"))


# ---------------------------------------------------------------- claim_signer


def test_claim_adds_owner_and_follows_the_rule(safe_contracts, roles):
    """min 2, target 3: the threshold grows with valid signers up to 3, capped by owners."""
    deployer = Account.create()
    safe = safe_contracts.new_safe([deployer.address], 1)
    gate = deploy_gate(safe_contracts, safe, roles, 2, 3)
    attach(safe, gate, Sig(deployer.address, "ecdsa", deployer))
    signers = new_signers(4)
    expected = [2, 2, 3, 3]  # valid 1..4 -> clamp(v, 2, 3), capped by owners (deployer + v)
    for signer, threshold in zip(signers, expected):
        roles.grant(signer.address)
        with boa.env.prank(signer.address):
            gate.claim_signer()
        log = last_event(gate, "SignerClaimed")
        assert (log.signer, log.threshold) == (signer.address, threshold)
        assert safe.isOwner(signer.address)
        assert safe.getThreshold() == threshold
    assert gate.valid_signer_count() == 4
    assert len(safe.getOwners()) == 5


def test_first_claim_capped_by_owner_count(safe_contracts, roles):
    """min 3 with two owners: the Safe's threshold is 2 (it cannot exceed the owners)."""
    deployer = Account.create()
    safe = safe_contracts.new_safe([deployer.address], 1)
    gate = deploy_gate(safe_contracts, safe, roles, 3, 3)
    attach(safe, gate, Sig(deployer.address, "ecdsa", deployer))
    signer = new_signers(1)[0]
    roles.grant(signer.address)
    with boa.env.prank(signer.address):
        gate.claim_signer()
    assert safe.getThreshold() == 2
    assert gate.required_signatures() == 3


def test_claim_reverts_without_hat(make_org):
    org = make_org(1, 2, 2)
    stranger = Account.create().address
    with boa.env.prank(stranger), boa.reverts("signer_gate: caller does not wear the signer hat"):
        org.gate.claim_signer()
    # another hat of the same tree is not the signer hat
    org.roles.grant(stranger, org.roles.other_hat)
    with boa.env.prank(stranger), boa.reverts("signer_gate: caller does not wear the signer hat"):
        org.gate.claim_signer()


def test_claim_reverts_for_existing_signer(make_org):
    org = make_org(1, 2, 2)
    with boa.env.prank(org.signers[0].address), boa.reverts("signer_gate: caller is already a signer"):
        org.gate.claim_signer()


def test_claim_reverts_at_max_signers(make_org):
    org = make_org(1, 3, 19)  # the deployer made a 20th owner until removed
    twentieth = Account.create().address
    org.roles.grant(twentieth)
    with boa.env.prank(twentieth):
        org.gate.claim_signer()
    assert len(org.safe.getOwners()) == 20
    late = Account.create().address
    org.roles.grant(late)
    with boa.env.prank(late), boa.reverts("signer_gate: safe has the maximum number of signers"):
        org.gate.claim_signer()


def test_claim_reverts_when_gate_is_not_a_module(safe_contracts, roles):
    deployer = Account.create()
    safe = safe_contracts.new_safe([deployer.address], 1)
    gate = deploy_gate(safe_contracts, safe, roles, 1, 1)
    signer = Account.create().address
    roles.grant(signer)
    with boa.env.prank(signer), boa.reverts("GS104"):
        gate.claim_signer()


def test_claim_reverts_when_the_safe_call_fails(make_org):
    """The Safe cannot be its own owner: the module call returns false."""
    org = make_org(1, 1, 1)
    org.roles.grant(org.safe.address)
    with boa.env.prank(org.safe.address), boa.reverts("signer_gate: safe call failed"):
        org.gate.claim_signer()


# ---------------------------------------------------------------- remove_signer


@pytest.mark.parametrize("position", [0, 1, 2])
def test_anyone_removes_a_signer_who_lost_the_hat(make_org, position):
    """2-of-3 (min 2, target 2); removing the head, middle or tail owner."""
    org = make_org(2, 2, 3)
    owners = org.safe.getOwners()
    victim = owners[position]
    org.roles.revoke(victim)
    assert not org.gate.is_valid_signer(victim)
    with boa.env.prank(Account.create().address):
        org.gate.remove_signer(victim)
    log = last_event(org.gate, "SignerRemoved")
    assert (log.signer, log.threshold) == (victim, 2)
    assert org.safe.getOwners() == [o for o in owners if o != victim]
    assert org.safe.getThreshold() == 2


def test_remove_lowers_threshold_to_owner_count(make_org):
    org = make_org(2, 3, 3)
    assert org.safe.getThreshold() == 3
    org.roles.revoke(org.signers[0].address)
    org.roles.revoke(org.signers[1].address)
    # one valid signer left of a minimum of two: recovery, which needs every valid
    # signer left (one), and allows only calls to the Hats contract
    org.gate.remove_signer(org.signers[0].address)
    assert org.safe.getThreshold() == 1
    org.gate.remove_signer(org.signers[1].address)
    assert org.safe.getThreshold() == 1
    assert org.gate.required_signatures() == 1
    assert org.gate.in_recovery()


def test_remove_reverts_for_non_owner(make_org):
    org = make_org(1, 2, 2)
    with boa.reverts("signer_gate: not a signer"):
        org.gate.remove_signer(Account.create().address)
    with boa.reverts("signer_gate: not a signer"):
        org.gate.remove_signer(SENTINEL)


def test_remove_reverts_for_a_wearer(make_org):
    org = make_org(1, 2, 2)
    with boa.reverts("signer_gate: signer still wears the signer hat"):
        org.gate.remove_signer(org.signers[1].address)


def test_remove_reverts_for_the_last_owner(safe_contracts, roles):
    deployer = Account.create()
    safe = safe_contracts.new_safe([deployer.address], 1)
    gate = deploy_gate(safe_contracts, safe, roles, 1, 1)
    attach(safe, gate, Sig(deployer.address, "ecdsa", deployer))
    with boa.reverts("signer_gate: cannot remove the last owner"):
        gate.remove_signer(deployer.address)


def test_initial_owner_removed_after_first_claim(safe_contracts, roles):
    """The deployer (no hat) is an owner until a wearer claims; then anyone removes it."""
    deployer = Account.create()
    safe = safe_contracts.new_safe([deployer.address], 1)
    gate = deploy_gate(safe_contracts, safe, roles, 1, 2)
    attach(safe, gate, Sig(deployer.address, "ecdsa", deployer))
    assert not gate.is_valid_signer(deployer.address)
    assert gate.valid_signer_count() == 0
    signer = new_signers(1)[0]
    roles.grant(signer.address)
    with boa.env.prank(signer.address):
        gate.claim_signer()
    gate.remove_signer(deployer.address)
    assert safe.getOwners() == [signer.address]
    assert safe.getThreshold() == 1


def test_initial_owner_wearing_the_hat_is_valid_at_once(safe_contracts, roles):
    founder = Account.create()
    roles.grant(founder.address)
    safe = safe_contracts.new_safe([founder.address], 1)
    gate = deploy_gate(safe_contracts, safe, roles, 1, 2)
    attach(safe, gate, Sig(founder.address, "ecdsa", founder))
    assert gate.is_valid_signer(founder.address)
    assert gate.valid_signer_count() == 1
    with boa.env.prank(founder.address), boa.reverts("signer_gate: caller is already a signer"):
        gate.claim_signer()


# ---------------------------------------------------------------- reconcile_threshold


def test_reconcile_follows_revocations_and_regained_hats(make_org):
    """3-of-4 (min 2, target 3)."""
    org = make_org(2, 3, 4)
    gate, safe, s = org.gate, org.safe, org.signers
    assert safe.getThreshold() == 3
    org.roles.revoke(s[0].address)
    org.roles.revoke(s[1].address)
    assert gate.valid_signer_count() == 2
    assert gate.reconcile_threshold() == 2
    assert last_event(gate, "ThresholdReconciled").threshold == 2
    assert safe.getThreshold() == 2
    org.roles.grant(s[0].address)
    assert gate.reconcile_threshold() == 3
    assert safe.getThreshold() == 3
    org.roles.revoke(s[2].address)
    org.roles.revoke(s[3].address)
    org.roles.revoke(s[0].address)
    # valid 0 after the Safe had its minimum: never below one, and no signature counts
    assert gate.reconcile_threshold() == 1
    assert gate.required_signatures() == 1
    assert not gate.in_recovery()


def test_reconcile_does_nothing_when_right(make_org):
    org = make_org(2, 2, 3)
    assert org.gate.reconcile_threshold() == 2
    assert not [log for log in org.gate.get_logs() if type(log).__name__ == "ThresholdReconciled"]
    assert org.safe.getThreshold() == 2


# ---------------------------------------------------------------- views


def test_views(make_org):
    org = make_org(2, 3, 3)
    gate, s = org.gate, org.signers
    outsider = Account.create().address
    org.roles.grant(outsider)  # wears the hat, not an owner
    assert gate.is_valid_signer(s[0].address)
    assert not gate.is_valid_signer(outsider)
    assert not gate.is_valid_signer(org.deployer.address)
    org.roles.revoke(s[2].address)  # an owner without the hat
    assert not gate.is_valid_signer(s[2].address)
    assert gate.valid_signer_count() == 2
    assert gate.required_signatures() == 2
