# pragma version 0.4.3
"""
@title IndexerEmitter
@notice Test-only: emits many events cheaply, so the indexer's tests and
        throughput benchmark can fill blocks with thousands of logs.
@dev Not part of opgov. `MAX_BATCH` bounds the loop so one transaction stays
     well under a block's gas limit (about 2,500 gas per event).
"""


# Most events one `emit_many` call can log.
MAX_BATCH: constant(uint256) = 1_000


struct Item:
    target: address
    value: uint256
    data: Bytes[64]


# EVENTS #


event Ping:
    n: indexed(uint256)
    sender: indexed(address)
    amount: uint256


event Note:
    tag: indexed(String[32])
    text: String[128]
    items: DynArray[Item, 4]
    flag: bool


@external
def emit_many(first: uint256, count: uint256):
    """
    @notice Logs `count` Ping events numbered `first`, `first + 1`, ...
    @param first The number of the first event.
    @param count How many events to log (at most MAX_BATCH).
    """
    assert count <= MAX_BATCH, "emitter: too many events in one call"
    for i: uint256 in range(count, bound=MAX_BATCH):
        log Ping(n=first + i, sender=msg.sender, amount=(first + i) * 10**18)


@external
def note(tag: String[32], text: String[128], items: DynArray[Item, 4], flag: bool):
    """
    @notice Logs one Note event (dynamic and struct arguments, for decoding tests).
    @param tag Logged as an indexed string (the chain keeps its hash only).
    @param text Logged as is.
    @param items Logged as an array of structs.
    @param flag Logged as is.
    """
    log Note(tag=tag, text=text, items=items, flag=flag)
