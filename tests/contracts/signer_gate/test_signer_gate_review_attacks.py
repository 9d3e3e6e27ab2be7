"""The security review's findings against the signer gate, each tried as an attack on a
real Safe v1.4.1 (docs/security.md lists them):

4. the gate could lock the Safe for good (a Safe transaction that revokes or toggles
   off the signer hat; signers who leave on their own);
5. MultiSendCallOnly batches: an inner delegatecall or a call to address 0 (which a
   delegatecalled MultiSend turns into a call to the Safe itself), a "multisend" that
   is some other code, and a module-list change behind the head of the list.
"""

from __future__ import annotations

import boa
from eth_account import Account
from helpers import SENTINEL, ZERO, Sig, attach, deploy_gate, execute, load, load_mock, multisend_data

ETH = 10**18
BELOW_MIN = "signer_gate: transaction would leave fewer valid signers than the minimum"
RECOVERY = "signer_gate: in recovery (fewer valid signers than the minimum) only calls to the Hats contract can execute"


def _sigs(org, *indexes):
    return [org.signers[i].sig() for i in indexes]


def _safe_runs_the_signer_hat(org):
    """As `opgov deploy` sets it up: the Safe wears the top hat and is the signer hat's
    eligibility and toggle module, so Safe transactions can grant and revoke it."""
    roles = org.roles
    with boa.env.prank(roles.admin):
        roles.hats.changeHatEligibility(roles.signer_hat, org.safe.address)
        roles.hats.changeHatToggle(roles.signer_hat, org.safe.address)
        roles.hats.transferHat(roles.top_hat, roles.admin, org.safe.address)


def _packed(operation: int, to: str, value: int, data: bytes) -> bytes:
    return bytes([operation]) + bytes.fromhex(to[2:]) + value.to_bytes(32, "big") + len(data).to_bytes(32, "big") + data


# ---------------------------------------------------------------- 4. locking the Safe


def test_attack_toggle_signer_hat_off_locks_safe_fails(make_org):
    """One Safe transaction switched the signer hat off: no valid signer was left, so
    every later transaction, including the fix, was refused. Now it is refused itself."""
    org = make_org(2, 2, 3)
    _safe_runs_the_signer_hat(org)
    hats = org.roles.hats
    data = hats.setHatStatus.prepare_calldata(org.roles.signer_hat, False)
    with boa.reverts(BELOW_MIN):
        execute(org.safe, _sigs(org, 0, 1), hats.address, 0, data)
    assert hats.isWearerOfHat(org.signers[0].address, org.roles.signer_hat)
    assert execute(org.safe, _sigs(org, 0, 1), Account.create().address, ETH)


def test_attack_revoke_signers_below_minimum_fails(make_org):
    """Revoking one signer of three (min 2) is a legitimate change; revoking a second,
    even one who did not sign, would leave one valid signer: refused."""
    org = make_org(2, 2, 3)
    _safe_runs_the_signer_hat(org)
    hats, hat, s = org.roles.hats, org.roles.signer_hat, org.signers
    revoke = hats.setHatWearerStatus.prepare_calldata
    assert execute(org.safe, _sigs(org, 0, 1), hats.address, 0, revoke(hat, s[2].address, False, True))
    assert org.gate.valid_signer_count() == 2
    with boa.reverts(BELOW_MIN):
        execute(org.safe, _sigs(org, 0, 1), hats.address, 0, revoke(hat, s[1].address, False, True))


def test_signer_may_sign_away_own_hat_when_enough_stay(make_org):
    """The fallback count: a signer whose signature counted loses the hat, but enough
    other valid signers stay."""
    org = make_org(2, 2, 4)
    _safe_runs_the_signer_hat(org)
    hats, hat = org.roles.hats, org.roles.signer_hat
    data = hats.setHatWearerStatus.prepare_calldata(hat, org.signers[0].address, False, True)
    assert execute(org.safe, _sigs(org, 0, 1), hats.address, 0, data)
    assert org.gate.valid_signer_count() == 3


def test_attack_revoke_in_a_batch_below_minimum_fails(make_org, safe_contracts):
    org = make_org(2, 2, 3)
    _safe_runs_the_signer_hat(org)
    hats, hat, s = org.roles.hats, org.roles.signer_hat, org.signers
    revoke = hats.setHatWearerStatus.prepare_calldata
    ms = safe_contracts.multisend_call_only
    batch = multisend_data(ms, [(hats.address, 0, revoke(hat, s[1].address, False, True)),
                                (hats.address, 0, revoke(hat, s[2].address, False, True))])
    with boa.reverts(BELOW_MIN):
        execute(org.safe, _sigs(org, 0, 1), ms.address, 0, batch, operation=1)


def test_signers_who_leave_on_their_own_do_not_lock_the_safe(make_org):
    """The way out: two of three signers renounce (min 2). The one left cannot pay,
    but can have the signer hat minted to a new wearer, who claims a seat; then the
    Safe pays again with the minimum of two."""
    org = make_org(2, 3, 3)
    _safe_runs_the_signer_hat(org)
    hats, hat, s = org.roles.hats, org.roles.signer_hat, org.signers
    for signer in s[1:]:
        with boa.env.prank(signer.address):
            hats.renounceHat(hat)
    assert org.gate.in_recovery()
    # anyone removes the departed owners; the threshold follows the one valid signer
    org.gate.remove_signer(s[1].address)
    org.gate.remove_signer(s[2].address)
    assert org.safe.getThreshold() == 1 and org.gate.required_signatures() == 1
    to = Account.create().address
    with boa.reverts(RECOVERY):
        execute(org.safe, _sigs(org, 0), to, ETH)
    newcomer = Account.create()
    assert execute(org.safe, _sigs(org, 0), hats.address, 0, hats.mintHat.prepare_calldata(hat, newcomer.address))
    with boa.env.prank(newcomer.address):
        org.gate.claim_signer()
    assert not org.gate.in_recovery()
    assert org.safe.getThreshold() == 2
    with boa.reverts():  # one signature is no longer enough
        execute(org.safe, _sigs(org, 0), to, ETH)
    assert execute(org.safe, [s[0].sig(), Sig(newcomer.address, "ecdsa", newcomer)], to, ETH)
    assert boa.env.get_balance(to) == ETH


def test_recovery_refuses_delegatecall_batches(make_org, safe_contracts):
    org = make_org(2, 2, 3)
    _safe_runs_the_signer_hat(org)
    hats, hat = org.roles.hats, org.roles.signer_hat
    for signer in org.signers[1:]:
        with boa.env.prank(signer.address):
            hats.renounceHat(hat)
    ms = safe_contracts.multisend_call_only
    batch = multisend_data(ms, [(hats.address, 0, hats.mintHat.prepare_calldata(hat, Account.create().address))])
    with boa.reverts(RECOVERY):
        execute(org.safe, [org.signers[0].sig(), org.signers[1].sig()], ms.address, 0, batch, operation=1)


def test_before_the_minimum_is_first_reached_nothing_executes(safe_contracts, roles):
    """While signers claim their seats, the first one alone is not "recovery": the Safe
    waits for the minimum (else the first claimant could mint the hat to itself)."""
    deployer = Account.create()
    safe = safe_contracts.new_safe([deployer.address], 1)
    gate = deploy_gate(safe_contracts, safe, roles, 2, 2)
    attach(safe, gate, Sig(deployer.address, "ecdsa", deployer))
    first = Account.create()
    roles.grant(first.address)
    with boa.env.prank(first.address):
        gate.claim_signer()
    assert not gate.armed() and not gate.in_recovery()
    gate.remove_signer(deployer.address)
    with boa.reverts("signer_gate: not enough valid signatures"):
        execute(safe, [Sig(first.address, "ecdsa", first)], roles.hats.address, 0,
                roles.hats.mintHat.prepare_calldata(roles.signer_hat, Account.create().address))


def test_reconcile_arms_a_safe_whose_first_owners_wore_the_hat(safe_contracts, roles):
    signers = sorted((Account.create() for _ in range(2)), key=lambda a: int(a.address, 16))
    for signer in signers:
        roles.grant(signer.address)
    safe = safe_contracts.new_safe([a.address for a in signers], 2)
    gate = deploy_gate(safe_contracts, safe, roles, 2, 2)
    sigs = [Sig(a.address, "ecdsa", a) for a in signers]
    assert execute(safe, sigs, safe.address, data=safe.enableModule.prepare_calldata(gate.address))
    assert execute(safe, sigs, safe.address, data=safe.setGuard.prepare_calldata(gate.address))
    assert not gate.armed()
    gate.reconcile_threshold()
    assert [type(log).__name__ for log in gate.get_logs()] == ["Armed"]
    assert gate.armed()


# ---------------------------------------------------------------- 5. batches and the module list


def test_attack_multisend_inner_delegatecall_fails(make_org, safe_contracts):
    """The operation byte of each inner transaction was never read."""
    org = make_org(2, 2, 3)
    ms = safe_contracts.multisend_call_only
    packed = _packed(0, Account.create().address, 1, b"") + _packed(1, org.roles.hats.address, 0, b"")
    with boa.reverts("signer_gate: multisend batch holds a delegatecall"):
        execute(org.safe, _sigs(org, 0, 1), ms.address, 0, ms.multiSend.prepare_calldata(packed), operation=1)


def test_attack_multisend_call_to_zero_address_swaps_an_owner_fails(make_org, safe_contracts):
    """MultiSend calls the contract it runs in when `to` is 0: delegatecalled by the
    Safe, that is the Safe itself, which slipped past the "calls the Safe" check; a
    swapOwner keeps the owner count, so the after-execution digest did not see it."""
    org = make_org(2, 2, 3)
    ms = safe_contracts.multisend_call_only
    victim, rogue = org.safe.getOwners()[0], Account.create().address
    swap = org.safe.swapOwner.prepare_calldata(SENTINEL, victim, rogue)
    packed = _packed(0, ZERO, 0, swap)
    with boa.reverts("signer_gate: multisend batch calls the zero address"):
        execute(org.safe, _sigs(org, 0, 1), ms.address, 0, ms.multiSend.prepare_calldata(packed), operation=1)
    assert org.safe.isOwner(victim) and not org.safe.isOwner(rogue)


def test_attack_fake_multisend_at_construction_fails(safe_contracts, roles):
    """A "multisend" that is any other code could write the Safe's storage when
    delegatecalled; the gate now takes only MultiSendCallOnly v1.4.1's code."""
    safe = safe_contracts.new_safe([Account.create().address], 1)
    fake = load_mock("SignerGateProbe.vy")
    with boa.reverts("signer_gate: multisend is not MultiSendCallOnly v1.4.1"):
        load("SignerGate", safe.address, roles.hats.address, roles.signer_hat, 1, 1, fake.address)


def test_attack_multisend_code_replaced_fails(make_org, safe_contracts):
    """Were other code ever to stand at the pinned address (a metamorphic redeploy),
    the delegatecall is refused."""
    org = make_org(2, 2, 3)
    ms = safe_contracts.multisend_call_only
    original = boa.env.get_code(ms.address)
    batch = multisend_data(ms, [(Account.create().address, 1, b"")])
    boa.env.set_code(ms.address, original + b"\x00")
    try:
        with boa.reverts("signer_gate: multisend code changed"):
            execute(org.safe, _sigs(org, 0, 1), ms.address, 0, batch, operation=1)
    finally:
        boa.env.set_code(ms.address, original)
    assert execute(org.safe, _sigs(org, 0, 1), ms.address, 0, batch, operation=1)


def test_attack_enable_rogue_disable_and_reenable_gate_fails(make_org_with_rogue, safe_contracts):
    """Enable a second rogue module, disable the gate, enable the gate again: the head
    of the module list is the gate again and the counts are unchanged, which the old
    digest (head only) accepted. The whole list is compared now."""
    org, rogue = make_org_with_rogue
    safe = org.safe
    rogue2 = Account.create().address
    steps = [
        safe.enableModule.prepare_calldata(rogue2),
        safe.disableModule.prepare_calldata(rogue2, org.gate.address),
        safe.enableModule.prepare_calldata(org.gate.address),
    ]
    ms = safe_contracts.multisend_call_only
    batch = multisend_data(ms, [(rogue.address, 0, rogue.run.prepare_calldata(safe.address, step)) for step in steps])
    before = safe.getModulesPaginated(SENTINEL, 10)[0]
    with boa.reverts("signer_gate: transaction changed the owners, threshold, modules or fallback handler"):
        execute(safe, _sigs(org, 0, 1), ms.address, 0, batch, operation=1)
    assert safe.getModulesPaginated(SENTINEL, 10)[0] == before
