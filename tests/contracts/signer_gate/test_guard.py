"""SignerGate as the Safe's guard: who may sign, every signature kind the Safe
accepts, and the guard's own revert paths."""

from __future__ import annotations

import boa
import pytest
from eth_account import Account
from helpers import ZERO, Sig, attach, deploy_gate, execute, load_mock, multisend_data, tx_hash

ETH = 10**18


def _balance(address: str) -> int:
    return boa.env.get_balance(address)


# ---------------------------------------------------------------- flows


def test_two_of_three(make_org):
    org = make_org(2, 2, 3)
    s = org.signers
    to = Account.create().address
    assert org.safe.getThreshold() == 2
    assert execute(org.safe, [s[0].sig(), s[2].sig()], to, ETH)
    assert _balance(to) == ETH
    with boa.reverts("GS020"):  # the Safe itself wants two signatures
        execute(org.safe, [s[1].sig()], to, ETH)


def test_three_of_four(make_org):
    org = make_org(2, 3, 4)
    s = org.signers
    to = Account.create().address
    assert org.safe.getThreshold() == 3
    assert execute(org.safe, [s[0].sig(), s[1].sig(), s[3].sig()], to, ETH)
    assert _balance(to) == ETH
    with boa.reverts("GS020"):
        execute(org.safe, [s[0].sig(), s[1].sig()], to, ETH)


def test_signer_who_lost_the_hat(make_org):
    """Their signature stops counting at once; anyone removes them; the threshold reconciles."""
    org = make_org(2, 3, 4)
    s, to = org.signers, Account.create().address
    org.roles.revoke(s[3].address)
    with boa.reverts("signer_gate: not enough valid signatures"):
        execute(org.safe, [s[0].sig(), s[1].sig(), s[3].sig()], to, ETH)
    assert execute(org.safe, [s[0].sig(), s[1].sig(), s[2].sig()], to, ETH)
    with boa.env.prank(Account.create().address):
        org.gate.remove_signer(s[3].address)
    assert org.safe.getThreshold() == 3
    org.roles.revoke(s[2].address)
    # Safe threshold 3 (stale), required clamp(2, 2, 3) = 2: two wearers among the three.
    assert execute(org.safe, [s[0].sig(), s[1].sig(), s[2].sig()], to, ETH)
    org.gate.reconcile_threshold()
    assert org.safe.getThreshold() == 2
    assert execute(org.safe, [s[0].sig(), s[1].sig()], to, ETH)
    assert _balance(to) == 3 * ETH


def test_regained_hat_raises_the_requirement(make_org):
    """A stale, lower Safe threshold never lets fewer than `required` signatures through."""
    org = make_org(2, 3, 3)
    s, to = org.signers, Account.create().address
    org.roles.revoke(s[2].address)
    org.gate.reconcile_threshold()
    assert org.safe.getThreshold() == 2
    org.roles.grant(s[2].address)
    assert org.gate.required_signatures() == 3
    with boa.reverts("signer_gate: not enough valid signatures"):
        execute(org.safe, [s[0].sig(), s[1].sig()], to, ETH)
    org.gate.reconcile_threshold()
    assert execute(org.safe, [s[0].sig(), s[1].sig(), s[2].sig()], to, ETH)


def test_fewer_valid_signers_than_min_is_recovery_not_payment(make_org):
    """Two of three signers lose the hat outside the Safe (min 2): the one left cannot
    pay (before, nothing could execute at all, the Safe was locked); once the minimum
    is back, payments execute again."""
    org = make_org(2, 2, 3)
    s, to = org.signers, Account.create().address
    org.roles.revoke(s[1].address)
    org.roles.revoke(s[2].address)
    assert org.gate.in_recovery()
    for pair in ([0, 1], [0, 2]):
        with boa.reverts("signer_gate: in recovery (fewer valid signers than the minimum) only calls to the Hats contract can execute"):
            execute(org.safe, [s[i].sig() for i in pair], to, ETH)
    with boa.reverts("signer_gate: not enough valid signatures"):
        execute(org.safe, [s[1].sig(), s[2].sig()], to, ETH)
    org.roles.grant(s[2].address)
    assert not org.gate.in_recovery()
    assert execute(org.safe, [s[0].sig(), s[2].sig()], to, ETH)


def test_initial_owner_without_hat_cannot_execute(safe_contracts, roles):
    deployer = Account.create()
    safe = safe_contracts.new_safe([deployer.address], 1)
    gate = deploy_gate(safe_contracts, safe, roles, 1, 1)
    attach(safe, gate, Sig(deployer.address, "ecdsa", deployer))
    with boa.reverts("signer_gate: not enough valid signatures"):
        execute(safe, [Sig(deployer.address, "ecdsa", deployer)], Account.create().address)


# ---------------------------------------------------------------- signature kinds


def test_eth_sign_signatures(make_org):
    org = make_org(2, 2, 3)
    s, to = org.signers, Account.create().address
    assert execute(org.safe, [s[0].sig("eth_sign"), s[1].sig("eth_sign")], to, ETH)
    assert execute(org.safe, [s[1].sig("ecdsa"), s[2].sig("eth_sign")], to, ETH)
    assert _balance(to) == 2 * ETH


def test_eth_sign_from_a_signer_who_lost_the_hat(make_org):
    org = make_org(2, 2, 3)
    s = org.signers
    org.roles.revoke(s[0].address)
    with boa.reverts("signer_gate: not enough valid signatures"):
        execute(org.safe, [s[0].sig("eth_sign"), s[1].sig("eth_sign")], Account.create().address, ETH)


def test_approve_hash_on_chain(make_org):
    org = make_org(2, 2, 3)
    s, to = org.signers, Account.create().address
    h = tx_hash(org.safe, to, ETH)
    for signer in s[:2]:
        with boa.env.prank(signer.address):
            org.safe.approveHash(h)
    # executed by an outsider: both approvals are on chain
    assert execute(org.safe, [s[0].sig("approved"), s[1].sig("approved")], to, ETH, sender=Account.create().address)
    assert _balance(to) == ETH


def test_approved_by_the_executor(make_org):
    """v = 1 for the owner who sends the transaction (msg.sender), plus one ECDSA."""
    org = make_org(2, 2, 3)
    s, to = org.signers, Account.create().address
    assert execute(org.safe, [s[1].sig("approved"), s[2].sig()], to, ETH, sender=s[1].address)
    assert _balance(to) == ETH


def test_approved_hash_of_a_signer_who_lost_the_hat(make_org):
    org = make_org(2, 2, 3)
    s, to = org.signers, Account.create().address
    h = tx_hash(org.safe, to, ETH)
    with boa.env.prank(s[0].address):
        org.safe.approveHash(h)
    org.roles.revoke(s[0].address)
    with boa.reverts("signer_gate: not enough valid signatures"):
        execute(org.safe, [s[0].sig("approved"), s[1].sig()], to, ETH, sender=s[1].address)
    with boa.reverts("signer_gate: not enough valid signatures"):
        execute(org.safe, [s[0].sig("approved"), s[1].sig()], to, ETH, sender=s[0].address)


def test_contract_signer(make_org):
    """A contract wallet wearing the hat signs with EIP-1271 (v = 0), verified by the Safe."""
    org = make_org(2, 2, 2)
    wallet = load_mock("SignerGateContractSigner.vy")
    org.roles.grant(wallet.address)
    wallet.call(org.gate.address, org.gate.claim_signer.prepare_calldata())
    assert org.gate.is_valid_signer(wallet.address)
    to = Account.create().address
    assert execute(org.safe, [Sig(wallet.address, "contract"), org.signers[0].sig()], to, ETH, sender=org.signers[0].address)
    org.roles.revoke(wallet.address)
    with boa.reverts("signer_gate: not enough valid signatures"):
        execute(org.safe, [Sig(wallet.address, "contract"), org.signers[0].sig()], to, ETH, sender=org.signers[0].address)


def test_mixed_signature_kinds_three_of_four(make_org):
    org = make_org(3, 3, 4)
    s, to = org.signers, Account.create().address
    h = tx_hash(org.safe, to, ETH)
    with boa.env.prank(s[2].address):
        org.safe.approveHash(h)
    sigs = [s[0].sig("ecdsa"), s[1].sig("eth_sign"), s[2].sig("approved")]
    assert execute(org.safe, sigs, to, ETH, sender=s[3].address)


# ---------------------------------------------------------------- batches


def test_multisend_batch_of_transfers(make_org, safe_contracts):
    org = make_org(2, 2, 3)
    ms = safe_contracts.multisend_call_only
    a, b = Account.create().address, Account.create().address
    data = multisend_data(ms, [(a, ETH, b""), (b, 2 * ETH, b"")])
    assert execute(org.safe, [org.signers[0].sig(), org.signers[1].sig()], ms.address, 0, data, operation=1)
    assert (_balance(a), _balance(b)) == (ETH, 2 * ETH)


def test_multisend_empty_batch(make_org, safe_contracts):
    org = make_org(1, 1, 1)
    ms = safe_contracts.multisend_call_only
    assert execute(org.safe, [org.signers[0].sig()], ms.address, 0, multisend_data(ms, []), operation=1)


# ---------------------------------------------------------------- guard revert paths


def _check_args(gate, org, operation=0, to=None):
    return (to or Account.create().address, 0, b"", operation, 0, 0, 0, ZERO, ZERO, b"", org.signers[0].address)


def test_check_transaction_only_from_the_safe(make_org):
    org = make_org(1, 1, 1)
    with boa.reverts("signer_gate: caller is not the safe"):
        org.gate.checkTransaction(*_check_args(org.gate, org))


def test_check_after_execution_only_from_the_safe(make_org):
    org = make_org(1, 1, 1)
    with boa.reverts("signer_gate: caller is not the safe"):
        org.gate.checkAfterExecution(b"\x00" * 32, True)


def test_check_after_execution_needs_a_transaction_in_progress(make_org):
    org = make_org(1, 1, 1)
    with boa.env.prank(org.safe.address), boa.reverts("signer_gate: no safe transaction in progress"):
        org.gate.checkAfterExecution(b"\x00" * 32, True)


def test_delegatecall_to_anything_but_multisend(make_org):
    org = make_org(1, 1, 1)
    target = load_mock("SignerGateProbe.vy")
    with boa.reverts("signer_gate: delegatecall to a contract other than multisend"):
        execute(org.safe, [org.signers[0].sig()], target.address, 0, b"\x12\x34\x56\x78", operation=1)


def test_no_delegatecall_at_all_without_multisend(safe_contracts, roles):
    deployer = Account.create()
    safe = safe_contracts.new_safe([deployer.address], 1)
    gate = deploy_gate(safe_contracts, safe, roles, 1, 1, multisend=False)
    attach(safe, gate, Sig(deployer.address, "ecdsa", deployer))
    signer = Account.create()
    roles.grant(signer.address)
    with boa.env.prank(signer.address):
        gate.claim_signer()
    gate.remove_signer(deployer.address)
    ms = safe_contracts.multisend_call_only
    with boa.reverts("signer_gate: delegatecall to a contract other than multisend"):
        execute(safe, [Sig(signer.address, "ecdsa", signer)], ms.address, 0, multisend_data(ms, []), operation=1)


def test_delegatecall_to_multisend_other_function(make_org, safe_contracts):
    org = make_org(1, 1, 1)
    ms = safe_contracts.multisend_call_only
    with boa.reverts("signer_gate: delegatecall to multisend is not multiSend"):
        execute(org.safe, [org.signers[0].sig()], ms.address, 0, b"\x12\x34\x56\x78" + bytes(64), operation=1)


@pytest.mark.parametrize("length", [1, 10**6])
def test_malformed_multisend_batch(make_org, safe_contracts, length):
    """A declared batch length past the calldata's end."""
    org = make_org(1, 1, 1)
    ms = safe_contracts.multisend_call_only
    data = bytes.fromhex("8d80ff0a") + (32).to_bytes(32, "big") + (85 + length).to_bytes(32, "big") + bytes(85)
    with boa.reverts("signer_gate: malformed multisend batch"):
        execute(org.safe, [org.signers[0].sig()], ms.address, 0, data, operation=1)
