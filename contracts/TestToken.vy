# pragma version 0.4.3
"""
@title TestToken
@notice An ERC-20 for local chains and demos ONLY: anyone may mint any amount.
        It stands in for USDC or DAI when opgov runs on the embedded chain or a
        local anvil node. Never deploy it where its tokens could be taken for
        money.
@dev A plain ERC-20 (no fees, no hooks) with a name, symbol and decimals
     chosen at deployment, so that 6-decimal (USDC-like) and 18-decimal
     (DAI-like) budgets can both be shown. An allowance of max_value(uint256)
     is never decremented, as in most production tokens.
"""

from ethereum.ercs import IERC20

implements: IERC20


# STORAGE #


# The token's name, e.g. "Test USD Coin".
name: public(String[64])

# The token's ticker, e.g. "USDC".
symbol: public(String[16])

# Decimal places of one token unit (6 for USDC, 18 for DAI).
decimals: public(uint8)

# Tokens in existence, base units.
totalSupply: public(uint256)

# Base units held by each account.
balanceOf: public(HashMap[address, uint256])

# Base units each owner lets each spender move.
allowance: public(HashMap[address, HashMap[address, uint256]])


# EVENTS #


event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256


event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256


@deploy
def __init__(_name: String[64], _symbol: String[16], _decimals: uint8):
    """
    @param _name The token's name.
    @param _symbol The token's ticker.
    @param _decimals Decimal places of one token unit.
    """
    self.name = _name
    self.symbol = _symbol
    self.decimals = _decimals


# ERC-20 #


@external
def transfer(_to: address, _value: uint256) -> bool:
    """
    @notice Move `_value` base units from the caller to `_to`.
    @param _to The receiver.
    @param _value Base units.
    @return True.
    """
    self._transfer(msg.sender, _to, _value)
    return True


@external
def transferFrom(_from: address, _to: address, _value: uint256) -> bool:
    """
    @notice Move `_value` base units from `_from` to `_to` within the caller's allowance.
    @param _from The owner.
    @param _to The receiver.
    @param _value Base units.
    @return True.
    """
    allowed: uint256 = self.allowance[_from][msg.sender]
    if allowed != max_value(uint256):
        assert allowed >= _value, "test_token: allowance too low"
        self.allowance[_from][msg.sender] = allowed - _value
    self._transfer(_from, _to, _value)
    return True


@external
def approve(_spender: address, _value: uint256) -> bool:
    """
    @notice Let `_spender` move up to `_value` base units of the caller's.
    @param _spender The spender.
    @param _value Base units.
    @return True.
    """
    self.allowance[msg.sender][_spender] = _value
    log Approval(owner=msg.sender, spender=_spender, value=_value)
    return True


# TEST ONLY #


@external
def mint(_to: address, _value: uint256):
    """
    @notice Create `_value` base units for `_to`. Open to anyone: local chains only.
    @param _to The receiver.
    @param _value Base units.
    """
    assert _to != empty(address), "test_token: mint to the zero address"
    self.totalSupply += _value
    self.balanceOf[_to] += _value
    log Transfer(sender=empty(address), receiver=_to, value=_value)


# INTERNAL #


@internal
def _transfer(_from: address, _to: address, _value: uint256):
    assert _to != empty(address), "test_token: transfer to the zero address"
    balance: uint256 = self.balanceOf[_from]
    assert balance >= _value, "test_token: balance too low"
    self.balanceOf[_from] = balance - _value
    self.balanceOf[_to] += _value
    log Transfer(sender=_from, receiver=_to, value=_value)
