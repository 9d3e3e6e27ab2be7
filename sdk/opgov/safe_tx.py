"""Safe v1.4.1 transactions without a node: the EIP-712 SafeTx hash, signatures,
MultiSendCallOnly batches and the Safe Transaction Service's JSON format.

Everything here is pure: a signer can check and sign a transaction file on a
machine that never talks to a node. What needs the chain (who the owners are,
the nonce, on-chain approvals) lives in `opgov.safe`.

Signatures follow Safe v1.4.1's `checkNSignatures`: 65 bytes each (r, s, v),
sorted by owner address, where v selects the kind:

- v = 27/28: ECDSA over the SafeTx hash ("EOA");
- v = 31/32: ECDSA over the eth_sign-prefixed hash ("ETH_SIGN");
- v = 1: r is an owner who approved the hash on-chain, or who sends the
  transaction ("APPROVED_HASH");
- v = 0: r is a contract owner (EIP-1271, "CONTRACT_SIGNATURE"; not supported).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.messages import SignableMessage, encode_defunct
from eth_utils import keccak, to_checksum_address

from opgov.errors import SafeError

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
CALL = 0
DELEGATECALL = 1
SAFE_VERSION = "1.4.1"

SAFE_TX_TYPEHASH = keccak(
    text="SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,"
    "uint256 baseGas,uint256 gasPrice,address gasToken,address refundReceiver,uint256 nonce)"
)
DOMAIN_TYPEHASH = keccak(text="EIP712Domain(uint256 chainId,address verifyingContract)")
MULTISEND_SELECTOR = keccak(text="multiSend(bytes)")[:4]

EOA = "EOA"
ETH_SIGN = "ETH_SIGN"
APPROVED_HASH = "APPROVED_HASH"
CONTRACT_SIGNATURE = "CONTRACT_SIGNATURE"

SECP256K1_HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0


def checksum(address: str, what: str = "address") -> str:
    """An address in checksum form.

    Raises:
        SafeError: if it is not a 20-byte hex address.
    """
    try:
        return to_checksum_address(str(address))
    except (ValueError, TypeError) as err:
        raise SafeError(f"{what} {address!r} is not an address", "write it as 0x and 40 hex digits") from err


def to_bytes(data: bytes | str | None, what: str = "data") -> bytes:
    """Hex text (0x...) or bytes as bytes; None and "" are empty."""
    if data is None:
        return b""
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    text = str(data).strip()
    try:
        return bytes.fromhex(text.removeprefix("0x"))
    except ValueError as err:
        raise SafeError(f"the {what} {text[:20]!r}... is not hex", "write it as 0x followed by hex digits") from err


def hex0x(data: bytes) -> str:
    return "0x" + bytes(data).hex()


# ---------------------------------------------------------------- calls and batches


@dataclass(frozen=True)
class Call:
    """One call the Safe makes: to `to`, sending `value` wei, with `data`."""

    to: str
    value: int = 0
    data: bytes = b""

    def __post_init__(self) -> None:
        object.__setattr__(self, "to", checksum(self.to, "the call's target"))
        object.__setattr__(self, "data", to_bytes(self.data))
        if not 0 <= int(self.value) < 2**256:
            raise SafeError(f"the value {self.value} is out of range", "send zero or more wei")


def encode_multisend(calls: Iterable[Call]) -> bytes:
    """Calldata for MultiSendCallOnly.multiSend: the calls packed one after another."""
    packed = b""
    for c in calls:
        packed += (
            bytes([CALL])
            + bytes.fromhex(c.to[2:])
            + int(c.value).to_bytes(32, "big")
            + len(c.data).to_bytes(32, "big")
            + c.data
        )
    return MULTISEND_SELECTOR + abi_encode(["bytes"], [packed])


def decode_multisend(data: bytes) -> list[Call]:
    """The calls of a multiSend batch.

    Raises:
        SafeError: if the data is not a well-formed multiSend of plain calls.
    """
    if data[:4] != MULTISEND_SELECTOR:
        raise SafeError("the data is not a multiSend batch")
    try:
        (packed,) = abi_decode(["bytes"], data[4:])
    except Exception as err:
        raise SafeError("the multiSend batch cannot be decoded", "rebuild the transaction") from err
    calls, i = [], 0
    while i < len(packed):
        if i + 85 > len(packed):
            raise SafeError("the multiSend batch is cut short", "rebuild the transaction")
        operation = packed[i]
        to = "0x" + packed[i + 1 : i + 21].hex()
        value = int.from_bytes(packed[i + 21 : i + 53], "big")
        length = int.from_bytes(packed[i + 53 : i + 85], "big")
        body = packed[i + 85 : i + 85 + length]
        if operation != CALL or len(body) != length:
            raise SafeError(
                "the multiSend batch holds a delegatecall or a cut-short call",
                "MultiSendCallOnly runs plain calls only; rebuild the batch",
            )
        calls.append(Call(to, value, body))
        i += 85 + length
    return calls


# ---------------------------------------------------------------- the SafeTx


@dataclass(frozen=True)
class SafeTx:
    """A Safe transaction, with the Safe and chain it is for.

    The gas-refund fields (safe_tx_gas, base_gas, gas_price, gas_token,
    refund_receiver) are kept so files from other tools round-trip; opgov
    builds transactions with all of them zero (no refund).
    """

    safe: str
    chain_id: int
    to: str
    value: int
    data: bytes
    operation: int
    nonce: int
    safe_tx_gas: int = 0
    base_gas: int = 0
    gas_price: int = 0
    gas_token: str = ZERO_ADDRESS
    refund_receiver: str = ZERO_ADDRESS

    def __post_init__(self) -> None:
        for name in ("safe", "to", "gas_token", "refund_receiver"):
            object.__setattr__(self, name, checksum(getattr(self, name), name.replace("_", " ")))
        object.__setattr__(self, "data", to_bytes(self.data))
        if self.operation not in (CALL, DELEGATECALL):
            raise SafeError(f"operation {self.operation} is neither a call (0) nor a delegatecall (1)")
        for name in ("chain_id", "value", "nonce", "safe_tx_gas", "base_gas", "gas_price"):
            value = int(getattr(self, name))
            if not 0 <= value < 2**256:
                raise SafeError(f"{name} {value} is out of range")
            object.__setattr__(self, name, value)

    @property
    def domain_separator(self) -> bytes:
        return keccak(abi_encode(["bytes32", "uint256", "address"], [DOMAIN_TYPEHASH, self.chain_id, self.safe]))

    @property
    def struct_hash(self) -> bytes:
        return keccak(
            abi_encode(
                ["bytes32", "address", "uint256", "bytes32", "uint8", "uint256", "uint256", "uint256",
                 "address", "address", "uint256"],
                [SAFE_TX_TYPEHASH, self.to, self.value, keccak(self.data), self.operation,
                 self.safe_tx_gas, self.base_gas, self.gas_price, self.gas_token,
                 self.refund_receiver, self.nonce],
            )
        )

    @property
    def hash(self) -> bytes:
        """The safeTxHash: what owners sign and what `getTransactionHash` returns."""
        return keccak(b"\x19\x01" + self.domain_separator + self.struct_hash)

    @property
    def signable_message(self) -> SignableMessage:
        """The EIP-712 message (version 0x01) whose signature hash is `hash`."""
        return SignableMessage(b"\x01", self.domain_separator, self.struct_hash)

    def exec_args(self) -> tuple:
        """execTransaction's arguments before the signatures."""
        return (self.to, self.value, self.data, self.operation, self.safe_tx_gas, self.base_gas,
                self.gas_price, self.gas_token, self.refund_receiver)

    def calls(self) -> list[Call]:
        """The calls the transaction makes: the batch's calls, or the one call."""
        if self.operation == DELEGATECALL and self.data[:4] == MULTISEND_SELECTOR:
            return decode_multisend(self.data)
        return [Call(self.to, self.value, self.data)]


# ---------------------------------------------------------------- signatures


def signature_type(signature: bytes) -> str:
    """The Safe's kind of a 65-byte signature, read from its v byte."""
    v = signature[64]
    if v == 0:
        return CONTRACT_SIGNATURE
    if v == 1:
        return APPROVED_HASH
    if v > 30:
        return ETH_SIGN
    return EOA


def signature_owner(signature: bytes, safe_tx_hash: bytes) -> str:
    """The owner a signature stands for, as the Safe works it out.

    Raises:
        SafeError: if the signature is malformed or cannot be recovered.
    """
    if len(signature) != 65:
        raise SafeError(
            f"a signature is {len(signature)} bytes, not 65",
            "the file is damaged; ask the signer to sign again",
        )
    kind = signature_type(signature)
    if kind in (APPROVED_HASH, CONTRACT_SIGNATURE):
        return to_checksum_address(signature[12:32])
    v, r, s = signature[64], signature[:32], signature[32:64]
    if int.from_bytes(s, "big") > SECP256K1_HALF_N:
        raise SafeError("a signature has a high s value", "ask the signer to sign again")
    try:
        if kind == ETH_SIGN:
            prefixed = encode_defunct(primitive=safe_tx_hash)
            return to_checksum_address(Account.recover_message(prefixed, vrs=(v - 4, r, s)))
        return to_checksum_address(Account._recover_hash(safe_tx_hash, vrs=(v, r, s)))
    except Exception as err:
        raise SafeError("a signature cannot be recovered", "the file is damaged; ask the signer to sign again") from err


def approved_hash_signature(owner: str) -> bytes:
    """The Safe's stand-in signature for an owner who approved on-chain or sends the transaction."""
    return bytes(12) + bytes.fromhex(checksum(owner)[2:]) + bytes(32) + b"\x01"


def rsv(r: bytes | int, s: bytes | int, v: int) -> bytes:
    """A 65-byte signature; v of 0/1 (y-parity, as some signers return it) becomes 27/28."""
    r_b = r.to_bytes(32, "big") if isinstance(r, int) else bytes(r).rjust(32, b"\0")
    s_b = s.to_bytes(32, "big") if isinstance(s, int) else bytes(s).rjust(32, b"\0")
    return r_b + s_b + bytes([v + 27 if v < 27 else v])


@dataclass(frozen=True)
class Confirmation:
    """One owner's signature of a SafeTx, as the Safe Transaction Service lists it."""

    owner: str
    signature: bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "owner", checksum(self.owner, "owner"))
        object.__setattr__(self, "signature", to_bytes(self.signature, "signature"))

    @property
    def signature_type(self) -> str:
        return signature_type(self.signature)

    def verify(self, safe_tx_hash: bytes) -> None:
        """Check the signature stands for its claimed owner.

        Raises:
            SafeError: if it recovers to someone else (a tampered file) or is a contract signature.
        """
        recovered = signature_owner(self.signature, safe_tx_hash)
        if self.signature_type == CONTRACT_SIGNATURE:
            raise SafeError(
                f"the signature of {self.owner} is a contract (EIP-1271) signature, which opgov does not handle",
                "have that owner approve on-chain with `opgov safe approve` instead",
            )
        if recovered != self.owner:
            raise SafeError(
                f"tampered file: the signature listed for {self.owner} was made by {recovered}",
                "do not use this file; ask the signer for their file again",
            )


def sign_with_key(tx: SafeTx, key: Any) -> Confirmation:
    """Sign with an eth-account key (a LocalAccount or a private key)."""
    account = key if hasattr(key, "unsafe_sign_hash") else Account.from_key(key)
    signed = account.unsafe_sign_hash(tx.hash)
    return Confirmation(account.address, rsv(signed.r, signed.s, signed.v))


def sorted_confirmations(confirmations: Iterable[Confirmation]) -> list[Confirmation]:
    """Confirmations in the order the Safe requires: ascending owner address."""
    return sorted(confirmations, key=lambda c: int(c.owner, 16))


def encode_signatures(confirmations: Iterable[Confirmation]) -> bytes:
    """The signatures argument of execTransaction, sorted by owner."""
    return b"".join(c.signature for c in sorted_confirmations(confirmations))


def split_signatures(raw: bytes, safe_tx_hash: bytes) -> list[Confirmation]:
    """Read concatenated signatures, in their given order.

    Raises:
        SafeError: if the bytes are not whole 65-byte signatures.
    """
    if len(raw) % 65:
        raise SafeError(
            f"the signatures are {len(raw)} bytes, not a multiple of 65",
            "the file is damaged or holds contract signatures; rebuild it from the confirmations",
        )
    chunks = [raw[i : i + 65] for i in range(0, len(raw), 65)]
    return [Confirmation(signature_owner(c, safe_tx_hash), c) for c in chunks]


def check_order(confirmations: list[Confirmation]) -> None:
    """Refuse signatures that are not in strictly ascending owner order, as the Safe would (GS026).

    Raises:
        SafeError: naming the first pair out of order.
    """
    for before, after in zip(confirmations, confirmations[1:]):
        if int(after.owner, 16) <= int(before.owner, 16):
            word = "twice" if after.owner == before.owner else "in the wrong order"
            raise SafeError(
                f"signatures {word}: {after.owner} comes after {before.owner}, "
                "but the Safe requires ascending owner addresses",
                "drop the raw signatures and execute from the confirmations (opgov sorts them)",
            )


# ---------------------------------------------------------------- the transaction file


@dataclass
class PendingTx:
    """A Safe transaction with the confirmations gathered so far.

    Its JSON is the Safe Transaction Service's multisig-transaction format
    (plus `chainId`), so files move between machines, signers and tools.
    """

    tx: SafeTx
    confirmations: dict[str, Confirmation] = field(default_factory=dict)
    raw_signatures: bytes | None = None
    confirmations_required: int | None = None
    description: list[str] | None = None
    """What it does in plain words, as the proposer's opgov decoded it (not part of the hash:
    signers read their own decoding, see `opgov.describe`)."""

    @property
    def hash(self) -> bytes:
        return self.tx.hash

    @property
    def hash_hex(self) -> str:
        return hex0x(self.tx.hash)

    @property
    def filename(self) -> str:
        return f"{self.tx.nonce}-{self.hash_hex}.json"

    def add(self, confirmation: Confirmation) -> None:
        """Add a confirmation after checking it stands for its owner (a later one for the same owner wins)."""
        confirmation.verify(self.hash)
        self.confirmations[confirmation.owner] = confirmation

    def merge(self, other: "PendingTx") -> None:
        """Take in another file's confirmations for the same transaction.

        Raises:
            SafeError: if the other file is for a different transaction.
        """
        if other.hash != self.hash:
            raise SafeError(
                f"the files are for different transactions ({other.hash_hex} is not {self.hash_hex})",
                "merge only files of the same transaction (same Safe, chain, nonce and calls)",
            )
        for c in other.confirmations.values():
            self.add(c)
        if other.confirmations_required is not None:
            self.confirmations_required = other.confirmations_required
        if other.description:
            self.description = other.description

    def to_json(self) -> dict[str, Any]:
        t = self.tx
        body: dict[str, Any] = {
            "safe": t.safe,
            "to": t.to,
            "value": str(t.value),
            "data": hex0x(t.data) if t.data else None,
            "operation": t.operation,
            "gasToken": t.gas_token,
            "safeTxGas": str(t.safe_tx_gas),
            "baseGas": str(t.base_gas),
            "gasPrice": str(t.gas_price),
            "refundReceiver": t.refund_receiver,
            "nonce": str(t.nonce),
            "safeTxHash": self.hash_hex,
            "contractTransactionHash": self.hash_hex,
            "chainId": str(t.chain_id),
            "origin": "opgov",
            "confirmations": [
                {"owner": c.owner, "signature": hex0x(c.signature), "signatureType": c.signature_type}
                for c in sorted_confirmations(self.confirmations.values())
            ],
        }
        if self.confirmations_required is not None:
            body["confirmationsRequired"] = self.confirmations_required
        if self.raw_signatures is not None:
            body["signatures"] = hex0x(self.raw_signatures)
        if self.description:
            body["description"] = list(self.description)
        return body

    @classmethod
    def from_json(cls, body: dict[str, Any], chain_id: int | None = None, source: str = "the file") -> "PendingTx":
        """Read a transaction file and check it is whole.

        Args:
            body: the parsed JSON.
            chain_id: the chain to assume when the file has no `chainId`
                (files from the Safe Transaction Service do not carry one).
            source: how to name the file in errors.

        Raises:
            SafeError: if a field is missing, the hash does not match the
                fields, or a signature does not recover to its claimed owner.
        """
        if not isinstance(body, dict):
            raise SafeError(f"{source} is not a Safe transaction (no JSON object)")
        file_chain = body.get("chainId")
        if file_chain is None and chain_id is None:
            raise SafeError(f"{source} does not say which chain it is for", "connect to its network with --network")
        try:
            tx = SafeTx(
                safe=body["safe"],
                chain_id=int(file_chain if file_chain is not None else chain_id),
                to=body["to"],
                value=int(body.get("value") or 0),
                data=to_bytes(body.get("data")),
                operation=int(body.get("operation") or 0),
                nonce=int(body["nonce"]),
                safe_tx_gas=int(body.get("safeTxGas") or 0),
                base_gas=int(body.get("baseGas") or 0),
                gas_price=int(body.get("gasPrice") or 0),
                gas_token=body.get("gasToken") or ZERO_ADDRESS,
                refund_receiver=body.get("refundReceiver") or ZERO_ADDRESS,
            )
        except KeyError as err:
            raise SafeError(f"{source} has no {err.args[0]!r} field", "it is not a Safe transaction file") from err
        except (TypeError, ValueError) as err:
            raise SafeError(f"{source} has a field that is not a number: {err}", "it is damaged") from err
        claimed = body.get("contractTransactionHash") or body.get("safeTxHash")
        if claimed is None:
            raise SafeError(f"{source} has no contractTransactionHash", "it is not a Safe transaction file")
        if to_bytes(claimed, "hash") != tx.hash:
            raise SafeError(
                f"tampered file: {source} says its hash is {claimed} but its fields hash to {hex0x(tx.hash)}",
                "do not sign or execute it; get the file again from whoever proposed it",
            )
        pending = cls(tx, confirmations_required=body.get("confirmationsRequired"))
        for entry in body.get("confirmations") or []:
            if not isinstance(entry, dict) or "owner" not in entry or not entry.get("signature"):
                raise SafeError(f"{source} has a confirmation without an owner or a signature", "it is damaged")
            pending.add(Confirmation(entry["owner"], entry["signature"]))
        if body.get("signatures"):
            pending.raw_signatures = to_bytes(body["signatures"], "signatures")
        described = body.get("description")
        if isinstance(described, list) and all(isinstance(line, str) for line in described):
            pending.description = described
        return pending

    def write(self, path: Path) -> Path:
        """Write the file atomically (a temporary file renamed into place)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".json")
        try:
            with os.fdopen(fd, "w") as f:
                json.dump(self.to_json(), f, indent=2)
                f.write("\n")
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def read(cls, path: Path, chain_id: int | None = None) -> "PendingTx":
        """Read and check a transaction file (see `from_json`).

        Raises:
            SafeError: if it cannot be read or is not whole.
        """
        path = Path(path)
        try:
            body = json.loads(path.read_text())
        except FileNotFoundError as err:
            raise SafeError(f"there is no file {path}", "check the path, or list them with `opgov safe pending`") from err
        except (OSError, ValueError) as err:
            raise SafeError(f"{path} is not a JSON file ({err})", "it is damaged; get it again") from err
        return cls.from_json(body, chain_id, source=str(path))


# ---------------------------------------------------------------- the folder of pending transactions


class TxFolder:
    """Transaction files kept as `<folder>/<safe>/<nonce>-<safeTxHash>.json`.

    Saving a transaction that already has a file merges the two (the union of
    their confirmations), so no signature is ever lost by saving.

    Args:
        root: the folder (default: `safe-txs/` in the org's folder, beside org.yaml;
            files that older versions kept in `./.opgov/safe-txs` are still read).
    """

    def __init__(self, root: Path | str | None = None):
        from opgov.deployments import OLD_SAFE_TXS, safe_txs_folder

        self.root = Path(root) if root else safe_txs_folder()
        old = None if root else OLD_SAFE_TXS
        self.old = old if old is not None and old.is_dir() and old.resolve() != self.root.resolve() else None

    def path_for(self, pending: PendingTx) -> Path:
        return self.root / pending.tx.safe / pending.filename

    def save(self, pending: PendingTx) -> Path:
        """Write the transaction, merged with the file already kept for it."""
        path = self.path_for(pending)
        earlier = path if path.exists() else self._old_path(path)
        if earlier is not None:
            kept = PendingTx.read(earlier)
            kept.merge(pending)
            pending.confirmations = kept.confirmations
            if pending.confirmations_required is None:
                pending.confirmations_required = kept.confirmations_required
            if not pending.description:
                pending.description = kept.description
        return pending.write(path)

    def at_nonce(self, safe: str, nonce: int) -> list[tuple[Path, PendingTx]]:
        """The kept transactions of a Safe with this nonce (damaged files left out)."""
        return [(p, e) for p, e in self.entries(safe) if isinstance(e, PendingTx) and e.tx.nonce == nonce]

    def free_nonce(self, safe: str, current: int) -> int:
        """The first nonce from `current` on that no kept transaction has."""
        taken = {e.tx.nonce for _, e in self.entries(safe) if isinstance(e, PendingTx)}
        nonce = current
        while nonce in taken:
            nonce += 1
        return nonce

    def set_aside(self, path: Path) -> Path:
        """Move a replaced transaction's file into `replaced/` beside it (its signatures are kept, not used)."""
        path = Path(path)
        target = path.parent / "replaced" / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        return target

    def _old_path(self, path: Path) -> Path | None:
        """The same file in the old folder, if it is there."""
        if self.old is None:
            return None
        old = self.old / path.relative_to(self.root)
        return old if old.exists() else None

    def _files(self, safe: str | None) -> list[Path]:
        """The kept files (of one Safe, or of all), with those only the old folder has."""
        pattern = f"{checksum(safe, 'Safe')}/*.json" if safe else "0x*/*.json"
        files = list(self.root.glob(pattern))
        if self.old is not None:
            have = {p.relative_to(self.root) for p in files}
            older = [p for p in self.old.glob(pattern) if p.relative_to(self.old) not in have]
            if older:
                from opgov.deployments import notice

                notice(f"read {len(older)} Safe transaction file(s) from {self.old} (where older opgov kept "
                       f"them); new ones are kept in {self.root}")
            files += older
        return files

    def entries(self, safe: str) -> list[tuple[Path, PendingTx | SafeError]]:
        """Every file kept for a Safe, by nonce; a damaged file comes with its error instead."""
        found: list[tuple[Path, PendingTx | SafeError]] = []
        for path in sorted(self._files(safe), key=_nonce_of):
            try:
                found.append((path, PendingTx.read(path)))
            except SafeError as err:
                found.append((path, err))
        return found

    def find(self, ref: str, safe: str | None = None) -> Path:
        """A transaction file by path, or by (a prefix of) its safeTxHash among the kept files.

        Raises:
            SafeError: if nothing or more than one file matches.
        """
        path = Path(ref)
        if path.suffix == ".json" or path.exists():
            return path
        prefix = ref.lower()
        matches = [p for p in self._files(safe) if p.stem.split("-", 1)[-1].startswith(prefix)]
        if not matches:
            raise SafeError(f"no kept transaction matches {ref!r}", "list them with `opgov safe pending`, or give the file's path")
        if len(matches) > 1:
            raise SafeError(f"{len(matches)} kept transactions match {ref!r}", "give more of the hash")
        return matches[0]


def _nonce_of(path: Path) -> tuple[int, str]:
    head = path.stem.split("-", 1)[0]
    return (int(head) if head.isdigit() else -1, path.name)
