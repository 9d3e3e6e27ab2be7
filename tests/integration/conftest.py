"""Integration tests against a real node: anvil (from npm's @foundry-rs/anvil).

`anvil_node` (one per test process) starts anvil on a free port of 127.0.0.1,
waits until it answers, points ape-foundry's `host` at it (so
`--network ethereum:local:foundry` in CLI calls reaches this node and never
starts another) and stops it at the end. Its deployments record is kept in a temporary folder,
not in the repository's deployments/. `anvil` connects ape to it for one
test module and hands back to the previous network (e.g. the embedded chain)
afterwards, so integration and SDK tests can share a process.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NETWORK = "ethereum:local:foundry"
START_TIMEOUT = 30  # seconds for anvil to answer


@dataclass
class Anvil:
    """A running anvil node."""

    url: str
    port: int
    process: subprocess.Popen
    network: str = NETWORK

    def rpc(self, method: str, params: list | None = None):
        """One JSON-RPC call to the node."""
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
        request = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())["result"]


def anvil_binary() -> str:
    found = shutil.which("anvil") or str(ROOT / "node_modules" / ".bin" / "anvil")
    if not os.access(found, os.X_OK):
        pytest.fail("anvil is not installed: run `npm ci` (or `make install`) in the repository first")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def org_folder_as_a_fresh_process():
    """The anvil tests share the org folder their session's node was given (see anvil_node)."""
    yield


@pytest.fixture(scope="session")
def anvil_node(tmp_path_factory):
    import opgov.deployments

    # each run's anvil starts empty: keep its deployments record out of the repository
    opgov.deployments.use_org(tmp_path_factory.mktemp("anvil-org"))
    port = free_port()
    process = subprocess.Popen(
        [anvil_binary(), "--host", "127.0.0.1", "--port", str(port), "--silent"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    node = Anvil(f"http://127.0.0.1:{port}", port, process)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            node.rpc("eth_chainId")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                err = process.stderr.read().decode(errors="replace") if process.stderr else ""
                pytest.fail(f"anvil did not start on port {port}: {err.strip()[:500]}")
            time.sleep(0.1)
    from ape import config

    config.get_config("foundry").host = node.url
    try:
        yield node
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def anvil(anvil_node):
    """ape connected to the anvil node for one test module."""
    warnings.filterwarnings("ignore")
    from ape.logging import logger

    from opgov.chain import connect

    logger.set_level("ERROR")
    with connect(anvil_node.network):
        yield anvil_node
