# pragma version 0.4.3
"""
@title SignerGateContractSigner
@notice Test-only contract wallet: a Safe owner that signs with EIP-1271
        (the legacy `isValidSignature(bytes,bytes)` Safe v1.4.1 calls).
"""

# Safe v1.4.1's legacy EIP-1271 magic value.
LEGACY_MAGIC: constant(bytes4) = 0x20c13b0b


@view
@external
def isValidSignature(_data: Bytes[1024], _signature: Bytes[1024]) -> bytes4:
    """
    @notice Accepts any signature (the test decides who signs).
    """
    return LEGACY_MAGIC


@external
def call(_target: address, _data: Bytes[1024]):
    """
    @notice Make a call from this wallet (to claim a signer seat).
    """
    raw_call(_target, _data)
