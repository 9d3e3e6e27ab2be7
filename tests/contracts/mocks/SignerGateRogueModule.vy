# pragma version 0.4.3
"""
@title SignerGateRogueModule
@notice Test-only: another module enabled on the Safe that changes the Safe's
        set-up when called (Safe v1.4.1 does not guard module transactions), to
        show the gate refuses a Safe transaction that uses it.
"""

interface ISafe:
    def execTransactionFromModule(to: address, amount: uint256, data: Bytes[256], operation: uint8) -> bool: nonpayable


@external
def run(_safe: address, _data: Bytes[256]):
    """
    @notice Make the Safe call itself with `_data`, as a module.
    """
    assert extcall ISafe(_safe).execTransactionFromModule(_safe, 0, _data, 0)
