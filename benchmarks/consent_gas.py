"""Gas of every ConsentModule operation, against a real Safe v1.4.1.

Run from the repo root:  python benchmarks/consent_gas.py

Each figure is one call measured as its own cold transaction with
benchmarks/gas.py (execution gas only: no 21,000 base, no calldata, refunds
capped per EIP-3529). The organisation is the one the contract tests use
(tests/contracts/consent/consent_world.py): a 2-of-3 Safe with the module
enabled, the real contracts/Hats.vy, an ERC-20, and two cells.

The full run measures ours twice, once with each canonical Safe v1.4.1
singleton (`Safe`, used on Ethereum mainnet, and `SafeL2`, which also logs
every module transaction), both deployed from the npm release and checked
against the published code hashes; and every proposal, ours and OZ's, pays
with the same plain OpenZeppelin ERC-20 (`PayToken`), so that the token's
own cost is the same on both sides. Without node/npm, only our figures are
measured (SafeL2 from safe-eth-py, the test token).

Competitors:
* OpenZeppelin Governor v5.0.2 (Governor + GovernorSettings +
  GovernorCountingSimple + GovernorVotes + GovernorVotesQuorumFraction, an
  ERC20Votes token, no timelock) is measured in the same run, with the same
  method, when node and the npm registry are reachable: the script installs
  solc-js and @openzeppelin/contracts from npm into ~/.cache/opgov/ (or
  $OPGOV_BENCH_CACHE) and compiles benchmarks/competitors/BenchGovernor.sol,
  with and without a TimelockController. Without node/npm they are n/a.
* Lido Easy Track: floors counted from its source (see LIDO_EASY_TRACK).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "contracts" / "consent"))

from benchmarks.gas import execution_gas  # noqa: E402
from benchmarks.npm_packages import CACHE, canonical_safe, npm_ready  # noqa: E402
from consent_world import DAY, TRANSFER, build_world, travel  # noqa: E402
from safe_boa import deploy_safe_contracts  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "consent.md"
COMPETITORS = ROOT / "benchmarks" / "competitors"

# Lido Easy Track (contracts/EasyTrack.sol in lidofinance/easy-track): no
# published gas figures were found, and its GPL-3.0 source is not vendored
# here, so these are floors counted from the source, not measurements. Only
# costs certain on the path are counted (cold accounts 2,600, cold slots
# 2,100, storage writes, logs); calls, memory, hashing and warm reads count
# zero, so the real figures are higher.
# createMotion writes 8 fresh Motion fields (id, evmScriptFactory, creator,
# duration, startDate, snapshotBlock, objectionsThreshold, evmScriptHash) and
# a fresh motionIndicesByMotionId entry (9 x 22,100), and rewrites
# lastMotionId and motions.length (2 x 5,000); objectToMotion's first
# objection writes a fresh objections entry, objectionsAmount and
# objectionsAmountPct (3 x 22,100, the last two from zero). The factory call,
# the EVMScript permission check, the MiniMe balanceOfAt/totalSupplyAt
# look-ups and the events come on top.
# enactMotion of a token payment, on the path Lido uses (the
# TopUpAllowedRecipients factory's script: AllowedRecipientsRegistry
# .updateSpentAmount, then Aragon Finance.newImmediatePayment, which pays from
# the Agent; run by EVMScriptExecutor through a delegatecall to Aragon's
# CallsScript; easy-track master dda49df, aragonOS v4.4.0, aragon-apps
# b72da2c): 14 cold accounts (36,400), 53 cold slots (111,300), storage
# writes (120,600, of which Finance's four fresh transaction-record slots are
# 80,000), logs (17,001): 285,301, less the largest refund the motion's
# deletion can earn (12 cleared slots, 57,600; EIP-3529's cap does not bind).
LIDO_EASY_TRACK = {"createMotion": 9 * 22_100 + 2 * 5_000, "objectToMotion": 3 * 22_100, "enactMotion": 227_701}

# How `opgov deploy` runs the hats: the Safe, declared a quiet module.
QUIET_SAFE = "declared quiet, as opgov deploy does"

# The reason every benchmarked objection (and OZ's reasoned vote) gives.
OBJECTION_REASON = "the supplier has not delivered the last order yet"

METHOD_NOTES = """
## Method and sources

- ConsentModule: measured, `benchmarks/gas.py` (`execution_gas`), titanoboa, cold
  transaction per call, real `contracts/Hats.vy`, and each canonical Safe v1.4.1 singleton
  deployed from `@safe-global/safe-contracts` 1.4.1 (npm), its code hash checked against the
  one safe-global/safe-deployments publishes (`Safe` 0x1fe2df85..., `SafeL2` 0xb1f92697...).
- OpenZeppelin Governor v5.0.2: measured in the same run with the same function, from
  `benchmarks/competitors/BenchGovernor.sol` (the Contracts Wizard set-up: GovernorSettings,
  GovernorCountingSimple, GovernorVotes, GovernorVotesQuorumFraction 4%, proposal threshold 1
  vote, an ERC20Votes token, four delegated voters; with and without GovernorTimelockControl),
  compiled by solc-js 0.8.24 (optimizer 200 runs, cancun) installed from npm into
  `~/.cache/opgov/consent-bench/` by the script. `castVote` is shown for the first vote of a
  proposal (which initialises its tally) and for a later vote; `castVoteWithReason` is a later
  vote with the same support and the reason our `object` gives, since an objection always
  carries a reason.
- The payment: every proposal, OZ's and ours, transfers 100 tokens of the same plain
  OpenZeppelin ERC-20 (`PayToken` in the harness) to a supplier that already holds some, so the
  token's own cost (about 12.9k) is identical on both sides.
- Which OpenZeppelin set-up is like ours: OpenZeppelin's Contracts Wizard makes a governor
  with `GovernorTimelockControl` by default (`timelock: 'openzeppelin'` in
  packages/core/solidity/src/governor.ts of OpenZeppelin/contracts-wizard): the funds sit in
  the TimelockController, apart from the contract that decides, as ours sit in the Safe apart
  from the module. Without a timelock the governor holds the funds and pays them itself; that
  column is shown too.
- Lido Easy Track: **not measured**. No published per-call gas figures were found (searched
  the lidofinance/easy-track repository, its issues and the web corpus), and it cannot be
  built here from a package registry. The figures above are floors counted from its source
  (easy-track master dda49df; for `enactMotion` also aragonOS v4.4.0 and aragon-apps
  b72da2c, along the path Lido's `TopUpAllowedRecipients` payments take: the registry's
  spent amount, Aragon Finance's `newImmediatePayment`, the Agent's transfer), counting only
  cold accounts, cold slots, storage writes, logs and refunds; see `LIDO_EASY_TRACK` in the
  script for the count. Marked "floor from source".
- Hats: each hat's eligibility and toggle module is one EOA, as in Hats Protocol's own gas
  tests. `contracts/Hats.vy` then reads two slots (the wearer's, the hat's) and, since the
  module has no code, calls nothing (after looking up its code size, a cold account: 2.6k).
  In an organisation made by `opgov deploy` the Safe is every hat's module (so the signers
  can revoke a hat directly): see the rows "hats run by the Safe". Not declared quiet, each
  check also calls the Safe, which answers nothing (about 9.4k more); declared quiet (`declareQuietModule`, which `opgov deploy` has the Safe do
  before it creates any hat), the check neither calls the Safe nor looks up its code, and
  costs less than with an EOA.

## Where the gas goes (`Safe` singleton, measured with a per-opcode profile)

- `propose` (51,067): the fresh proposal word (22.1k), the event with the full actions and
  rationale (5.5k), the proposer-hat check (about 10.4k: a cold call into Hats.vy, its two
  slots, and the module's account), three cold reads (the pause flag; the cell's index, which
  also holds the proposer hat when that is in the cell's tree; the cell word), the live count
  (2.9k) and about 1.2k of memory for the bounded arguments (`DynArray[Action, 8]` of
  `Bytes[1024]`). OZ's `propose` also writes one fresh slot and logs every action; its
  authorisation is `getVotes` on the token's checkpoints.
- `object` (44,195): the fresh objection slot (22.1k), the proposal word (read 2.1k, count
  2.9k), the objector-hat read (2.1k), the hat check (about 10.4k) and the event (2.9k). OZ's
  later `castVote` also writes one fresh slot (`hasVoted`) and updates its tally.
- `execute` (52,640): our module 27.2k (four cold reads: pause flag, proposal, cell, the
  token's budget slot; three writes: executed, live count, spent; the event, the reentrancy
  lock, about 1.4k of memory), the Safe's proxy and singleton 10.0k (delegatecall, module
  check, `ExecutionFromModuleSuccess`), the token 12.9k plus its cold account. `SafeL2` adds
  3.8k: it also logs every module transaction (`SafeModuleTransaction`). OZ's governor without
  a timelock holds the funds and pays them itself: no hop through a treasury, no domain or
  spending check. Against the like-for-like set-up, a governor whose funds sit in a separate
  treasury (GovernorTimelockControl), `execute` costs 76.6k after a 122.0k `queue` step.
  What would bring ours below the governor without a timelock, each a loss we did not take:
  not checking the pause flag in `execute` (2.1k), not counting live proposals there (2.9k),
  not checking a token's `false` return (0.8k), or lower bounds on actions (4 actions of at
  most 512 bytes instead of 8 of 1,024: about 1.0k of memory).
"""


def _call(contract, fn: str, *args) -> bytes:
    return getattr(contract, fn).prepare_calldata(*args)


def use_pay_token(w, token) -> None:
    """Make `token` the world's payment token: the Safe holds it and both
    cells may pay with it, within the same limits as the test token."""
    token.mint(w.safe.address, 10**30)
    for cell, limit in ((w.ops, 1_500 * 10**18), (w.council, 10_000 * 10**18)):
        w.as_safe("allow_call", cell, token.address, TRANSFER, True)
        w.as_safe("set_spend_limit", cell, token.address, limit, 30 * DAY)
    w.token = token


def measure_consent(safe_contracts=None, pay_token=None) -> dict[str, int]:
    """Measure every ConsentModule operation; returns {operation: gas}.

    `safe_contracts` picks the Safe singleton (SafeL2 by default);
    `pay_token` is a callable deploying the ERC-20 proposals pay with (the
    test token by default).
    """
    gas: dict[str, int] = {}
    if True:  # no boa.env.anchor(): execution_gas commits the journal
        w = build_world(safe_contracts)
        if pay_token is not None:
            use_pay_token(w, pay_token())
        m = w.module.address
        safe = w.safe.address
        alice, bob, carol, dave, erin = (w.people[n] for n in ("alice", "bob", "carol", "dave", "erin"))
        supplier = w.people["mallory"]
        keeper = boa.env.generate_address("keeper")
        pay = [w.pay(supplier, 100 * 10**18)]
        reason = OBJECTION_REASON

        # warm-up so that counters and balances are in steady state
        warm = w.propose(pay)
        travel(3 * DAY)
        w.module.execute(warm, pay)

        calldata = _call(w.module, "propose", w.ops, pay, "pay the supplier for March")
        gas["propose (1 ERC-20 transfer)"] = execution_gas(m, calldata, alice)
        pid = w.module.proposal_id_of(w.ops, boa.env.timestamp, pay)

        gas["object"] = execution_gas(m, _call(w.module, "object", pid, w.ops_objector, reason), bob)
        gas["object (second objector)"] = execution_gas(
            m, _call(w.module, "object", pid, w.ops_objector, reason), carol
        )
        gas["withdraw_objection"] = execution_gas(m, _call(w.module, "withdraw_objection", pid), bob)
        with boa.env.prank(carol):
            w.module.withdraw_objection(pid)

        half = [w.pay(supplier, 50 * 10**18)]
        gas["amend"] = execution_gas(m, _call(w.module, "amend", pid, half, "amended: half now"), alice)
        pid = w.module.proposal_id_of(w.ops, boa.env.timestamp, half)
        travel(3 * DAY)
        gas["execute (1 ERC-20 transfer via the Safe)"] = execution_gas(m, _call(w.module, "execute", pid, half), keeper)

        # escalation: objection stands at the end of the window
        pid = w.propose(pay)
        with boa.env.prank(bob):
            w.module.object(pid, w.ops_objector, reason)
        travel(3 * DAY)
        gas["escalate (to the parent cell)"] = execution_gas(m, _call(w.module, "escalate", pid), alice)
        travel(2 * DAY)
        gas["execute after escalation (parent domain)"] = execution_gas(
            m, _call(w.module, "execute", pid, pay), keeper
        )

        pid = w.propose(pay, who=erin, cell=w.council)
        with boa.env.prank(dave):
            w.module.object(pid, w.council_objector, reason)
        travel(2 * DAY)
        gas["escalate (to the Safe)"] = execution_gas(m, _call(w.module, "escalate", pid), erin)
        gas["approve (module call from the Safe)"] = execution_gas(m, _call(w.module, "approve", pid), safe)

        pid2 = w.propose([w.pay(supplier, 2)])
        gas["veto (module call from the Safe)"] = execution_gas(m, _call(w.module, "veto", pid2, reason), safe)
        pid3 = w.propose([w.pay(supplier, 3)])
        gas["cancel (by the proposer)"] = execution_gas(m, _call(w.module, "cancel", pid3), alice)
        pid4 = w.propose([w.pay(supplier, 4)])
        travel(10 * DAY)
        gas["clear (expired)"] = execution_gas(m, _call(w.module, "clear", pid4), keeper)

        # configuration (Safe only)
        gas["set_cell (new cell)"] = execution_gas(
            m, _call(w.module, "set_cell", 12345, w.ops_proposer, 3 * DAY, 7 * DAY, w.council, 5), safe
        )
        gas["set_objector_hat"] = execution_gas(m, _call(w.module, "set_objector_hat", w.ops, 999, True), safe)
        gas["allow_call"] = execution_gas(
            m, _call(w.module, "allow_call", w.ops, supplier, b"\x12\x34\x56\x78", True), safe
        )
        gas["set_spend_limit"] = execution_gas(
            m, _call(w.module, "set_spend_limit", w.ops, supplier, 10**18, 30 * DAY), safe
        )
        gas["pause"] = execution_gas(m, _call(w.module, "pause"), safe)
        gas["unpause"] = execution_gas(m, _call(w.module, "unpause"), safe)
        gas["state (view)"] = execution_gas(m, _call(w.module, "state", pid), keeper)

        # hats run by the Safe (so that the signers rule on wearers directly).
        # Not declared quiet, each hat check also calls the Safe (proxy,
        # singleton, no fallback handler), which answers nothing, so the
        # stored status decides. `opgov deploy` has the Safe declare itself a
        # quiet module first (Hats.vy `declareQuietModule`): no call then.
        def run_by_safe(label, month):
            for hat in (w.ops_proposer, w.ops_objector):
                with boa.env.prank(w.admin):
                    w.hats.changeHatEligibility(hat, safe)
                    w.hats.changeHatToggle(hat, safe)
            travel(DAY)
            calldata = _call(w.module, "propose", w.ops, pay, f"pay the supplier for {month}")
            gas[f"propose (hats run by the Safe, {label})"] = execution_gas(m, calldata, alice)
            pid = w.module.proposal_id_of(w.ops, boa.env.timestamp, pay)
            gas[f"object (hats run by the Safe, {label})"] = execution_gas(
                m, _call(w.module, "object", pid, w.ops_objector, reason), bob
            )

        run_by_safe("not declared quiet", "April")
        with boa.env.prank(safe):
            w.hats.declareQuietModule()
        run_by_safe(QUIET_SAFE, "May")
    return gas


def _oz_artifacts() -> dict | None:
    """Compile the OpenZeppelin Governor harness with solc-js from npm, or None."""
    if not npm_ready():
        return None
    out = subprocess.run(
        ["node", str(COMPETITORS / "compile.js"), str(COMPETITORS / "BenchGovernor.sol")],
        cwd=CACHE, capture_output=True, text=True, timeout=600,
    )
    if out.returncode != 0:
        return None
    return json.loads(out.stdout)


def deploy_artifact(art: dict, name: str, *args):
    """Deploy contract `name` of the compiled harness."""
    from eth_abi import encode

    factory = boa.loads_abi(json.dumps(art[name]["abi"]), name=name)
    ctor = next((x for x in art[name]["abi"] if x["type"] == "constructor"), None)
    data = bytes.fromhex(art[name]["bytecode"])
    if ctor:
        data += encode([i["type"] for i in ctor["inputs"]], list(args))
    address, _ = boa.env.deploy_code(bytecode=data)
    return factory.at(address)


def measure_oz_governor(art: dict, timelock: bool = False) -> dict[str, int]:
    """Measure OZ Governor propose / castVote / (queue) / execute of one ERC-20 transfer.

    Without a timelock the governor holds the funds and pays; with one
    (GovernorTimelockControl, delay 0) the TimelockController holds the funds,
    as the Safe does for the ConsentModule, and a passed proposal is queued
    before it executes. The proposal threshold is one vote, so `propose`
    checks the proposer's votes (the counterpart of our proposer-hat check).
    Proposals pay with `PayToken`, the plain ERC-20 our figures use too.
    """

    def deploy(name, *args):
        return deploy_artifact(art, name, *args)

    gas = {}
    voters = [boa.env.generate_address(f"voter{i}") for i in range(4)]
    token = deploy("VoteToken")
    if timelock:
        lock = deploy("BenchTimelock", [], ["0x0000000000000000000000000000000000000000"])
        gov = deploy("BenchGovernorTimelock", token.address, lock.address, 10**18)
        lock.grantRole(lock.PROPOSER_ROLE(), gov.address)
        treasury = lock.address
    else:
        gov = deploy("BenchGovernor", token.address, 10**18)
        treasury = gov.address
    pay_token = deploy("PayToken")
    for v in voters:
        token.mint(v, 10**24)
        with boa.env.prank(v):
            token.delegate(v)
    pay_token.mint(treasury, 10**30)
    supplier = boa.env.generate_address("supplier")
    keeper = boa.env.generate_address("keeper")
    boa.env.time_travel(blocks=2)

    def proposal(desc):
        return [pay_token.address], [0], [pay_token.transfer.prepare_calldata(supplier, 100 * 10**18)], desc

    def run(desc, measure):
        t, v, c, d = proposal(desc)
        h = _keccak(d)
        if measure:
            gas["propose"] = execution_gas(gov.address, gov.propose.prepare_calldata(t, v, c, d), voters[0])
        else:
            with boa.env.prank(voters[0]):
                gov.propose(t, v, c, d)
        pid = gov.hashProposal(t, v, c, h)
        boa.env.time_travel(blocks=2)
        for n, voter in enumerate(voters):
            if measure and n < 2:
                name = "castVote (first vote)" if n == 0 else "castVote"
                gas[name] = execution_gas(gov.address, gov.castVote.prepare_calldata(pid, 1), voter)
            elif measure and n == 2:
                # a later vote like the one above, plus the reason our `object` gives
                # (the same support, so that only the reason differs)
                gas["castVoteWithReason"] = execution_gas(
                    gov.address, gov.castVoteWithReason.prepare_calldata(pid, 1, OBJECTION_REASON), voter
                )
            else:
                with boa.env.prank(voter):
                    gov.castVote(pid, 1)
        boa.env.time_travel(blocks=50401)
        if timelock:
            if measure:
                gas["queue"] = execution_gas(gov.address, gov.queue.prepare_calldata(t, v, c, h), keeper)
            else:
                gov.queue(t, v, c, h)
            boa.env.time_travel(blocks=1)
        if measure:
            gas["execute"] = execution_gas(gov.address, gov.execute.prepare_calldata(t, v, c, h), keeper)
        else:
            gov.execute(t, v, c, h)

    run("warm-up", measure=False)  # steady state, as for ours (the supplier already holds tokens)
    run("pay the supplier for March", measure=True)
    return gas


def _keccak(text: str) -> bytes:
    from eth_utils import keccak

    return keccak(text.encode())


SAFES = ("Safe", "SafeL2")


def write_results(ours: dict[str, dict[str, int]], oz: dict | None, oz_lock: dict | None, oz_how: str) -> str:
    """The results file: `ours` maps a Safe singleton name to our figures."""

    def fmt(x):
        return "n/a" if x is None else f"{x:,}"

    oz, oz_lock = oz or {}, oz_lock or {}
    safes = [name for name in SAFES if name in ours]
    lines = [
        "# ConsentModule gas",
        "",
        "Generated by `python benchmarks/consent_gas.py`. Every figure is the execution gas of",
        "one call measured as its own cold transaction with `benchmarks/gas.py` (titanoboa;",
        "excludes the 21,000 base and calldata; refunds capped per EIP-3529), in steady state",
        "(counters and balances already non-zero, as after the first proposal). Ours run against",
        "the canonical Safe v1.4.1 singletons with the module enabled: `Safe` (the one Ethereum",
        "mainnet Safes use) and `SafeL2` (the same code plus an event for every transaction, used",
        "on most other chains and by ape-safe and safe-eth-py); the real `contracts/Hats.vy`, with",
        "each hat's eligibility and toggle module an EOA (the admin). Every proposal, ours and",
        "OpenZeppelin's, makes one `transfer` of the same plain OpenZeppelin ERC-20.",
        "",
        "## Compared operations",
        "",
        "| operation | " + " | ".join(f"ConsentModule, `{n}`" for n in safes)
        + " | OZ Governor, no timelock (funds in the governor) | OZ Governor + Timelock (the Wizard's default) "
        "| Lido Easy Track |",
        "| --- | " + " | ".join("---:" for _ in safes) + " | ---: | ---: | ---: |",
    ]

    def mine(key):
        return " | ".join(fmt(ours[n].get(key)) if key else "not needed" for n in safes)

    lines.append(
        f"| propose | {mine('propose (1 ERC-20 transfer)')} | {fmt(oz.get('propose'))} | "
        f"{fmt(oz_lock.get('propose'))} | ≥ {LIDO_EASY_TRACK['createMotion']:,} (floor from source, `createMotion`) |"
    )
    lines.append(
        f"| object / vote | {mine('object')} | {fmt(oz.get('castVote (first vote)'))} first vote, "
        f"{fmt(oz.get('castVote'))} later votes (`castVote`) | {fmt(oz_lock.get('castVote (first vote)'))} first vote, "
        f"{fmt(oz_lock.get('castVote'))} later votes | ≥ {LIDO_EASY_TRACK['objectToMotion']:,} "
        "(floor from source, `objectToMotion`) |"
    )
    lines.append(
        f"| propose, hats run by the quiet Safe (as `opgov deploy` sets them up) | "
        f"{mine(f'propose (hats run by the Safe, {QUIET_SAFE})')} | see above | see above | see above |"
    )
    lines.append(
        f"| object, hats run by the quiet Safe | {mine(f'object (hats run by the Safe, {QUIET_SAFE})')} "
        "| see above | see above | see above |"
    )
    lines.append(
        f"| object with the same reason | {mine('object')} | {fmt(oz.get('castVoteWithReason'))} later votes "
        f"(`castVoteWithReason`) | {fmt(oz_lock.get('castVoteWithReason'))} later votes | see above |"
    )
    lines.append(f"| queue | {mine(None)} | not needed | {fmt(oz_lock.get('queue'))} (`queue`) | not needed |")
    lines.append(
        f"| execute | {mine('execute (1 ERC-20 transfer via the Safe)')} | {fmt(oz.get('execute'))} | "
        f"{fmt(oz_lock.get('execute'))} | ≥ {LIDO_EASY_TRACK['enactMotion']:,} (floor from source, `enactMotion`) |"
    )
    lines += [
        "",
        f"OpenZeppelin Governor figures: {oz_how}.",
        "",
        "## Every ConsentModule operation",
        "",
        "| operation | " + " | ".join(f"`{n}`" for n in safes) + " |",
        "| --- | " + " | ".join("---:" for _ in safes) + " |",
    ]
    for op in ours[safes[0]]:
        lines.append(f"| {op} | " + " | ".join(fmt(ours[n].get(op)) for n in safes) + " |")
    return "\n".join(lines) + "\n" + METHOD_NOTES


def targets(ours: dict[str, dict[str, int]], oz: dict | None, oz_lock: dict | None) -> dict[str, bool]:
    """Each target: our operation, on each Safe singleton, cheaper than each competitor figure."""
    result = {}
    for safe, figures_ours in ours.items():
        for mine, theirs, et_key in (
            ("propose (1 ERC-20 transfer)", "propose", "createMotion"),
            ("object", "castVote (first vote)", None),
            ("object", "castVote", "objectToMotion"),
            (f"propose (hats run by the Safe, {QUIET_SAFE})", "propose", "createMotion"),
            (f"object (hats run by the Safe, {QUIET_SAFE})", "castVote", "objectToMotion"),
            ("execute (1 ERC-20 transfer via the Safe)", "execute", "enactMotion"),
        ):
            for name, figures in (("OZ Governor", oz), ("OZ Governor + Timelock", oz_lock)):
                if figures and theirs in figures:
                    result[f"{mine}, {safe} < {name} {theirs}"] = figures_ours[mine] < figures[theirs]
            if et_key and LIDO_EASY_TRACK.get(et_key):
                result[f"{mine}, {safe} < Easy Track {et_key} floor"] = figures_ours[mine] < LIDO_EASY_TRACK[et_key]
    return result


def main() -> None:
    art = _oz_artifacts()
    if art is None:
        ours = {"SafeL2": measure_consent()}
        oz = oz_lock = None
        how = "n/a in this run (node/npm unavailable); ours use safe-eth-py's SafeL2 and the test token"
    else:
        ours = {}
        for name in SAFES:
            safe_contracts = deploy_safe_contracts(canonical_safe(name))
            ours[name] = measure_consent(safe_contracts, lambda: deploy_artifact(art, "PayToken"))
        oz = measure_oz_governor(art, timelock=False)
        oz_lock = measure_oz_governor(art, timelock=True)
        how = (
            "measured in this run (solc-js 0.8.24, @openzeppelin/contracts 5.0.2 and "
            "@safe-global/safe-contracts 1.4.1 from npm)"
        )
    text = write_results(ours, oz, oz_lock, how)
    checks = targets(ours, oz, oz_lock)
    text += "\n## Targets\n\n" + "\n".join(f"- {'met' if ok else 'MISSED'}: {name}" for name, ok in checks.items()) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
