# pragma version 0.4.3
"""
@title StreamsFalseToken
@notice Test-only token whose transfers return false (and move nothing) once
        `fail` is set.
"""

decimals: public(uint8)
fail: public(bool)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])


@deploy
def __init__():
    self.decimals = 18


@external
def set_fail(_fail: bool):
    self.fail = _fail


@external
def mint(_to: address, _amount: uint256):
    self.balanceOf[_to] += _amount


@external
def approve(_spender: address, _amount: uint256) -> bool:
    self.allowance[msg.sender][_spender] = _amount
    return True


@external
def transfer(_to: address, _amount: uint256) -> bool:
    if self.fail:
        return False
    self.balanceOf[msg.sender] -= _amount
    self.balanceOf[_to] += _amount
    return True


@external
def transferFrom(_from: address, _to: address, _amount: uint256) -> bool:
    if self.fail:
        return False
    self.allowance[_from][msg.sender] -= _amount
    self.balanceOf[_from] -= _amount
    self.balanceOf[_to] += _amount
    return True
