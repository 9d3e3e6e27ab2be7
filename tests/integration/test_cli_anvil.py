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


def test_no_node_is_said_and_a_restarted_node_is_noticed(tmp_path):
    """opgov never starts a throwaway node, and a record of a chain the node no longer has is reported."""
    from opgov.chain import node_answers
    from opgov.spec import write_example

    port = free_port()
    (tmp_path / "ape-config.yaml").write_text(f"foundry:\n  host: http://127.0.0.1:{port}\n")
    spec = str(write_example(tmp_path / "org.yaml"))
    env = dict(os.environ, OPGOV_DEPLOYMENTS=str(tmp_path / "deployments"), APE_DATA_FOLDER=str(tmp_path / "ape"))

    def opgov(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*OPGOV, *args, *NET], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300)

    out = opgov("deploy", spec, "--account", "TEST::8")
    assert out.returncode == 1 and "is deployed" not in out.stdout, out.stdout + out.stderr
    assert out.stderr == f"error: no node at 127.0.0.1:{port}; start one with `anvil --port {port}`\n"
    assert not node_answers(f"http://127.0.0.1:{port}")  # and none was left running

    node = Node.start(port, tmp_path / "first.json")
    try:
        assert opgov("hats", "deploy").returncode == 0
    finally:
        node.stop()
    node = Node.start(port, tmp_path / "second.json")  # the node restarted without its state
    try:
        for args in (["plan", spec, "--account", "TEST::8"], ["status", spec]):
            out = opgov(*args)
            assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stdout + out.stderr
            assert "records another chain than this node's" in out.stderr and "mv " in out.stderr, out.stderr
    finally:
        node.stop()


def test_the_orgs_record_lives_beside_org_yaml(tmp_path):
    """Run from a folder inside the org's: the record goes beside org.yaml, the token under its symbol."""
    import json

    from opgov.spec import EXAMPLE

    node = Node.start(free_port(), tmp_path / "state.json")
    org = tmp_path / "bakery"
    (org / "notes").mkdir(parents=True)
    (org / "org.yaml").write_text(EXAMPLE.replace("symbol: USDC", "symbol: EURC"))
    (org / "notes" / "ape-config.yaml").write_text(f"foundry:\n  host: {node.url}\n")
    env = {k: v for k, v in os.environ.items() if k not in ("OPGOV_DEPLOYMENTS", "OPGOV_ORG")}
    env["APE_DATA_FOLDER"] = str(tmp_path / "ape")
    try:
        out = subprocess.run([*OPGOV, "stream", "test-token", "--symbol", "EURC", *NET], cwd=org / "notes", env=env,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stdout + out.stderr
        record = json.loads((org / "deployments" / "ethereum" / "local.json").read_text())
        assert record["contracts"]["EURC"]["address"] == record["contracts"]["TestToken"]["address"]
        assert not (org / "notes" / "deployments").exists()
    finally:
        node.stop()


def test_a_record_where_older_opgov_kept_it_is_read_with_a_notice(anvil, tmp_path, monkeypatch):
    """An org deployed by an older opgov (its record in the package's deployments/, here a temporary
    copy of that folder) keeps working: read there with a one-line note, written beside org.yaml."""
    import json

    from ape import accounts
    from click.testing import CliRunner

    import opgov.deployments as where
    from opgov.cli.main import cli
    from opgov.hats import HatsClient

    old, org = tmp_path / "package-deployments", tmp_path / "org"
    org.mkdir()
    monkeypatch.setattr(where, "OLD_DEPLOYMENTS", old)
    monkeypatch.setattr(where, "ORG_FOLDER", org)
    monkeypatch.setattr(where, "_FILES", {})
    monkeypatch.setattr(where, "_NOTICED", set())
    owner = accounts.test_accounts[0]
    hats = HatsClient.deploy(owner)
    top = hats.create_tree(owner.address, "Older Commons", sender=owner)
    where.Deployments(old / "ethereum" / "local.json").record_instance("Hats", hats.contract)
    before = (old / "ethereum" / "local.json").read_text()

    def opgov(*args: str):
        result = CliRunner(mix_stderr=False).invoke(cli, [*args, "--network", anvil.network])
        assert result.exit_code == 0, result.output + result.stderr
        return result

    tree = opgov("hats", "tree", hex(top))
    assert "Older Commons" in tree.stdout
    new = org / "deployments" / "ethereum" / "local.json"
    assert tree.stderr == (f"note: read the deployments record from {old / 'ethereum' / 'local.json'} (where older "
                           f"opgov kept it); it is written to {new} from now on\n")
    assert opgov("stream", "deploy").stderr == ""  # said once in a process
    written = json.loads(new.read_text())["contracts"]
    assert written["Hats"]["address"] == hats.address and "BudgetStreams" in written
    assert (old / "ethereum" / "local.json").read_text() == before  # the old record is left as it was
    where._NOTICED.clear()
    again = opgov("hats", "tree", hex(top))  # the record beside org.yaml is read now: nothing to say
    assert "Older Commons" in again.stdout and again.stderr == ""
