"""What the dashboard shows, read from the indexer's events and the SDK's calls.

`Board.snapshot()` returns the whole page's data as JSON-ready dicts: cells
with their budgets (read with `StreamsClient`) and burn-downs (from the
stream's events), proposals (actions, rationale and objections from the
consent module's events; the stored fields and state from the chain), the
hats tree with wearers (`HatsClient.tree`), the Safe's pending transactions
(`TxFolder` files, checked with `Safe.status`) and the index's position.
`Board.feed()` says the newest events in plain words.

Nothing here is guessed: a figure either comes from an event the chain
emitted or from a call made for this snapshot. History (proposals' actions,
objections, the hats and their candidate wearers, burn-downs) comes from the
SQLite index; what only the chain knows now (stored fields, balances, who
wears a hat) is read in one `opgov.reads` session a snapshot, a Multicall3 call
for each kind of question, so a snapshot costs the same few requests whatever
the org's size. Calls go to the chain, so the caller must hold the chain lock
(the embedded chain is not thread-safe); the feed reads only the SQLite index
and needs no lock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Callable

from opgov.dashboard.burndown import burndown
from opgov.hats import hat_path
from opgov.units import format_amount, format_duration, format_rate, format_time

if TYPE_CHECKING:
    from opgov.deploy import OrgState
    from opgov.indexer import Event, Indexer
    from opgov.safe_tx import TxFolder

FEED_CONTRACTS = ("Hats", "BudgetStreams", "ConsentModule", "SignerGate")  # the token's own events are noise
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
HISTORY_KEYS = (
    "ObjectionRaised", "ObjectionWithdrawn", "ProposalEscalated", "ProposalApproved", "ProposalVetoed",
    "ProposalCleared", "amended_to", "amended_from",
)
PROPOSAL_EVENTS = (
    "ProposalCreated", "ObjectionRaised", "ObjectionWithdrawn", "ProposalEscalated", "ProposalApproved",
    "ProposalVetoed", "ProposalCleared", "ProposalAmended", "ProposalCancelled", "ProposalExecuted",
)


@dataclass
class _Log:
    """An indexer event dressed as the ape log the consent SDK reads (attributes, block, log index)."""

    block_number: int
    log_index: int
    args: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.args[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self.args[name]


def _as_log(ev: "Event") -> _Log:
    args = dict(ev.args)
    if "actions" in args:
        args["actions"] = [(x["target"], int(x["value"]), bytes.fromhex(x["data"][2:])) for x in args["actions"]]
    return _Log(ev.block_number, ev.log_index, args)


class _IndexedEvent:
    """An ape contract event whose `range` query is answered from the index."""

    def __init__(self, indexer: "Indexer", contract: str, name: str):
        self.indexer, self.contract, self.name = indexer, contract, name

    def range(self, start: int = 0, stop: int | None = None, search_topics: dict | None = None) -> list[_Log]:
        found = self.indexer.events(self.contract, name=self.name, since_block=start, where=search_topics)
        return [_as_log(ev) for ev in found if stop is None or ev.block_number <= stop]


class _IndexedContract:
    """An ape contract whose event queries read the index; its calls still go to the chain.

    Handing one to an SDK client lets it read history from SQLite instead of
    asking the node for logs (on the embedded chain, a log query takes a
    quarter of a second and more with every block).
    """

    def __init__(self, contract: Any, indexer: "Indexer", name: str):
        self._contract, self._indexer, self._name = contract, indexer, name
        self._events = {e.name for e in contract.contract_type.events}

    def __getattr__(self, attr: str) -> Any:
        if attr in self._events:
            return _IndexedEvent(self._indexer, self._name, attr)
        return getattr(self._contract, attr)


class Board:
    """The org as the dashboard shows it.

    Args:
        name: the org's name.
        state: where its parts live (`opgov.deploy.load_state` or a deploy's result).
        indexer: the index of the org's events.
        names: addresses to show as people's names.
        txs: the folder of pending Safe transactions (None: none shown).
        network: the network's name, shown in the page's header.
    """

    def __init__(
        self,
        name: str,
        state: "OrgState",
        indexer: "Indexer",
        names: dict[str, str] | None = None,
        txs: "TxFolder | None" = None,
        network: str = "",
    ):
        from opgov.consent import ConsentClient
        from opgov.hats import HatsClient
        from opgov.reads import session
        from opgov.safe import SAFE_VERSION, Safe
        from opgov.streams import StreamsClient

        self.name = name
        self.state = state
        self.indexer = indexer
        self.names = dict(names or {})
        self.txs = txs
        self.network = network
        with session() as read:
            # the code of every part in one request, then the Safe's version, the consent module's
            # machinery and the cells' names (their hats' details) in one Multicall3 call
            read.code_hashes([a for a in (state.streams, state.consent, state.hats, state.safe, state.token) if a])
            self.streams = StreamsClient.at(state.streams)
            self.consent = ConsentClient.at(state.consent)
            self.hats = HatsClient(_IndexedContract(HatsClient.at(state.hats).contract, indexer, "Hats"))
            safe = read.instance("SafeSingleton", state.safe)
            cells = list(state.cells.items())
            machinery = self.consent.machinery_views()
            if state.token:
                self.streams.ahead([], [state.token])  # the token's symbol and decimals in the same call
            answers = read.views([(safe, "VERSION", ())] + machinery
                                 + [(self.hats.contract, "viewHat", (hat,)) for _, hat in cells])
            version, details = answers[0], answers[1 + len(machinery):]
            self.consent.take_machinery(answers[1:1 + len(machinery)])
            # Safe.at says what is wrong with something that is not a Safe v1.4.1
            self.safe = Safe(safe) if version == SAFE_VERSION and read.has_code(state.safe) else Safe.at(state.safe)
            self.token = self.streams.token(state.token)
        for address, what in ((state.streams, "the budget streams"), (state.consent, "the consent module"),
                              (state.hats, "the Hats contract"), (state.gate, "the signer gate"),
                              (state.safe, "the Safe"), (state.token, f"the {self.token.symbol} token")):
            if address:
                self.names.setdefault(address, what)
        self.cell_names = {hat: cid for cid, hat in state.cells.items()}
        for (cid, hat), view in zip(cells, details):
            self.cell_names[hat] = (str(view[0]) if view else "") or cid
        # proposal id -> (its stored fields, its ProposalView), read again when its events change
        self._views: dict[int, tuple[Any, Any]] = {}
        self._numbers: dict[int, int] = {}  # proposal id -> its number (#N)
        self._seen_id = 0
        self._tree: tuple[int, list] | None = None  # (newest Hats event id, the tree as shown)

    # ------------------------------------------------------------ naming

    def who(self, address: str) -> str:
        return self.names.get(str(address), str(address))

    def named(self, text: str) -> str:
        """The SDK's plain words with the addresses people know by name: "to erin (0x15d3…6A65)"."""
        for address in set(_ADDRESS.findall(text)):
            name = self.names.get(address)
            if name:
                text = text.replace(address, f"{name} ({address[:6]}…{address[-4:]})")
        return text

    def cell_name(self, hat: int | str) -> str:
        hat = int(hat)
        return self.cell_names.get(hat, f"cell {hat_path(hat)}") if hat else "the Safe's signers"

    def amount(self, base_units: int | str) -> str:
        return format_amount(int(base_units), self.token.decimals, self.token.symbol)

    # ------------------------------------------------------------ the snapshot

    def snapshot(self) -> dict[str, Any]:
        """Everything the page shows, read now. Hold the chain lock while calling it."""
        from opgov.consent import _now
        from opgov.reads import session

        from opgov.deployments import Deployments

        with session() as read:
            now = _now()  # the pending and latest blocks in one round trip
            # the record's contracts checked together (code hashes in one call), not one by one
            # as the names of the proposals' actions look them up
            Deployments.for_connected_network().check_chain()
            read.tokens.setdefault(self.token.address, (self.token.symbol, self.token.decimals))
            # the cells' streams and the Safe's state, known before anything is read, in one call
            self.streams.ahead(self._stream_ids().values())
            c = self.safe.contract
            read.ahead(views=[(c, "getOwners", ()), (c, "getThreshold", ()), (c, "nonce", ())])
            index = self.indexer.state()
            return self._snapshot(index, now)

    def _snapshot(self, index: Any, now: int) -> dict[str, Any]:
        return {
            "org": {"name": self.name, "network": self.network, "safe": self.state.safe,
                    "token": self.token.symbol},
            "now": now,
            "now_text": format_time(now),
            "index": {"latest_block": index.latest_block, "last_id": index.last_id, "revision": index.revision},
            "cells": self._cells(now),
            "proposals": self._proposals(now, index.last_id),
            "hats": self._hats(),
            "safe": self._safe(),
        }

    def _stream_ids(self) -> dict[str, int]:
        return {cid: self.state.streams_of[cid] for cid in self.state.cells if cid in self.state.streams_of}

    def _cells(self, now: int) -> list[dict[str, Any]]:
        ids = self._stream_ids()
        views = dict(zip(ids, self.streams.streams(list(ids.values())))) if ids else {}
        out = []
        for cid, hat in self.state.cells.items():
            row: dict[str, Any] = {"id": cid, "name": self.cell_name(hat), "hat": hat_path(hat), "stream": None}
            v = views.get(cid)
            if v is not None:
                events = self.indexer.events("BudgetStreams", where={"stream_id": v.id})
                chart = burndown(events, v.token.decimals, v.now, v.depletion_time)
                row.update({
                    "stream": v.number,
                    "rate": v.rate_text,
                    "streamed": v.amount(v.streamed),
                    "withdrawn": v.amount(v.withdrawn),
                    "withdrawable": v.amount(v.withdrawable),
                    "remaining": v.amount(v.refundable),
                    "runway": format_duration(v.runway) if v.runway else ("none" if v.runway == 0 else "not accruing"),
                    "depletes": format_time(v.depletion_time) if v.depletion_time else "-",
                    "depletion_time": v.depletion_time,
                    "status": v.status_text,
                    "recipient": self.who(v.recipient),
                    "symbol": v.token.symbol,
                    "chart": chart.to_dict(),
                })
            out.append(row)
        return out

    def _proposals(self, now: int, last_id: int) -> list[dict[str, Any]]:
        from opgov.consent import STATE_MEANINGS, ConsentClient

        events = self.indexer.events("ConsentModule", name=PROPOSAL_EVENTS)
        history: dict[int, dict[str, list]] = {}
        created: dict[int, _Log] = {}
        changed: set[int] = set()

        def of(pid: int) -> dict[str, list]:
            return history.setdefault(pid, {k: [] for k in HISTORY_KEYS})

        for ev in events:
            pid = int(ev.args["proposal_id"])
            if ev.id > self._seen_id:
                changed.add(pid)
            if ev.name == "ProposalCreated":
                created[pid] = _as_log(ev)
                of(pid)
            elif ev.name == "ProposalAmended":
                of(pid)["amended_to"].append(_as_log(ev))
                of(int(ev.args["new_proposal_id"]))["amended_from"].append(_as_log(ev))
            elif ev.name in HISTORY_KEYS:
                of(pid)[ev.name].append(_as_log(ev))
        # proposal #N is the N-th ProposalCreated event, as the consent SDK numbers them
        numbers = {pid: n for n, pid in enumerate(created, 1)}
        self._numbers = numbers
        # A proposal's stored fields change only with an event about it: its state moves
        # with time, but `_state_at` computes that from the stored fields. Another module
        # event (a cell's domain, a pause) may change any of them, so then all are read again.
        fresh = self.indexer.events("ConsentModule", after_id=self._seen_id) if self._seen_id else []
        if any(ev.name not in PROPOSAL_EVENTS for ev in fresh):
            self._views.clear()
        for pid in changed:
            self._views.pop(pid, None)
        self._seen_id = max(self._seen_id, last_id)
        unread = [(pid, created[pid], history[pid]) for pid in created if pid not in self._views]
        if unread:  # every proposal not read yet, in a few requests (see ConsentClient.views_of)
            self._views.update(self.consent.views_of(unread, numbers, now))
        out = []
        for pid in reversed(list(created)):
            stored, view = self._views[pid]
            view.now = now
            view.state = ConsentClient._state_at(stored, now)
            out.append(self._proposal_dict(view, STATE_MEANINGS[view.state]))
        return out

    def _proposal_dict(self, v: Any, meaning: str) -> dict[str, Any]:
        from opgov.consent import LIVE_STATES

        live = v.state in LIVE_STATES
        verb = "Executing it will" if live else ("It did" if v.state_name == "executed" else "It would have")
        return {
            "id": hex(v.id),
            "ref": v.ref,
            "cell": self.cell_name(v.cell),
            "holder": self.cell_name(v.holder) if v.holder != v.cell else None,
            "proposer": self.who(v.proposer),
            "state": v.state_name,
            "meaning": meaning,
            "live": live,
            "closes_at": v.closes_at,
            "closes_text": format_time(v.closes_at) if v.closes_at else "",
            "deadline": v.deadline,
            "window_open": v.state_name in ("open", "escalated", "objected") and v.closes_at > v.now,
            "countdown": v.countdown() if live or v.state_name == "expired" else "",
            "rationale": v.rationale,
            "verb": verb,
            "actions": [self.named(d) for d in v.descriptions],
            "objections": [
                {"by": self.who(o.objector), "hat": hat_path(o.hat), "reason": o.reason, "standing": o.standing,
                 "note": o.note}
                for o in v.objections
            ],
            "amends": v.amended_from or None,
            "amended_as": v.amended_to or None,
            "veto_reason": v.veto_reason or None,
            "approved": v.approved,
        }

    def _hats(self) -> list[dict[str, Any]]:
        # wearers change only with the Hats contract's events (the org's hats take
        # their eligibility and toggle from the Safe, which keeps no other state)
        latest = self.indexer.events("Hats", newest_first=True, limit=1)
        mark = latest[0].id if latest else 0
        if self._tree is None or self._tree[0] != mark:
            self._tree = (mark, self._read_tree())
        return self._tree[1]

    def _read_tree(self) -> list[dict[str, Any]]:
        return [
            {
                "path": h.path,
                "level": h.level,
                "details": h.details,
                "active": h.active,
                "max_supply": int(h.max_supply),
                "wearers": [{"address": w, "name": self.names.get(w)} for w in h.wearers],
            }
            for h in self.hats.tree(self.state.top_hat)
        ]

    def _safe(self) -> dict[str, Any]:
        from opgov.reads import reader
        from opgov.safe import explain

        c = self.safe.contract
        owners, threshold, nonce = reader().views([(c, "getOwners", ()), (c, "getThreshold", ()), (c, "nonce", ())])
        owners = [str(o) for o in owners]
        out: dict[str, Any] = {
            "address": self.state.safe,
            "owners": [self.who(o) for o in owners],
            "threshold": int(threshold),
            "nonce": int(nonce),
            "pending": [],
            "folder": str(self.txs.root) if self.txs else None,
        }
        if self.txs is None:
            return out
        for path, entry in self.txs.entries(self.state.safe):
            if isinstance(entry, Exception):
                out["pending"].append({"file": path.name, "error": str(entry)})
                continue
            if entry.tx.nonce < out["nonce"]:
                continue  # executed or replaced: no longer pending
            status = self.safe.status(entry)
            out["pending"].append({
                "file": path.name,
                "nonce": entry.tx.nonce,
                "hash": entry.hash_hex,
                "lines": [self.named(line) for line in explain(entry.tx)[2:]],
                "signed": [self.who(o) for o in status.signed],
                "approved_on_chain": [self.who(o) for o in status.approved_on_chain],
                "count": status.count,
                "needed": status.threshold,
                "ready": status.ready,
                "waiting_for": [self.who(o) for o in status.waiting_for],
                "not_owners": [self.who(o) for o in status.not_owners],
            })
        return out

    # ------------------------------------------------------------ the feed

    def feed(self, after_id: int = 0, limit: int = 50) -> list[dict[str, Any]]:
        """The events stored after `after_id` in plain words, newest last (SQLite only: no lock needed).

        With `after_id` 0, the newest `limit` events.
        """
        if after_id:
            events = self.indexer.events(after_id=after_id, limit=limit)
        else:
            events = list(reversed(self.indexer.events(newest_first=True, limit=limit * 4)))
        out = []
        for ev in events:
            if ev.contract not in FEED_CONTRACTS:
                continue
            out.append({
                "id": ev.id, "block": ev.block_number, "time": ev.timestamp, "time_text": format_time(ev.timestamp),
                "contract": ev.contract, "event": ev.name, "text": self.say_event(ev), "tx": ev.tx_hash,
            })
        return out[-limit:] if not after_id else out

    def say_event(self, ev: "Event") -> str:
        """One event in plain words."""
        a = SimpleNamespace(**ev.args)
        say: Callable[[Board, Any], str] | None = _SAYINGS.get((ev.contract, ev.name))
        if say is not None:
            try:
                return say(self, a)
            except (KeyError, AttributeError, ValueError):
                pass
        shown = ", ".join(f"{k}={v}" for k, v in ev.args.items())
        return f"{ev.contract}: {ev.name}({shown})"

    def ref(self, proposal_id: int | str) -> str:
        """A proposal as people refer to it: #N, N counting ProposalCreated events in chain order."""
        pid = int(proposal_id)
        if pid not in self._numbers:
            created = self.indexer.events("ConsentModule", name="ProposalCreated")
            self._numbers = {int(ev.args["proposal_id"]): n for n, ev in enumerate(created, 1)}
        number = self._numbers.get(pid)
        return f"#{number}" if number else f"proposal {hex(pid)[:12]}…"

    def stream_cell(self, stream_id: int | str) -> str:
        for cid, sid in self.state.streams_of.items():
            if sid == int(stream_id):
                return f"{self.cell_name(self.state.cells[cid])}'s budget"
        return f"stream {int(stream_id) & (2**96 - 1)}"

    def hat_name(self, hat: int | str) -> str:
        """A hat's path with its details as the tree shows them: "1.2 (Repair Café)"."""
        path = hat_path(int(hat))
        details = {h["path"]: h["details"] for h in (self._tree[1] if self._tree else [])}
        return f"{path} ({details[path]})" if details.get(path) else path


def _rate(b: Board, a: Any) -> str:
    return format_rate(int(a.rate_per_second), b.token.symbol)


_SAYINGS: dict[tuple[str, str], Callable[[Board, Any], str]] = {
    ("ConsentModule", "ProposalCreated"): lambda b, a: (
        f"{b.who(a.proposer)} proposed {b.ref(a.proposal_id)} in {b.cell_name(a.cell)}: "
        f"{a.rationale.splitlines()[0] if a.rationale else '(no rationale)'}"),
    ("ConsentModule", "ObjectionRaised"): lambda b, a: (
        f"{b.who(a.objector)} objected to {b.ref(a.proposal_id)}: “{a.reason}”"),
    ("ConsentModule", "ObjectionWithdrawn"): lambda b, a: (
        f"{b.who(a.objector)} withdrew their objection to {b.ref(a.proposal_id)}"),
    ("ConsentModule", "ProposalAmended"): lambda b, a: (
        f"{b.who(a.amended_by)} amended {b.ref(a.proposal_id)} as {b.ref(a.new_proposal_id)}"),
    ("ConsentModule", "ProposalEscalated"): lambda b, a: (
        f"{b.ref(a.proposal_id)} was escalated from {b.cell_name(a.from_cell)} to {b.cell_name(a.to_cell)}"),
    ("ConsentModule", "ProposalApproved"): lambda b, a: f"the Safe's signers approved {b.ref(a.proposal_id)}",
    ("ConsentModule", "ProposalVetoed"): lambda b, a: f"the Safe vetoed {b.ref(a.proposal_id)}: “{a.reason}”",
    ("ConsentModule", "ProposalCancelled"): lambda b, a: (
        f"{b.who(a.cancelled_by)} cancelled {b.ref(a.proposal_id)}"),
    ("ConsentModule", "ProposalCleared"): lambda b, a: f"{b.ref(a.proposal_id)} was cleared",
    ("ConsentModule", "ProposalExecuted"): lambda b, a: (
        f"{b.who(a.executed_by)} executed {b.ref(a.proposal_id)} through the Safe"),
    ("ConsentModule", "CellSet"): lambda b, a: (
        f"the Safe set the domain of {b.cell_name(a.cell)}: consent window "
        f"{format_duration(int(a.consent_window))}"),
    ("ConsentModule", "ObjectorHatSet"): lambda b, a: (
        f"the Safe {'let' if a.allowed else 'stopped'} wearers of {b.hat_name(a.hat)} "
        f"object in {b.cell_name(a.cell)}"),
    ("ConsentModule", "SpendLimitSet"): lambda b, a: (
        f"the Safe limited {b.cell_name(a.cell)}'s spending to {b.amount(a.amount)} per "
        f"{format_duration(int(a.period))}" if a.token == b.token.address
        else f"the Safe set {b.cell_name(a.cell)}'s spending limit for {a.token}"),
    ("ConsentModule", "CallAllowed"): lambda b, a: (
        f"the Safe {'allowed' if a.allowed else 'disallowed'} {b.cell_name(a.cell)} to call "
        f"{a.selector} on {b.who(a.target)}"),
    ("BudgetStreams", "StreamCreated"): lambda b, a: (
        f"a budget of {_rate(b, a)} started streaming to {b.who(a.recipient)}"
        + (f" for {b.cell_name(a.spender_hat)}" if int(a.spender_hat) else "")),
    ("BudgetStreams", "Deposited"): lambda b, a: (
        f"{b.who(a.funder)} deposited {b.amount(a.amount)} into {b.stream_cell(a.stream_id)}"),
    ("BudgetStreams", "Withdrawn"): lambda b, a: (
        f"{b.who(a.caller)} paid {b.amount(a.amount)} from {b.stream_cell(a.stream_id)} to {b.who(a.to)}"),
    ("BudgetStreams", "RateAdjusted"): lambda b, a: f"{b.stream_cell(a.stream_id)} now streams {_rate(b, a)}",
    ("BudgetStreams", "Paused"): lambda b, a: f"{b.stream_cell(a.stream_id)} was paused",
    ("BudgetStreams", "Restarted"): lambda b, a: f"{b.stream_cell(a.stream_id)} restarted at {_rate(b, a)}",
    ("BudgetStreams", "Refunded"): lambda b, a: (
        f"the payer took back {b.amount(a.amount)} from {b.stream_cell(a.stream_id)}"),
    ("BudgetStreams", "Voided"): lambda b, a: (
        f"{b.who(a.caller)} stopped {b.stream_cell(a.stream_id)} for good"),
    ("BudgetStreams", "RecipientSet"): lambda b, a: (
        f"{b.stream_cell(a.stream_id)} is now paid to {b.who(a.recipient)}"),
    ("Hats", "HatCreated"): lambda b, a: f"hat {hat_path(int(a.id))} “{a.details}” was created",
    ("Hats", "TransferSingle"): lambda b, a: (
        f"{b.who(a.receiver)} now wears hat {b.hat_name(a.id)}"
        if int(a.value) and a.receiver != "0x0000000000000000000000000000000000000000"
        else f"{b.who(a.sender)} no longer wears hat {b.hat_name(a.id)}"),
    ("Hats", "WearerStandingChanged"): lambda b, a: (
        f"{b.who(a.wearer)} is {'in good standing' if a.wearerStanding else 'no longer in good standing'} "
        f"for hat {b.hat_name(a.hatId)}"),
    ("Hats", "HatStatusChanged"): lambda b, a: (
        f"hat {b.hat_name(a.hatId)} was {'switched on' if a.newStatus else 'switched off'}"),
    ("SignerGate", "SignerClaimed"): lambda b, a: (
        f"{b.who(a.signer)} took a signer seat on the Safe; {a.threshold} signatures needed"),
    ("SignerGate", "SignerRemoved"): lambda b, a: (
        f"{b.who(a.signer)} was removed from the Safe's signers; {a.threshold} signatures needed"),
    ("SignerGate", "ThresholdReconciled"): lambda b, a: f"the Safe now needs {a.threshold} signatures",
}
