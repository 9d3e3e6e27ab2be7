"""Real Safe v1.4.1 contracts in titanoboa, for contract tests.

The singleton, proxy factory and MultiSendCallOnly are deployed from the
compiled artifacts that safe-eth-py ships. Its `Safe_V1_4_1` artifact is the
SafeL2 singleton: the deployed code hashes to the canonical SafeL2 v1.4.1
code hash (0xb1f92697...), the singleton Safe{Wallet} uses on most chains.
`deploy_safe_contracts(singleton=...)` takes another singleton, e.g. the L1
`Safe` that benchmarks/consent_gas.py deploys from the npm release.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import boa
import safe_eth.eth.contracts
from eth_account import Account
from eth_account.signers.local import LocalAccount

ZERO = "0x0000000000000000000000000000000000000000"
ABIS = Path(safe_eth.eth.contracts.__file__).parent / "abis"


def _artifact(name: str) -> dict:
    return json.loads((ABIS / f"{name}.json").read_text())


def _deploy_artifact(name: str):
    art = _artifact(name)
    factory = boa.loads_abi(json.dumps(art["abi"]), name=name)
    address, _ = boa.env.deploy_code(bytecode=bytes.fromhex(art["bytecode"].removeprefix("0x")))
    return factory.at(address)


@dataclass
class SafeDeployment:
    """The Safe v1.4.1 singleton, proxy factory and MultiSendCallOnly."""

    singleton: object
    factory: object
    multisend_call_only: object
    _safe_abi: object
    _salt: int = 0

    def new_safe(self, owners: list[str], threshold: int):
        """Deploy a Safe proxy with these owners and threshold."""
        setup = self.singleton.setup.prepare_calldata(
            owners, threshold, ZERO, b"", ZERO, ZERO, 0, ZERO
        )
        self._salt += 1
        proxy = self.factory.createProxyWithNonce(self.singleton.address, setup, self._salt)
        return self._safe_abi.at(proxy)


def deploy_safe_contracts(singleton=None) -> SafeDeployment:
    """Deploy the factory and MultiSendCallOnly, and the SafeL2 singleton
    unless `singleton` (a deployed v1.4.1 singleton) is given."""
    singleton = singleton or _deploy_artifact("Safe_V1_4_1")
    factory = _deploy_artifact("ProxyFactory_V1_4_1")
    multisend = _deploy_artifact("MultiSendCallOnly_V1_4_1")
    abi = boa.loads_abi(json.dumps(_artifact("Safe_V1_4_1")["abi"]), name="Safe")
    return SafeDeployment(singleton, factory, multisend, abi)


def new_owner() -> LocalAccount:
    """A fresh key; boa sends from its address with `boa.env.prank`."""
    return Account.create()


def safe_tx_hash(safe, to: str, value: int, data: bytes, operation: int = 0, nonce=None) -> bytes:
    """The EIP-712 SafeTx hash, as the Safe computes it (no gas refund fields)."""
    if nonce is None:
        nonce = safe.nonce()
    return safe.getTransactionHash(to, value, data, operation, 0, 0, 0, ZERO, ZERO, nonce)


def sign(owners: list[LocalAccount], tx_hash: bytes) -> bytes:
    """ECDSA signatures over tx_hash, sorted by owner address as the Safe requires."""
    sigs = []
    for owner in sorted(owners, key=lambda a: int(a.address, 16)):
        s = owner.unsafe_sign_hash(tx_hash)
        sigs.append(s.r.to_bytes(32, "big") + s.s.to_bytes(32, "big") + bytes([s.v]))
    return b"".join(sigs)


def exec_safe_tx(safe, owners: list[LocalAccount], to: str, value: int = 0, data: bytes = b"", operation: int = 0, sender=None):
    """Sign with `owners` and execute a Safe transaction; returns the Safe's bool result."""
    h = safe_tx_hash(safe, to, value, data, operation)
    sigs = sign(owners, h)
    with boa.env.prank(sender or owners[0].address):
        return safe.execTransaction(to, value, data, operation, 0, 0, 0, ZERO, ZERO, sigs)
