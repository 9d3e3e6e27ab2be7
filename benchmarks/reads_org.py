"""A real org of any size on a local anvil node, built fast, for the read benchmarks and tests.

`build_org(node_url, cells, proposals_per_cell, folder)` deploys the real
contracts (TestToken, Hats, a Safe v1.4.1, BudgetStreams, ConsentForwarder, ConsentModule) and
builds an org of `cells` cells, each with a cell hat worn by its lead and a
member, a lead hat (the proposer hat), a consent domain set by the Safe
(objectors: the cell's members, a spending limit, USDC.transfer allowed) and a
funded budget stream; then `proposals_per_cell` proposals a cell by its lead,
one of them objected to with a reason, half of them with their window closed.

It does not go through `opgov deploy` (whose step-by-step checks are what the
deploy benchmark measures): hats are made with `batchCreateHats` and
`batchMintHats`, the Safe's set-up is a few MultiSendCallOnly batches, and the
proposals are sent as batched JSON-RPC `eth_sendTransaction`s from anvil's
unlocked test accounts, each with its nonce counted here (`send_all`). The result is recorded as `opgov deploy` would record
it (`folder/deployments/ethereum/local.json`), with an org spec beside it
(`folder/org.yaml`, naming the same people and cells), so that `opgov status`,
`opgov proposals` and the dashboard read it as any deployed org.
"""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

ZERO = "0x0000000000000000000000000000000000000000"
DAY = 86_400
HATS_PER_CREATE = 16  # Hats.vy's MAX_BATCH_CREATE
HATS_PER_MINT = 255  # Hats.vy's MAX_BATCH
CELLS_PER_SAFE_TX = 10  # six calls a cell; about 1.4 M gas a cell-batch of ten
TXS_PER_RPC_BATCH = 200
PEOPLE = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
NAME = "Scale Commons"


def rpc_batch(url: str, calls: list[tuple[str, list]]) -> list:
    """Several JSON-RPC requests in one HTTP round trip; their results in order."""
    body = json.dumps([{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in enumerate(calls)])
    request = urllib.request.Request(url, body.encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        answers = sorted(json.loads(response.read()), key=lambda a: a["id"])
    for a in answers:
        if "error" in a:
            raise RuntimeError(f"{calls[a['id']][0]} failed: {a['error']}")
    return [a["result"] for a in answers]


def spec_text(cells: int) -> str:
    """An org spec naming the fixture's people and cells (what `opgov status` reads from it)."""
    lines = [f"name: {NAME}", "token: {symbol: USDC, decimals: 6}", "people:"]
    lines += [f"  {p}: TEST::{i}" for i, p in enumerate(PEOPLE)]
    lines += ["safe:", "  signers: [alice]", "  threshold: 1", "cells:"]
    for i in range(cells):
        lead, member = _lead(i), _member(i)
        lines += [
            f"  - id: cell-{i + 1:03d}", f"    name: Cell {i + 1:03d}",
            f"    lead: {PEOPLE[lead]}", f"    members: [{PEOPLE[member]}]",
            "    budget: 1500 USDC/month", "    consent_window: 3 days", "    execution_window: 7 days",
            "    max_active: 20",
            "    spending_limits:", "      - {amount: 1000 USDC, period: 30 days}",
            "    allowed_calls: [USDC.transfer]", "    objectors: [members]",
        ]
    return "\n".join(lines) + "\n"


def _lead(i: int) -> int:
    return 1 + i % 7


def _member(i: int) -> int:
    return 1 + (i + 1) % 7


def build_org(node_url: str, cells: int, proposals_per_cell: int, folder: Path, say=lambda _: None) -> dict:
    """Build the org on the node ape is connected to (at `node_url`) and record it under `folder`.

    Returns:
        what was built: the addresses, the number of proposals and objections, and the
        transactions sent.
    """
    from ape import accounts

    from opgov.chain import send
    from opgov.contracts import container
    from opgov.deployments import Deployments
    from opgov.safe import create_safe
    from opgov.safe_tx import Call
    from opgov.units import Rate

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["OPGOV_DEPLOYMENTS"] = str(folder / "deployments")
    (folder / "org.yaml").write_text(spec_text(cells))
    record = Deployments.for_connected_network()
    test = accounts.test_accounts
    deployer = test[0]
    sent = 0

    from opgov.reads import ensure_multicall

    ensure_multicall()  # as `opgov deploy` does on a local node
    say("deploying the contracts")
    from eth_utils import keccak

    from opgov.deploy import _args_key

    def deploy(name: str, *args):
        nonlocal sent
        instance = deployer.deploy(container(name), *args)
        record.record_instance(name, instance, _args_key(args))
        sent += 1
        return instance

    token = deploy("TestToken", "Test USDC", "USDC", 6)
    hats = deploy("Hats", f"{NAME} Hats", "")
    # the salt `opgov deploy` gives the org's Safe, so that `opgov plan` finds it
    salt = int.from_bytes(keccak(text=f"opgov:{NAME}:{deployer.address}:{hats.address}"), "big")
    safe = create_safe([deployer.address], 1, deployer, salt=salt)
    record.record("Safe", safe.address)
    sent += 4  # the Safe's singleton, proxy factory and MultiSendCallOnly, and the proxy
    streams = deploy("BudgetStreams", hats.address)
    forwarder = deploy("ConsentForwarder")  # as `opgov deploy` makes it, before the module that trusts it
    consent = deploy("ConsentModule", safe.address, hats.address, streams.address, ZERO, forwarder.address)

    def by_safe(calls: list[Call]) -> None:
        nonlocal sent
        safe.execute_calls(calls, [deployer], deployer)
        sent += 1

    receipt = send(hats.mintTopHat, deployer.address, NAME, "", sender=deployer)
    top = int(receipt.decode_logs(hats.HatCreated)[0].id)
    sent += 1
    by_safe([Call(hats.address, 0, hats.declareQuietModule.encode_input()),
             Call(safe.address, 0, safe.contract.enableModule.encode_input(consent.address))])

    say(f"creating {cells} cells' hats")
    cell_hats = [top | ((i + 1) << 208) for i in range(cells)]
    lead_hats = [h | (1 << 192) for h in cell_hats]
    specs = [(top, f"Cell {i + 1:03d}", 10) for i in range(cells)] + [
        (h, f"Cell {i + 1:03d} lead", 1) for i, h in enumerate(cell_hats)]
    for start in range(0, len(specs), HATS_PER_CREATE):
        chunk = specs[start:start + HATS_PER_CREATE]
        n = len(chunk)
        send(hats.batchCreateHats, [c[0] for c in chunk], [c[1] for c in chunk], [c[2] for c in chunk],
             [safe.address] * n, [safe.address] * n, [True] * n, [""] * n, sender=deployer)
        sent += 1
    mints = []
    for i in range(cells):
        mints += [(cell_hats[i], test[_lead(i)].address), (cell_hats[i], test[_member(i)].address),
                  (lead_hats[i], test[_lead(i)].address)]
    for start in range(0, len(mints), HATS_PER_MINT):
        chunk = mints[start:start + HATS_PER_MINT]
        send(hats.batchMintHats, [m[0] for m in chunk], [m[1] for m in chunk], sender=deployer)
        sent += 1

    say(f"setting up {cells} domains and budget streams through the Safe")
    rate = Rate.parse("1500 USDC/month").per_second()
    deposit = 3_000 * 10**6
    send(token.mint, safe.address, deposit * cells + 10**12, sender=deployer)
    sent += 1
    transfer = bytes.fromhex("a9059cbb")
    calls: list[list[Call]] = []
    for i, hat in enumerate(cell_hats):
        c, t, s = str(consent.address), str(token.address), str(streams.address)
        calls.append([
            Call(c, 0, consent.set_cell.encode_input(hat, lead_hats[i], 3 * DAY, 7 * DAY, 0, 20)),
            Call(c, 0, consent.set_objector_hat.encode_input(hat, hat, True)),
            Call(c, 0, consent.set_spend_limit.encode_input(hat, t, 1_000 * 10**6, 30 * DAY)),
            Call(c, 0, consent.allow_call.encode_input(hat, t, transfer, True)),
            Call(t, 0, token.approve.encode_input(s, deposit)),
            Call(s, 0, streams.create_and_deposit.encode_input(test[_lead(i)].address, t, rate, hat, deposit)),
        ])
    for start in range(0, cells, CELLS_PER_SAFE_TX):
        by_safe([x for group in calls[start:start + CELLS_PER_SAFE_TX] for x in group])
    stream_of = {}
    for log in streams.StreamCreated.range(0, None):
        stream_of[int(log.spender_hat)] = int(log.stream_id)
    send(hats.transferHat, top, deployer.address, safe.address, sender=deployer)
    sent += 1

    say(f"sending {cells * proposals_per_cell} proposals")
    created = _propose(node_url, consent, token, cell_hats, proposals_per_cell, test)
    sent += len(created)
    # the last proposal of each cell (its window open) is objected to by the cell's member
    objections = [_tx(test[_member(i)].address, consent.address, consent.object.encode_input(
        pid, cell_hats[i], f"Objection to cell {i + 1:03d}'s last proposal: get a second quote"))
        for i, pid in enumerate(created[proposals_per_cell - 1::proposals_per_cell])] if proposals_per_cell else []
    send_all(node_url, objections)
    sent += len(objections)
    rpc_batch(node_url, [("evm_increaseTime", [DAY]), ("evm_mine", [])])

    record.org.update({
        "name": NAME, "deployer": deployer.address, "safe": safe.address, "token": str(token.address),
        "top_hat": hex(top),
        "cells": {f"cell-{i + 1:03d}": hex(h) for i, h in enumerate(cell_hats)},
        "leads": {f"cell-{i + 1:03d}": hex(h) for i, h in enumerate(lead_hats)},
        "streams": {f"cell-{i + 1:03d}": str(stream_of[h]) for i, h in enumerate(cell_hats)},
        "roles": {},
    })
    record.save()
    return {"cells": cells, "proposals": len(created), "objections": len(objections), "transactions": sent,
            "safe": safe.address, "consent": str(consent.address), "folder": str(folder)}


def send_all(url: str, txs: list[tuple[str, list]], wait: bool = True) -> list[str]:
    """Send transactions in JSON-RPC batches, each with its nonce given, and wait until all are mined.

    The nonces are counted here from each sender's count on the node, so that the
    node never has to choose one while earlier transactions of the same sender are
    still arriving (in the same batch, or being mined): two transactions given the
    same nonce leave one unmined, and a later one queued behind the gap for good.

    Returns:
        the transactions' hashes, in order.

    Raises:
        RuntimeError: if a transaction is not mined in time, saying each sender's
            nonce on the node and the next one it was given.
    """
    senders = sorted({tx[1][0]["from"] for tx in txs})
    counts = rpc_batch(url, [("eth_getTransactionCount", [who, "pending"]) for who in senders])
    nonce = {who: int(n, 16) for who, n in zip(senders, counts)}
    # anvil's automine can leave a transaction in its pool for good when it arrives before the
    # one with the nonce below it (foundry-rs/foundry#10122), and a JSON-RPC batch's calls are
    # taken in no set order: so a batch holds at most one transaction a sender, and the next
    # batch goes once the node has answered, with every transaction's predecessor in its pool
    rounds: list[list[tuple[int, tuple[str, list]]]] = []
    sent_by: dict[str, int] = {}
    for i, (method, (tx,)) in enumerate(txs):
        k = sent_by.get(tx["from"], 0)
        sent_by[tx["from"]] = k + 1
        if k == len(rounds):
            rounds.append([])
        rounds[k].append((i, (method, [dict(tx, nonce=hex(nonce[tx["from"]]))])))
        nonce[tx["from"]] += 1
    hashes: list[str] = [""] * len(txs)
    for round_ in rounds:
        for start in range(0, len(round_), TXS_PER_RPC_BATCH):
            part = round_[start:start + TXS_PER_RPC_BATCH]
            for (i, _), h in zip(part, rpc_batch(url, [call for _, call in part])):
                hashes[i] = h
    if wait:
        receipts(url, hashes, nonce)
    return hashes


def receipts(url: str, hashes: list[str], next_nonce: dict[str, int] | None = None) -> list[dict]:
    """The receipts of these transactions, once all are mined (the node answers eth_sendTransaction
    before it mines them); mines a block when the node stops mining with some still waiting."""
    import time

    found: list = [None] * len(hashes)
    deadline = time.monotonic() + 120 + len(hashes) / 10  # a busy machine mines slower
    last, stalled = -1, 0
    while True:
        missing = [i for i, r in enumerate(found) if r is None]
        if not missing:
            return found
        if time.monotonic() > deadline:
            where = ""
            if next_nonce:
                mined = rpc_batch(url, [("eth_getTransactionCount", [w, "latest"]) for w in next_nonce])
                where = "; ".join(f"{w[:8]}: {int(m, 16)} mined of {next_nonce[w]}" for w, m in zip(next_nonce, mined))
            raise RuntimeError(f"{len(missing)} of {len(hashes)} transactions were not mined ({where})")
        for start in range(0, len(missing), TXS_PER_RPC_BATCH):
            part = missing[start:start + TXS_PER_RPC_BATCH]
            for i, r in zip(part, rpc_batch(url, [("eth_getTransactionReceipt", [hashes[i]]) for i in part])):
                found[i] = r
        waiting = sum(r is None for r in found)
        stalled = stalled + 1 if waiting == last else 0
        last = waiting
        if waiting and stalled >= 20:  # two seconds without a new block: ask for one
            rpc_batch(url, [("evm_mine", [])])
            stalled = 0
        elif waiting:
            time.sleep(0.1)


def _tx(sender: str, to: str, data: bytes) -> tuple[str, list]:
    return ("eth_sendTransaction", [{"from": sender, "to": str(to), "data": "0x" + bytes(data).hex(),
                                     "gas": hex(1_500_000)}])


def _propose(url: str, consent, token, cell_hats: list[int], per_cell: int, test) -> list[int]:
    """`per_cell` proposals a cell by its lead, in rounds of one a cell; half of them before a
    4-day jump (their windows closed), half after (open). Returns the ids in creation order."""
    from opgov.consent import pay

    txs = []
    for n in range(per_cell):
        for i, hat in enumerate(cell_hats):
            action = pay(str(token.address), f"{1 + (n + i) % 50} USDC", test[9].address)
            data = consent.propose.encode_input(
                hat, [(action.to, action.value, action.data)],
                f"Proposal {n + 1} of cell {i + 1:03d}: buy supplies, batch {n + 1}")
            txs.append((i, n, _tx(test[_lead(i)].address, consent.address, data)))
    half = len(txs) // 2
    # the first half mined before the clock jumps, so that their windows close
    hashes = send_all(url, [t for _, _, t in txs[:half]])
    rpc_batch(url, [("evm_increaseTime", [4 * DAY]), ("evm_mine", [])])
    hashes += send_all(url, [t for _, _, t in txs[half:]])
    mined = receipts(url, hashes)
    from eth_utils import keccak

    topic = "0x" + keccak(text=consent.ProposalCreated.abi.selector).hex()
    ids = []
    for r in mined:
        if int(r["status"], 16) != 1:
            raise RuntimeError(f"a proposal was refused: {r['transactionHash']}")
        log = next(x for x in r["logs"] if x["address"].lower() == str(consent.address).lower()
                   and x["topics"][0] == topic)
        ids.append(int(log["topics"][1], 16))
    # the rounds were sent cell by cell: order them as (cell, round) for the objections
    by_cell = sorted(zip(txs, ids), key=lambda p: (p[0][0], p[0][1]))
    return [pid for _, pid in by_cell]


def fresh_node(prefix: str):
    """A fresh anvil in a new temporary folder (its state saved there), ape's foundry provider
    pointed at it, quiet: (folder, node). Stop the node when done."""
    import tempfile
    import warnings

    from ape import config
    from ape.logging import logger

    from tests_support import Node, free_port

    warnings.filterwarnings("ignore")
    logger.set_level("ERROR")
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    node = Node.start(free_port(), folder / "anvil-state.json")
    config.get_config("foundry").host = node.url
    os.environ["APE_FOUNDRY_HOST"] = node.url
    return folder, node


def main() -> None:
    """Build an org on a fresh anvil and say how long it took: `python benchmarks/reads_org.py --cells 300`."""
    import argparse
    import sys
    import time

    root = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(root), str(root / "sdk"), str(root / "tests" / "integration")]
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=300)
    parser.add_argument("--proposals", type=int, default=10, help="proposals a cell")
    args = parser.parse_args()
    from opgov.chain import connect

    folder, node = fresh_node(f"opgov-org-{args.cells}-")
    try:
        started = time.monotonic()
        with connect("ethereum:local:foundry"):
            org = build_org(node.url, args.cells, args.proposals, folder, lambda text: print(text, flush=True))
        print(f"{args.cells} cells, {org['proposals']:,} proposals, {org['objections']} objections: built in "
              f"{time.monotonic() - started:.0f} s, {org['transactions']:,} transactions", flush=True)
    finally:
        node.stop()


if __name__ == "__main__":
    main()
