# pragma version ~=0.4.3
"""
@title A test-only ENS universal resolver
@notice Answers `resolve(name, data)` as ENS's universal resolver does for a
        name with a resolver of its own: the DNS-encoded name is hashed
        (namehash), its resolver read from the registry, and `data` (e.g.
        addr(node)) asked of it. web3's ENS reads addresses this way. No
        wildcard (ENSIP-10) lookups of parent names. Its code is put at the
        universal resolver's address with anvil_setCode.
"""

REGISTRY: constant(address) = 0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e
MAX_NAME: constant(uint256) = 255
MAX_LABELS: constant(uint256) = 32
MAX_DATA: constant(uint256) = 1024
MAX_RESULT: constant(uint256) = 1024


interface Registry:
    def resolver(node: bytes32) -> address: view


@view
@external
def resolve(name: Bytes[MAX_NAME], data: Bytes[MAX_DATA]) -> (Bytes[MAX_RESULT], address):
    """
    @notice Ask the resolver of the DNS-encoded `name` for `data`.
    @return The resolver's answer and the resolver's address.
    """
    node: bytes32 = self._namehash(name)
    resolver: address = staticcall Registry(REGISTRY).resolver(node)
    assert resolver != empty(address), "no resolver"
    result: Bytes[MAX_RESULT] = raw_call(resolver, data, max_outsize=MAX_RESULT, is_static_call=True)
    return result, resolver


@pure
@internal
def _namehash(name: Bytes[MAX_NAME]) -> bytes32:
    # where each label starts: a length byte, then the label; a zero byte ends the name
    starts: DynArray[uint256, MAX_LABELS] = []
    at: uint256 = 0
    for i: uint256 in range(MAX_LABELS):
        assert at < len(name), "malformed name"
        size: uint256 = convert(slice(name, at, 1), uint256)
        if size == 0:
            break
        starts.append(at)
        at += 1 + size
    node: bytes32 = empty(bytes32)
    count: uint256 = len(starts)
    for i: uint256 in range(MAX_LABELS):
        if i == count:
            break
        start: uint256 = starts[count - 1 - i]
        size: uint256 = convert(slice(name, start, 1), uint256)
        label: bytes32 = keccak256(slice(name, start + 1, size))
        node = keccak256(concat(node, label))
    return node
