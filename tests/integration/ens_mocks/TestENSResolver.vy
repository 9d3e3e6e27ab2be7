# pragma version ~=0.4.3
"""
@title A test-only ENS resolver
@notice Answers `addr(node)` and `supportsInterface` as ENS's public resolver
        does for addresses. Anyone may set an address: for tests only.
"""

ADDR_INTERFACE: constant(bytes4) = 0x3b3b57de  # addr(bytes32)
ERC165_INTERFACE: constant(bytes4) = 0x01ffc9a7  # supportsInterface(bytes4)

addresses: HashMap[bytes32, address]


@external
def setAddr(node: bytes32, a: address):
    """
    @notice Make `node` resolve to `a` (test-only: no ownership check).
    """
    self.addresses[node] = a


@view
@external
def addr(node: bytes32) -> address:
    """
    @notice The address `node` resolves to, or the zero address.
    """
    return self.addresses[node]


@pure
@external
def supportsInterface(interface_id: bytes4) -> bool:
    """
    @notice ERC-165: addr(bytes32) and supportsInterface itself.
    """
    return interface_id == ADDR_INTERFACE or interface_id == ERC165_INTERFACE
