# pragma version 0.4.3
"""
@title HatsModuleMock
@notice Test-only eligibility and toggle module that answers well: every
        wearer is eligible and in good standing and every hat active until
        the test says otherwise. It can also push statuses to Hats.
"""

interface IHatsPush:
    def setHatStatus(_hatId: uint256, _newStatus: bool) -> bool: nonpayable
    def setHatWearerStatus(_hatId: uint256, _wearer: address, _eligible: bool, _standing: bool) -> bool: nonpayable


# hat id => wearer => bit 0 ineligible, bit 1 bad standing
_wearer_flags: HashMap[uint256, HashMap[address, uint256]]
# hat id => whether the hat is switched off
_inactive: HashMap[uint256, bool]


@external
def set_wearer_status(_wearer: address, _hat_id: uint256, _eligible: bool, _standing: bool):
    flags: uint256 = 0
    if not _eligible:
        flags |= 1
    if not _standing:
        flags |= 2
    self._wearer_flags[_hat_id][_wearer] = flags


@external
def set_hat_status(_hat_id: uint256, _active: bool):
    self._inactive[_hat_id] = not _active


@view
@external
def getWearerStatus(_wearer: address, _hat_id: uint256) -> (bool, bool):
    flags: uint256 = self._wearer_flags[_hat_id][_wearer]
    return flags & 1 == 0, flags & 2 == 0


@view
@external
def getHatStatus(_hat_id: uint256) -> bool:
    return not self._inactive[_hat_id]


@external
def push_hat_status(_hats: address, _hat_id: uint256, _active: bool) -> bool:
    return extcall IHatsPush(_hats).setHatStatus(_hat_id, _active)


@external
def push_wearer_status(_hats: address, _hat_id: uint256, _wearer: address, _eligible: bool, _standing: bool) -> bool:
    return extcall IHatsPush(_hats).setHatWearerStatus(_hat_id, _wearer, _eligible, _standing)
