# pragma version 0.4.3
"""
@title SignerGateProbe
@notice Test-only: makes a call and records its outcome instead of reverting,
        so a test can read the revert reason of a call made inside a Safe
        transaction (the Safe itself only reports GS013).
"""

# Whether the last probed call succeeded.
last_success: public(bool)

# What the last probed call returned (its revert data when it failed).
last_return: public(Bytes[1024])


@external
def probe(_target: address, _data: Bytes[4096]):
    """
    @notice Call `_target` with `_data` and record the outcome.
    """
    success: bool = False
    response: Bytes[1024] = b""
    success, response = raw_call(_target, _data, max_outsize=1024, revert_on_failure=False)
    self.last_success = success
    self.last_return = response
