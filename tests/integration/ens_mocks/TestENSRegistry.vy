# pragma version ~=0.4.3
"""
@title A test-only ENS registry
@notice Answers `resolver(node)` as ENS's registry does, for tests on a local
        node whose chain id is 1. Anyone may set a resolver: never deploy it
        anywhere that matters. Its code is put at the registry's address with
        anvil_setCode, so it has no constructor.
"""

resolvers: HashMap[bytes32, address]


@external
def setResolver(node: bytes32, resolver: address):
    """
    @notice Point `node` at `resolver` (test-only: no ownership check).
    """
    self.resolvers[node] = resolver


@view
@external
def resolver(node: bytes32) -> address:
    """
    @notice The resolver of `node`, or the zero address.
    """
    return self.resolvers[node]
