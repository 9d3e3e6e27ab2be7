"""The README's step-by-step commands against a real node: each `opgov` command is its own
process, and the node keeps what the previous one did."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests_support import Node, free_port

pytestmark = pytest.mark.anvil

OPGOV = [sys.executable, "-c", "from opgov.cli.main import cli; cli()"]
NET = ["--network", "ethereum:local:foundry"]
ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # TEST::1


def test_step_by_step_hats_and_streams(tmp_path):
    node = Node.start(free_port(), tmp_path / "state.json")
    (tmp_path / "ape-config.yaml").write_text(f"foundry:\n  host: {node.url}\n")
    env = dict(os.environ, OPGOV_DEPLOYMENTS=str(tmp_path / "deployments"), APE_DATA_FOLDER=str(tmp_path / "ape"))

    def opgov(*args: str) -> str:
        out = subprocess.run([*OPGOV, *args, *NET], cwd=tmp_path, env=env, capture_output=True, text=True,
                             timeout=300)
        assert out.returncode == 0, f"opgov {' '.join(args)}: {out.stdout}{out.stderr}"
        return out.stdout

    try:
        opgov("hats", "deploy")
        assert "created hat 1 " in opgov("hats", "create", "--top-hat", "--details", "Riverside Commons")
        assert "created hat 1.1 " in opgov("hats", "create", "--admin", "1", "--details", "Repair Café")
        opgov("hats", "mint", "1.1", ALICE)
        tree = opgov("hats", "tree", "1")
        assert "Repair Café" in tree and ALICE in tree
        opgov("stream", "deploy")
        token = opgov("stream", "test-token", "--symbol", "USDC", "--decimals", "6", "--mint", "100000")
        assert "USDC" in token
        created = opgov("stream", "create", ALICE, "1500 USDC/month", "--spender-hat", "1.1", "--deposit", "3000 USDC")
        assert "1,500.00 USDC/month" in created
        shown = opgov("stream", "show", "1")
        assert "1,500.00 USDC/month" in shown and "3,000.00 USDC" in shown
        bad = subprocess.run([*OPGOV, "stream", "withdraw", "1", "5000", "--account", "TEST::1", *NET],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert bad.returncode != 0 and bad.stderr.startswith("error:") and "Traceback" not in bad.stderr
    finally:
        node.stop()
