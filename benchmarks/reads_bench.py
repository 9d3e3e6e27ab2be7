"""JSON-RPC requests, round trips and wall time of opgov's reads, for orgs of 3, 30 and 300 cells.

Run from the repository root (anvil on PATH):

    python benchmarks/reads_bench.py                 # 3, 30 and 300 cells, writes results/reads.md
    python benchmarks/reads_bench.py --cells 3 30    # some sizes only (prints, writes nothing)

For each size a fresh anvil is started and a real org is built on it
(`benchmarks/reads_org.py`: 10 proposals a cell). Each read command then runs as
its own `opgov` process (so ape's start-up and connection are counted too),
pointed at a counting proxy (`benchmarks/reads_proxy.py`): once with no delay
(the node on the same machine) and once with 50 ms added to every HTTP request
(a public RPC endpoint). The dashboard's first snapshot runs in a process of its
own after the indexer's first sync; only the snapshot is counted and timed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "sdk"), str(ROOT / "tests" / "integration")]

from benchmarks.reads_proxy import RpcProxy  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "reads.md"
SIZES = (3, 30, 300)
PER_CELL = 10
DELAY_MS = 50
NETWORK = ["--network", "ethereum:local:foundry"]
OPGOV = [sys.executable, "-c", "from opgov.cli.main import cli; cli()"]


def commands(org: dict) -> dict[str, list[str]]:
    """The read commands measured, as a user types them in the org's folder."""
    return {
        "opgov status": ["status", "org.yaml"],
        "opgov proposals": ["proposals"],
        "opgov hats tree": ["hats", "tree", "1"],
        "opgov stream list": ["stream", "list", "--hat", "1.1"],
        "opgov plan": ["plan", "org.yaml"],
    }


def run_cli(args: list[str], folder: Path, proxy: RpcProxy) -> tuple[float, dict, str]:
    """One opgov command in its own process, through the proxy: (seconds, counts, output)."""
    env = dict(os.environ, APE_FOUNDRY_HOST=proxy.url, OPGOV_DEPLOYMENTS=str(folder / "deployments"),
               PYTHONPATH=str(ROOT / "sdk"))
    proxy.reset()
    started = time.monotonic()
    out = subprocess.run([*OPGOV, *args, *NETWORK], cwd=folder, env=env, capture_output=True, text=True,
                         timeout=1800)
    seconds = time.monotonic() - started
    if out.returncode != 0:
        raise RuntimeError(f"opgov {' '.join(args)} failed: {out.stdout[-2000:]}{out.stderr[-2000:]}")
    return seconds, proxy.counts(), out.stdout


def run_snapshot(folder: Path, proxy: RpcProxy) -> tuple[float, dict, dict]:
    """The dashboard's first snapshot in its own process: (seconds, counts, sizes)."""
    env = dict(os.environ, APE_FOUNDRY_HOST=proxy.url, OPGOV_DEPLOYMENTS=str(folder / "deployments"),
               PYTHONPATH=str(ROOT / "sdk"), PROXY_URL=proxy.url)
    out = subprocess.run([sys.executable, str(Path(__file__)), "--snapshot", str(folder)], cwd=folder, env=env,
                         capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        raise RuntimeError(f"the snapshot failed: {out.stdout[-2000:]}{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["seconds"], result["counts"], result["sizes"]


def snapshot_child(folder: Path) -> None:
    """In the child process: sync the index, then time and count the first snapshot."""
    import urllib.request
    import warnings

    warnings.filterwarnings("ignore")
    from ape.logging import logger

    logger.set_level("ERROR")
    from opgov.chain import connect
    from opgov.dashboard.board import Board
    from opgov.deploy import load_state
    from opgov.indexer import Indexer
    from opgov.spec import load_spec

    spec = load_spec(folder / "org.yaml")
    with connect("ethereum:local:foundry"):
        state = load_state()
        indexer = Indexer(folder / "index.sqlite", contracts=_contracts(state))
        indexer.sync()
        proxy = os.environ["PROXY_URL"]
        urllib.request.urlopen(proxy + "/reset").read()
        started = time.monotonic()
        board = Board(spec.name, state, indexer)
        snap = board.snapshot()
        seconds = time.monotonic() - started
        counts = json.loads(urllib.request.urlopen(proxy + "/counts").read())
    sizes = {"cells": len(snap["cells"]), "proposals": len(snap["proposals"]), "hats": len(snap["hats"])}
    print(json.dumps({"seconds": seconds, "counts": counts, "sizes": sizes}))


def _contracts(state) -> dict[str, str]:
    return {k: v for k, v in (("Hats", state.hats), ("BudgetStreams", state.streams),
                              ("ConsentModule", state.consent), ("SignerGate", state.gate)) if v}


def measure(cells: int, say) -> dict:
    """Build an org of `cells` cells on a fresh anvil and measure every read on it."""
    from benchmarks.reads_org import build_org, fresh_node
    from opgov.chain import connect

    folder, node = fresh_node(f"opgov-reads-{cells}-")
    result: dict = {"cells": cells}
    try:
        started = time.monotonic()
        with connect("ethereum:local:foundry"):
            result["org"] = build_org(node.url, cells, PER_CELL, folder, say)
        result["build_seconds"] = time.monotonic() - started
        say(f"{cells} cells: built in {result['build_seconds']:.0f} s ({result['org']['transactions']} transactions)")
        for delay in (0, DELAY_MS):
            with RpcProxy(node.url, delay_ms=delay) as proxy:
                for name, args in commands(result["org"]).items():
                    seconds, counts, _ = run_cli(args, folder, proxy)
                    result.setdefault("commands", {}).setdefault(name, {})[delay] = {"seconds": seconds, **counts}
                    say(f"  {name} (+{delay} ms): {counts['requests']} requests in {counts['round_trips']} round "
                        f"trips, {seconds:.1f} s  {counts['by_method']}")
                seconds, counts, sizes = run_snapshot(folder, proxy)
                result.setdefault("snapshot", {})[delay] = {"seconds": seconds, **counts, **sizes}
                say(f"  dashboard first snapshot (+{delay} ms): {counts['requests']} requests in "
                    f"{counts['round_trips']} round trips, {seconds:.2f} s  {counts['by_method']}")
    finally:
        node.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--snapshot", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    parser.add_argument("--write", action="store_true", help="write results/reads.md for other sizes too")
    args = parser.parse_args()
    if args.snapshot:
        snapshot_child(Path(args.snapshot))
        return
    say = lambda text: print(text, flush=True)  # noqa: E731
    results = []
    for n in args.cells:
        try:
            results.append(measure(n, say))
        except Exception as err:  # a size that cannot be built here: the others are still written
            say(f"{n} cells: not measured ({err})")
            failed.append((n, str(err)))
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2))
    if results and (tuple(args.cells) == SIZES or args.write):
        write(results)


failed: list[tuple[int, str]] = []  # sizes that could not be built: (cells, why)


def write(results: list[dict], path: Path = RESULTS) -> None:
    """The figures as benchmarks/results/reads.md (with the 3-cell figures from before the read layer)."""
    before_file = RESULTS.parent / "reads_before_3.json"
    before = json.loads(before_file.read_text())[0] if before_file.exists() else None
    lines = [
        "# Reads: JSON-RPC requests per command",
        "",
        "Measured by `python benchmarks/reads_bench.py` (written by it): for each size a real org",
        "built on a fresh anvil by `benchmarks/reads_org.py` (10 proposals a cell, one objected to",
        "in each cell), each read command run as its own `opgov` process (ape's start-up and",
        "connection counted too) through the counting proxy `benchmarks/reads_proxy.py`, with no",
        "delay and with 50 ms added to every HTTP request (a public RPC endpoint). The dashboard's",
        "first snapshot is the Board made and its first `snapshot()` in a process whose index is",
        "already synced. Requests count each member of a JSON-RPC batch; round trips count HTTP",
        "requests. Times are wall time on a shared 2-core machine, other work running: a",
        "command's time is mostly Python and ape starting (about 3 s), which is why a run at",
        "+50 ms can come out faster than one without; the request counts are exact.",
        f"Machine: {platform.machine()}, Python {platform.python_version()}.",
        "",
    ]
    if before is not None:
        lines += ["## Before the read layer (3 cells, 30 proposals)", "",
                  "| command | requests | s (anvil) | s (+50 ms) |", "|---|---|---|---|"]
        for name, runs in before["commands"].items():
            lines.append(f"| `{name}` | {runs['0']['requests']:,} | {runs['0']['seconds']:.1f} | "
                         f"{runs[str(DELAY_MS)]['seconds']:.1f} |")
        snap = before.get("snapshot") or {}
        if snap:
            lines.append(f"| dashboard first snapshot | {snap['0']['requests']:,} | {snap['0']['seconds']:.1f} | "
                         f"{snap[str(DELAY_MS)]['seconds']:.1f} |")
        lines += ["", "The dashboard's first snapshot of 100 cells / 1,000 proposals took 28 s before.", ""]
    for r in results:
        org = r["org"]
        lines += [f"## After: {r['cells']} cells, {org['proposals']:,} proposals", "",
                  f"Org built in {r['build_seconds']:.0f} s ({org['transactions']:,} transactions).", "",
                  "| read | requests | round trips | s (anvil) | s (+50 ms) | requests by method |",
                  "|---|---|---|---|---|---|"]
        rows = list(r["commands"].items()) + [("dashboard first snapshot", r["snapshot"])]
        for name, runs in rows:
            direct, far = runs[0] if 0 in runs else runs["0"], runs[DELAY_MS] if DELAY_MS in runs else runs[str(DELAY_MS)]
            methods = ", ".join(f"{m} {n}" for m, n in direct["by_method"].items())
            label = f"`{name}`" if name.startswith("opgov") else name
            lines.append(f"| {label} | {direct['requests']} | {direct['round_trips']} | {direct['seconds']:.2f} | "
                         f"{far['seconds']:.2f} | {methods} |")
        lines.append("")
    for cells, why in failed:
        lines += [f"## {cells} cells: not measured", "", f"The org could not be built here: {why}.", ""]
    path.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
