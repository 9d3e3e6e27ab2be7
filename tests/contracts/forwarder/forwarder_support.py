"""Members with private keys, and signed requests for the ConsentForwarder."""

from __future__ import annotations

import json

import boa
from eth_account import Account
from opgov.forwarder import ConsentRequest, sign

from safe_boa import ZERO, _artifact

DAY = 86_400
ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def keyed_members(world) -> None:
    """Give the world members with keys: `keys[name]` signs for `people[name]`."""
    world.keys = {}
    for name, hats in (
        ("kim", [world.ops_proposer]),  # proposes for ops
        ("olu", [world.ops_objector]),  # objects in ops
        ("nia", []),  # wears nothing
    ):
        account = Account.create()
        for hat in hats:
            world.give(hat, account.address)
        world.people[name] = account.address
        world.keys[name] = account


def request(world, name: str, data: bytes, *, nonce: int | None = None, deadline: int | None = None,
            module: str | None = None, signer: str | None = None) -> ConsentRequest:
    signer = signer or world.people[name]
    return ConsentRequest(
        signer=signer,
        module=module or world.module.address,
        data=data,
        nonce=world.forwarder.nonces(signer) if nonce is None else nonce,
        deadline=boa.env.timestamp + DAY if deadline is None else deadline,
    )


def signed(world, name: str, req: ConsentRequest, chain_id: int = 1, forwarder: str | None = None) -> bytes:
    return sign(world.keys[name].key, chain_id, forwarder or world.forwarder.address, req)


def relay(world, req: ConsentRequest, signature: bytes, relayer: str = "mallory"):
    with boa.env.prank(world.people[relayer]):
        return world.forwarder.execute(req.as_tuple(), signature)


def malleable_twin(signature: bytes) -> bytes:
    """The other valid signature of the same digest: (r, n - s, v flipped)."""
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    return r + (ORDER - s).to_bytes(32, "big") + bytes([55 - v])


def safe_with_handler(world, owners: list[str], threshold: int):
    """A member's own Safe v1.4.1 with the compatibility fallback handler
    (which answers EIP-1271 `isValidSignature`)."""
    art = _artifact("CompatibilityFallbackHandler_V1_4_1")
    address, _ = boa.env.deploy_code(bytecode=bytes.fromhex(art["bytecode"].removeprefix("0x")))
    handler = boa.loads_abi(json.dumps(art["abi"]), name="CompatibilityFallbackHandler").at(address)
    sc = world.safe_contracts
    setup = sc.singleton.setup.prepare_calldata(owners, threshold, ZERO, b"", handler.address, ZERO, 0, ZERO)
    sc._salt += 1
    proxy = sc.factory.createProxyWithNonce(sc.singleton.address, setup, sc._salt)
    return sc._safe_abi.at(proxy), handler
