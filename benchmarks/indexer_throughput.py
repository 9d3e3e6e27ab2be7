"""Indexer throughput: events per second indexed from a local anvil node.

Run from the repository root: `python benchmarks/indexer_throughput.py`. It
starts anvil the way the integration tests do (a free port on 127.0.0.1),
deploys the test emitter (tests/contracts/mocks/IndexerEmitter.vy), emits
10,000 events in batches of 1,000 per transaction, then times one `sync()` of
a fresh index (eth_getLogs, block headers, decoding, SQLite writes) and writes
benchmarks/results/indexer.md.
"""

from __future__ import annotations

import functools
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EMITTER = ROOT / "tests" / "contracts" / "mocks" / "IndexerEmitter.vy"
RESULTS = ROOT / "benchmarks" / "results" / "indexer.md"
EVENTS = 10_000
BATCH = 1_000  # events per transaction (the emitter's bound)
TARGET_EVENTS_PER_SECOND = 2_000  # what the benchmark test asserts on this 2-core machine


@dataclass(frozen=True)
class Throughput:
    """One timed sync."""

    events: int
    blocks: int
    seconds: float
    block_range: int

    @property
    def per_second(self) -> float:
        return self.events / self.seconds


@functools.cache
def emitter_container():
    """The test emitter compiled by ape's Vyper compiler (needs an ape session).

    It compiles in a project of its own, in a fresh temporary folder: given no
    project, ape writes the source into the current project's folder when that
    folder is itself under the system's temporary folder (a checkout in /tmp),
    and parallel test workers would then write and delete the same file.
    """
    from ape import Project, compilers

    folder = Path(tempfile.mkdtemp(prefix="opgov-emitter-"))
    return compilers.compile_source(
        "vyper", EMITTER.read_text(), project=Project(folder), contractName="IndexerEmitter"
    )


def emit(emitter, count: int, sender, first: int = 0) -> None:
    """Emit `count` Ping events numbered from `first`, `BATCH` per transaction."""
    done = 0
    while done < count:
        step = min(BATCH, count - done)
        emitter.emit_many(first + done, step, sender=sender)
        done += step


def measure(events: int = EVENTS, block_range: int = 2_000, path: Path | None = None) -> Throughput:
    """Deploy an emitter on the connected chain, emit `events`, and time a fresh sync.

    Returns:
        the events and blocks indexed and the seconds the sync took.
    """
    from ape import accounts, chain

    from opgov.indexer import Indexer, Source

    sender = accounts.test_accounts[0]
    container = emitter_container()
    emitter = sender.deploy(container)
    start = chain.blocks.height
    emit(emitter, events, sender)
    folder = None if path else tempfile.mkdtemp(prefix="opgov-index-")
    path = path or Path(folder) / "bench.sqlite"
    with Indexer(path, sources=[Source("IndexerEmitter", emitter.address, container.contract_type, start)],
                 block_range=block_range) as indexer:
        began = time.perf_counter()
        result = indexer.sync()
        seconds = time.perf_counter() - began
        assert indexer.count() == events, "the index does not hold every event"
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
    return Throughput(result.events, result.blocks, seconds, block_range)


def start_anvil() -> tuple[subprocess.Popen, str]:
    """Start anvil on a free port, as tests/integration/conftest.py does."""
    binary = shutil.which("anvil") or str(ROOT / "node_modules" / ".bin" / "anvil")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([binary, "--host", "127.0.0.1", "--port", str(port), "--silent"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            body = b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}'
            urllib.request.urlopen(urllib.request.Request(url, body, {"Content-Type": "application/json"}), timeout=5)
            return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                sys.exit(f"anvil did not start on port {port}")
            time.sleep(0.1)


def write_results(runs: list[Throughput]) -> None:
    best = max(runs, key=lambda r: r.per_second)
    lines = [
        "# Indexer throughput",
        "",
        "Events per second that `opgov.indexer.Indexer.sync()` indexes from a local anvil",
        "node into a fresh SQLite file: `eth_getLogs` per block range, the header of every",
        "block with events (hash and timestamp), ABI decoding, and one SQLite transaction",
        "per range (WAL mode). Measured by `python benchmarks/indexer_throughput.py`.",
        "",
        f"- Events: {best.events:,} `Ping(uint256 indexed, address indexed, uint256)` events of the",
        f"  test emitter (tests/contracts/mocks/IndexerEmitter.vy), {BATCH:,} per transaction,",
        f"  so {best.events // BATCH} blocks hold events.",
        f"- Machine: {os.cpu_count()} cores (shared with other jobs while measured), "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"SQLite {__import__('sqlite3').sqlite_version}.",
        "- Node: anvil from npm's `@foundry-rs/anvil`, over HTTP on 127.0.0.1.",
        f"- Target asserted by tests/integration/test_indexer_anvil.py: at least {TARGET_EVENTS_PER_SECOND:,} events/s.",
        "",
        "| block range | events | blocks scanned | seconds | events/s |",
        "|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        lines.append(f"| {run.block_range:,} | {run.events:,} | {run.blocks:,} | {run.seconds:.2f} | {run.per_second:,.0f} |")
    lines.append("")
    RESULTS.write_text("\n".join(lines))


def main() -> None:
    import warnings

    warnings.filterwarnings("ignore")
    from ape import config
    from ape.logging import logger

    from opgov.chain import connect

    logger.set_level("ERROR")
    process, url = start_anvil()
    try:
        config.get_config("foundry").host = url
        with connect("ethereum:local:foundry"):
            runs = [measure(block_range=size) for size in (2_000, 2)]
    finally:
        process.terminate()
        process.wait(timeout=10)
    write_results(runs)
    for run in runs:
        print(f"block range {run.block_range}: {run.events} events in {run.seconds:.2f} s = {run.per_second:,.0f} events/s")


if __name__ == "__main__":
    main()
