"""Shared setup for the Safe SDK and CLI tests: Safe v1.4.1 contracts, Safes
with test-account owners, an ERC-20 token and a minimal Safe guard."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import safe_eth.eth.contracts
from eth_utils import keccak

from opgov.safe import create_safe, safe_contracts

ABIS = Path(safe_eth.eth.contracts.__file__).parent / "abis"

# a do-nothing Safe guard: enough for setGuard's ERC-165 check
GUARD_SOURCE = """
# pragma version 0.4.3
@external
@view
def supportsInterface(interface_id: bytes4) -> bool:
    return interface_id == 0x01ffc9a7 or interface_id == 0xe6d7a83a

@external
def checkTransaction(to: address, amount: uint256, data: Bytes[4096], operation: uint8, safeTxGas: uint256,
                     baseGas: uint256, gasPrice: uint256, gasToken: address, refundReceiver: address,
                     signatures: Bytes[4096], msgSender: address):
    pass

@external
def checkAfterExecution(hash: bytes32, success: bool):
    pass
"""
GUARD_INTERFACE_ID = bytes(
    a ^ b
    for a, b in zip(
        keccak(text="checkTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes,address)")[:4],
        keccak(text="checkAfterExecution(bytes32,bool)")[:4],
    )
)


def container_from(name: str, abi: list, bytecode: str):
    from ape.contracts import ContractContainer
    from ethpm_types import ContractType

    return ContractContainer(
        ContractType.model_validate({"contractName": name, "abi": abi, "deploymentBytecode": {"bytecode": bytecode}})
    )


def deploy_token(deployer, holder: str, amount: int, symbol: str = "TST", decimals: int = 6):
    art = json.loads((ABIS / "ERC20TestToken.json").read_text())
    token = container_from("ERC20TestToken", art["abi"], art["bytecode"])
    return deployer.deploy(token, "Test token", symbol, decimals, holder, amount)


def deploy_guard(deployer):
    import vyper

    out = vyper.compile_code(GUARD_SOURCE, output_formats=["abi", "bytecode"])
    return deployer.deploy(container_from("NoopGuard", out["abi"], out["bytecode"]))


def make_safe(accounts, owners, threshold: int, fund_eth: int = 5):
    """A Safe of `owners` (ape accounts or addresses), funded with ETH from accounts[0]."""
    safe_contracts(accounts[0])
    safe = create_safe([getattr(o, "address", o) for o in owners], threshold, sender=accounts[0])
    if fund_eth:
        accounts[0].transfer(safe.address, fund_eth * 10**18)
    return safe


@contextmanager
def deployed_org(folder: Path, spec_text: str, deployer):
    """The org of `spec_text` (written to folder/org.yaml) deployed from `deployer` with the
    network's record, as `opgov deploy` does; the chain and the record as they were afterwards.

    Yields:
        (spec, state): the loaded spec and the deployed org.
    """
    from ape import chain

    from opgov.deploy import OrgDeployer
    from opgov.deployments import Deployments
    from opgov.spec import load_spec

    snapshot = chain.snapshot()
    record = Deployments.for_connected_network()
    saved = (dict(record.records), dict(record.pending), dict(record.org))
    for part in (record.records, record.pending, record.org):
        part.clear()
    (folder / "org.yaml").write_text(spec_text)
    spec = load_spec(folder / "org.yaml")
    try:
        yield spec, OrgDeployer(spec, deployer).deploy()
    finally:
        chain.restore(snapshot)
        for part, before in zip((record.records, record.pending, record.org), saved):
            part.clear()
            part.update(before)
