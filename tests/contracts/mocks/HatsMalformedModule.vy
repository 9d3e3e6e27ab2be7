# pragma version 0.4.3
"""
@title HatsMalformedModule
@notice Test-only module that answers with malformed data, chosen by
        `mode`: 0 too short (one word for the wearer, nothing for the hat),
        1 words out of range (2), 2 too long (an extra word).
        Hats must fall back to the stored status.
"""

# which kind of malformed answer to give
mode: public(uint256)


@external
def set_mode(_mode: uint256):
    self.mode = _mode


@view
@external
@raw_return
def getWearerStatus(_wearer: address, _hat_id: uint256) -> Bytes[96]:
    if self.mode == 0:
        return abi_encode(convert(1, uint256))
    if self.mode == 1:
        return abi_encode(convert(2, uint256), convert(1, uint256))
    return abi_encode(convert(1, uint256), convert(1, uint256), convert(1, uint256))


@view
@external
@raw_return
def getHatStatus(_hat_id: uint256) -> Bytes[64]:
    if self.mode == 0:
        return b""
    if self.mode == 1:
        return abi_encode(convert(2, uint256))
    return abi_encode(convert(1, uint256), convert(1, uint256))
