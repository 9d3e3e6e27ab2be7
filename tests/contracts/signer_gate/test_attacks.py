"""The attacks found in Hats Signer Gate's audits (v1 and v2), each tried on SignerGate.

1. Signature counting that differs from the Safe's (unverified signatures past the
   Safe's threshold, duplicates, non-owners).
2. The threshold changed inside a Safe transaction.
3. Reentrancy into the guard (a nested execTransaction).
4. Owners added through a MultiSend delegatecall (or any delegatecall).
5. Removing the guard or the module, enabling another module, changing the fallback handler.
"""

from __future__ import annotations

import boa
import pytest
from eth_account import Account
from helpers import (
    SENTINEL,
    ZERO,
    execute,
    load_mock,
    multisend_data,
    new_signers,
    revert_reason,
    signature_blob,
    tx_hash,
)

ETH = 10**18


@pytest.fixture
def org(make_org):
    return make_org(2, 2, 3)


def _sigs(org, *indexes):
    return [org.signers[i].sig() for i in indexes]


# ---------------------------------------------------------------- 1. signature counting


def test_unverified_signature_past_the_threshold_does_not_count(org):
    """The Safe verifies only its first `threshold` signatures; a fake contract signature
    appended for a valid signer who never signed must not make up for a revoked one."""
    s, to = org.signers, Account.create().address
    org.roles.revoke(s[0].address)
    h = tx_hash(org.safe, to, ETH)
    blob = signature_blob(h, [s[0].sig(), s[1].sig()])
    fake = int(s[2].address, 16).to_bytes(32, "big") + (0).to_bytes(32, "big") + b"\x00"
    with boa.env.prank(s[1].address), boa.reverts("signer_gate: not enough valid signatures"):
        org.safe.execTransaction(to, ETH, b"", 0, 0, 0, 0, ZERO, ZERO, blob + fake)


def test_duplicate_signatures_refused(org):
    s = org.signers
    with boa.reverts("GS026"):
        execute(org.safe, [s[0].sig(), s[0].sig()], Account.create().address, ETH)


def test_wearer_who_is_not_an_owner_cannot_sign(org):
    outsider = new_signers(1)[0]
    org.roles.grant(outsider.address)
    with boa.reverts("GS026"):
        execute(org.safe, [org.signers[0].sig(), outsider.sig()], Account.create().address, ETH)


def test_signatures_out_of_order_refused(org):
    s, to = org.signers, Account.create().address
    h = tx_hash(org.safe, to, ETH)
    blob = signature_blob(h, [s[1].sig()]) + signature_blob(h, [s[0].sig()])  # descending
    with boa.env.prank(s[0].address), boa.reverts("GS026"):
        org.safe.execTransaction(to, ETH, b"", 0, 0, 0, 0, ZERO, ZERO, blob)


def test_signature_for_another_nonce_refused(org):
    s, to = org.signers, Account.create().address
    h = org.safe.getTransactionHash(to, ETH, b"", 0, 0, 0, 0, ZERO, ZERO, org.safe.nonce() + 1)
    blob = signature_blob(h, _sigs(org, 0, 1))
    with boa.env.prank(s[0].address), boa.reverts("GS026"):
        org.safe.execTransaction(to, ETH, b"", 0, 0, 0, 0, ZERO, ZERO, blob)


def test_gas_refund_fields_are_part_of_the_recomputed_hash(org):
    """The guard recomputes the SafeTx hash with every field (here safeTxGas != 0)."""
    assert execute(org.safe, _sigs(org, 0, 1), Account.create().address, ETH, safe_tx_gas=50_000)


# ---------------------------------------------------------------- 2. threshold changed inside a transaction


def test_safe_transaction_cannot_change_threshold_directly(org):
    data = org.safe.changeThreshold.prepare_calldata(1)
    with boa.reverts("signer_gate: transaction calls the safe itself"):
        execute(org.safe, _sigs(org, 0, 1), org.safe.address, 0, data)


def test_safe_transaction_cannot_change_threshold_in_a_batch(org, safe_contracts):
    ms = safe_contracts.multisend_call_only
    data = multisend_data(ms, [(Account.create().address, 1, b""), (org.safe.address, 0, org.safe.changeThreshold.prepare_calldata(1))])
    with boa.reverts("signer_gate: transaction calls the safe itself"):
        execute(org.safe, _sigs(org, 0, 1), ms.address, 0, data, operation=1)


@pytest.mark.parametrize("function", ["reconcile_threshold", "claim_signer", "remove_signer"])
def test_gate_functions_refused_during_a_safe_transaction(org, function):
    """HSG v1: reconcileSignerCount called inside the transaction moved the threshold."""
    probe = load_mock("SignerGateProbe.vy")
    org.roles.revoke(org.signers[2].address)
    org.roles.grant(probe.address)
    args = [org.signers[2].address] if function == "remove_signer" else []
    call = getattr(org.gate, function).prepare_calldata(*args)
    data = probe.probe.prepare_calldata(org.gate.address, call)
    assert execute(org.safe, _sigs(org, 0, 1), probe.address, 0, data)
    assert not probe.last_success()
    assert revert_reason(probe.last_return()) == "signer_gate: safe transaction in progress"
    assert org.safe.getThreshold() == 2 and len(org.safe.getOwners()) == 3


def test_other_module_cannot_change_threshold_during_a_transaction(make_org_with_rogue):
    org, rogue = make_org_with_rogue
    data = rogue.run.prepare_calldata(org.safe.address, org.safe.changeThreshold.prepare_calldata(1))
    with boa.reverts("signer_gate: transaction changed the owners, threshold, modules or fallback handler"):
        execute(org.safe, _sigs(org, 0, 1), rogue.address, 0, data)


# ---------------------------------------------------------------- 3. reentrancy into the guard


def test_nested_safe_transaction_refused(org):
    """A Safe transaction that executes a second, validly signed Safe transaction."""
    probe = load_mock("SignerGateProbe.vy")
    s, to = org.signers, Account.create().address
    nonce = org.safe.nonce()
    inner_hash = org.safe.getTransactionHash(to, ETH, b"", 0, 0, 0, 0, ZERO, ZERO, nonce + 1)
    inner = org.safe.execTransaction.prepare_calldata(to, ETH, b"", 0, 0, 0, 0, ZERO, ZERO, signature_blob(inner_hash, _sigs(org, 0, 1)))
    assert execute(org.safe, _sigs(org, 0, 1), probe.address, 0, probe.probe.prepare_calldata(org.safe.address, inner))
    assert not probe.last_success()
    assert revert_reason(probe.last_return()) == "signer_gate: safe transaction already in progress"
    assert boa.env.get_balance(to) == 0


def test_nested_safe_transaction_refused_in_a_batch(org, safe_contracts):
    ms = safe_contracts.multisend_call_only
    inner = org.safe.execTransaction.prepare_calldata(Account.create().address, 0, b"", 0, 0, 0, 0, ZERO, ZERO, b"")
    data = multisend_data(ms, [(org.safe.address, 0, inner)])
    with boa.reverts("signer_gate: transaction calls the safe itself"):
        execute(org.safe, _sigs(org, 0, 1), ms.address, 0, data, operation=1)


def test_safe_transaction_cannot_call_the_gate(org, safe_contracts):
    """Calling checkAfterExecution from inside a transaction would clear the guard state."""
    data = org.gate.checkAfterExecution.prepare_calldata(b"\x00" * 32, True)
    with boa.reverts("signer_gate: transaction calls the gate"):
        execute(org.safe, _sigs(org, 0, 1), org.gate.address, 0, data)
    ms = safe_contracts.multisend_call_only
    batch = multisend_data(ms, [(org.gate.address, 0, data)])
    with boa.reverts("signer_gate: transaction calls the gate"):
        execute(org.safe, _sigs(org, 0, 1), ms.address, 0, batch, operation=1)


# ---------------------------------------------------------------- 4. owners added behind the gate's back


def test_add_owner_directly_refused(org):
    data = org.safe.addOwnerWithThreshold.prepare_calldata(Account.create().address, 1)
    with boa.reverts("signer_gate: transaction calls the safe itself"):
        execute(org.safe, _sigs(org, 0, 1), org.safe.address, 0, data)


@pytest.mark.parametrize("position", [0, 1, 2])
def test_add_owner_via_multisend_delegatecall_refused(org, safe_contracts, position):
    """HSG: owners added (or swapped) inside a MultiSend batch, at any position in it."""
    ms = safe_contracts.multisend_call_only
    calls = [(Account.create().address, 1, b"") for _ in range(2)]
    rogue = Account.create().address
    calls.insert(position, (org.safe.address, 0, org.safe.addOwnerWithThreshold.prepare_calldata(rogue, 1)))
    with boa.reverts("signer_gate: transaction calls the safe itself"):
        execute(org.safe, _sigs(org, 0, 1), ms.address, 0, multisend_data(ms, calls), operation=1)
    swap = org.safe.swapOwner.prepare_calldata(SENTINEL, org.safe.getOwners()[0], rogue)
    with boa.reverts("signer_gate: transaction calls the safe itself"):
        execute(org.safe, _sigs(org, 0, 1), ms.address, 0, multisend_data(ms, [(org.safe.address, 0, swap)]), operation=1)


def test_storage_writing_delegatecall_refused(org):
    """Any delegatecall but MultiSendCallOnly could write the Safe's owners directly."""
    with boa.reverts("signer_gate: delegatecall to a contract other than multisend"):
        execute(org.safe, _sigs(org, 0, 1), org.gate.address, 0, b"", operation=1)


def test_other_module_cannot_add_owner_during_a_transaction(make_org_with_rogue):
    org, rogue = make_org_with_rogue
    call = org.safe.addOwnerWithThreshold.prepare_calldata(Account.create().address, 2)
    with boa.reverts("signer_gate: transaction changed the owners, threshold, modules or fallback handler"):
        execute(org.safe, _sigs(org, 0, 1), rogue.address, 0, rogue.run.prepare_calldata(org.safe.address, call))


# ---------------------------------------------------------------- 5. guard, modules, fallback handler


@pytest.mark.parametrize(
    "call",
    [
        lambda safe, gate: safe.setGuard.prepare_calldata(ZERO),
        lambda safe, gate: safe.disableModule.prepare_calldata(SENTINEL, gate.address),
        lambda safe, gate: safe.enableModule.prepare_calldata(Account.create().address),
        lambda safe, gate: safe.setFallbackHandler.prepare_calldata(Account.create().address),
    ],
    ids=["setGuard", "disableModule", "enableModule", "setFallbackHandler"],
)
def test_setup_changes_refused_directly_and_in_batches(org, safe_contracts, call):
    data = call(org.safe, org.gate)
    with boa.reverts("signer_gate: transaction calls the safe itself"):
        execute(org.safe, _sigs(org, 0, 1), org.safe.address, 0, data)
    ms = safe_contracts.multisend_call_only
    with boa.reverts("signer_gate: transaction calls the safe itself"):
        execute(org.safe, _sigs(org, 0, 1), ms.address, 0, multisend_data(ms, [(org.safe.address, 0, data)]), operation=1)


def test_other_module_cannot_remove_the_guard(make_org_with_rogue):
    org, rogue = make_org_with_rogue
    call = org.safe.setGuard.prepare_calldata(ZERO)
    with boa.reverts("signer_gate: transaction changed the guard"):
        execute(org.safe, _sigs(org, 0, 1), rogue.address, 0, rogue.run.prepare_calldata(org.safe.address, call))
    assert org.safe.getStorageAt(int.from_bytes(bytes.fromhex("4a204f620c8c5ccdca3fd54d003badd85ba500436a431f0cbda4f558c93c34c8"), "big"), 1)[12:] == bytes.fromhex(org.gate.address[2:])


@pytest.mark.parametrize(
    "call",
    [
        lambda safe, gate, rogue: safe.enableModule.prepare_calldata(Account.create().address),
        lambda safe, gate, rogue: safe.disableModule.prepare_calldata(SENTINEL, gate.address),
        lambda safe, gate, rogue: safe.setFallbackHandler.prepare_calldata(Account.create().address),
        lambda safe, gate, rogue: safe.removeOwner.prepare_calldata(SENTINEL, safe.getOwners()[0], 1),
    ],
    ids=["enableModule", "disableModule", "setFallbackHandler", "removeOwner"],
)
def test_other_module_cannot_change_setup_during_a_transaction(make_org_with_rogue, call):
    org, rogue = make_org_with_rogue
    data = rogue.run.prepare_calldata(org.safe.address, call(org.safe, org.gate, rogue))
    with boa.reverts("signer_gate: transaction changed the owners, threshold, modules or fallback handler"):
        execute(org.safe, _sigs(org, 0, 1), rogue.address, 0, data)
