"""The read commands ask the node the same few things whatever the org's size, and read what
the one-by-one reads read.

Two real orgs (3 and 12 cells, 3 proposals a cell, one objected to in each cell) are built on
anvil; each read command runs as its own `opgov` process through a counting JSON-RPC proxy, and
everything it asks is counted, ape's connection included: at most 10 requests for status,
proposals, hats tree, stream list, `opgov plan` and the dashboard's first snapshot (the Board
made, then its first snapshot). Connecting costs one round trip.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.reads_org import build_org  # noqa: E402
from benchmarks.reads_proxy import RpcProxy  # noqa: E402

pytestmark = pytest.mark.anvil

OPGOV = [sys.executable, "-c", "from opgov.cli.main import cli; cli()"]
NET = ["--network", "ethereum:local:foundry"]
COMMANDS = {
    "status": ["status", "org.yaml"],
    "proposals": ["proposals"],
    "hats tree": ["hats", "tree", "1"],
    "stream list": ["stream", "list", "--hat", "1.1"],
}
CONNECT_ONLY = [sys.executable, "-c",
                "import warnings; warnings.filterwarnings('ignore')\n"
                "from opgov.chain import connect\n"
                "with connect('ethereum:local:foundry'): pass"]
REQUESTS = 10  # each read command's, connection included
PLAN_REQUESTS = 10
SNAPSHOT_REQUESTS = 10


@pytest.fixture(scope="module")
def orgs(anvil, tmp_path_factory):
    saved = os.environ.get("OPGOV_DEPLOYMENTS")
    built = {}
    try:
        for cells in (3, 12):
            built[cells] = build_org(anvil.url, cells, 3, tmp_path_factory.mktemp(f"org{cells}"))
    finally:
        if saved is None:
            os.environ.pop("OPGOV_DEPLOYMENTS", None)
        else:
            os.environ["OPGOV_DEPLOYMENTS"] = saved
    return built


def _run(command: list[str], folder: Path, proxy: RpcProxy) -> tuple[dict, str]:
    env = dict(os.environ, APE_FOUNDRY_HOST=proxy.url, OPGOV_DEPLOYMENTS=str(folder / "deployments"),
               PYTHONPATH=str(ROOT / "sdk"))
    proxy.reset()
    out = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"{' '.join(command[3:])}: {out.stdout[-1500:]}{out.stderr[-1500:]}"
    return proxy.counts(), out.stdout


def test_each_read_command_asks_a_few_requests_whatever_the_size(anvil, orgs):
    with RpcProxy(anvil.url) as proxy:
        connection = _run(CONNECT_ONLY, Path(orgs[3]["folder"]), proxy)[0]
        assert connection["round_trips"] == 1 and connection["requests"] <= 4, connection
        total: dict[str, list[int]] = {}
        for cells, org in orgs.items():
            for name, args in COMMANDS.items():
                counts, shown = _run([*OPGOV, *args, *NET], Path(org["folder"]), proxy)
                total.setdefault(name, []).append(counts["requests"])
                assert counts["requests"] <= REQUESTS, (name, cells, counts)
                if name == "status":
                    assert f"Cell {cells:03d}" in shown and f"#{org['proposals']} " in shown
    for name, (small, large) in total.items():
        assert large <= small, f"{name}: {small} requests for 3 cells, {large} for 12"


def test_plan_and_the_dashboard_snapshot_ask_a_few_requests_whatever_the_size(anvil, orgs):
    from benchmarks.reads_bench import run_snapshot

    with RpcProxy(anvil.url) as proxy:
        plan, snapshot = [], []
        for cells, org in orgs.items():
            counts, shown = _run([*OPGOV, "plan", "org.yaml", *NET], Path(org["folder"]), proxy)
            plan.append(counts["requests"])
            assert plan[-1] <= PLAN_REQUESTS, (cells, counts)
            _seconds, counts, sizes = run_snapshot(Path(org["folder"]), proxy)
            snapshot.append(counts["requests"])
            assert counts["requests"] <= SNAPSHOT_REQUESTS, (cells, counts)
            assert sizes == {"cells": cells, "proposals": org["proposals"], "hats": 1 + 2 * cells}
    assert plan[1] <= plan[0] + 1 and snapshot[1] <= snapshot[0], (plan, snapshot)


def test_batched_reads_equal_the_one_by_one_reads(anvil, orgs):
    import json

    from ape import chain

    from opgov.consent import ConsentClient
    from opgov.contracts import container
    from opgov.hats import HatsClient
    from opgov.reads import session
    from opgov.streams import StreamsClient

    record = json.loads((Path(orgs[12]["folder"]) / "deployments" / "ethereum" / "local.json").read_text())
    contracts = {k: v["address"] for k, v in record["contracts"].items()}
    ids = [int(v) for v in record["org"]["streams"].values()]
    one_by_one = StreamsClient(container("BudgetStreams").at(contracts["BudgetStreams"]), multicall=None).streams(ids)
    with session():
        batched = StreamsClient.at(contracts["BudgetStreams"]).streams(ids)
    assert batched == one_by_one

    with session():
        views = ConsentClient.at(contracts["ConsentModule"]).proposals()
    module = container("ConsentModule").at(contracts["ConsentModule"])
    assert len(views) == orgs[12]["proposals"]
    assert sum(len(v.standing) for v in views) == orgs[12]["objections"]
    for v in views:
        assert v.state == int(module.state(v.id)), v.ref  # no window ends near the chain's time
        assert v.descriptions and "USDC" in v.descriptions[0]

    hats = container("Hats").at(contracts["Hats"])
    with session():
        tree = HatsClient.at(contracts["Hats"]).tree(int(record["org"]["top_hat"], 16))
    for h in tree:
        for who in h.wearers:
            assert hats.isWearerOfHat(who, h.id)
    assert len(tree) == 1 + 2 * 12 and chain.blocks.height > 0


def test_the_dashboard_snapshot_and_the_plan_equal_the_one_by_one_reads(anvil, orgs, tmp_path, monkeypatch):
    from ape import accounts

    from opgov.consent import ConsentClient
    from opgov.contracts import container
    from opgov.dashboard.board import Board
    from opgov.deploy import PLANNED, OrgDeployer, load_state
    from opgov.deployments import Deployments
    from opgov.hats import hat_path
    from opgov.indexer import Indexer
    from opgov.spec import load_spec
    from opgov.streams import StreamsClient

    folder = Path(orgs[12]["folder"])
    monkeypatch.setenv("OPGOV_DEPLOYMENTS", str(folder / "deployments"))  # the org's record, as opgov finds it there
    record = Deployments.for_connected_network()
    state = load_state(record)
    contracts = {k: v for k, v in (("Hats", state.hats), ("BudgetStreams", state.streams),
                                   ("ConsentModule", state.consent)) if v}
    with Indexer(tmp_path / "index.sqlite", contracts=contracts) as indexer:
        indexer.sync()
        snap = Board("Scale Commons", state, indexer).snapshot()
    module = container("ConsentModule").at(state.consent)
    by_ref = {p["ref"]: p for p in snap["proposals"]}
    one_by_one = ConsentClient(module, record.records["ConsentModule"].block)
    assert len(by_ref) == orgs[12]["proposals"]
    for created in one_by_one._created():
        pid = int(created.proposal_id)
        shown = next(p for p in snap["proposals"] if int(p["id"], 16) == pid)
        assert shown["state"] == one_by_one.proposal(pid).state_name  # views asked through ape, one by one
    ids = [state.streams_of[c] for c in state.cells]
    streams = StreamsClient(container("BudgetStreams").at(state.streams), multicall=None).streams(ids)
    for row, view in zip(snap["cells"], streams):
        assert row["stream"] == view.number and row["rate"] == view.rate_text
    from opgov.safe import Safe

    one_safe = Safe.at(state.safe)
    assert snap["safe"]["threshold"] == one_safe.threshold() and snap["safe"]["nonce"] == one_safe.nonce()
    hats = container("Hats").at(state.hats)
    every = {hat_path(int(v)): int(v) for v in [state.top_hat, *state.cells.values(), *state.leads.values()]}
    assert sorted(h["path"] for h in snap["hats"]) == sorted(every)
    for h in snap["hats"]:
        assert h["wearers"] and all(hats.isWearerOfHat(w["address"], every[h["path"]]) for w in h["wearers"])

    class OneByOne(OrgDeployer):
        """A plan whose contracts are ape's, each view asked on its own."""

        def _at(self, kind, address):
            return container(kind).at(address or PLANNED)

        def plan(self):
            self._reset(dry=True)
            self._run()
            return self.steps

    spec = load_spec(folder / "org.yaml")
    deployer = next(a for a in accounts.test_accounts if a.address == record.org["deployer"])
    batched = OrgDeployer(spec, deployer, record=record).plan()
    assert [(s.text, s.done) for s in batched] == [(s.text, s.done) for s in OneByOne(spec, deployer, record=record).plan()]
    assert any(s.done for s in batched)


def test_a_multicall_the_node_refuses_is_asked_again_in_halves(anvil, orgs, monkeypatch):
    """A node that caps a call below what a chunk needs (out of gas, a lower gas cap, a size
    limit) gets the chunk again in halves, in one more round trip per halving, and the read is
    the same; nothing falls back to one eth_call a view."""
    import json

    from eth_abi import decode

    import opgov.reads as reads
    from opgov.consent import ConsentClient

    record = json.loads((Path(orgs[12]["folder"]) / "deployments" / "ethereum" / "local.json").read_text())
    module = record["contracts"]["ConsentModule"]["address"]
    with reads.session():
        expected = ConsentClient.at(module).proposals()

    sizes: list[int] = []
    real = reads.Reader.batch

    def capped(self, calls):
        out = real(self, calls)
        for i, (method, params) in enumerate(calls):
            if method == "eth_call" and params[0]["to"] == reads.MULTICALL3:
                views = len(decode(["(address,bool,bytes)[]"], bytes.fromhex(params[0]["data"][10:]))[0])
                sizes.append(views)
                if views > 7:
                    out[i] = reads.RpcError("out of gas")
            elif method == "eth_call":
                assert params[0]["to"] == reads.CODE_HASHES_AT, f"a view asked on its own: {params[0]['to']}"
        return out

    monkeypatch.setattr(reads.Reader, "batch", capped)
    monkeypatch.setattr(reads, "SMALLEST_CHUNK", 2)
    with reads.session():
        again = ConsentClient.at(module).proposals()
    assert again == expected
    assert max(sizes) > 7 and any(s <= 7 for s in sizes)  # refused, then asked in halves


def test_a_batch_larger_than_a_node_takes_goes_in_several_round_trips(anvil, orgs, monkeypatch):
    """Nodes cap a request's body (anvil refuses a few MB): a batch is split into HTTP requests
    of at most MAX_BODY bytes, and the answers are the same, in order."""
    import json

    import opgov.reads as reads
    from opgov.consent import ConsentClient

    record = json.loads((Path(orgs[12]["folder"]) / "deployments" / "ethereum" / "local.json").read_text())
    module = record["contracts"]["ConsentModule"]["address"]
    with reads.session() as whole:
        expected = ConsentClient.at(module).proposals()
    monkeypatch.setattr(reads, "CHUNK", 10)
    monkeypatch.setattr(reads, "MAX_BODY", 3_000)
    with reads.session() as split:
        again = ConsentClient.at(module).proposals()
    assert again == expected
    assert split.round_trips > whole.round_trips
