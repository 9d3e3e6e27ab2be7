"""opgov.indexer against a real node (anvil): reorganisations made with
`anvil_reorg` and with `evm_snapshot`/`evm_revert`, a restart, and 10,000
events indexed at the benchmark's target speed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks import indexer_throughput  # noqa: E402
from opgov.indexer import Indexer, Source  # noqa: E402

pytestmark = [pytest.mark.anvil, pytest.mark.xdist_group("anvil")]


@pytest.fixture(scope="module")
def emitter_type(anvil):
    return indexer_throughput.emitter_container()


@pytest.fixture
def emitter(anvil, emitter_type):
    from ape import accounts

    return accounts.test_accounts[0].deploy(emitter_type)


@pytest.fixture
def index(tmp_path, emitter, emitter_type):
    from ape import chain

    deployed_at = chain.blocks.height
    made: list[Indexer] = []

    def make(**options) -> Indexer:
        source = Source("IndexerEmitter", emitter.address, emitter_type.contract_type, deployed_at)
        made.append(Indexer(tmp_path / "index.sqlite", sources=[source], **options))
        return made[-1]

    yield make
    for indexer in made:
        indexer.close()


def numbers(indexer: Indexer) -> list[int]:
    return [int(e.args["n"]) for e in indexer.events(name="Ping")]


def emit_tx(emitter, first: int, count: int) -> dict:
    """An unsigned transaction for anvil to mine from an unlocked test account."""
    from ape import accounts

    data = emitter.emit_many.encode_input(first, count)
    return {"from": accounts.test_accounts[5].address, "to": emitter.address,
            "data": "0x" + bytes(data).hex(), "gas": hex(1_000_000)}


def tip_hash(anvil) -> str:
    return anvil.rpc("eth_getBlockByNumber", ["latest", False])["hash"]


def test_anvil_reorg_replaces_the_last_blocks(anvil, index, emitter):
    from ape import accounts

    sender = accounts.test_accounts[0]
    indexer = index()
    for n in range(4):
        emitter.emit_many(n, 1, sender=sender)
    assert indexer.sync().events == 4
    # the last two blocks are replaced: a block with two new events, then one with one
    anvil.rpc("anvil_reorg", [2, [[emit_tx(emitter, 70, 2), 0], [emit_tx(emitter, 80, 1), 1]]])
    result = indexer.sync()
    assert result.removed_events == 2 and result.events == 3
    assert numbers(indexer) == [0, 1, 70, 71, 80]
    state = indexer.state()
    assert state.reorgs == 1 and state.latest_hash == tip_hash(anvil)
    assert indexer.sync().events == 0


def test_a_reorg_deeper_than_the_kept_hashes_is_still_found(anvil, index, emitter):
    from ape import accounts

    sender = accounts.test_accounts[0]
    indexer = index(keep_hashes=2)
    for n in range(5):
        emitter.emit_many(n, 1, sender=sender)
    indexer.sync()
    anvil.rpc("anvil_reorg", [4, [[emit_tx(emitter, 90, 1), 2]]])
    result = indexer.sync()
    assert result.removed_events == 4
    assert numbers(indexer) == [0, 90]


def test_snapshot_and_revert_then_other_transactions(anvil, index, emitter):
    from ape import accounts

    sender = accounts.test_accounts[0]
    indexer = index()
    emitter.emit_many(0, 2, sender=sender)
    snapshot = anvil.rpc("evm_snapshot")
    emitter.emit_many(10, 3, sender=sender)
    emitter.emit_many(20, 3, sender=sender)
    indexer.sync()
    assert numbers(indexer) == [0, 1, 10, 11, 12, 20, 21, 22]
    assert anvil.rpc("evm_revert", [snapshot]) is True
    # nothing mined yet: the index is above the chain's tip and must come down
    result = indexer.sync()
    assert result.removed_events == 6 and numbers(indexer) == [0, 1]
    emitter.emit_many(30, 1, sender=sender)
    emitter.emit_many(40, 2, sender=sender)
    assert indexer.sync().events == 3
    assert numbers(indexer) == [0, 1, 30, 40, 41]
    assert indexer.state().latest_hash == tip_hash(anvil)


def test_a_restarted_indexer_resumes_at_the_stored_block(anvil, index, emitter):
    from ape import accounts

    sender = accounts.test_accounts[0]
    first = index(block_range=1)
    emitter.emit_many(0, 3, sender=sender)
    first.sync()
    stopped = first.state()
    first.close()
    emitter.emit_many(3, 1, sender=sender)
    second = index(block_range=1)
    assert second.latest_block() == stopped.latest_block
    result = second.sync()
    assert result.events == 1 and result.blocks == 1
    assert numbers(second) == [0, 1, 2, 3]


def test_ten_thousand_events_at_the_target_speed(anvil, tmp_path):
    run = indexer_throughput.measure(10_000, path=tmp_path / "bench.sqlite")
    assert run.events == 10_000
    assert run.per_second >= indexer_throughput.TARGET_EVENTS_PER_SECOND, run
