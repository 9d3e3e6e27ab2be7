"""Dashboard page load with 100 cells and 1,000 proposals, measured in Chromium.

Run from the repository root:  python benchmarks/dashboard_load.py

The org is made on ape's embedded chain through the real contracts (Hats,
BudgetStreams, ConsentModule, a Safe v1.4.1): 100 cell hats, each with a
lead, a consent domain set by the Safe and a funded budget stream; then 1,000
proposals sent by the cells' leads, 100 of them objected to with a reason.
(Built with direct contract calls, not `opgov deploy`, whose idempotency
checks re-read the chain's logs for every cell and take far longer on the
embedded chain; the contracts and events are the same.)

Measured:
- the indexer's first sync of every event;
- the server's first snapshot (every SDK call the page's figures need);
- the page load: from navigation to the page showing all data (every cell
  and every proposal drawn, `performance.mark("opgov-ready")`), in Debian's
  headless Chromium, five fresh tabs, after one warm-up load.

Writes benchmarks/results/dashboard.md.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "dashboard.md"
CELLS = 100
PROPOSALS = 1_000
OBJECTED = 100
LOADS = 5
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync",
]
BATCH = 20  # calls per Safe transaction (MultiSendCallOnly)


def build_org(say) -> tuple:
    """Deploy the contracts and make the cells and proposals; returns (OrgState, names)."""
    from ape import accounts

    from opgov.chain import send
    from opgov.consent import pay
    from opgov.contracts import container
    from opgov.deploy import OrgState
    from opgov.hats import HatsClient
    from opgov.safe import create_safe
    from opgov.safe_tx import Call
    from opgov.units import DAY, Rate

    test = accounts.test_accounts
    deployer, supplier = test[8], test[9]
    leads = [test[i] for i in range(8)]
    names = {a.address: f"person {i}" for i, a in enumerate(leads)}
    names[supplier.address] = "the supplier"

    token = deployer.deploy(container("TestToken"), "Test USDC", "USDC", 6)
    hats = HatsClient.deploy(deployer)
    safe = create_safe([deployer.address], 1, deployer)
    streams = deployer.deploy(container("BudgetStreams"), hats.address)
    consent = deployer.deploy(container("ConsentModule"), safe.address, hats.address, streams.address,
                              "0x0000000000000000000000000000000000000000", "0x0000000000000000000000000000000000000000")
    top = hats.create_tree(safe.address, "Benchmark Org", sender=deployer)
    # the Safe wears the top hat, so the deployer builds the tree through a second admin hat
    state = OrgState(token=str(token.address), hats=hats.address, safe=safe.address, streams=str(streams.address),
                     consent=str(consent.address), top_hat=top)
    safe.execute_calls([Call(safe.address, 0, safe.contract.enableModule.encode_input(consent.address))],
                       [deployer], deployer)
    admin_calls = [Call(hats.address, 0, hats.contract.createHat.encode_input(
        top, "builders", 1, safe.address, safe.address, True, ""))]
    safe.execute_calls(admin_calls, [deployer], deployer)
    builders = top | (1 << (224 - 16))
    safe.execute_calls([Call(hats.address, 0, hats.contract.mintHat.encode_input(builders, deployer.address))],
                       [deployer], deployer)

    say(f"creating {CELLS} cell hats")
    rate = Rate.parse("1500 USDC/month").per_second()
    deposit = 3_000 * 10**6
    send(token.mint, safe.address, deposit * CELLS, sender=deployer)
    calls = []
    for i in range(CELLS):
        hat = hats.create_hat(builders, f"Cell {i + 1:03d}", sender=deployer, max_supply=10,
                              eligibility=safe.address, toggle=safe.address)
        lead = leads[i % len(leads)]
        hats.mint(hat, lead.address, sender=deployer)
        cid = f"cell-{i + 1:03d}"
        state.cells[cid] = hat
        calls += [
            Call(str(consent.address), 0, consent.set_cell.encode_input(hat, hat, 3 * DAY, 7 * DAY, 0, 20)),
            Call(str(consent.address), 0, consent.set_objector_hat.encode_input(hat, hat, True)),
            Call(str(token.address), 0, token.approve.encode_input(streams.address, deposit)),
            Call(str(streams.address), 0, streams.create_and_deposit.encode_input(
                lead.address, token.address, rate + i, hat, deposit)),
        ]
    say(f"setting up {CELLS} domains and budget streams through the Safe")
    for start in range(0, len(calls), BATCH):
        safe.execute_calls(calls[start:start + BATCH], [deployer], deployer)
    for log in streams.StreamCreated.range(0, None):
        for cid, hat in state.cells.items():
            if int(log.spender_hat) == hat:
                state.streams_of[cid] = int(log.stream_id)

    from ape import chain

    chain.pending_timestamp += 10 * DAY
    chain.mine()
    say(f"sending {PROPOSALS} proposals and {OBJECTED} objections")
    cells = list(state.cells.values())
    proposal_ids = []
    for n in range(PROPOSALS):
        i = n % CELLS
        lead = leads[i % len(leads)]
        action = pay(state.token, f"{1 + n % 50} USDC", supplier.address)
        receipt = send(consent.propose, cells[i], [(action.to, action.value, action.data)],
                       f"Proposal {n + 1}: buy supplies batch {n + 1} for cell {i + 1:03d}", sender=lead)
        proposal_ids.append(int(receipt.decode_logs(consent.ProposalCreated)[0].proposal_id))
    for n in range(OBJECTED):
        i = n % CELLS
        objector = leads[i % len(leads)]
        send(consent.object, proposal_ids[n], cells[i], f"Objection {n + 1}: the price needs a second quote",
             sender=objector)
    return state, names


def measure_page(url: str) -> list[float]:
    from playwright.sync_api import sync_playwright

    timings = []
    profile = tempfile.mkdtemp(prefix="opgov-bench-chromium-")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                       headless=True, viewport={"width": 1280, "height": 900})
        for n in range(LOADS + 1):
            page = context.new_page()
            page.goto(url)
            page.wait_for_selector("body[data-ready='true']", timeout=120_000)
            ready = page.evaluate("performance.getEntriesByName('opgov-ready')[0].startTime")
            cells = page.locator("#cells article").count()
            proposals = page.locator("#proposals article").count()
            assert cells == CELLS and proposals == PROPOSALS, (cells, proposals)
            if n:  # the first load warms Chromium up
                timings.append(float(ready))
            page.close()
        context.close()
    return timings


def main() -> None:
    warnings.filterwarnings("ignore")
    sys.path.insert(0, str(ROOT / "sdk"))
    from ape.logging import logger

    from opgov.chain import EMBEDDED, connect
    from opgov.dashboard import open_dashboard

    logger.set_level("ERROR")
    say = lambda text: print(text, flush=True)  # noqa: E731
    with connect(EMBEDDED):
        started = time.monotonic()
        state, names = build_org(say)
        build = time.monotonic() - started
        say(f"org built in {build:.0f} s")
        board = open_dashboard("Benchmark Org", state, names, None, interval=1.0)
        started = time.monotonic()
        sync = board.indexer.sync()
        sync_seconds = time.monotonic() - started
        events = board.indexer.count()
        say(f"indexed {events} events in {sync_seconds:.1f} s")
        url = board.start(wait=600)
        first = board.build_seconds
        board.refresh(rebuild=True)
        again = board.build_seconds
        size = len(board.snapshot_bytes() or b"")
        say(f"first snapshot {first:.1f} s, rebuilt in {again:.1f} s, {size / 1024:.0f} KiB of JSON")
        timings = measure_page(url)
        board.stop()
    say("page loads (ms): " + ", ".join(f"{t:.0f}" for t in timings))
    write(build, events, sync_seconds, first, again, size, timings)


def write(build, events, sync_seconds, first, again, size, timings) -> None:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    chromium = os.popen(f"{CHROMIUM} --version 2>/dev/null").read().strip() or "Chromium"
    median = statistics.median(timings)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(f"""# Dashboard page load

`python benchmarks/dashboard_load.py` — {CELLS} cells (each with a funded budget stream and
a consent domain) and {PROPOSALS:,} proposals ({OBJECTED} with an objection and its reason),
made on ape's embedded chain through the real contracts (Hats, BudgetStreams,
ConsentModule, Safe v1.4.1), read by the opgov indexer and SDK, and shown by
`opgov dashboard`'s server.

| what | figure |
|---|---|
| **page load** (navigation → every cell and proposal drawn), median of {LOADS} | **{median:,.0f} ms** |
| page load, fastest / slowest | {min(timings):,.0f} / {max(timings):,.0f} ms |
| JSON the page loads (`/api/org`) | {size / 1024:,.0f} KiB |
| server's first snapshot (every SDK call behind the figures) | {first:,.1f} s |
| snapshot rebuilt later (cached proposals, fresh streams) | {again:,.1f} s |
| indexer's first sync | {events:,} events in {sync_seconds:,.1f} s |
| building the org on the embedded chain | {build:,.0f} s |

Method: Playwright (sync API) drives {chromium} headless
(`--headless --no-sandbox --disable-gpu ...`, fresh profile); each load is a new tab;
the figure is `performance.mark("opgov-ready")`'s time since navigation start, set by the
page once `/api/org` and `/api/feed` have arrived and every section is drawn. One warm-up
load is not counted. The server answers from the snapshot its refresher thread built, so
the page load does not include reading the chain; the snapshot times are given apart.

Machine: {cpu}, {os.cpu_count()} cores (shared with other jobs while this ran),
Python {platform.python_version()}, {platform.system()} {platform.release()}.
""")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
