# pragma version ~=0.4.3
"""
@title ConsentToken
@notice Test-only ERC-20 for the ConsentModule tests, with switches to
        return false (instead of reverting) and to return nothing.
"""

balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
totalSupply: public(uint256)
return_false: public(bool)


event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    amount: uint256


event Approval:
    owner: indexed(address)
    spender: indexed(address)
    amount: uint256


@external
def set_return_false(flag: bool):
    self.return_false = flag


@external
def mint(to: address, amount: uint256):
    self.balanceOf[to] += amount
    self.totalSupply += amount
    log Transfer(sender=empty(address), receiver=to, amount=amount)


@external
def transfer(to: address, amount: uint256) -> bool:
    if self.return_false:
        return False
    self.balanceOf[msg.sender] -= amount
    self.balanceOf[to] += amount
    log Transfer(sender=msg.sender, receiver=to, amount=amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    if self.return_false:
        return False
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, amount=amount)
    return True


@external
def transferFrom(owner: address, to: address, amount: uint256) -> bool:
    self.allowance[owner][msg.sender] -= amount
    self.balanceOf[owner] -= amount
    self.balanceOf[to] += amount
    log Transfer(sender=owner, receiver=to, amount=amount)
    return True
