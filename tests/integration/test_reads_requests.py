"""The read commands ask the node the same few things whatever the org's size, and read what
the one-by-one reads read.

Two real orgs (3 and 12 cells, 3 proposals a cell, one objected to in each cell) are built on
anvil; each read command runs as its own `opgov` process through a counting JSON-RPC proxy.
ape's connection costs the same fixed requests for every command (measured here by a process
that only connects); what opgov itself asks must stay within 10 requests for both orgs.
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
OWN_REQUESTS = 10


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
        connection = _run(CONNECT_ONLY, Path(orgs[3]["folder"]), proxy)[0]["requests"]
        own: dict[str, list[int]] = {}
        for cells, org in orgs.items():
            for name, args in COMMANDS.items():
                counts, shown = _run([*OPGOV, *args, *NET], Path(org["folder"]), proxy)
                own.setdefault(name, []).append(counts["requests"] - connection)
                assert counts["requests"] - connection <= OWN_REQUESTS, (name, cells, counts)
                if name == "status":
                    assert f"Cell {cells:03d}" in shown and f"#{org['proposals']} " in shown
    for name, (small, large) in own.items():
        assert large <= small + 1, f"{name}: {small} requests for 3 cells, {large} for 12"


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
