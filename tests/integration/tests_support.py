"""A local anvil node that a test can stop and start again with its chain kept."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def anvil_binary() -> str:
    found = shutil.which("anvil") or str(ROOT / "node_modules" / ".bin" / "anvil")
    if not os.access(found, os.X_OK):
        raise RuntimeError("anvil is not installed: run `npm ci` (or `make install`) first")
    return found


@dataclass
class Node:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, port: int, state_file: Path, *options: str) -> "Node":
        """anvil on `port`, its chain kept in `state_file`; `options` are more of anvil's (e.g. --chain-id 1)."""
        process = subprocess.Popen(
            [anvil_binary(), "--host", "127.0.0.1", "--port", str(port), "--silent", "--state", str(state_file),
             *options],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        node = cls(port, process)
        deadline = time.monotonic() + 30
        while True:
            try:
                node.rpc("eth_chainId")
                return node
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    raise RuntimeError(f"anvil did not start on port {port}")
                time.sleep(0.1)

    def rpc(self, method: str, params: list | None = None):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
        request = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())["result"]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
