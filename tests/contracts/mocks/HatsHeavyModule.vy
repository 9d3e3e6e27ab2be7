# pragma version 0.4.3
"""
@title HatsHeavyModule
@notice Test-only eligibility and toggle module that works hard before it
        answers: it hashes `rounds` times (about 2,400 gas a round, the same
        every call), then answers "active, eligible" or, once told to,
        "inactive, ineligible". Called with too little gas, it runs out
        before it answers.
"""

# hashing rounds before each answer
rounds: public(uint256)
# whether it answers "inactive" and "ineligible"
saying_no: public(bool)


@deploy
def __init__(_rounds: uint256):
    self.rounds = _rounds


@external
def say_no(_no: bool):
    self.saying_no = _no


@view
@external
def getWearerStatus(_wearer: address, _hat_id: uint256) -> (bool, bool):
    return self._work() and not self.saying_no, True


@view
@external
def getHatStatus(_hat_id: uint256) -> bool:
    return self._work() and not self.saying_no


@view
@internal
def _work() -> bool:
    # each round hashes the last hash and 8,160 more bytes (about 2,400 gas),
    # so no round can be skipped; the chain never reaches zero
    blob: Bytes[8160] = abi_encode(empty(uint256[255]))
    h: bytes32 = empty(bytes32)
    for i: uint256 in range(self.rounds, bound=100_000):
        h = keccak256(concat(h, blob))
    return h != empty(bytes32) or self.rounds == 0
