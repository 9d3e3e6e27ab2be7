# pragma version 0.4.3
"""
@title StreamsUSDT
@notice Test-only USDT-style token: 6 decimals, and transfer, transferFrom and
        approve return nothing.
"""

decimals: public(uint8)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])


event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256


@deploy
def __init__():
    self.decimals = 6


@external
def mint(_to: address, _amount: uint256):
    self.balanceOf[_to] += _amount


@external
def approve(_spender: address, _amount: uint256):
    self.allowance[msg.sender][_spender] = _amount


@external
def transfer(_to: address, _amount: uint256):
    self.balanceOf[msg.sender] -= _amount
    self.balanceOf[_to] += _amount
    log Transfer(sender=msg.sender, receiver=_to, value=_amount)


@external
def transferFrom(_from: address, _to: address, _amount: uint256):
    self.allowance[_from][msg.sender] -= _amount
    self.balanceOf[_from] -= _amount
    self.balanceOf[_to] += _amount
    log Transfer(sender=_from, receiver=_to, value=_amount)
