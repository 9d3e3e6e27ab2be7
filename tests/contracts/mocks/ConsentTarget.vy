# pragma version ~=0.4.3
"""
@title ConsentTarget
@notice Test-only call target for the ConsentModule tests: records calls,
        accepts ether, and reverts while `fail` is set.
"""

fail: public(bool)
calls: public(uint256)
last_value: public(uint256)
last_sender: public(address)


@external
def set_fail(flag: bool):
    self.fail = flag


@payable
@external
def poke(x: uint256):
    assert not self.fail, "target: failing on purpose"
    self.calls += x
    self.last_value = msg.value
    self.last_sender = msg.sender


@payable
@external
def __default__():
    assert not self.fail, "target: failing on purpose"
    self.calls += 1
    self.last_value = msg.value
