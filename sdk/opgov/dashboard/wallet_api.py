"""What a member connected from the page may do, and how the page does it.

The page's wallet code (static/wallet.js) asks the server:

    GET  /api/wallet/config               chain id, consent module, forwarder, relayer (if any)
    GET  /api/wallet/member?address=0x..  the member's name and what they may do now, from their hats
                                          (objections, proposals, amendments, executions, payments
                                          from a cell's budget, Safe transactions to sign or execute,
                                          signed requests waiting for someone to relay them)
    POST /api/wallet/request              {verb, signer, ...}: what the action will do, in plain words,
                                          and either EIP-712 typed data to sign (gasless requests and
                                          Safe signatures) or a transaction for the wallet to send
    POST /api/wallet/relay                {request, signature}: a signed request, checked here
                                          (signature, nonce, deadline, a dry run), then sent from the
                                          relayer account, or kept for another member to relay
    POST /api/wallet/safe-signature       {hash, signer, signature}: a Safe owner's EIP-712 signature,
                                          checked here, then added to the transaction file the CLI uses

Verbs of /api/wallet/request: object, withdraw, propose, amend (gasless, or sent by the member
with `"send": true`; object and withdraw are always gasless), execute (a passed proposal),
spend (from a cell's budget stream to a supplier), safe-sign, safe-execute, relay (send a
kept signed request from the member's own wallet).

Every check is the SDK's (`ConsentClient.check_propose`, `check_relay`, `Safe.check`, ...),
so the page refuses what the command line refuses, and says what it will do in the words the
command line prints before it sends. Chain access holds the dashboard's chain lock.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from opgov.errors import ConsentError, OpgovError, SafeError, StreamError, UsageError
from opgov.hats import hat_path

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from opgov.consent import ConsentClient
    from opgov.deploy import OrgState
    from opgov.forwarder import ConsentRequest
    from opgov.safe_tx import PendingTx, TxFolder

# proposal states in which objections may be raised or withdrawn
_WINDOW_STATES = {"open", "objected", "escalated"}
# proposal states in which the proposer may amend
_AMENDABLE = {"open", "objected", "passed", "escalated", "pending", "expired"}
RELAY_FILE = "relay-requests.json"  # kept signed requests, beside the Safe transaction files
SAFE_TX_TYPE = [
    {"name": "to", "type": "address"},
    {"name": "value", "type": "uint256"},
    {"name": "data", "type": "bytes"},
    {"name": "operation", "type": "uint8"},
    {"name": "safeTxGas", "type": "uint256"},
    {"name": "baseGas", "type": "uint256"},
    {"name": "gasPrice", "type": "uint256"},
    {"name": "gasToken", "type": "address"},
    {"name": "refundReceiver", "type": "address"},
    {"name": "nonce", "type": "uint256"},
]


class WalletAPI:
    """The JSON answers behind the page's wallet actions.

    Args:
        consent_address: the org's consent module.
        names: address -> person's name, for plain words (and recipients by name).
        chain_lock: the dashboard's chain lock.
        relayer: the account that sends signed requests and pays their gas (None: the server
            keeps them, and the page shows them for another member to relay).
        state: where the org's parts live (for cells, budget streams and the Safe).
        txs: the folder of pending Safe transaction files (the CLI's).
        changed: called after something the page shows changed off-chain (a Safe signature).
    """

    def __init__(self, consent_address: str, names: dict[str, str], chain_lock: threading.RLock,
                 relayer: "AccountAPI | None" = None, state: "OrgState | None" = None,
                 txs: "TxFolder | None" = None, changed: Callable[[], None] | None = None):
        self.consent_address = consent_address
        self.names = names
        self.chain_lock = chain_lock
        self.relayer = relayer
        self.state = state
        self.txs = txs
        self.changed = changed
        self._client: "ConsentClient | None" = None
        self._kept_lock = threading.Lock()
        self._kept: dict[str, dict[str, Any]] = self._load_kept()

    @property
    def client(self) -> "ConsentClient":
        if self._client is None:
            from opgov.consent import ConsentClient

            self._client = ConsentClient.at(self.consent_address)
        return self._client

    # ------------------------------------------------------------ answers

    def config(self) -> dict[str, Any]:
        from ape import chain

        with self.chain_lock:
            forwarder = self.client.forwarder
            return {
                "chain_id": int(chain.chain_id),
                "module": self.client.address,
                "forwarder": str(forwarder.address) if forwarder is not None else None,
                "relayer": str(self.relayer.address) if self.relayer is not None else None,
            }

    def member(self, address: str) -> dict[str, Any]:
        """The member's name and what their hats let them do now."""
        address = _address(address)
        may: list[dict[str, Any]] = []
        with self.chain_lock:
            c = self.client
            live = c.proposals(live_only=True)
            # the checks below read each proposal again by id: read each once for this answer
            views, read = {p.id: p for p in live}, c.proposal
            c.proposal = lambda ref: views[ref] if ref in views else read(ref)
            try:
                for p in live:
                    may += self._proposal_actions(c, p, address)
            finally:
                del c.proposal
            answer = {
                "address": address,
                "name": self.names.get(address),
                "may": may,
                "propose": self._cells_to_propose(c, address),
                "spend": self._budgets(address),
                "safe": self._safe_actions(address),
                "relay": self._relayable() if self.names.get(address) else [],
                "recipients": sorted(n for a, n in self.names.items() if a != address and n != "the Safe"),
                "symbol": self._token().symbol if self.state is not None else None,
            }
        return answer

    def _proposal_actions(self, c: "ConsentClient", p: Any, address: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        if p.state_name in _WINDOW_STATES:
            try:
                c.check_withdraw(p.id, address)
                found.append({"verb": "withdraw", "ref": p.ref, "text": f"withdraw your objection to proposal {p.ref}"})
            except ConsentError:
                try:
                    c.check_object(p.id, "a reason", address)
                    found.append({"verb": "object", "ref": p.ref, "text": f"object to proposal {p.ref}"})
                except ConsentError:
                    pass
        # anyone may execute a passed proposal; the page offers it to its cell's proposers
        if p.state_name == "passed" and (address == p.proposer or c._wears(address, c.cell(p.holder).proposer_hat)):  # noqa: SLF001
            try:
                c.check_execute(p.id)
                found.append({"verb": "execute", "ref": p.ref, "text": f"execute proposal {p.ref}"})
            except ConsentError:
                pass
        if p.state_name in _AMENDABLE and not p.cleared:
            try:
                c.check_amend(p.id, p.actions, p.rationale or "", address)
                found.append({"verb": "amend", "ref": p.ref, "text": f"amend proposal {p.ref}",
                              "cell": hex(p.cell), "rationale": p.rationale or ""})
            except ConsentError:
                pass
        return found

    def _cells_to_propose(self, c: "ConsentClient", address: str) -> list[dict[str, Any]]:
        if self.state is None:
            return []
        cells = []
        for name, hat in self.state.cells.items():
            view = c.cell(hat)
            if not c._wears(address, view.proposer_hat):  # noqa: SLF001 - the check propose makes
                continue
            cells.append({"cell": name, "label": view.label})
        return cells

    def _budgets(self, address: str) -> list[dict[str, Any]]:
        if self.state is None:
            return []
        from opgov.streams import StreamsClient

        streams = StreamsClient.at(self.state.streams)
        found = []
        for cell, sid in self.state.streams_of.items():
            view = streams.stream(sid)
            if streams._spender_ok(view, address):  # noqa: SLF001 - what withdraw checks
                found.append({"stream": str(sid), "cell": cell, "number": view.number,
                              "text": f"pay from stream {view.number} ({cell}'s budget): "
                                      f"{view.amount(view.withdrawable)} withdrawable now"})
        return found

    def _safe_actions(self, address: str) -> list[dict[str, Any]]:
        if self.state is None or self.txs is None:
            return []
        safe = self._safe()
        owners = safe.owners()
        if address not in owners:
            return []
        found = []
        nonce = safe.nonce()
        for _path, entry in self.txs.entries(safe.address):
            if isinstance(entry, Exception) or entry.tx.nonce < nonce:
                continue
            status = safe.status(entry)
            short = entry.hash_hex[:10]
            if address not in status.signed and address not in status.approved_on_chain:
                found.append({"verb": "safe-sign", "hash": entry.hash_hex,
                              "text": f"sign Safe transaction nonce {entry.tx.nonce} ({short})"})
            if entry.tx.nonce == nonce:
                try:
                    safe.check(entry, address)
                    found.append({"verb": "safe-execute", "hash": entry.hash_hex,
                                  "text": f"execute Safe transaction nonce {entry.tx.nonce} ({short})"})
                except SafeError:
                    pass
        return found

    # ------------------------------------------------------------ preparing an action

    def request(self, body: dict[str, Any]) -> dict[str, Any]:
        """What an action will do in plain words, with typed data to sign or a transaction to send."""
        verb, signer = body.get("verb"), _address(body.get("signer"))
        prepare = {
            "object": self._prepare_object, "withdraw": self._prepare_withdraw,
            "propose": self._prepare_propose, "amend": self._prepare_amend,
            "execute": self._prepare_execute, "spend": self._prepare_spend,
            "safe-sign": self._prepare_safe_sign, "safe-execute": self._prepare_safe_execute,
            "relay": self._prepare_relay,
        }.get(str(verb))
        if prepare is None:
            raise UsageError(f"{verb!r} cannot be done from the page",
                             "use object, withdraw, propose, amend, execute, spend, safe-sign, safe-execute or relay")
        with self.chain_lock:
            answer = prepare(body, signer)
        answer["verb"] = verb
        return answer

    def _gasless(self, req: "ConsentRequest", words: str, about: list[str]) -> dict[str, Any]:
        payer = (f"the dashboard's relayer ({self.relayer.address}) pays the gas" if self.relayer is not None
                 else "another member relays it from their page and pays the gas")
        return {
            "kind": "gasless",
            "request": req.to_json(),
            "typed_data": _json_typed(self.client.typed_data(req)),
            "words": words,
            "proposal": about,
            "cost": f"signing costs you nothing; {payer}",
        }

    def _send(self, to: str, data: bytes, words: str, about: list[str]) -> dict[str, Any]:
        return {
            "kind": "send",
            "tx": {"to": str(to), "data": "0x" + bytes(data).hex(), "value": "0x0"},
            "words": words,
            "proposal": about,
            "cost": "your wallet sends it and you pay its gas",
        }

    def _prepare_object(self, body: dict[str, Any], signer: str) -> dict[str, Any]:
        from opgov.consent import describe

        c, ref, reason = self.client, str(body.get("ref", "")), str(body.get("reason") or "").strip()
        req = c.object_request(ref, reason, signer)
        p, hat = c.check_object(ref, reason, signer)
        words = f"object to proposal {p.ref} as {self._who(signer)} (hat {hat_path(hat)}), because: {reason}"
        return self._gasless(req, words, describe(p, self.names))

    def _prepare_withdraw(self, body: dict[str, Any], signer: str) -> dict[str, Any]:
        from opgov.consent import describe

        c, ref = self.client, str(body.get("ref", ""))
        req = c.withdraw_request(ref, signer)
        p = c.proposal(ref)
        return self._gasless(req, f"withdraw {self._who(signer)}'s objection to proposal {p.ref}", describe(p, self.names))

    def _payment(self, body: dict[str, Any]) -> list[Any]:
        """The one payment the page's form describes: an amount in token units to a name or address."""
        from opgov.consent import pay

        if self.state is None:
            raise UsageError("this dashboard does not know the org's token", "propose with `opgov propose`")
        amount = str(body.get("amount") or "").strip()
        if not amount:
            raise UsageError("the amount is missing", f"write it in token units, e.g. 250 or 250 {self._token().symbol}")
        symbol = self._token().symbol
        if not amount.upper().endswith(symbol.upper()):
            amount = f"{amount} {symbol}"
        try:
            return [pay(self.state.token, amount, self._recipient(body.get("recipient")))]
        except OpgovError:
            raise
        except (ValueError, ArithmeticError) as err:
            raise UsageError(f"{amount!r} is not an amount", f"write it in token units, e.g. 250 {symbol}") from err

    def _prepare_propose(self, body: dict[str, Any], signer: str) -> dict[str, Any]:
        from opgov.consent import describe_action
        from opgov.units import format_duration

        c = self.client
        cell = self._cell(body.get("cell"))
        actions = self._payment(body)
        rationale = str(body.get("rationale") or "").strip()
        view = c.check_propose(cell, actions, rationale, signer)
        words = (f"propose for {view.label}, from {self._who(signer)}; objections may be raised for "
                 f"{format_duration(view.consent_window)}; executing will:")
        about = [self._named(f"    {i}. {describe_action(a, c.safe)}") for i, a in enumerate(actions, 1)]
        about += [f"  why: {rationale}"] if rationale else []
        problems = c.domain_problems(cell, actions)
        if problems:
            about.append(f"  note: outside the cell's domain as things stand, so it will need escalation: "
                         f"{'; '.join(problems)}")
        if body.get("send") or c.forwarder is None:
            data = c.contract.propose.encode_input(cell, [_struct(a) for a in actions], rationale)
            return self._send(c.address, data, words, about)
        return self._gasless(c.propose_request(cell, actions, rationale, signer), words, about)

    def _prepare_amend(self, body: dict[str, Any], signer: str) -> dict[str, Any]:
        from opgov.consent import describe_action

        c = self.client
        actions = self._payment(body)
        rationale = str(body.get("rationale") or "").strip()
        p = c.check_amend(str(body.get("ref", "")), actions, rationale, signer)
        words = f"amend proposal {p.ref} (it becomes superseded; a new window opens); executing will:"
        about = [self._named(f"    {i}. {describe_action(a, c.safe)}") for i, a in enumerate(actions, 1)]
        about += [f"  why: {rationale}"] if rationale else []
        data = c.contract.amend.encode_input(p.id, [_struct(a) for a in actions], rationale)
        return self._send(c.address, data, words, about)

    def _prepare_execute(self, body: dict[str, Any], signer: str) -> dict[str, Any]:
        from opgov.consent import describe_action

        c = self.client
        p, actions = c.check_execute(str(body.get("ref", "")))
        words = f"execute proposal {p.ref} through the Safe {c.safe}:"
        about = [self._named(f"    {i}. {describe_action(a, c.safe)}") for i, a in enumerate(actions, 1)]
        data = c.contract.execute.encode_input(p.id, [_struct(a) for a in actions])
        return self._send(c.address, data, words, about)

    def _prepare_spend(self, body: dict[str, Any], signer: str) -> dict[str, Any]:
        from opgov.streams import StreamsClient

        if self.state is None:
            raise UsageError("this dashboard does not know the org's budget streams", "use `opgov stream withdraw`")
        streams = StreamsClient.at(self.state.streams)
        sid = int(str(body.get("stream", "0")))
        if sid not in self.state.streams_of.values():
            raise StreamError(f"stream {body.get('stream')!r} is not a cell's budget here", "pick one from the list")
        view = streams.stream(sid)
        if not streams._spender_ok(view, signer):  # noqa: SLF001 - the check withdraw makes
            raise StreamError(f"{signer} is not the recipient of stream {view.number} nor wears its spender hat "
                              f"{hat_path(view.spender_hat)}", "pay from an account that wears it")
        to = self._recipient(body.get("recipient"))
        if to == streams.address:
            raise StreamError("cannot pay to the BudgetStreams contract itself", "give the address to pay")
        base = streams._positive(view.token.base_units(str(body.get("amount") or "").strip() or "0"),  # noqa: SLF001
                                 "withdrawal")
        if base > view.withdrawable:
            raise StreamError(f"{view.amount(base)} is more than the {view.amount(view.withdrawable)} withdrawable "
                              f"from stream {view.number}", f"withdraw at most {view.amount(view.withdrawable)}")
        words = f"withdraw {view.amount(base)} from stream {view.number} and pay it to {self._who(to)}"
        data = streams.contract.withdraw.encode_input(sid, to, base)
        return self._send(streams.address, data, words, [])

    def _pending(self, body: dict[str, Any]) -> tuple[Path, "PendingTx"]:
        from opgov.safe_tx import PendingTx

        if self.txs is None or self.state is None:
            raise SafeError("this dashboard keeps no Safe transaction files", "sign with `opgov safe sign`")
        ref = str(body.get("hash") or "").lower()
        if not ref.startswith("0x") or len(ref) != 66:
            raise SafeError(f"{ref!r} is not a Safe transaction hash", "pick the transaction from the page")
        path = self.txs.find(ref, self.state.safe)
        return path, PendingTx.read(path, self._safe().chain_id)

    def _prepare_safe_sign(self, body: dict[str, Any], signer: str) -> dict[str, Any]:
        from opgov.safe import explain

        _path, entry = self._pending(body)
        safe = self._safe()
        safe.check_fits(entry)
        if signer not in safe.owners():
            raise SafeError(f"{signer} is not an owner of the Safe {safe.address}", "sign with an owner's wallet")
        lines = explain(entry.tx, hashes=True)
        return {
            "kind": "safe-signature",
            "hash": entry.hash_hex,
            "typed_data": safe_typed_data(entry),
            "words": f"sign Safe transaction nonce {entry.tx.nonce} as {self._who(signer)}, which will:",
            "proposal": [self._named(line) for line in lines],
            "cost": "signing costs you nothing; your signature goes into the transaction file the command line uses",
        }

    def _prepare_safe_execute(self, body: dict[str, Any], signer: str) -> dict[str, Any]:
        from opgov.safe import explain

        _path, entry = self._pending(body)
        safe = self._safe()
        signatures = safe.check(entry, signer)
        data = safe.contract.execTransaction.encode_input(*entry.tx.exec_args(), signatures)
        words = f"execute Safe transaction nonce {entry.tx.nonce} from {self._who(signer)}, which will:"
        return self._send(safe.address, data, words, [self._named(line) for line in explain(entry.tx)[2:]])

    def _prepare_relay(self, body: dict[str, Any], signer: str) -> dict[str, Any]:
        from opgov.forwarder import ConsentRequest

        kept = self._kept.get(str(body.get("id")))
        if kept is None:
            raise ConsentError("that signed request is no longer kept here (relayed, or expired)",
                               "reload the page to see what waits")
        req, signature = ConsentRequest.from_json(kept["request"]), bytes.fromhex(kept["signature"][2:])
        c = self.client
        c.check_relay(req, signature)
        data = c._forwarder_or_fail().execute.encode_input(req.as_tuple(), signature)  # noqa: SLF001
        words = f"relay {self._who(req.signer)}'s signed request: {kept['words']}"
        return self._send(str(c._forwarder_or_fail().address), data, words, kept.get("proposal", []))  # noqa: SLF001

    # ------------------------------------------------------------ signed things coming back

    def relay(self, body: dict[str, Any]) -> dict[str, Any]:
        """Check a signed request here, then send it from the relayer account, or keep it for a member."""
        from opgov.forwarder import ConsentRequest

        try:
            req = ConsentRequest.from_json(body["request"])
            signature = bytes.fromhex(str(body["signature"]).removeprefix("0x"))
        except (KeyError, TypeError, ValueError) as err:
            raise UsageError("the request or its signature is malformed", "sign it again from the page") from err
        with self.chain_lock:
            c = self.client
            c.check_relay(req, signature)
            if self.relayer is None:
                key = self._keep(req, signature, str(body.get("words") or ""), body.get("proposal") or [])
                return {"relayed": False, "id": key,
                        "text": "signed and checked; the dashboard keeps it until a member relays it from their "
                                "page (the Relay button) or it expires",
                        "request": req.to_json(), "signature": "0x" + signature.hex()}
            receipt = c.relay(req, signature, sender=self.relayer)
        return {"relayed": True, "tx": str(receipt.txn_hash), "text": "sent; the page updates when it is mined"}

    def safe_signature(self, body: dict[str, Any]) -> dict[str, Any]:
        """Check an owner's signature of a kept Safe transaction, then add it to the transaction file."""
        from opgov.safe_tx import Confirmation, to_bytes

        signer = _address(body.get("signer"))
        with self.chain_lock:
            path, entry = self._pending(body)
            safe = self._safe()
            safe.check_fits(entry)
            if signer not in safe.owners():
                raise SafeError(f"{signer} is not an owner of the Safe {safe.address}", "sign with an owner's wallet")
            confirmation = Confirmation(signer, to_bytes(body.get("signature"), "signature"))
            if len(confirmation.signature) != 65:
                raise SafeError("the signature is not 65 bytes", "sign again from the page")
            entry.add(confirmation)  # raises if it is not the signer's signature of this transaction
            self.txs.save(entry)
            status = safe.status(entry)
        if self.changed is not None:
            self.changed()
        return {"saved": path.name, "count": status.count, "needed": status.threshold, "ready": status.ready,
                "text": f"signature added to {path.name}: {status.count} of {status.threshold} needed"}

    # ------------------------------------------------------------ kept signed requests

    def _kept_path(self) -> Path | None:
        return Path(self.txs.root) / RELAY_FILE if self.txs is not None else None

    def _load_kept(self) -> dict[str, dict[str, Any]]:
        path = self._kept_path()
        if path is None or not path.is_file():
            return {}
        try:
            kept = json.loads(path.read_text())
            return kept if isinstance(kept, dict) else {}
        except (OSError, ValueError):
            return {}

    def _save_kept(self) -> None:
        path = self._kept_path()
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._kept, indent=1))
        tmp.replace(path)

    def _keep(self, req: "ConsentRequest", signature: bytes, words: str, about: list) -> str:
        from opgov.forwarder import relayable

        key = f"{req.signer.lower()}-{req.nonce}"
        words = words or f"{relayable(req.data)} for {self._who(req.signer)}"
        with self._kept_lock:
            self._kept[key] = {"request": req.to_json(), "signature": "0x" + signature.hex(),
                               "words": words[:600], "proposal": [str(x)[:300] for x in about][:20],
                               "kept_at": int(time.time())}
            self._save_kept()
        return key

    def _relayable(self) -> list[dict[str, Any]]:
        """The kept requests that can still run (relayed or expired ones are dropped here)."""
        from opgov.consent import _now
        from opgov.forwarder import ConsentRequest

        forwarder = self.client.forwarder
        if forwarder is None:
            return []
        now = _now()
        found, gone = [], []
        for key, kept in list(self._kept.items()):
            req = ConsentRequest.from_json(kept["request"])
            if req.deadline < now or int(forwarder.nonces(req.signer)) > req.nonce:
                gone.append(key)
                continue
            words = kept["words"]
            if words.endswith(":"):  # "...; executing will:" and the actions
                words += " " + "; ".join(str(line).strip() for line in kept.get("proposal", [])[:5])
            found.append({"id": key, "verb": "relay", "signer": req.signer,
                          "text": f"relay {self._who(req.signer)}'s signed request: {words}"})
        if gone:
            with self._kept_lock:
                for key in gone:
                    self._kept.pop(key, None)
                self._save_kept()
        return found

    # ------------------------------------------------------------ helpers

    def _who(self, address: str) -> str:
        name = self.names.get(address)
        return f"{name} ({address})" if name else address

    def _named(self, line: str) -> str:
        """The SDK's plain words with the full addresses people know by name."""
        import re

        for address in set(re.findall(r"0x[0-9a-fA-F]{40}", line)):
            name = self.names.get(address)
            if name:
                line = line.replace(address, f"{name} ({address})")
        return line

    def _safe(self):
        from opgov.safe import Safe

        return Safe.at(self.state.safe)

    def _token(self):
        from opgov.safe import token_info

        return token_info(self.state.token)

    def _cell(self, value: Any) -> int:
        text = str(value or "").strip()
        if self.state is not None and text in self.state.cells:
            return self.state.cells[text]
        raise UsageError(f"{text!r} is not one of the org's cells", "pick the cell from the list")

    def _recipient(self, value: Any) -> str:
        """A recipient written as a name from org.yaml or as an address."""
        from opgov.addresses import check_hex

        text = str(value or "").strip()
        if not text:
            raise UsageError("the recipient is missing", "give a name from org.yaml or a 0x address")
        by_name = {n.lower(): a for a, n in self.names.items()}
        if text.lower() in by_name:
            return by_name[text.lower()]
        if text.lower().startswith("0x"):
            return check_hex(text, "the recipient")
        raise UsageError(f"{text!r} is neither a name in org.yaml nor an address",
                         f"use one of {', '.join(sorted(by_name))}, or a 0x address")


def handle(api: WalletAPI | None, method: str, path: str, query: dict[str, list[str]],
           body: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
    """Route one /api/wallet/ call; returns (HTTP status, JSON answer). Errors come back as
    one line that says what to do, never a traceback."""
    if api is None:
        return 404, {"error": "this dashboard has no wallet actions"}
    try:
        if method == "GET" and path == "/api/wallet/config":
            return 200, api.config()
        if method == "GET" and path == "/api/wallet/member":
            return 200, api.member(query.get("address", [""])[0])
        if method == "POST" and path == "/api/wallet/request":
            return 200, api.request(body or {})
        if method == "POST" and path == "/api/wallet/relay":
            return 200, api.relay(body or {})
        if method == "POST" and path == "/api/wallet/safe-signature":
            return 200, api.safe_signature(body or {})
    except OpgovError as err:
        return 400, {"error": str(err)}
    return 404, {"error": f"there is no {method} {path} here"}


def safe_typed_data(entry: "PendingTx") -> dict[str, Any]:
    """A Safe transaction as EIP-712 typed data (what `eth_signTypedData_v4` takes), numbers as
    decimal strings and bytes as 0x hex; its hash is the safeTxHash."""
    tx = entry.tx
    return {
        "types": {"EIP712Domain": [{"name": "chainId", "type": "uint256"},
                                   {"name": "verifyingContract", "type": "address"}],
                  "SafeTx": SAFE_TX_TYPE},
        "primaryType": "SafeTx",
        "domain": {"chainId": str(tx.chain_id), "verifyingContract": tx.safe},
        "message": {"to": tx.to, "value": str(tx.value), "data": "0x" + tx.data.hex(), "operation": str(tx.operation),
                    "safeTxGas": str(tx.safe_tx_gas), "baseGas": str(tx.base_gas), "gasPrice": str(tx.gas_price),
                    "gasToken": tx.gas_token, "refundReceiver": tx.refund_receiver, "nonce": str(tx.nonce)},
    }


def _struct(action: Any) -> tuple:
    return (action.to, int(action.value), bytes(action.data))


def _address(value: Any) -> str:
    from eth_utils import is_address, to_checksum_address

    if not isinstance(value, str) or not is_address(value):
        raise UsageError(f"{value!r} is not an address", "connect a wallet first")
    return to_checksum_address(value)


def _json_typed(typed: dict[str, Any]) -> dict[str, Any]:
    """Typed data with bytes as 0x hex and numbers as decimal strings, as JSON carries them."""
    message = dict(typed["message"])
    message["data"] = "0x" + bytes(message["data"]).hex()
    message["nonce"], message["deadline"] = str(message["nonce"]), str(message["deadline"])
    return {**typed, "message": message}
