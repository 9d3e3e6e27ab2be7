# pragma version 0.4.3
"""
@title HatsRevertingModule
@notice Test-only module whose every answer reverts: Hats must fall back to
        the stored status.
"""


@view
@external
def getWearerStatus(_wearer: address, _hat_id: uint256) -> (bool, bool):
    raise "module: no answer"


@view
@external
def getHatStatus(_hat_id: uint256) -> bool:
    raise "module: no answer"
