"""opgov.indexer on ape's embedded chain: incremental sync, restart, a crash
mid-range, reorganisations (a snapshot restored and different blocks mined),
new contracts backfilled, the read API, and 10,000 events."""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.indexer_throughput import emit, emitter_container  # noqa: E402
from opgov.errors import DeploymentError, NetworkError, UsageError  # noqa: E402
from opgov.indexer import UNKNOWN_EVENT, Indexer, Source  # noqa: E402


@pytest.fixture(scope="session")
def emitter_type(provider):
    return emitter_container()


@pytest.fixture
def emitter(emitter_type, accounts):
    return accounts[0].deploy(emitter_type)


@pytest.fixture
def index(tmp_path, emitter, emitter_type):
    def make(*more: Source, **options) -> Indexer:
        sources = [Source("IndexerEmitter", emitter.address, emitter_type.contract_type), *more]
        return Indexer(tmp_path / "index.sqlite", sources=sources, **options)

    made: list[Indexer] = []
    yield lambda *more, **options: made.append(make(*more, **options)) or made[-1]
    for indexer in made:
        indexer.close()


def numbers(indexer: Indexer) -> list[int]:
    return [int(e.args["n"]) for e in indexer.events(name="Ping")]


def test_sync_is_incremental_and_stores_nothing_twice(index, emitter, accounts):
    from ape import chain

    indexer = index()
    emitter.emit_many(0, 3, sender=accounts[0])
    first = indexer.sync()
    assert first.events == 3 and first.latest_block == chain.blocks.height
    assert numbers(indexer) == [0, 1, 2]
    emitter.emit_many(3, 2, sender=accounts[1])
    second = indexer.sync()
    assert second.events == 2 and second.blocks == 1 and second.removed_events == 0
    assert numbers(indexer) == [0, 1, 2, 3, 4]
    again = indexer.sync()
    assert again.events == 0 and again.blocks == 0
    assert indexer.count() == 5


def test_rows_hold_what_the_chain_said(index, emitter, accounts):
    from ape import chain

    indexer = index()
    receipt = emitter.emit_many(2**190, 1, sender=accounts[2])
    items = [(accounts[3].address, 7, b"\x01\x02"), (accounts[4].address, 2**256 - 1, b"")]
    emitter.note("cell-a", "why not", items, True, sender=accounts[2])
    indexer.sync()
    ping, note = indexer.events()
    block = chain.blocks[receipt.block_number]
    assert ping.block_number == receipt.block_number and ping.block_hash == "0x" + bytes(block.hash).hex()
    assert ping.timestamp == block.timestamp and ping.tx_hash == str(receipt.txn_hash).lower()
    assert ping.contract == "IndexerEmitter" and ping.address == emitter.address and ping.log_index == 0
    assert ping.args == {"n": str(2**190), "sender": accounts[2].address, "amount": str(2**190 * 10**18)}
    assert note.name == "Note" and note.args["text"] == "why not" and note.args["flag"] is True
    assert note.args["items"] == [
        {"target": accounts[3].address, "value": "7", "data": "0x0102"},
        {"target": accounts[4].address, "value": str(2**256 - 1), "data": "0x"},
    ]
    from eth_utils import keccak

    assert note.args["tag"] == "0x" + keccak(text="cell-a").hex()  # an indexed string is only its hash
    assert note.to_dict()["args"] == note.args and indexer.block_timestamp(note.block_number) == note.timestamp


def test_read_api_filters_and_feeds(index, emitter, accounts):
    indexer = index()
    start = indexer.state()
    assert start.latest_block is None and start.last_id == 0
    emitter.emit_many(0, 5, sender=accounts[0])
    emitter.emit_many(10, 2, sender=accounts[1])
    emitter.note("t", "x", [], False, sender=accounts[0])
    indexer.sync()
    state = indexer.state()
    assert state.revision > start.revision and state.last_id == 8 and state.reorgs == 0
    assert [int(e.args["n"]) for e in indexer.events(where={"sender": accounts[1].address.lower()})] == [10, 11]
    assert [e.args["n"] for e in indexer.events(where={"n": 3})] == ["3"]
    assert [e.name for e in indexer.events(where={"flag": False})] == ["Note"]
    assert len(indexer.events(contract="IndexerEmitter", name=["Ping", "Note"])) == 8
    assert len(indexer.events(contract=emitter.address.lower())) == 8
    assert indexer.events(contract="Hats") == []
    last_block = indexer.events(name="Ping")[-1].block_number
    assert [e.args["n"] for e in indexer.events(name="Ping", since_block=last_block)] == ["10", "11"]
    assert [e.name for e in indexer.events(limit=2, newest_first=True)] == ["Note", "Ping"]
    assert indexer.count("IndexerEmitter", "Ping") == 7
    # the live feed: only what came after the newest row a page has shown
    emitter.emit_many(20, 1, sender=accounts[0])
    assert indexer.events(after_id=state.last_id) == []
    indexer.sync()
    assert [e.args["n"] for e in indexer.events(after_id=state.last_id)] == ["20"]
    assert indexer.state().revision > state.revision
    with pytest.raises(UsageError, match="not an event argument name"):
        indexer.events(where={"n') OR 1=1 --": 1})


def test_a_new_indexer_on_the_same_file_resumes(index, emitter, accounts):
    first = index()
    emitter.emit_many(0, 4, sender=accounts[0])
    first.sync()
    stopped_at = first.state()
    first.close()
    emitter.emit_many(4, 2, sender=accounts[0])
    second = index()
    assert second.state() == stopped_at
    result = second.sync()
    assert result.events == 2 and result.blocks == 1
    assert numbers(second) == list(range(6))


def test_a_crash_mid_range_loses_nothing_and_duplicates_nothing(index, emitter, accounts, monkeypatch):
    indexer = index()
    emitter.emit_many(0, 3, sender=accounts[0])
    indexer.sync()
    emitter.emit_many(3, 3, sender=accounts[0])

    def crash(db, *args, **kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(Indexer, "_bump", staticmethod(crash))  # the last write of the range
    with pytest.raises(RuntimeError):
        indexer.sync()
    monkeypatch.undo()
    assert numbers(indexer) == [0, 1, 2]
    assert indexer.sync().events == 3
    assert numbers(indexer) == list(range(6))


def test_small_block_ranges_give_the_same_index(index, emitter, accounts):
    for first in range(0, 10, 2):
        emitter.emit_many(first, 2, sender=accounts[0])
    indexer = index(block_range=2, keep_hashes=3)
    result = indexer.sync()
    assert result.events == 10 and numbers(indexer) == list(range(10))
    assert indexer.sync().events == 0


def test_a_reorganisation_takes_back_dropped_blocks(index, emitter, accounts):
    from ape import chain

    indexer = index()
    emitter.emit_many(0, 2, sender=accounts[0])
    indexer.sync()
    fork = chain.snapshot()
    emitter.emit_many(100, 3, sender=accounts[0])
    emitter.emit_many(200, 3, sender=accounts[0])
    indexer.sync()
    assert numbers(indexer) == [0, 1, 100, 101, 102, 200, 201, 202]
    chain.restore(fork)
    # the other branch: a different transaction where 100.. was, and one block more
    emitter.emit_many(300, 1, sender=accounts[1])
    for _ in range(2):
        emitter.emit_many(400, 1, sender=accounts[1])
    result = indexer.sync()
    assert result.removed_events == 6 and result.events == 3
    assert numbers(indexer) == [0, 1, 300, 400, 400]
    assert indexer.state().reorgs == 1 and indexer.state().latest_hash == "0x" + bytes(chain.blocks.head.hash).hex()


def test_a_chain_shorter_than_the_index_is_rewound(index, emitter, accounts):
    from ape import chain

    indexer = index()
    fork = chain.snapshot()
    emitter.emit_many(0, 2, sender=accounts[0])
    indexer.sync()
    chain.restore(fork)
    result = indexer.sync()
    assert result.removed_events == 2 and indexer.count() == 0
    assert indexer.latest_block() == chain.blocks.height


def test_a_contract_added_later_is_backfilled(index, emitter, emitter_type, accounts):
    other = accounts[1].deploy(emitter_type)
    other.emit_many(50, 2, sender=accounts[1])
    emitter.emit_many(0, 2, sender=accounts[0])
    index().sync()
    both = index(Source("Other", other.address, emitter_type.contract_type.model_dump()["abi"]))
    result = both.sync()
    assert result.events == 2
    assert [e.contract for e in both.events(name="Ping")] == ["Other", "Other", "IndexerEmitter", "IndexerEmitter"]
    # watched no more: its rows go, since a reader would take them for current
    assert index().count("Other") == 0


def test_the_deployments_record_names_the_contracts(provider, tmp_path, accounts):
    from opgov.deployments import Deployments
    from opgov.hats import HatsClient

    record = Deployments.for_connected_network()
    kept = dict(record.records)
    try:
        record.records.clear()
        with pytest.raises(DeploymentError, match="nothing to index"):
            Indexer(tmp_path / "none.sqlite")
        hats = HatsClient.deploy(accounts[0])
        record.record_instance("Hats", hats.contract)
        top = hats.create_tree(accounts[1].address, "Org", sender=accounts[0])
        with Indexer(tmp_path / "hats.sqlite") as indexer:
            indexer.sync()
            assert [s.name for s in indexer.sources] == ["Hats"]
            created = indexer.events("Hats", "HatCreated", where={"id": top})
            assert len(created) == 1 and created[0].args["details"] == "Org"
            minted = indexer.events("Hats", "TransferSingle")
            assert minted[0].args["receiver"] == accounts[1].address and minted[0].args["id"] == str(top)
    finally:
        record.records.clear()
        record.records.update(kept)


def test_wrong_uses_are_refused(index, tmp_path, emitter, emitter_type, provider):
    with pytest.raises(UsageError, match="not an opgov contract"):
        Indexer(tmp_path / "x.sqlite", contracts={"Nope": emitter.address})
    with pytest.raises(UsageError, match="not an address"):
        Indexer(tmp_path / "x.sqlite", sources=[Source("E", "0x1234", emitter_type.contract_type)])
    with pytest.raises(UsageError, match="listed twice"):
        index(Source("Again", emitter.address, emitter_type.contract_type))
    with pytest.raises(UsageError, match="at least 1"):
        index(block_range=0)
    with pytest.raises(UsageError, match="cannot read event ABIs"):
        Indexer(tmp_path / "x.sqlite", sources=[Source("E", emitter.address, 42)])
    indexer = index()
    indexer.close()
    with sqlite3.connect(tmp_path / "index.sqlite") as db:
        db.execute("UPDATE meta SET value = '5' WHERE key = 'chain_id'")
    with pytest.raises(NetworkError, match="not the connected chain"):
        index()


def test_follow_runs_in_a_thread_until_stopped(index, emitter, accounts):
    indexer = index()
    emitter.emit_many(0, 2, sender=accounts[0])
    stop = threading.Event()
    thread = threading.Thread(target=indexer.follow, kwargs={"interval": 0.05, "stop": stop})
    thread.start()
    deadline = time.monotonic() + 10
    while indexer.count() < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    thread.join(5)
    assert not thread.is_alive() and indexer.count() == 2 and indexer.last_error is None


def test_an_event_missing_from_the_abi_is_kept_undecoded(tmp_path, emitter, emitter_type, accounts):
    abi = [item for item in emitter_type.contract_type.model_dump()["abi"] if item.get("name") != "Note"]
    emitter.note("t", "kept", [], True, sender=accounts[0])
    emitter.emit_many(5, 1, sender=accounts[0])
    with Indexer(tmp_path / "partial.sqlite", sources=[Source("E", emitter.address, abi)]) as indexer:
        indexer.sync()
        unknown, ping = indexer.events()
    assert unknown.name == UNKNOWN_EVENT and len(unknown.args["topics"]) == 2 and unknown.args["data"].startswith("0x")
    assert ping.name == "Ping" and ping.args["n"] == "5"


def test_follow_carries_on_after_a_node_error(index, monkeypatch):
    indexer = index()
    failures = []

    def down():
        failures.append(1)
        if len(failures) == 2:
            indexer.stop()
        raise NetworkError("the node failed while reading the chain's height", "check that the node is running")

    monkeypatch.setattr(indexer, "_head", down)
    indexer.follow(interval=0.01)
    assert len(failures) == 2 and "node failed" in indexer.last_error


def test_ten_thousand_events(index, emitter, accounts):
    emit(emitter, 10_000, accounts[0])
    indexer = index(block_range=4)
    result = indexer.sync()
    assert result.events == 10_000 and indexer.count() == 10_000
    assert sorted(numbers(indexer)) == list(range(10_000))
    with sqlite3.connect(indexer.path) as db:
        assert db.execute("SELECT COUNT(DISTINCT block_number || ':' || log_index) FROM events").fetchone()[0] == 10_000
    assert indexer.sync().events == 0
