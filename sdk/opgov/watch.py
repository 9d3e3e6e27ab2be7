"""`opgov watch`: what needs people now, told to them; what anyone may do, done.

A `Watcher` follows one org through the SQLite index (`opgov.indexer`) and the
dashboard's reading of the chain (`opgov.dashboard.board.Board`). Each `tick()`:

1. syncs the index;
2. with an executor account (opt-in), executes proposals that passed inside
   their domain, clears expired ones (freeing the cell's slot) and removes Safe
   owners who no longer wear the signer hat (the signer gate lets anyone do so);
3. works out the notices (a new proposal to the cell's objectors, an objection
   to the proposer, a consent window closing within 24 hours, a Safe transaction
   to the signers who have not signed, a budget running out or insolvent to the
   cell and the signers, and what the bot itself did) and delivers each to the
   routes that want it, recording every delivery in the index's file, so a
   restart never tells anyone twice.

`create_bot` wraps a watcher in a Silverback bot (a handler for new blocks and
one every minute, since windows close without blocks), and `LocalRunner` runs
that bot in this process, carrying on with a one-line notice when the node goes
away and comes back. On Silverback's own workers, `bot_from_environment` builds
the same bot from environment variables (see docs/developers.md).

The SDK never prints: what the watcher does goes to the `report` callback and
comes back from `tick()` as lines.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from opgov.chain import first_line
from opgov.contracts import container
from opgov.errors import ConsentError, NetworkError, OpgovError, SafeError, UsageError
from opgov.notify import Notice, Notifier, resolve_routes
from opgov.units import DAY, format_duration, format_time, parse_duration

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from opgov.deploy import OrgState
    from opgov.indexer import Indexer
    from opgov.safe_tx import TxFolder
    from opgov.spec import OrgSpec

__all__ = ["Keeper", "LocalRunner", "Watcher", "bot_from_environment", "create_bot", "node_gone"]

CLOSING_SOON = DAY  # a consent window closing sooner than this is worth a reminder
DEFAULT_RUNWAY = "14 days"
BOT_ROUTE = "bot"  # the route name under which the bot records what it reported about itself


def node_gone(err: BaseException) -> bool:
    """Whether an error (or what caused it) is the node not answering."""
    import requests

    seen = 0
    while err is not None and seen < 10:
        if isinstance(err, (requests.exceptions.ConnectionError, ConnectionError, TimeoutError)):
            return True
        if isinstance(err, NetworkError) and ("node" in err.message or "connect" in err.message):
            return True
        text = str(err).lower()
        if "connection refused" in text or "max retries exceeded" in text or "not connected" in text:
            return True
        err, seen = err.__cause__ or err.__context__, seen + 1
    return False


class Watcher:
    """Follows one org and tells people what needs them.

    Args:
        spec: the org spec (its `notify:` section routes the notices).
        state: where the org lives on chain.
        indexer: the org's index; its file also records what was sent.
        notifier: where notices go (default: the spec's routes, URLs read from the environment).
        txs: the folder of pending Safe transactions (None: no Safe transaction notices).
        executor: the account that executes, clears and reconciles (None: only notify).
        report: called with each line about what the watcher did.

    Raises:
        SpecError: if a route's URL variable is not set.
        UsageError: if the executor is not the account org.yaml names in `notify.execute_from`.
    """

    def __init__(
        self,
        spec: "OrgSpec",
        state: "OrgState",
        indexer: "Indexer",
        notifier: Notifier | None = None,
        txs: "TxFolder | None" = None,
        executor: "AccountAPI | None" = None,
        report: Callable[[str], None] | None = None,
    ):
        from opgov.consent import ConsentClient
        from opgov.dashboard.board import Board
        from opgov.deploy import resolve_person

        self.spec = spec
        self.state = state
        self.indexer = indexer
        self.notifier = notifier if notifier is not None else Notifier(resolve_routes(spec))
        self.executor = executor
        self.report = report or (lambda line: None)
        self.people = {resolve_person(who): name for name, who in spec.people.items()}
        if executor is not None:
            named = spec.notify.execute_from if spec.notify else None
            if named is None:
                raise UsageError(
                    "org.yaml names no account to execute from",
                    "add `execute_from: NAME` (a person under people:) to its notify: section",
                )
            if resolve_person(spec.people[named]) != executor.address:
                raise UsageError(
                    f"{executor.address} is not {named}, the account org.yaml names to execute from",
                    f"pass {named}'s account ({spec.people[named]}) to --execute-from",
                )
        names = dict(self.people)
        names[state.safe] = "the Safe"
        self.board = Board(spec.name, state, indexer, names, txs)
        self.consent = ConsentClient.at(state.consent)
        runway = spec.notify.runway_below if spec.notify else DEFAULT_RUNWAY
        self.runway_below = parse_duration(runway)
        self.cell_ids = {self.board.cell_name(hat): cid for cid, hat in state.cells.items()}
        self.signers = set(spec.safe.signers)
        self._lock = threading.Lock()
        self._failed: set[tuple[str, str]] = set()  # deliveries already reported as failed in this run
        self._said: set[str] = set()  # one-off lines already reported in this run
        self._exec_failed: dict[int, str] = {}  # proposals whose execution failed in this run, with why
        self._acting_from: int | None = None  # the first block whose actions by the executor are told
        self._senders: dict[str, str] = {}  # transaction hash -> sender, for the bot's own actions

    # ------------------------------------------------------------ one round

    def tick(self) -> list[str]:
        """One round: sync, act (with an executor), notify. Returns the lines reported.

        Rounds are exclusive across processes that share the index file (Silverback's
        workers), so two of them never deliver the same notice at once.

        Raises:
            NetworkError: and other errors of the node, for the caller to retry.
        """
        with self._lock, _exclusive(Path(f"{self.indexer.path}.watch-lock")):
            lines: list[str] = []

            def say(line: str) -> None:
                lines.append(line)
                self.report(line)

            self.indexer.sync()
            if self.executor is not None and self._acting_from is None:
                # what the bot did is told from its transactions' events, from this block on, so a
                # crash between a transaction and its notice loses nothing and a fresh index file
                # does not retell what was done before it
                self._acting_from = self.indexer.remember(
                    f"watch-acting-from:{self.executor.address}", self.indexer.latest_block() or 0)
            snap = self.board.snapshot()
            if self.executor is not None and self._act(snap, say):
                self.indexer.sync()
                snap = self.board.snapshot()
            self._deliver(self.notices(snap), say)
            return lines

    # ------------------------------------------------------------ what needs whom

    def notices(self, snap: dict[str, Any]) -> list[Notice]:
        """Everything that needs someone now, as the snapshot shows it (already-sent ones included)."""
        now = int(snap["now"])
        out: list[Notice] = []
        by_id = {p["id"]: p for p in snap["proposals"]}
        for p in snap["proposals"]:
            cid = self.cell_ids.get(p["holder"] or p["cell"])
            if cid is None:
                continue
            objectors = self.spec.objectors_of(cid)
            proposer = {p["proposer"]} & set(self.spec.people)
            where = p["holder"] or p["cell"]
            if p["state"] in ("open", "escalated") or p["window_open"]:
                escalated = f" (escalated from {p['cell']})" if p["holder"] else ""
                out.append(Notice(
                    f"proposal:{p['id']}:{cid}", "proposal",
                    f"{where}: proposal {p['ref']} by {p['proposer']} needs your consent{escalated}",
                    _proposal_body(p, f"Object with a reason before {p['closes_text']} if you cannot consent "
                                      f"(`opgov object {p['ref']} \"reason\"`); otherwise it passes."),
                    frozenset(objectors - proposer),
                ))
            if p["window_open"] and 0 < int(p["closes_at"]) - now <= CLOSING_SOON:
                out.append(Notice(
                    f"window-closing:{p['id']}:{p['closes_at']}", "window-closing",
                    f"{where}: the consent window of {p['ref']} closes in "
                    f"{format_duration(int(p['closes_at']) - now)}",
                    _proposal_body(p, f"It closes {p['closes_text']}."),
                    frozenset(objectors | proposer),
                ))
        raised: dict[tuple[str, str], int] = {}
        for ev in self.indexer.events("ConsentModule", name="ObjectionRaised"):
            # keyed by the objector's n-th objection to the proposal, which a reorganisation that
            # mines the same transaction again (new block, new log index) does not change
            nth = raised[(ev.args["proposal_id"], ev.args["objector"])] = raised.get(
                (ev.args["proposal_id"], ev.args["objector"]), 0) + 1
            p = by_id.get(hex(int(ev.args["proposal_id"])))
            if p is None or not p["live"]:
                continue
            objector = self.board.who(ev.args["objector"])
            standing = any(o["by"] == objector and o["reason"] == ev.args["reason"] and o["standing"]
                           for o in p["objections"])
            proposer = {p["proposer"]} & set(self.spec.people)
            if standing and proposer:
                out.append(Notice(
                    f"objection:{p['id']}:{ev.args['objector']}:{nth}", "objection",
                    f"{objector} objected to your proposal {p['ref']} in {p['holder'] or p['cell']}",
                    f"“{ev.args['reason']}”\n\n{p['countdown']}\nMeet the objection by amending the proposal "
                    f"(`opgov amend {p['ref']}`), or talk it through so it can be withdrawn.",
                    frozenset(proposer),
                ))
        for t in snap["safe"]["pending"]:
            if "hash" not in t:
                continue  # a damaged file: the dashboard shows its error
            waiting = set(t["waiting_for"]) & set(self.spec.people)
            if waiting:
                got = f"{t['count']} of {t['needed']} signatures"
                out.append(Notice(
                    f"safe-tx:{t['hash']}", "safe-tx",
                    f"a Safe transaction (nonce {t['nonce']}) waits for your signature: {got}",
                    "\n".join(t["lines"]) + f"\n\nSign it with `opgov safe sign {t['hash'][:10]} --account ALIAS`"
                    " after reading it with `opgov safe show`.",
                    frozenset(waiting),
                ))
        for c in snap["cells"]:
            if not c.get("stream"):
                continue
            cell = next(x for x in self.spec.cells if x.id == c["id"]) if any(
                x.id == c["id"] for x in self.spec.cells) else None
            people = frozenset(({cell.lead, *cell.members} if cell else set()) | self.signers)
            depletes = c.get("depletion_time")
            if "insolvent" in c["status"]:
                out.append(Notice(
                    f"insolvent:{c['id']}:{depletes}", "insolvent",
                    f"{c['name']}'s budget stream is insolvent",
                    f"It owes more than it holds ({c['remaining']} left, {c['rate']}). "
                    "The signers can deposit to cover it (`opgov stream deposit`).",
                    people,
                ))
            elif depletes and "voided" not in c["status"] and int(depletes) - now < self.runway_below:
                out.append(Notice(
                    f"runway:{c['id']}:{depletes}", "runway",
                    f"{c['name']}'s budget runs out in {format_duration(max(int(depletes) - now, 0))}",
                    f"It runs out {format_time(int(depletes))} at {c['rate']} ({c['remaining']} left). "
                    "The signers can top it up (`opgov stream deposit`).",
                    people,
                ))
        if self.executor is not None and self._acting_from is not None:
            out += self._done(by_id)
        return out

    def _done(self, by_id: dict[str, dict[str, Any]]) -> list[Notice]:
        """What the executor did, from the events of its transactions (never from memory)."""
        me = self.executor.address
        out = []
        since = self._acting_from + 1
        for ev in self.indexer.events("ConsentModule", name=["ProposalExecuted", "ProposalCleared"], since_block=since):
            p = by_id.get(hex(int(ev.args["proposal_id"])))
            if p is None:
                continue
            where = p["holder"] or p["cell"]
            cid = self.cell_ids.get(where)
            people = frozenset((self.spec.audience(cid) if cid else set()) | self.signers)
            if ev.name == "ProposalExecuted":
                notice = Notice(f"executed:{p['id']}", "executed", f"{where}: proposal {p['ref']} was executed",
                                "\n".join(p["actions"]), people)
            else:
                notice = Notice(f"cleared:{p['id']}", "executed", f"{where}: expired proposal {p['ref']} was cleared",
                                p["countdown"], people)
            if not self._all_told(notice):
                by = ev.args["executed_by"] if ev.name == "ProposalExecuted" else self._sender(ev.tx_hash)
                if by == me:
                    out.append(notice)
        if self.state.gate:
            for ev in self.indexer.events("SignerGate", name="SignerRemoved", since_block=since):
                who = self.board.who(ev.args["signer"])
                notice = Notice(f"removed-signer:{ev.args['signer']}:{ev.tx_hash}", "executed",
                                f"{who} was removed from the Safe's signers",
                                "They no longer wear the signer hat; the signer gate lets anyone remove them.",
                                frozenset(self.signers))
                if not self._all_told(notice) and self._sender(ev.tx_hash) == me:
                    out.append(notice)
        return out

    def _all_told(self, notice: Notice) -> bool:
        return all(self.indexer.was_notified(notice.key, r.ref) for r in self.notifier.routes_for(notice))

    def _sender(self, tx_hash: str) -> str:
        if tx_hash not in self._senders:
            from ape import chain
            from eth_utils import to_checksum_address

            self._senders[tx_hash] = to_checksum_address(chain.provider.web3.eth.get_transaction(tx_hash)["from"])
        return self._senders[tx_hash]

    # ------------------------------------------------------------ acting

    def _act(self, snap: dict[str, Any], say: Callable[[str], None]) -> bool:
        """Execute, clear, reconcile. Returns whether a transaction went out (what it did is
        told from its events, in `notices`)."""
        sent = False
        cleared = {int(ev.args["proposal_id"]) for ev in self.indexer.events("ConsentModule", name="ProposalCleared")}
        for p in reversed(snap["proposals"]):  # oldest first
            pid = int(p["id"], 16)
            where = p["holder"] or p["cell"]
            if p["state"] == "passed":
                try:
                    self.consent.check_execute(pid)
                except ConsentError as err:
                    self._once(f"skip:{p['id']}", f"not executing {p['ref']} of {where}: {err}", say)
                    continue
                # a proposal that cannot run yet (the Safe short of funds, say) is tried again
                # each round, but told only when it starts failing or fails differently
                failed_before = self._exec_failed.get(pid)
                announce = f"→ executing proposal {p['ref']} of {where}: " + "; ".join(p["actions"])
                if failed_before is None:
                    say(announce)
                try:
                    self.consent.execute(pid, self.executor)
                except ConsentError as err:
                    if failed_before != str(err):
                        say(f"could not execute {p['ref']}: {err} (trying again each round)")
                    self._exec_failed[pid] = str(err)
                    continue
                if self._exec_failed.pop(pid, None) is not None:
                    say(announce)  # the quiet retry went through: the log still says what ran
                sent = True
            elif p["state"] == "expired" and pid not in cleared:
                say(f"→ clearing expired proposal {p['ref']} of {where} (frees one of the cell's slots)")
                try:
                    self.consent.clear(pid, self.executor)
                except ConsentError as err:
                    say(f"could not clear {p['ref']}: {err}")
                    continue
                sent = True
        return self._reconcile_signers(say) or sent

    def _reconcile_signers(self, say: Callable[[str], None]) -> bool:
        if not self.state.gate:
            return False
        from opgov.safe import SignerSeats

        seats = SignerSeats(self.state.gate)
        # the gate's own Hats contract and hat: the ones `remove_signer` asks
        hats = container("Hats").at(str(seats.gate.hats()))
        hat = int(seats.gate.signer_hat())
        sent = False
        owners = seats.safe.owners()
        for owner in owners:
            if bool(hats.isWearerOfHat(owner, hat)):
                continue
            who = self.board.who(owner)
            if len(owners) < 2:
                self._once(f"last-owner:{owner}", f"{who} no longer wears the signer hat but is the Safe's last "
                                                  "owner: a wearer must claim a seat first", say)
                continue
            say(f"→ removing {who} from the Safe's signers: they no longer wear the signer hat")
            try:
                seats.remove(owner, self.executor)
            except SafeError as err:
                say(f"could not remove {who}: {err}")
                continue
            owners = [o for o in owners if o != owner]
            sent = True
        return sent

    # ------------------------------------------------------------ delivering

    def _deliver(self, notices: list[Notice], say: Callable[[str], None]) -> None:
        for notice in notices:
            for route in self.notifier.routes_for(notice):
                if self.indexer.was_notified(notice.key, route.ref):
                    continue
                if self.notifier.deliver(notice, route):
                    self.indexer.mark_notified(notice.key, route.ref, int(time.time()))
                    self._failed.discard((notice.key, route.ref))
                    say(f"told {route.label}: {notice.title}")
                elif (notice.key, route.ref) not in self._failed:
                    self._failed.add((notice.key, route.ref))
                    say(f"could not deliver to {self.notifier.last_error} (trying again next round)")

    def _once(self, key: str, line: str, say: Callable[[str], None]) -> None:
        """Say a line about something the bot will not do, once ever (recorded like a notice)."""
        if key in self._said or self.indexer.was_notified(key, BOT_ROUTE):
            return
        self._said.add(key)
        self.indexer.mark_notified(key, BOT_ROUTE, int(time.time()))
        say(line)


@contextmanager
def _exclusive(path: Path):
    """Hold an exclusive lock on `path` (created if need be) across processes."""
    try:
        import fcntl
    except ImportError:  # no advisory locks here: one process per index file
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _proposal_body(p: dict[str, Any], ask: str) -> str:
    lines = [p["rationale"] or "(no rationale)", ""]
    lines += [f"{p['verb']} {a}" for a in p["actions"]]
    if p["countdown"]:
        lines += ["", p["countdown"]]
    return "\n".join(lines + ["", ask])


# ---------------------------------------------------------------- the Silverback bot


class Keeper:
    """Runs a watcher's rounds so that a node going away is one line, not the end.

    Args:
        watcher: what to run.
        report: where the one-line notices go.
    """

    def __init__(self, watcher: Watcher, report: Callable[[str], None]):
        self.watcher = watcher
        self.report = report
        self.lost: str | None = None  # why the node is not answering, while it is not

    def round(self) -> list[str]:
        try:
            lines = self.watcher.tick()
        except Exception as err:
            if node_gone(err):
                if self.lost is None:
                    self.lost = first_line(err)
                    self.report(f"lost the node ({self.lost}); trying again until it answers")
                return []
            if isinstance(err, OpgovError):
                self.report(f"error: {err}")
                return []
            raise
        if self.lost is not None:
            self.lost = None
            self.report(f"the node answers again; carried on from block {self.watcher.indexer.latest_block()}")
        return lines


def create_bot(keeper: Keeper, settings: Any = None, name: str = "opgov-watch"):
    """A Silverback bot that runs the keeper's rounds on every new block and every minute.

    Args:
        keeper: the watcher to run, with its node-loss handling.
        settings: Silverback settings (default: for the connected network, from SILVERBACK_* variables).
        name: the bot's name (Silverback's BOT_NAME).
    """
    from ape import chain, networks
    from silverback import SilverbackBot
    from silverback.settings import Settings

    if settings is None:
        provider = networks.provider
        choice = f"{provider.network.ecosystem.name}:{provider.network.name}:{provider.name}"
        settings = Settings(BOT_NAME=name, NETWORK_CHOICE=choice)
    bot = SilverbackBot(settings)

    @bot.on_(chain.blocks)
    def on_new_block(block):
        return keeper.round()

    # consent windows close and budgets run down without any block being made
    @bot.cron("* * * * *")
    def every_minute(when):
        return keeper.round()

    return bot


def _runner_class():
    from silverback.runner import PollingRunner

    class _LocalRunner(PollingRunner):
        """Silverback's polling runner, polling the chain's height itself so that a node that
        goes away and comes back costs a one-line notice instead of the run."""

        def __init__(self, bot, keeper: Keeper, interval: float = 2.0, stop: threading.Event | None = None):
            super().__init__(bot)
            self.keeper = keeper
            self.interval = interval
            self.stop = stop

        async def _block_task(self, task_data):
            from ape import chain

            last = None
            while not self.shutdown_event.is_set():
                if self.stop is not None and self.stop.is_set():
                    self.shutdown_event.set()
                    return
                try:
                    head = chain.blocks.head
                except Exception as err:
                    if not node_gone(err):
                        raise
                    if self.keeper.lost is None:
                        self.keeper.lost = first_line(err)
                        self.keeper.report(f"lost the node ({self.keeper.lost}); trying again until it answers")
                    await asyncio.sleep(self.interval)
                    continue
                if last is None or head.number != last:
                    last = head.number
                    await self.run_task(task_data, head)
                await asyncio.sleep(self.interval)

    return _LocalRunner


def LocalRunner(bot, keeper: Keeper, interval: float = 2.0, stop: threading.Event | None = None):  # noqa: N802
    """Silverback's runner for this process (an in-memory broker), riding out a node that goes away.

    Args:
        bot: from `create_bot`.
        keeper: the same keeper the bot runs.
        interval: seconds between looks at the chain's height.
        stop: set it to end the run (Ctrl-C and SIGTERM also do).
    """
    return _runner_class()(bot, keeper, interval, stop)


def bot_from_environment():
    """The watch bot for Silverback's workers, configured by environment variables.

    OPGOV_ORG (the org.yaml path, default org.yaml), OPGOV_TXS (the Safe
    transaction folder), OPGOV_INDEX (the index file); the network and the
    executor come from Silverback's own SILVERBACK_NETWORK_CHOICE and
    SILVERBACK_SIGNER_ALIAS (leave it unset to only notify).
    """
    from silverback.settings import Settings

    from opgov.deploy import load_state
    from opgov.indexer import Indexer
    from opgov.safe_tx import TxFolder
    from opgov.spec import load_spec

    settings = Settings()
    settings.get_provider_context().__enter__()  # the network Silverback was given
    spec = load_spec(os.environ.get("OPGOV_ORG", "org.yaml"))
    state = load_state()
    contracts = {"Hats": state.hats, "BudgetStreams": state.streams, "ConsentModule": state.consent}
    if state.gate:
        contracts["SignerGate"] = state.gate
    indexer = Indexer(os.environ.get("OPGOV_INDEX") or None, contracts=contracts)
    from ape.logging import logger

    watcher = Watcher(spec, state, indexer, txs=TxFolder(os.environ.get("OPGOV_TXS") or None),
                      executor=settings.get_signer(), report=logger.info)
    return create_bot(Keeper(watcher, logger.info), settings)
