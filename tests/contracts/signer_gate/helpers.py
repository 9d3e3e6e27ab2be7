"""Helpers for SignerGate tests: hats, Safe transactions and every signature kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import boa
from eth_abi import decode
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

CONTRACTS = Path(__file__).resolve().parents[3] / "contracts"
MOCKS = Path(__file__).resolve().parents[1] / "mocks"
ZERO = "0x0000000000000000000000000000000000000000"
SENTINEL = "0x0000000000000000000000000000000000000001"


@lru_cache(maxsize=None)
def _deployer(path: str):
    boa.interpret.set_search_paths([str(CONTRACTS)])
    return boa.load_partial(path)


def load(name: str, *args):
    """Deploy contracts/<name>.vy (as tests/contracts/conftest.py's `load`, which this
    folder's own conftest.py shadows on import), compiling each contract once."""
    return _deployer(str(CONTRACTS / f"{name}.vy")).deploy(*args)


def load_mock(name: str, *args):
    """Deploy tests/contracts/mocks/<name>."""
    return _deployer(str(MOCKS / name)).deploy(*args)


def load_hats():
    """The real contracts/Hats.vy."""
    return load("Hats", "opgov Hats", "")


class Roles:
    """The signer hat in the real Hats.vy: an admin EOA wears the top hat and is the
    hat's eligibility and toggle module, so it can grant and revoke the hat."""

    def __init__(self, hats, admin: str):
        self.hats = hats
        self.admin = admin
        with boa.env.prank(admin):
            self.top_hat = hats.mintTopHat(admin, "opgov", "")
            self.signer_hat = hats.createHat(self.top_hat, "signers", 50, admin, admin, True, "")
            self.other_hat = hats.createHat(self.top_hat, "others", 50, admin, admin, True, "")

    def grant(self, who: str, hat: int | None = None) -> None:
        with boa.env.prank(self.admin):
            self.hats.mintHat(hat or self.signer_hat, who)

    def revoke(self, who: str, hat: int | None = None) -> None:
        """Ruled ineligible by the hat's eligibility module: the hat is burnt."""
        with boa.env.prank(self.admin):
            self.hats.setHatWearerStatus(hat or self.signer_hat, who, False, True)

    def wears(self, who: str) -> bool:
        return self.hats.isWearerOfHat(who, self.signer_hat)


def last_event(contract, name: str):
    """The last event called `name` in the last call's logs."""
    found = [log for log in contract.get_logs() if type(log).__name__ == name]
    assert found, f"no {name} event"
    return found[-1]


def sort_key(address: str) -> int:
    return int(address, 16)


@dataclass
class Sig:
    """One signature for a Safe transaction, of any kind the Safe accepts."""

    owner: str
    kind: str = "ecdsa"  # ecdsa | eth_sign | approved | contract
    account: LocalAccount | None = None

    def static(self, tx_hash: bytes, offset: int) -> bytes:
        if self.kind == "ecdsa":
            s = self.account.unsafe_sign_hash(tx_hash)
            return s.r.to_bytes(32, "big") + s.s.to_bytes(32, "big") + bytes([s.v])
        if self.kind == "eth_sign":
            s = self.account.sign_message(encode_defunct(primitive=tx_hash))
            return s.r.to_bytes(32, "big") + s.s.to_bytes(32, "big") + bytes([s.v + 4])
        r = int(self.owner, 16).to_bytes(32, "big")
        if self.kind == "approved":
            return r + bytes(32) + b"\x01"
        assert self.kind == "contract"
        return r + offset.to_bytes(32, "big") + b"\x00"


def signature_blob(tx_hash: bytes, sigs: list[Sig]) -> bytes:
    """Signatures sorted by owner as the Safe requires; contract signatures get an
    empty dynamic part after the static ones."""
    sigs = sorted(sigs, key=lambda s: sort_key(s.owner))
    static, dynamic = b"", b""
    base = 65 * len(sigs)
    for sig in sigs:
        static += sig.static(tx_hash, base + len(dynamic))
        if sig.kind == "contract":
            dynamic += (0).to_bytes(32, "big")
    return static + dynamic


@dataclass
class Signer:
    account: LocalAccount

    @property
    def address(self) -> str:
        return self.account.address

    def sig(self, kind: str = "ecdsa") -> Sig:
        return Sig(self.address, kind, self.account)


def new_signers(n: int) -> list[Signer]:
    return sorted((Signer(Account.create()) for _ in range(n)), key=lambda s: sort_key(s.address))


def tx_hash(safe, to: str, value: int = 0, data: bytes = b"", operation: int = 0, safe_tx_gas: int = 0) -> bytes:
    return safe.getTransactionHash(to, value, data, operation, safe_tx_gas, 0, 0, ZERO, ZERO, safe.nonce())


def execute(safe, sigs: list[Sig], to: str, value: int = 0, data: bytes = b"", operation: int = 0, sender: str | None = None, safe_tx_gas: int = 0):
    """Sign (with any signature kinds) and execute a Safe transaction."""
    h = tx_hash(safe, to, value, data, operation, safe_tx_gas)
    blob = signature_blob(h, sigs)
    with boa.env.prank(sender or sigs[0].owner):
        return safe.execTransaction(to, value, data, operation, safe_tx_gas, 0, 0, ZERO, ZERO, blob)


def multisend_data(multisend, calls: list[tuple[str, int, bytes]]) -> bytes:
    """MultiSendCallOnly.multiSend calldata for (to, value, data) calls."""
    packed = b""
    for to, value, data in calls:
        packed += b"\x00" + bytes.fromhex(to[2:]) + value.to_bytes(32, "big") + len(data).to_bytes(32, "big") + data
    return multisend.multiSend.prepare_calldata(packed)


def revert_reason(data: bytes) -> str:
    """Decode an Error(string) revert."""
    assert data[:4] == bytes.fromhex("08c379a0"), data
    return decode(["string"], data[4:])[0]


@dataclass
class Org:
    """A Safe guarded by a SignerGate, with its signers seated."""

    safe: object
    gate: object
    roles: Roles
    deployer: LocalAccount
    signers: list[Signer] = field(default_factory=list)


def deploy_gate(safe_contracts, safe, roles, min_threshold, target, multisend=True):
    ms = safe_contracts.multisend_call_only.address if multisend else "0x" + "00" * 20
    return load("SignerGate", safe.address, roles.hats.address, roles.signer_hat, min_threshold, target, ms)


def attach(safe, gate, owner_sig: Sig, guard: bool = True) -> None:
    """Enable the gate as a module, then set it as guard (guard last)."""
    assert execute(safe, [owner_sig], safe.address, data=safe.enableModule.prepare_calldata(gate.address))
    if guard:
        assert execute(safe, [owner_sig], safe.address, data=safe.setGuard.prepare_calldata(gate.address))
