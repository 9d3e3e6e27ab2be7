# pragma version 0.4.3
"""
@title StreamsFeeToken
@notice Test-only fee-on-transfer token: 1% of every transfer is burnt, so the
        receiver gets less than the amount sent.
"""

decimals: public(uint8)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])


@deploy
def __init__():
    self.decimals = 18


@external
def mint(_to: address, _amount: uint256):
    self.balanceOf[_to] += _amount


@external
def approve(_spender: address, _amount: uint256) -> bool:
    self.allowance[msg.sender][_spender] = _amount
    return True


@external
def transfer(_to: address, _amount: uint256) -> bool:
    self.balanceOf[msg.sender] -= _amount
    self.balanceOf[_to] += _amount - _amount // 100
    return True


@external
def transferFrom(_from: address, _to: address, _amount: uint256) -> bool:
    self.allowance[_from][msg.sender] -= _amount
    self.balanceOf[_from] -= _amount
    self.balanceOf[_to] += _amount - _amount // 100
    return True
