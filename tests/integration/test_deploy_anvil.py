"""`opgov deploy` against a real anvil node that is stopped half-way through the
deployment and started again: the second run finishes the job, deploys nothing
twice and loses nothing.

The node runs with `--state`, so that stopping it (SIGTERM) keeps the chain
it had, as a real node keeps its chain across a restart. The commands run as
separate processes, as a developer would run them, with their own ape
configuration pointing `ethereum:local:foundry` at this node.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from opgov.spec import write_example
from tests_support import Node, free_port

pytestmark = pytest.mark.anvil

OPGOV = [sys.executable, "-c", "from opgov.cli.main import cli; cli()"]


def _run(args, cwd, env, **kw):
    return subprocess.run(OPGOV + args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, **kw)


def _creations(node: Node, deployer: str) -> dict[str, int]:
    """How many contracts with each runtime code hash the deployer has created.

    Read from state (every CREATE address of the deployer's nonces so far), since a
    node restarted from saved state keeps no old blocks.
    """
    from eth_utils import keccak

    from opgov.deploy import create_address

    counts: dict[str, int] = {}
    nonce = int(node.rpc("eth_getTransactionCount", [deployer, "latest"]), 16)
    for n in range(nonce):
        code = node.rpc("eth_getCode", [create_address(deployer, n), "latest"])
        if code != "0x":
            key = "0x" + keccak(bytes.fromhex(code[2:])).hex()
            counts[key] = counts.get(key, 0) + 1
    return counts


def test_deploy_stopped_half_way_and_resumed(tmp_path):
    state_file = tmp_path / "anvil-state.json"
    port = free_port()
    node = Node.start(port, state_file)
    (tmp_path / "ape-config.yaml").write_text(f"foundry:\n  host: http://127.0.0.1:{port}\n")
    spec = write_example(tmp_path / "org.yaml")
    env = dict(os.environ, OPGOV_DEPLOYMENTS=str(tmp_path / "deployments"), APE_DATA_FOLDER=str(tmp_path / "ape"))
    args = ["deploy", str(spec), "--network", "ethereum:local:foundry", "--account", "TEST::8"]
    try:
        # first run: stop the node once the deployment is well under way
        proc = subprocess.Popen(OPGOV + args, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if len(lines) == 25:
                node.stop()  # SIGTERM: anvil writes its chain to the state file and exits
                break
        out, err = proc.communicate(timeout=120)
        assert proc.returncode != 0, "".join(lines) + out + err
        assert "Traceback" not in err and err.strip().count("\n") == 0, err
        assert err.startswith("error:"), err
        assert "lost the connection to the node" in err and "run the same command" in err, err

        # the node comes back with the chain it had; the second run finishes the job
        node = Node.start(port, state_file)
        planned = _run(["plan", *args[1:]], tmp_path, env)
        assert planned.returncode == 0, planned.stdout + planned.stderr
        steps = re.search(r"deploy would take (\d+) step", planned.stdout)
        second = _run(args, tmp_path, env)
        assert second.returncode == 0, second.stdout + second.stderr
        assert "is deployed" in second.stdout
        # the plan listed every step the rerun took
        assert steps and f"({steps.group(1)} step(s) taken)" in second.stdout, planned.stdout + second.stdout

        # nothing twice: each opgov contract, and the Safe proxy, exists once on the chain
        record = json.loads((tmp_path / "deployments" / "ethereum" / "local.json").read_text())
        deployer = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f"  # TEST::8 of the test mnemonic
        counts = _creations(node, deployer)
        for name in ("Hats", "BudgetStreams", "ConsentModule", "SignerGate", "TestToken"):
            assert counts[record["contracts"][name]["code_hash"]] == 1, name
        assert "pending" not in record
        proxies = node.rpc("eth_getCode", [record["contracts"]["Safe"]["address"], "latest"])
        assert proxies != "0x"
        # and the third run has nothing left to do
        third = _run(["plan", str(spec), "--network", "ethereum:local:foundry", "--account", "TEST::8"],
                     tmp_path, env)
        assert "nothing to do" in third.stdout, third.stdout + third.stderr
        status = _run(["status", str(spec), "--network", "ethereum:local:foundry"], tmp_path, env)
        assert status.returncode == 0 and "2 of 4 signers needed" in status.stdout, status.stdout + status.stderr
    finally:
        node.stop()
