# pragma version 0.4.3
"""
@title StreamsReentrantToken
@notice Test-only malicious token: once armed, its next transfer or
        transferFrom calls `target` with `payload` before moving the tokens, and
        records whether that reentrant call succeeded.
@dev `call` lets the token itself act as a stream's recipient or payer.
"""

decimals: public(uint8)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
target: public(address)
payload: public(Bytes[512])
armed: public(bool)
attempted: public(bool)
reentry_succeeded: public(bool)
reentry_error: public(Bytes[256])


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
def arm(_target: address, _payload: Bytes[512]):
    self.target = _target
    self.payload = _payload
    self.armed = True


@external
def call(_target: address, _data: Bytes[512]) -> Bytes[256]:
    return raw_call(_target, _data, max_outsize=256)


@external
def transfer(_to: address, _amount: uint256) -> bool:
    self._attack()
    self.balanceOf[msg.sender] -= _amount
    self.balanceOf[_to] += _amount
    return True


@external
def transferFrom(_from: address, _to: address, _amount: uint256) -> bool:
    self._attack()
    self.allowance[_from][msg.sender] -= _amount
    self.balanceOf[_from] -= _amount
    self.balanceOf[_to] += _amount
    return True


@internal
def _attack():
    if not self.armed:
        return
    self.armed = False
    self.attempted = True
    success: bool = False
    response: Bytes[256] = b""
    success, response = raw_call(
        self.target, self.payload, max_outsize=256, revert_on_failure=False
    )
    self.reentry_succeeded = success
    self.reentry_error = response
