"""Signed requests for the ConsentForwarder: EIP-712 typed data, digests and
signatures, with no node (pure functions).

A member who has no ether signs a request (propose, object or
withdraw_objection on a consent module); anyone relays it through the
forwarder (`ConsentClient.relay`). The typed data here is exactly what the
forwarder hashes (contracts/ConsentForwarder.vy), so any EIP-712 wallet
(`eth_signTypedData_v4`) signs the same digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak

NAME = "ConsentForwarder"
VERSION = "1"
REQUEST_TYPE = [
    {"name": "signer", "type": "address"},
    {"name": "module", "type": "address"},
    {"name": "data", "type": "bytes"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint256"},
]
DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]

# the module functions the forwarder relays
RELAYABLE = {
    keccak(text="propose(uint256,(address,uint256,bytes)[],string)")[:4]: "propose",
    keccak(text="object(uint256,uint256,string)")[:4]: "object",
    keccak(text="withdraw_objection(uint256)")[:4]: "withdraw_objection",
}

# secp256k1's order: a signature's s must be at most half of it
_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@dataclass(frozen=True)
class ConsentRequest:
    """A request a member signs: call `data` on `module` as `signer`.

    Attributes:
        signer: the member whose hats count.
        module: the consent module that trusts the forwarder.
        data: the call (propose, object or withdraw_objection), ABI-encoded.
        nonce: the signer's next nonce at the forwarder.
        deadline: unix time after which the request can no longer run.
    """

    signer: str
    module: str
    data: bytes
    nonce: int
    deadline: int

    def as_tuple(self) -> tuple:
        """The request as the forwarder's `execute` takes it."""
        return (self.signer, self.module, self.data, self.nonce, self.deadline)

    def to_json(self) -> dict[str, Any]:
        """The request as JSON (numbers as decimal strings, bytes as 0x hex)."""
        return {"signer": self.signer, "module": self.module, "data": "0x" + self.data.hex(),
                "nonce": str(self.nonce), "deadline": str(self.deadline)}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "ConsentRequest":
        """Read a request written by `to_json` (or by the page)."""
        return cls(str(obj["signer"]), str(obj["module"]), bytes.fromhex(str(obj["data"]).removeprefix("0x")),
                   int(obj["nonce"]), int(obj["deadline"]))


def typed_data(chain_id: int, forwarder: str, request: ConsentRequest) -> dict[str, Any]:
    """The EIP-712 typed data of a request (what `eth_signTypedData_v4` takes)."""
    return {
        "types": {"EIP712Domain": DOMAIN_TYPE, "ConsentRequest": REQUEST_TYPE},
        "primaryType": "ConsentRequest",
        "domain": {"name": NAME, "version": VERSION, "chainId": chain_id, "verifyingContract": forwarder},
        "message": {"signer": request.signer, "module": request.module, "data": request.data,
                    "nonce": request.nonce, "deadline": request.deadline},
    }


def digest(chain_id: int, forwarder: str, request: ConsentRequest) -> bytes:
    """The 32-byte hash the signer signs (the forwarder's `digest(request)`)."""
    signable = encode_typed_data(full_message=typed_data(chain_id, forwarder, request))
    return keccak(b"\x19" + signable.version + signable.header + signable.body)


def sign(private_key: bytes | str, chain_id: int, forwarder: str, request: ConsentRequest) -> bytes:
    """Sign a request with a private key: 65 bytes r || s || v (low s)."""
    signed = Account.sign_typed_data(private_key, full_message=typed_data(chain_id, forwarder, request))
    return signed.signature


def recover(chain_id: int, forwarder: str, request: ConsentRequest, signature: bytes) -> str | None:
    """The account that made a 65-byte signature, or None if it is malformed or malleable."""
    if len(signature) != 65 or signature[64] not in (27, 28) or int.from_bytes(signature[32:64], "big") > _ORDER // 2:
        return None
    try:
        return Account._recover_hash(digest(chain_id, forwarder, request), signature=signature)
    except Exception:  # noqa: BLE001 - any unrecoverable signature is "nobody"
        return None


def relayable(data: bytes) -> str | None:
    """The module function a call would run, if the forwarder relays it."""
    return RELAYABLE.get(bytes(data[:4]))
