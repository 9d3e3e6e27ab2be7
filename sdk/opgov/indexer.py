"""The indexer: opgov's events from any ape network into SQLite, for the dashboard.

It stores only what the chain said: every event of the watched contracts with
its block (number, hash, timestamp), transaction and log index, and its
arguments decoded with the contract's ABI (integers as decimal strings, so no
uint256 loses digits in JSON or JavaScript). Figures are computed by readers
from these rows or from calls, never guessed here.

- **Incremental**: `sync()` reads `eth_getLogs` in block ranges (2,000 blocks by
  default) and writes each range in one SQLite transaction, together with the
  cursor, so a run cut off half-way loses nothing and stores nothing twice
  (`(block_number, log_index)` is unique).
- **Resumable**: the cursor (per contract, so a contract added later is
  backfilled from its deployment block) and the block hashes live in the file;
  a new `Indexer` on the same file carries on where the last one stopped.
- **Reorg-safe**: the hash of every block with events, of every range's last
  block and of every block among the newest `keep_hashes` is kept. Each sync
  compares them with the chain from the top down; the highest block that still
  matches is the fork point, and everything above it is deleted in one
  transaction and indexed again. A range is written only if the logs, the block
  headers and the range's last block all come from one chain.
- **Readable while written**: WAL mode, one connection per thread, so a web
  server can read while `follow()` writes in its own thread. `state().revision`
  changes on every write and `events(after_id=N)` returns only newer rows, so a
  page can poll cheaply; `state().reorgs` tells it when rows were taken back.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence

from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address

from opgov.chain import first_line
from opgov.contracts import NAMES, container
from opgov.errors import DeploymentError, NetworkError, OpgovError, UsageError

if TYPE_CHECKING:
    from ethpm_types.abi import EventABI, EventABIType

SCHEMA_VERSION = "1"
BLOCK_RANGE = 2_000  # blocks per eth_getLogs call and per transaction
KEEP_HASHES = 64  # newest blocks whose hashes are all kept (deeper reorgs still found via event blocks)
MOVED_RETRIES = 5  # times a range is retried when the chain moves under it
# Hats Protocol v1 leaves hat ids unindexed in its events; the dashboard looks
# them up anyway, so they get an index like every indexed argument.
KEY_ARGS = ("hatId", "id")
UNKNOWN_EVENT = "UnknownEvent"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")


# ---------------------------------------------------------------- public types


@dataclass(frozen=True)
class Source:
    """A contract whose events are indexed.

    Args:
        name: the label stored with its events (an opgov contract name, or any
            name for a contract that is not opgov's, e.g. a test emitter).
        address: where it is deployed.
        abi: its event ABIs: an ape `ContractType` or `ContractContainer`, a list of
            ethpm-types `EventABI`, or a JSON ABI (list of dicts).
        start_block: the first block that can hold its events (its deployment block).
    """

    name: str
    address: str
    abi: Any
    start_block: int = 0


@dataclass(frozen=True)
class IndexedEvent:
    """One stored event, as the chain reported it.

    `args` maps argument names to JSON values: integers as decimal strings,
    addresses checksummed, bytes as 0x hex, structs as objects, arrays as lists.
    An indexed string or array is stored as its topic (the 0x keccak hash),
    since the chain keeps nothing else.
    """

    id: int
    block_number: int
    block_hash: str
    timestamp: int
    tx_hash: str
    log_index: int
    contract: str
    address: str
    name: str
    args: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The event as a JSON-ready dict (for a web page)."""
        return {
            "id": self.id, "block_number": self.block_number, "block_hash": self.block_hash,
            "timestamp": self.timestamp, "tx_hash": self.tx_hash, "log_index": self.log_index,
            "contract": self.contract, "address": self.address, "name": self.name, "args": self.args,
        }


@dataclass(frozen=True)
class SyncResult:
    """What one `sync()` did."""

    events: int = 0  # events written
    blocks: int = 0  # blocks scanned (a block scanned for two contracts counts once)
    removed_events: int = 0  # events taken back because their blocks left the chain
    removed_blocks: int = 0  # blocks rolled back by a reorganisation
    latest_block: int | None = None  # the block up to which the index is complete


@dataclass(frozen=True)
class IndexState:
    """The index at a glance; cheap enough to poll every second."""

    latest_block: int | None  # every source is indexed up to here (None: nothing yet)
    latest_hash: str | None  # that block's hash
    last_id: int  # the newest event's id (0 when empty); ids only grow
    revision: int  # changes whenever rows are added or removed
    reorgs: int  # reorganisations handled so far: rows a reader holds may be gone


# ---------------------------------------------------------------- decoding


@dataclass(frozen=True)
class _EventSpec:
    name: str
    indexed: tuple["EventABIType", ...]
    data: tuple["EventABIType", ...]
    data_types: tuple[str, ...]
    order: tuple[str, ...]  # argument names in ABI order


def _event_abis(abi: Any) -> list["EventABI"]:
    from ethpm_types import ContractType
    from ethpm_types.abi import EventABI

    if hasattr(abi, "contract_type"):
        abi = abi.contract_type
    if isinstance(abi, ContractType):
        return list(abi.events)
    if isinstance(abi, (list, tuple)):
        given = [a for a in abi if isinstance(a, EventABI)]
        as_json = [a for a in abi if isinstance(a, dict)]
        return given + (list(ContractType(abi=as_json).events) if as_json else [])
    raise UsageError(f"cannot read event ABIs from a {type(abi).__name__}", "pass a ContractType or a JSON ABI list")


def _specs(abi: Any) -> dict[bytes, _EventSpec]:
    specs = {}
    for event in _event_abis(abi):
        if event.anonymous:
            continue  # no topic0 to recognise it by
        data = tuple(i for i in event.inputs if not i.indexed)
        specs[keccak(text=event.selector)] = _EventSpec(
            name=event.name,
            indexed=tuple(i for i in event.inputs if i.indexed),
            data=data,
            data_types=tuple(i.canonical_type for i in data),
            order=tuple(i.name for i in event.inputs),
        )
    return specs


def _is_dynamic(abi_type: str) -> bool:
    return abi_type in ("string", "bytes") or abi_type.endswith("]") or abi_type.startswith("tuple")


def _jsonable(value: Any, abi_type: str, components: Sequence[Any] | None = None) -> Any:
    if abi_type.endswith("]"):
        inner = abi_type[: abi_type.rindex("[")]
        return [_jsonable(v, inner, components) for v in value]
    if abi_type.startswith("tuple"):
        return {
            (c.name or str(i)): _jsonable(v, c.type, c.components)
            for i, (c, v) in enumerate(zip(components or (), value))
        }
    if abi_type == "bool":
        return bool(value)
    if abi_type == "address":
        return _checksum(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    return value


def _decode(spec: _EventSpec, topics: Sequence[bytes], data: bytes) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for item, topic in zip(spec.indexed, topics[1:]):
        if _is_dynamic(item.type):
            args[item.name] = "0x" + topic.hex()  # the chain keeps only its hash
        elif item.type.startswith("uint"):
            args[item.name] = str(int.from_bytes(topic, "big"))  # the common case, without eth-abi's overhead
        else:
            (value,) = abi_decode([item.canonical_type], topic)
            args[item.name] = _jsonable(value, item.type, item.components)
    if len(topics) != len(spec.indexed) + 1:
        raise ValueError("topic count does not match the ABI")
    values = abi_decode(list(spec.data_types), bytes(data)) if spec.data else ()
    for item, value in zip(spec.data, values):
        args[item.name] = _jsonable(value, item.type, item.components)
    return {name: args[name] for name in spec.order}


def _canonical(value: Any) -> Any:
    """A `where` value in the form the rows store it."""
    if isinstance(value, bool):
        return int(value)  # SQLite's json_extract reads JSON true as 1
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, str) and _ADDRESS.match(value):
        return to_checksum_address(value)
    return value


def _int(value: Any) -> int:
    # nodes answer in hex; the embedded chain's provider in ints
    return int(value, 16) if isinstance(value, str) else int(value)


def _bytes(value: Any) -> bytes:
    return bytes.fromhex(value[2:]) if isinstance(value, str) else bytes(value)


@lru_cache(maxsize=4096)
def _checksum(address: Any) -> str:
    # the same few addresses recur in thousands of events; checksumming hashes each time
    return to_checksum_address(address)


def _hex(value: Any) -> str:
    if isinstance(value, str):
        return value.lower() if value.startswith("0x") else "0x" + value.lower()
    return "0x" + bytes(value).hex()


# ---------------------------------------------------------------- the indexer


class _ChainMoved(Exception):
    """The chain changed while a range was read; read it again."""


@dataclass
class _Watched:
    source: Source
    address: str
    specs: dict[bytes, _EventSpec] = field(repr=False)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    address TEXT PRIMARY KEY,          -- checksummed
    name TEXT NOT NULL,
    synced_to INTEGER NOT NULL         -- every event up to this block is stored
);
CREATE TABLE IF NOT EXISTS blocks (
    number INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    has_events INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so "after id N" is a feed
    block_number INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    block_timestamp INTEGER NOT NULL,
    tx_hash TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    contract TEXT NOT NULL,
    address TEXT NOT NULL,
    name TEXT NOT NULL,
    args TEXT NOT NULL,
    UNIQUE (block_number, log_index)
);
CREATE INDEX IF NOT EXISTS events_by_name ON events (contract, name, block_number);
CREATE INDEX IF NOT EXISTS events_by_address ON events (address, block_number);
"""


class Indexer:
    """Keeps the events of opgov's contracts on one network in a SQLite file.

    Create it while ape is connected to the network. Without `contracts` or
    `sources`, it watches the opgov contracts the deployments record names.

    Args:
        path: the SQLite file (default `.opgov/index/<ecosystem>-<network>-<chain id>.sqlite`
            in the org's folder, beside org.yaml).
        contracts: opgov contract names (from `opgov.contracts.NAMES`) to addresses,
            instead of the deployments record.
        sources: more contracts to watch, with their own ABIs.
        block_range: blocks per `eth_getLogs` call and per write transaction.
        keep_hashes: how many of the newest blocks keep their hash even without events.
        start_block: the first block for contracts whose deployment block is unknown.

    Raises:
        NetworkError: if ape is not connected, or the file belongs to another chain.
        DeploymentError: if there is no contract to watch.
        UsageError: if an argument cannot be used.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        contracts: Mapping[str, str] | None = None,
        sources: Iterable[Source] = (),
        block_range: int = BLOCK_RANGE,
        keep_hashes: int = KEEP_HASHES,
        start_block: int = 0,
    ):
        from ape import networks

        provider = networks.active_provider
        if provider is None or not provider.is_connected:
            raise NetworkError("the indexer needs a network", "connect first (opgov.chain.connect)")
        if block_range < 1 or keep_hashes < 1 or start_block < 0:
            raise UsageError(
                "block_range and keep_hashes must be at least 1, start_block at least 0",
                "pass positive numbers",
            )
        from web3.providers.eth_tester import EthereumTesterProvider

        self._web3 = provider.web3
        self._json_rpc = not isinstance(self._web3.provider, EthereumTesterProvider)
        self.chain_id = int(provider.chain_id)
        self.block_range = block_range
        self.keep_hashes = keep_hashes
        network = provider.network
        default = f"{network.ecosystem.name}-{network.name}-{self.chain_id}.sqlite"
        if not path:
            from opgov.deployments import index_folder

            path = index_folder() / default
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._watched = self._resolve(contracts, list(sources), start_block)
        self._by_address = {w.address.lower(): w for w in self._watched}
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self.last_error: str | None = None  # the last error `follow()` met and carried on after
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------ setup

    @staticmethod
    def _resolve(contracts: Mapping[str, str] | None, extra: list[Source], start_block: int) -> list[_Watched]:
        chosen: list[Source] = []
        if contracts is None and not extra:
            from opgov.deployments import Deployments

            deployments = Deployments.for_connected_network()
            for name in NAMES:
                address = deployments.get(name)
                if address:
                    block = deployments.records[name].block
                    chosen.append(Source(name, address, container(name).contract_type, block or start_block))
            if not chosen:
                raise DeploymentError(
                    "no opgov contract is recorded on this network, so there is nothing to index",
                    "deploy the org first (`opgov deploy`), or pass contract addresses",
                )
        for name, address in (contracts or {}).items():
            if name not in NAMES:
                raise UsageError(f"{name!r} is not an opgov contract", f"use one of {', '.join(NAMES)}")
            chosen.append(Source(name, address, container(name).contract_type, start_block))
        chosen.extend(extra)
        watched: dict[str, _Watched] = {}
        for source in chosen:
            if not isinstance(source.address, str) or not _ADDRESS.match(source.address):
                raise UsageError(f"{source.address!r} is not an address", f"give {source.name}'s 0x address")
            address = to_checksum_address(source.address)
            if address in watched:
                raise UsageError(f"{address} is listed twice", "list each contract once")
            watched[address] = _Watched(source, address, _specs(source.abi))
        return list(watched.values())

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            # with WAL, NORMAL survives a crashed process; power loss may drop the newest
            # ranges, which are then simply indexed again
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            with self._connections_lock:
                self._connections.append(conn)
        return conn

    def _open(self) -> None:
        self._conn().executescript(_SCHEMA)
        keys = set(KEY_ARGS)
        for w in self._watched:
            for spec in w.specs.values():
                keys.update(i.name for i in spec.indexed)
        with self._transaction() as db:
            for key in sorted(k for k in keys if _IDENTIFIER.match(k)):
                db.execute(f"CREATE INDEX IF NOT EXISTS events_by_arg_{key} ON events (json_extract(args, '$.{key}'))")
            meta = dict(db.execute("SELECT key, value FROM meta"))
            if meta.get("chain_id", str(self.chain_id)) != str(self.chain_id):
                raise NetworkError(
                    f"{self.path} holds chain {meta['chain_id']}, not the connected chain {self.chain_id}",
                    "use the file for this network (the default path does this)",
                )
            if meta.get("schema", SCHEMA_VERSION) != SCHEMA_VERSION:
                raise UsageError(f"{self.path} was written by another opgov version", "delete it to index again")
            for key, value in (("chain_id", self.chain_id), ("schema", SCHEMA_VERSION), ("revision", 0), ("reorgs", 0)):
                db.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)", (key, str(value)))
            stored = {a: n for a, n in db.execute("SELECT address, name FROM sources")}
            current = {w.address for w in self._watched}
            gone = [a for a in stored if a not in current]
            for address in gone:
                # a contract no longer watched (e.g. redeployed): its rows would mislead a reader
                db.execute("DELETE FROM events WHERE address = ?", (address,))
                db.execute("DELETE FROM sources WHERE address = ?", (address,))
            for w in self._watched:
                db.execute(
                    "INSERT OR IGNORE INTO sources VALUES (?, ?, ?)",
                    (w.address, w.source.name, w.source.start_block - 1),
                )
                db.execute("UPDATE sources SET name = ? WHERE address = ?", (w.source.name, w.address))
            if gone:
                self._bump(db)

    class _Tx:
        def __init__(self, conn: sqlite3.Connection):
            self.conn = conn

        def __enter__(self) -> sqlite3.Connection:
            self.conn.execute("BEGIN IMMEDIATE")
            return self.conn

        def __exit__(self, kind, value, tb) -> None:
            self.conn.execute("COMMIT" if kind is None else "ROLLBACK")

    def _transaction(self) -> "Indexer._Tx":
        return Indexer._Tx(self._conn())

    @staticmethod
    def _bump(db: sqlite3.Connection, reorg: bool = False) -> None:
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'")
        if reorg:
            db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'reorgs'")

    def close(self) -> None:
        """Stop `follow()` and close every connection this indexer opened."""
        self._stop.set()
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> "Indexer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ chain access

    def _rpc(self, method: str, params: list[Any], doing: str, hint: str = "check that the node is running") -> Any:
        # web3's result formatting costs more than all our decoding, so a JSON-RPC node is
        # asked directly; the embedded chain needs web3's request formatters, not its results'
        try:
            if self._json_rpc:
                response = self._web3.provider.make_request(method, params)
                if response.get("error"):
                    raise NetworkError(f"the node refused {method}: {response['error'].get('message')}", hint)
                return response.get("result")
            return self._web3.manager.request_blocking(method, params)
        except NetworkError:
            raise
        except Exception as err:
            raise NetworkError(f"the node failed while {doing}: {first_line(err)}", hint) from err

    def _head(self) -> int:
        return _int(self._rpc("eth_blockNumber", [], "reading the chain's height"))

    def _header(self, number: int) -> tuple[str, str, int] | None:
        """(hash, parent hash, timestamp) of a block, or None if the chain has no such block."""
        block = self._rpc("eth_getBlockByNumber", [hex(number), False], f"reading block {number}")
        if block is None:
            return None
        return _hex(block["hash"]), _hex(block["parentHash"]), _int(block["timestamp"])

    def _logs(self, lo: int, hi: int, addresses: list[str]) -> list[Any]:
        params = {"fromBlock": hex(lo), "toBlock": hex(hi), "address": addresses}
        return list(self._rpc("eth_getLogs", [params], f"reading the logs of blocks {lo} to {hi}",
                              "check the node, or use a smaller block_range"))

    # ------------------------------------------------------------ syncing

    def sync(self) -> SyncResult:
        """Bring the index up to the chain's newest block.

        First takes back whatever a chain reorganisation removed, then reads the
        new blocks range by range, one transaction per range.

        Returns:
            how many events and blocks were written, scanned and taken back.

        Raises:
            NetworkError: if the node fails, or the chain keeps changing under every retry.
        """
        with self._write_lock:
            totals = {"events": 0, "blocks": 0, "removed_events": 0, "removed_blocks": 0}
            for _attempt in range(MOVED_RETRIES):
                try:
                    removed = self._rewind()
                    totals["removed_events"] += removed[0]
                    totals["removed_blocks"] += removed[1]
                    head = self._head()
                    for written, scanned in self._catch_up(head):
                        totals["events"] += written
                        totals["blocks"] += scanned
                    return SyncResult(**totals, latest_block=self.latest_block())
                except _ChainMoved:
                    continue
            raise NetworkError(
                f"the chain changed under the indexer {MOVED_RETRIES} times in a row",
                "sync again in a moment",
            )

    def _rewind(self) -> tuple[int, int]:
        """Find the fork point and delete everything above it. Returns (events, blocks) removed."""
        conn = self._conn()
        top = conn.execute("SELECT MAX(number) FROM blocks").fetchone()[0]
        if top is None:
            return 0, 0
        head = self._head()
        base = None
        for number, stored in conn.execute("SELECT number, hash FROM blocks ORDER BY number DESC").fetchall():
            if number <= head:
                header = self._header(number)
                if header is not None and header[0] == stored:
                    base = number
                    break
        if base == top:
            return 0, 0
        floor = -1 if base is None else base
        with self._transaction() as db:
            if db.execute("SELECT MAX(number) FROM blocks").fetchone()[0] != top:
                raise _ChainMoved  # another writer on this file moved first
            events = db.execute("DELETE FROM events WHERE block_number > ?", (floor,)).rowcount
            blocks = db.execute("DELETE FROM blocks WHERE number > ?", (floor,)).rowcount
            db.execute("UPDATE sources SET synced_to = ? WHERE synced_to > ?", (floor, floor))
            self._bump(db, reorg=True)
        return events, blocks

    def _catch_up(self, head: int) -> Iterator[tuple[int, int]]:
        """Index every source up to `head`, lagging sources first until they join the rest."""
        while True:
            cursors = dict(self._conn().execute("SELECT address, synced_to FROM sources"))
            behind = {a: c for a, c in cursors.items() if c < head}
            if not behind:
                return
            lo = min(behind.values()) + 1
            group = [a for a, c in behind.items() if c + 1 == lo]
            ahead = [c for c in cursors.values() if c + 1 > lo]
            hi = min([lo + self.block_range - 1, head] + [c for c in ahead])
            yield self._index_range(lo, hi, group, head)

    def _index_range(self, lo: int, hi: int, addresses: list[str], head: int) -> tuple[int, int]:
        end = self._header(hi)
        if end is None:
            raise _ChainMoved
        logs = self._logs(lo, hi, addresses)
        event_blocks = {_int(log["blockNumber"]) for log in logs}
        tail = set(range(max(lo, head - self.keep_hashes + 1), hi + 1))
        headers = {n: self._header(n) for n in sorted(event_blocks | tail) if n != hi}
        headers[hi] = end
        if any(h is None for h in headers.values()):
            raise _ChainMoved
        for n in tail:
            if n - 1 in headers and headers[n][1] != headers[n - 1][0]:
                raise _ChainMoved
        group = {a.lower() for a in addresses}
        rows = []
        for log in logs:
            if log["address"].lower() not in group:
                continue  # a node that ignores the address filter
            number = _int(log["blockNumber"])
            block_hash = _hex(log["blockHash"])
            if headers[number][0] != block_hash:
                raise _ChainMoved
            watched = self._by_address[log["address"].lower()]
            topics = [_bytes(t) for t in log["topics"]]
            data = _bytes(log["data"])
            spec = watched.specs.get(topics[0]) if topics else None
            try:
                if spec is None:
                    raise ValueError("unknown event")
                name, args = spec.name, _decode(spec, topics, data)
            except Exception:
                # the chain said it, so it is kept, undecoded, rather than dropped
                name = UNKNOWN_EVENT
                args = {"topics": ["0x" + t.hex() for t in topics], "data": "0x" + data.hex()}
            rows.append((
                number, block_hash, headers[number][2], _hex(log["transactionHash"]), _int(log["logIndex"]),
                watched.source.name, watched.address, name, json.dumps(args, separators=(",", ":")),
            ))
        if self._header(hi) != end:
            raise _ChainMoved
        with self._transaction() as db:
            for number, (block_hash, _parent, timestamp) in headers.items():
                stored = db.execute("SELECT hash FROM blocks WHERE number = ?", (number,)).fetchone()
                if stored and stored[0] != block_hash:
                    raise _ChainMoved  # a block below the cursor changed: rewind first
                db.execute(
                    "INSERT INTO blocks VALUES (?, ?, ?, ?) ON CONFLICT (number) DO UPDATE"
                    " SET has_events = has_events OR excluded.has_events",
                    (number, block_hash, timestamp, int(number in event_blocks)),
                )
            db.executemany(
                "INSERT INTO events (block_number, block_hash, block_timestamp, tx_hash, log_index,"
                " contract, address, name, args) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            db.executemany("UPDATE sources SET synced_to = ? WHERE address = ?", [(hi, a) for a in addresses])
            # the range's last block keeps its hash, so the next sync can check it
            db.execute(
                "DELETE FROM blocks WHERE number < ? AND NOT has_events",
                (min(head - self.keep_hashes + 1, hi),),
            )
            self._bump(db)
        return len(rows), hi - lo + 1

    def follow(self, interval: float = 2.0, stop: threading.Event | None = None) -> None:
        """Sync every `interval` seconds until `stop` is set or `close()` is called.

        Meant for a thread of the dashboard server. A failing node does not end
        the loop: the error is kept in `last_error` and the next round tries again.
        """
        while not (self._stop.is_set() or (stop is not None and stop.is_set())):
            try:
                self.sync()
                self.last_error = None
            except OpgovError as err:
                self.last_error = str(err)
            if stop is not None:
                if stop.wait(interval):
                    return
            elif self._stop.wait(interval):
                return

    def stop(self) -> None:
        """End a running `follow()` after its current round."""
        self._stop.set()

    # ------------------------------------------------------------ reading

    def latest_block(self) -> int | None:
        """The block up to which every watched contract is indexed (None before the first sync)."""
        value = self._conn().execute("SELECT MIN(synced_to) FROM sources").fetchone()[0]
        return None if value is None or value < 0 else int(value)

    def state(self) -> IndexState:
        """The index at a glance: latest block and hash, newest event id, revision, reorgs."""
        conn = self._conn()
        conn.execute("BEGIN")  # one snapshot for all four reads
        try:
            latest = self.latest_block()
            row = conn.execute("SELECT hash FROM blocks WHERE number = ?", (latest,)).fetchone()
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            last_id = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
        finally:
            conn.execute("COMMIT")
        return IndexState(
            latest_block=latest,
            latest_hash=row[0] if row else None,
            last_id=int(last_id[0]) if last_id else 0,
            revision=int(meta.get("revision", 0)),
            reorgs=int(meta.get("reorgs", 0)),
        )

    def events(
        self,
        contract: str | None = None,
        name: str | Sequence[str] | None = None,
        since_block: int | None = None,
        where: Mapping[str, Any] | None = None,
        limit: int | None = None,
        *,
        after_id: int | None = None,
        newest_first: bool = False,
    ) -> list[IndexedEvent]:
        """Stored events, in chain order (or newest first), filtered.

        Args:
            contract: a watched contract's name (e.g. "ConsentModule") or address.
            name: an event name, or several.
            since_block: only events from this block on.
            where: argument name to value, e.g. `{"proposal_id": 3}` (ints, addresses
                and bytes are matched the way they are stored).
            limit: at most this many events.
            after_id: only events stored after the event with this id (a live feed:
                pass the `id` of the newest event already shown). Ordered by id.
            newest_first: the newest events first (e.g. the latest 20 for a feed).

        Raises:
            UsageError: if an argument name in `where` is not a plain identifier.
        """
        clauses, params = [], []
        if contract is not None:
            if _ADDRESS.match(contract):
                clauses.append("address = ?")
                params.append(to_checksum_address(contract))
            else:
                clauses.append("contract = ?")
                params.append(contract)
        if name is not None:
            names = [name] if isinstance(name, str) else list(name)
            clauses.append(f"name IN ({','.join('?' * len(names))})")
            params.extend(names)
        if since_block is not None:
            clauses.append("block_number >= ?")
            params.append(int(since_block))
        if after_id is not None:
            clauses.append("id > ?")
            params.append(int(after_id))
        for key, value in (where or {}).items():
            if not _IDENTIFIER.match(key):
                raise UsageError(f"{key!r} is not an event argument name", "use the name from the contract's event")
            # the path is part of the text (not a parameter) so SQLite can use the matching index
            clauses.append(f"json_extract(args, '$.{key}') = ?")
            params.append(_canonical(value))
        sql = (
            "SELECT id, block_number, block_hash, block_timestamp, tx_hash, log_index,"
            " contract, address, name, args FROM events"
        )
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        if after_id is not None:
            sql += " ORDER BY id DESC" if newest_first else " ORDER BY id"
        else:
            order = "DESC" if newest_first else "ASC"
            sql += f" ORDER BY block_number {order}, log_index {order}"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [
            IndexedEvent(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], json.loads(r[9]))
            for r in self._conn().execute(sql, params)
        ]

    def count(self, contract: str | None = None, name: str | None = None) -> int:
        """How many events are stored (of one contract, of one event name)."""
        clauses, params = [], []
        if contract is not None:
            clauses.append("contract = ?")
            params.append(contract)
        if name is not None:
            clauses.append("name = ?")
            params.append(name)
        sql = "SELECT COUNT(*) FROM events" + (" WHERE " + " AND ".join(clauses) if clauses else "")
        return int(self._conn().execute(sql, params).fetchone()[0])

    def block_timestamp(self, number: int) -> int | None:
        """The stored timestamp of a block (blocks with events and the newest ones), or None."""
        row = self._conn().execute("SELECT timestamp FROM blocks WHERE number = ?", (number,)).fetchone()
        return int(row[0]) if row else None

    @property
    def sources(self) -> list[Source]:
        """The contracts this indexer watches."""
        return [w.source for w in self._watched]

    # ------------------------------------------------------------ notifications sent (opgov watch)

    def _notified_table(self) -> sqlite3.Connection:
        # kept beside the events, but never rolled back with them: a person told
        # about something is not told again because a reorganisation replayed it
        conn = self._conn()
        conn.execute(
            "CREATE TABLE IF NOT EXISTS notifications_sent ("
            " key TEXT NOT NULL, route TEXT NOT NULL, sent_at INTEGER NOT NULL,"
            " PRIMARY KEY (key, route))"
        )
        return conn

    def was_notified(self, key: str, route: str) -> bool:
        """Whether the notification `key` was already delivered to `route`."""
        row = self._notified_table().execute(
            "SELECT 1 FROM notifications_sent WHERE key = ? AND route = ?", (key, route)
        ).fetchone()
        return row is not None

    def mark_notified(self, key: str, route: str, sent_at: int) -> None:
        """Record that the notification `key` was delivered to `route` at `sent_at` (unix seconds)."""
        self._notified_table().execute(
            "INSERT OR IGNORE INTO notifications_sent VALUES (?, ?, ?)", (key, route, int(sent_at))
        )

    def remember(self, key: str, value: int) -> int:
        """Store `value` under `key` unless a value is stored already; return the stored one.

        Kept like the notifications sent: a reorganisation does not take it back.
        """
        conn = self._notified_table()
        conn.execute("CREATE TABLE IF NOT EXISTS watch_marks (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
        conn.execute("INSERT OR IGNORE INTO watch_marks VALUES (?, ?)", (key, int(value)))
        return int(conn.execute("SELECT value FROM watch_marks WHERE key = ?", (key,)).fetchone()[0])

    def notifications_sent(self) -> list[tuple[str, str, int]]:
        """Every (key, route, sent_at) recorded, oldest first."""
        return [tuple(r) for r in self._notified_table().execute(
            "SELECT key, route, sent_at FROM notifications_sent ORDER BY sent_at, key, route")]
