"""Fixtures: a Safe v1.4.1 guarded by a SignerGate, with signer hats in the real Hats.vy."""

from __future__ import annotations

import boa
import pytest
from eth_account import Account
from helpers import Org, Roles, Sig, attach, deploy_gate, execute, load_hats, load_mock, new_signers


@pytest.fixture(scope="session")
def admin():
    return boa.env.generate_address("hats-admin")


@pytest.fixture(scope="session")
def hats():
    return load_hats()


@pytest.fixture(scope="session")
def roles(hats, admin):
    return Roles(hats, admin)


@pytest.fixture
def make_org(safe_contracts, roles):
    """make_org(min, target, n): a Safe created by a deployer, the gate attached,
    n hat wearers seated as signers, the deployer removed."""

    def _make(min_threshold: int, target: int, n: int, multisend: bool = True, guard: bool = True) -> Org:
        deployer = Account.create()
        safe = safe_contracts.new_safe([deployer.address], 1)
        gate = deploy_gate(safe_contracts, safe, roles, min_threshold, target, multisend)
        attach(safe, gate, Sig(deployer.address, "ecdsa", deployer), guard)
        org = Org(safe, gate, roles, deployer, new_signers(n))
        for signer in org.signers:
            roles.grant(signer.address)
            with boa.env.prank(signer.address):
                gate.claim_signer()
        if n:
            gate.remove_signer(deployer.address)
        boa.env.set_balance(safe.address, 10**20)
        return org

    return _make


@pytest.fixture
def make_org_with_rogue(safe_contracts, roles):
    """A Safe that also enabled another module (before the guard), to show the
    snapshot catches what a module changes during a Safe transaction."""
    rogue = load_mock("SignerGateRogueModule.vy")
    deployer = Account.create()
    owner = Sig(deployer.address, "ecdsa", deployer)
    safe = safe_contracts.new_safe([deployer.address], 1)
    gate = deploy_gate(safe_contracts, safe, roles, 2, 2)
    assert execute(safe, [owner], safe.address, data=safe.enableModule.prepare_calldata(rogue.address))
    attach(safe, gate, owner)
    org = Org(safe, gate, roles, deployer, new_signers(3))
    for signer in org.signers:
        roles.grant(signer.address)
        with boa.env.prank(signer.address):
            gate.claim_signer()
    gate.remove_signer(deployer.address)
    return org, rogue
