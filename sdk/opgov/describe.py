"""Safe transactions in plain words: what a signer reads before signing.

Every call a Safe transaction makes is decoded with the ABI of the contract it
goes to (opgov's Hats, BudgetStreams, ConsentModule and SignerGate, the Safe
itself, ERC-20 tokens, MultiSendCallOnly batches call by call) and said with
the org's names: people, cells, roles and contracts from org.yaml and the
deployments record, amounts in token units ("approve proposal #3 of Repair
Café: transfer 1,500.00 USDC to hardware-shop (0x9965…A4dc)").

Everything here is pure: what is known about addresses, hats, streams and
proposals comes in a `Names`, filled from the chain by `opgov.safe` or by hand
in tests. A call that cannot be decoded is said to be so, with a warning:
signers must never have to guess.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import localcontext
from functools import cache
from pathlib import Path
from typing import Any, Callable

from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address

from opgov.hats import hat_path
from opgov.safe_tx import DELEGATECALL, MULTISEND_SELECTOR, ZERO_ADDRESS, Call, SafeTx, decode_multisend, hex0x
from opgov.units import format_amount, format_duration, format_rate

SENTINEL = "0x0000000000000000000000000000000000000001"
NO_LIMIT = 2**128 - 1  # a spending limit this high is no limit (as opgov deploy writes it)
OPGOV_CONTRACTS = ("Hats", "BudgetStreams", "ConsentModule", "SignerGate")
ERC20_ABI = [
    {"type": "function", "name": name, "inputs": [{"name": n, "type": t} for n, t in inputs], "outputs": []}
    for name, inputs in (
        ("transfer", [("to", "address"), ("amount", "uint256")]),
        ("approve", [("spender", "address"), ("amount", "uint256")]),
        ("transferFrom", [("from", "address"), ("to", "address"), ("amount", "uint256")]),
        ("increaseAllowance", [("spender", "address"), ("amount", "uint256")]),
        ("decreaseAllowance", [("spender", "address"), ("amount", "uint256")]),
    )
]


# ---------------------------------------------------------------- what is known


@dataclass(frozen=True)
class Token:
    """An ERC-20 token's symbol and decimals."""

    symbol: str
    decimals: int


@dataclass(frozen=True)
class Stream:
    """A budget stream: whose it is, and its token."""

    label: str  # how people know it: "stream #2 (Repair Café's budget)"
    token: str | None = None


@dataclass(frozen=True)
class Proposal:
    """A consent-module proposal as people know it."""

    ref: str  # "#3"
    cell: str  # the cell's name
    actions: tuple[Call, ...] = ()
    rationale: str = ""


@dataclass
class Names:
    """What the describer knows about the addresses and ids a transaction mentions.

    The dictionaries are read first; `lookup`, if given, is asked about what
    they miss (`token(address)`, `stream(id)`, `proposal(id)`, `hat(id)`, each
    returning None when it does not know) and its answers are kept.
    """

    safe: str | None = None
    addresses: dict[str, str] = field(default_factory=dict)
    """address -> name: people, suppliers, the org's contracts."""
    contracts: dict[str, str] = field(default_factory=dict)
    """address -> kind: Safe, Hats, BudgetStreams, ConsentModule, SignerGate, MultiSendCallOnly."""
    tokens: dict[str, Token] = field(default_factory=dict)
    hats: dict[int, str] = field(default_factory=dict)
    """hat id -> name ("Repair Café", "Repair Café lead", "Signer")."""
    streams: dict[int, Stream] = field(default_factory=dict)
    proposals: dict[int, Proposal] = field(default_factory=dict)
    abis: dict[str, list] = field(default_factory=dict)
    """kind -> ABI; by default opgov's compiled contracts, the Safe's and ERC-20's (see `default_abis`)."""
    lookup: Any = None

    def __post_init__(self) -> None:
        self.addresses = {_cs(a): n for a, n in self.addresses.items()}
        self.contracts = {_cs(a): k for a, k in self.contracts.items()}
        self.tokens = {_cs(a): t for a, t in self.tokens.items()}
        if self.safe:
            self.safe = _cs(self.safe)
            self.contracts.setdefault(self.safe, "Safe")
            self.addresses.setdefault(self.safe, "the Safe")

    def _ask(self, table: dict, key: Any, what: str) -> Any:
        if key not in table and self.lookup is not None:
            try:
                table[key] = getattr(self.lookup, what)(key)
            except Exception:  # a lookup that fails knows nothing; the description says so
                table[key] = None
        return table.get(key)

    def token(self, address: str) -> Token | None:
        return self._ask(self.tokens, _cs(address), "token")

    def stream(self, stream_id: int) -> Stream | None:
        return self._ask(self.streams, int(stream_id), "stream")

    def proposal(self, proposal_id: int) -> Proposal | None:
        return self._ask(self.proposals, int(proposal_id), "proposal")

    def stream_name(self, stream_id: int) -> str:
        """A budget stream as people know it: "stream #2 (Thing Library's budget)", else "stream #2"."""
        known = self.stream(stream_id)
        return known.label if known and known.label else f"stream #{int(stream_id) & (2**96 - 1)}"

    def hat_name(self, hat_id: int) -> str | None:
        return self._ask(self.hats, int(hat_id), "hat")

    def kind(self, address: str) -> str | None:
        address = _cs(address)
        if address in self.contracts:
            return self.contracts[address]
        if self.token(address) is not None:
            return "ERC20"
        return None

    # ------------------------------------------------------------ saying things

    def who(self, address: str) -> str:
        """An address with its name if known: `alice (0x7099…79C8)`, else the full address."""
        address = _cs(address)
        if address == ZERO_ADDRESS:
            return "nobody (the zero address)"
        name = self.addresses.get(address)
        if name is None and address in self.contracts:
            name = self.contracts[address]
        if name is None:
            token = self.tokens.get(address)
            name = f"the {token.symbol} token" if token else None
        return f"{name} ({_short(address)})" if name else address

    def hat(self, hat_id: int) -> str:
        """A hat by its name and path: `Repair Café (hat 1.2)`."""
        hat_id = int(hat_id)
        if hat_id == 0:
            return "no hat"
        name = self.hat_name(hat_id)
        return f"{name} (hat {hat_path(hat_id)})" if name else f"hat {hat_path(hat_id)}"

    def amount(self, token: str | None, base: int, warnings: list[str]) -> str:
        """An amount of a token in its units, or in base units with a warning when the token is not known."""
        info = self.token(token) if token else None
        if info is None:
            where = f"token {_cs(token)}" if token else "an unknown token"
            warnings.append(f"the decimals of {where} are not known here: check the amount on a connected machine")
            return f"{base} base units of {where}"
        return amount_text(base, info)

    def rate(self, token: str | None, per_second: int, warnings: list[str]) -> str:
        info = self.token(token) if token else None
        if info is None:
            warnings.append("the stream's token is not known here: check the rate on a connected machine")
            return f"{per_second} (18-decimal units per second)"
        with localcontext() as ctx:
            ctx.prec = 100
            return format_rate(per_second, info.symbol)


def amount_text(base: int, token: Token) -> str:
    """Base units as token units: 1500000000 USDC base units -> "1,500.00 USDC" (any size, never a crash)."""
    with localcontext() as ctx:
        ctx.prec = 100
        places = token.decimals if base < 100 else min(2, token.decimals)
        return format_amount(int(base), token.decimals, token.symbol, places=places)


def eth_text(wei: int) -> str:
    """Wei as ETH with four places: "1.5000 ETH" (smaller amounts in full)."""
    with localcontext() as ctx:
        ctx.prec = 100
        return format_amount(int(wei), 18, "ETH", places=4)


# ---------------------------------------------------------------- ABIs


def _safe_eth_abi(artifact: str) -> list:
    import safe_eth.eth.contracts

    folder = Path(safe_eth.eth.contracts.__file__).parent / "abis"
    return json.loads((folder / f"{artifact}.json").read_text())["abi"]


@cache
def default_abis() -> dict[str, list]:
    """The ABIs the describer decodes with: opgov's compiled contracts, Safe v1.4.1's and ERC-20's.

    opgov's contracts are compiled (no node needed) the first time; a
    contract that does not compile is left out, and its calls are then shown
    as undecodable.
    """
    abis: dict[str, list] = {
        "Safe": _safe_eth_abi("Safe_V1_4_1"),
        "MultiSendCallOnly": _safe_eth_abi("MultiSendCallOnly_V1_4_1"),
        "ERC20": ERC20_ABI,
    }
    try:
        from opgov.contracts import container

        for name in OPGOV_CONTRACTS:
            abis[name] = [a.model_dump(mode="json", by_alias=True) for a in container(name).contract_type.abi]
    except Exception:  # no sources or no compiler: those calls are shown as undecodable
        pass
    return abis


@dataclass(frozen=True)
class Function:
    kind: str
    name: str
    inputs: tuple[tuple[str, str], ...]  # (name without a leading _, canonical type)

    @property
    def signature(self) -> str:
        return f"{self.name}({','.join(t for _, t in self.inputs)})"


def _canonical(arg: dict) -> str:
    kind = arg["type"]
    if kind.startswith("tuple"):
        return "(" + ",".join(_canonical(c) for c in arg["components"]) + ")" + kind[len("tuple"):]
    return kind


def selectors(abis: dict[str, list]) -> dict[bytes, list[Function]]:
    """Every function of the ABIs by selector (a selector may belong to several kinds)."""
    table: dict[bytes, list[Function]] = {}
    for kind, abi in abis.items():
        for entry in abi:
            if entry.get("type") != "function" or entry.get("stateMutability") in ("view", "pure"):
                continue
            fn = Function(kind, entry["name"], tuple((i.get("name", "").lstrip("_"), _canonical(i)) for i in entry["inputs"]))
            table.setdefault(keccak(text=fn.signature)[:4], []).append(fn)
    return table


@cache
def _default_selectors() -> dict[bytes, list[Function]]:
    return selectors(default_abis())


def function_name(selector: bytes, kind: str | None = None, abis: dict[str, list] | None = None) -> str | None:
    """A selector's function name (`transfer`), preferring the given contract kind."""
    found = (selectors(abis) if abis else _default_selectors()).get(bytes(selector), [])
    for fn in found:
        if kind is None or fn.kind == kind:
            return fn.name
    return None


# ---------------------------------------------------------------- describing


@dataclass
class Described:
    """One call in plain words, with the warnings a signer must read."""

    text: str
    warnings: list[str] = field(default_factory=list)
    decoded: bool = True


def describe_call(call: Call, names: Names) -> Described:
    """One call the Safe makes, in plain words.

    Args:
        call: the call.
        names: what is known about the org (see `Names`).
    """
    warnings: list[str] = []
    sending = f", sending {eth_text(call.value)}" if call.value else ""
    if not call.data:
        return Described(f"send {eth_text(call.value)} to {names.who(call.to)}", warnings)
    kind = names.kind(call.to)
    table = selectors(names.abis) if names.abis else _default_selectors()
    candidates = table.get(call.data[:4], [])
    chosen = next((f for f in candidates if f.kind == kind), None)
    if chosen is None and candidates and kind is None:
        chosen = candidates[0]
        if chosen.kind != "ERC20":
            warnings.append(
                f"{call.to} is not one of the org's known contracts; the call was read as "
                f"{chosen.kind}.{chosen.name} from its function selector alone"
            )
    if chosen is None:
        where = f"{kind} " if kind else ""
        warnings.append(
            f"a call to {where}{names.who(call.to)} could not be decoded: ask the proposer what it does before signing"
        )
        text = f"call unknown function {hex0x(call.data[:4])} on {names.who(call.to)} with {len(call.data)} bytes of data"
        return Described(text + sending, warnings, decoded=False)
    try:
        values = abi_decode([t for _, t in chosen.inputs], call.data[4:])
    except Exception:
        warnings.append(f"the arguments of {chosen.name} are malformed: do not sign this")
        return Described(f"call {chosen.kind}.{chosen.name} with malformed arguments on {names.who(call.to)}{sending}",
                         warnings, decoded=False)
    args = {n or f"arg{i}": _plain(v) for i, ((n, _), v) in enumerate(zip(chosen.inputs, values))}
    if chosen.kind == "MultiSendCallOnly" and chosen.name == "multiSend":
        return _describe_batch(call.data, names, nested=True)
    say = SAYINGS.get((chosen.kind, chosen.name))
    text = None
    if say is not None:
        try:
            text = say(_Ctx(call, names, warnings), **args)
        except Exception:  # a saying that does not fit these arguments: show them plainly
            text = None
    if text is None:
        shown = ", ".join(f"{k}={_arg(names, k, v)}" for k, v in args.items())
        text = f"call {chosen.kind}.{chosen.name}({shown}) on {names.who(call.to)}"
    return Described(text + sending, warnings)


def describe_tx(tx: SafeTx, names: Names) -> tuple[list[str], list[str]]:
    """A Safe transaction's calls in plain words, and the warnings about it.

    Returns:
        (lines, warnings): one line per call (a batch: a header, then each call
        numbered), and a warning per thing the signer must check.
    """
    if names.safe is None:
        names.safe = tx.safe
        names.contracts.setdefault(tx.safe, "Safe")
        names.addresses.setdefault(tx.safe, "the Safe")
    if tx.operation == DELEGATECALL and tx.data[:4] == MULTISEND_SELECTOR and names.kind(tx.to) in (None, "MultiSendCallOnly"):
        described = _describe_batch(tx.data, names, at=tx.to)
        lines = described.text.split("\n")
        warnings = described.warnings
    elif tx.operation == DELEGATECALL:
        lines = [f"DELEGATECALL to {names.who(tx.to)}: its code runs as the Safe and can change anything in it"]
        warnings = [f"a delegatecall to {tx.to}: sign only if you trust that contract with the whole Safe"]
    else:
        d = describe_call(Call(tx.to, tx.value, tx.data), names)
        lines, warnings = d.text.split("\n"), d.warnings
    if tx.gas_price or tx.base_gas or tx.safe_tx_gas:
        lines.append(
            f"and pays the executor a gas refund (safeTxGas {tx.safe_tx_gas}, baseGas {tx.base_gas}, "
            f"gasPrice {tx.gas_price}, token {tx.gas_token}, to {names.who(tx.refund_receiver)})"
        )
    return lines, list(dict.fromkeys(warnings))


def _describe_batch(data: bytes, names: Names, at: str | None = None, nested: bool = False) -> Described:
    try:
        calls = decode_multisend(data)
    except Exception as err:
        return Described(f"a batch that cannot be read ({err})", ["the batch is malformed: do not sign this"], False)
    where = f" (MultiSendCallOnly at {_short(at)})" if at else ""
    lines = [f"a batch of {len(calls)} calls{where}, all or none:"]
    warnings: list[str] = []
    for i, c in enumerate(calls, 1):
        d = describe_call(c, names)
        lines.append(f"  {i}. " + d.text.replace("\n", "\n     "))
        warnings += [f"call {i}: {w}" for w in d.warnings]
    return Described("\n".join(lines), warnings)


# ---------------------------------------------------------------- the sayings


@dataclass
class _Ctx:
    call: Call
    names: Names
    warnings: list[str]

    @property
    def to_safe(self) -> bool:
        return self.names.safe is not None and self.call.to == self.names.safe

    def who(self, a: str) -> str:
        return self.names.who(a)

    def hat(self, h: int) -> str:
        return self.names.hat(h)

    def amount(self, token: str | None, base: int) -> str:
        return self.names.amount(token, base, self.warnings)

    def stream(self, stream_id: int) -> str:
        s = self.names.stream(stream_id)
        if s is not None and s.label:
            return s.label
        return f"stream {stream_id if stream_id < 2**32 else hex(stream_id)}"

    def stream_token(self, stream_id: int) -> str | None:
        s = self.names.stream(stream_id)
        return s.token if s else None

    def proposal(self, pid: int, with_actions: bool = False) -> str:
        p = self.names.proposal(pid)
        if p is None:
            self.warnings.append(
                f"proposal {hex(pid)} is not known here, so its actions cannot be shown: "
                "read them with `opgov proposals` on a connected machine"
            )
            return f"proposal {hex(pid)}"
        text = f"proposal {p.ref} of {p.cell}"
        if with_actions:
            parts = []
            for action in p.actions:
                d = describe_call(action, self.names)
                parts.append(d.text.replace("\n", " "))
                self.warnings.extend(f"proposal {p.ref}: {w}" for w in d.warnings)
            text += ": " + ("; ".join(parts) if parts else "no actions")
        return text


def _safe_says(name: str) -> Callable:
    def say(c: _Ctx, **a: Any) -> str | None:
        if not c.to_safe:
            return None
        return {
            "addOwnerWithThreshold": lambda: f"change the Safe: add owner {c.who(a['owner'])} and set the threshold to {a['threshold']}",
            "removeOwner": lambda: f"change the Safe: remove owner {c.who(a['owner'])} and set the threshold to {a['threshold']}",
            "swapOwner": lambda: f"change the Safe: replace owner {c.who(a['oldOwner'])} with {c.who(a['newOwner'])}",
            "changeThreshold": lambda: f"change the Safe: set the threshold to {a['threshold']} signatures",
            "enableModule": lambda: f"change the Safe: enable module {c.who(a['module'])} (it can then move the Safe's assets)",
            "disableModule": lambda: f"change the Safe: disable module {c.who(a['module'])}",
            "setGuard": lambda: f"change the Safe: set its guard to {c.who(a['guard'])} (it checks every Safe transaction)"
            if a["guard"] != ZERO_ADDRESS else "change the Safe: remove its guard",
            "setFallbackHandler": lambda: f"change the Safe: set its fallback handler to {c.who(a['handler'])}"
            if a["handler"] != ZERO_ADDRESS else "change the Safe: remove its fallback handler",
            "approveHash": lambda: f"approve Safe transaction {hex0x(a['hashToApprove'])} on-chain",
        }[name]()

    return say


SAFE_FUNCTIONS = ("addOwnerWithThreshold", "removeOwner", "swapOwner", "changeThreshold", "enableModule",
                  "disableModule", "setGuard", "setFallbackHandler", "approveHash")


def _cell_parent(c: _Ctx, parent: int) -> str:
    return "to the Safe's signers" if parent == 0 else f"to {c.hat(parent)}"


def _limit(c: _Ctx, cell: int, token: str, amount: int, period: int) -> str:
    if amount >= NO_LIMIT:
        return f"let {c.hat(cell)} spend any amount of {c.who(token)} (no spending limit)"
    if amount == 0:
        return f"let {c.hat(cell)} spend nothing of {c.who(token)}"
    return f"limit {c.hat(cell)} to spending {c.amount(token, amount)} per {format_duration(period)}"


def _allow(c: _Ctx, cell: int, target: str, selector: bytes, allowed: bool) -> str:
    if selector == bytes(4):
        what = f"send ETH to {c.who(target)} (empty calldata)"
    else:
        name = function_name(selector, c.names.kind(target), c.names.abis or None)
        fn = f"{name} ({hex0x(selector)})" if name else f"the unknown function {hex0x(selector)}"
        what = f"call {fn} on {c.who(target)}"
    return f"{'let' if allowed else 'no longer let'} {c.hat(cell)} {what}"


def _symbol(c: _Ctx) -> str:
    token = c.names.token(c.call.to)
    return token.symbol if token else f"tokens of {c.call.to}"


def _status(flag: bool, yes: str, no: str) -> str:
    return yes if flag else no


SAYINGS: dict[tuple[str, str], Callable[..., str | None]] = {
    **{("Safe", n): _safe_says(n) for n in SAFE_FUNCTIONS},
    # ERC-20
    ("ERC20", "transfer"): lambda c, to, amount: f"transfer {c.amount(c.call.to, amount)} to {c.who(to)}",
    ("ERC20", "approve"): lambda c, spender, amount: f"allow {c.who(spender)} to spend {c.amount(c.call.to, amount)}"
    if amount < 2**255 else f"allow {c.who(spender)} to spend ANY amount of the Safe's {_symbol(c)} (unlimited)",
    ("ERC20", "transferFrom"): lambda c, to, amount, **a: (
        f"move {c.amount(c.call.to, amount)} from {c.who(a['from'])} to {c.who(to)}"),
    ("ERC20", "increaseAllowance"): lambda c, spender, amount: (
        f"allow {c.who(spender)} to spend {c.amount(c.call.to, amount)} more"),
    ("ERC20", "decreaseAllowance"): lambda c, spender, amount: (
        f"allow {c.who(spender)} to spend {c.amount(c.call.to, amount)} less"),
    # ConsentModule
    ("ConsentModule", "approve"): lambda c, proposal_id: f"approve {c.proposal(proposal_id, with_actions=True)}",
    ("ConsentModule", "veto"): lambda c, proposal_id, reason: f"veto {c.proposal(proposal_id)} because: {reason!r}",
    ("ConsentModule", "cancel"): lambda c, proposal_id: f"cancel {c.proposal(proposal_id)}",
    ("ConsentModule", "set_cell"): lambda c, cell, proposer_hat, consent_window, execution_window, parent, max_active: (
        f"set up cell {c.hat(cell)}: proposals by wearers of {c.hat(proposer_hat)}, "
        f"{format_duration(consent_window)} to object, {format_duration(execution_window)} to execute, "
        f"escalation {_cell_parent(c, parent)}, at most {max_active} open proposals"),
    ("ConsentModule", "remove_cell"): lambda c, cell: f"remove cell {c.hat(cell)} from the consent module",
    ("ConsentModule", "set_objector_hat"): lambda c, cell, hat, allowed: (
        f"{'let' if allowed else 'no longer let'} wearers of {c.hat(hat)} object to the proposals of {c.hat(cell)}"),
    ("ConsentModule", "set_spend_limit"): lambda c, cell, token, amount, period: _limit(c, cell, token, amount, period),
    ("ConsentModule", "allow_call"): lambda c, cell, target, selector, allowed: _allow(c, cell, target, selector, allowed),
    ("ConsentModule", "pause"): lambda c: "pause the consent module (no proposal can pass or run until it is unpaused)",
    ("ConsentModule", "unpause"): lambda c: "unpause the consent module",
    # Hats
    ("Hats", "mintHat"): lambda c, hatId, wearer: f"give {c.hat(hatId)} to {c.who(wearer)}",
    ("Hats", "batchMintHats"): lambda c, hatIds, wearers: "give hats: " + ", ".join(
        f"{c.hat(h)} to {c.who(w)}" for h, w in zip(hatIds, wearers)),
    ("Hats", "transferHat"): lambda c, hatId, to, **a: f"move {c.hat(hatId)} from {c.who(a['from'])} to {c.who(to)}",
    ("Hats", "setHatWearerStatus"): lambda c, hatId, wearer, eligible, standing: (
        f"take {c.hat(hatId)} from {c.who(wearer)}" + ("" if standing else " and put them in bad standing")
        if not eligible else f"let {c.who(wearer)} wear {c.hat(hatId)}"
        + ("" if standing else " but put them in bad standing (which also takes the hat)")),
    ("Hats", "setHatStatus"): lambda c, hatId, newStatus: _status(
        newStatus, f"activate {c.hat(hatId)}", f"deactivate {c.hat(hatId)} (no one wears it while inactive)"),
    ("Hats", "createHat"): lambda c, admin, details, maxSupply, eligibility, toggle, mutable, imageURI: (
        f"create the hat {details!r} under {c.hat(admin)}, at most {maxSupply} wearers, eligibility by "
        f"{c.who(eligibility)}, toggled by {c.who(toggle)}{'' if mutable else ', immutable'}"),
    ("Hats", "batchCreateHats"): lambda c, admins, details, **a: "create hats: " + ", ".join(
        f"{d!r} under {c.hat(h)}" for h, d in zip(admins, details)),
    ("Hats", "renounceHat"): lambda c, hatId: f"the Safe gives up {c.hat(hatId)}",
    ("Hats", "makeHatImmutable"): lambda c, hatId: f"make {c.hat(hatId)} immutable (for good)",
    ("Hats", "changeHatDetails"): lambda c, hatId, newDetails: f"rename {c.hat(hatId)} to {newDetails!r}",
    ("Hats", "changeHatEligibility"): lambda c, hatId, newEligibility: (
        f"make {c.who(newEligibility)} decide who may wear {c.hat(hatId)} (eligibility module)"),
    ("Hats", "changeHatToggle"): lambda c, hatId, newToggle: (
        f"make {c.who(newToggle)} decide whether {c.hat(hatId)} is active (toggle module)"),
    ("Hats", "changeHatMaxSupply"): lambda c, hatId, newMaxSupply: (
        f"let at most {newMaxSupply} people wear {c.hat(hatId)}"),
    ("Hats", "changeHatImageURI"): lambda c, hatId, newImageURI: f"change the image of {c.hat(hatId)} to {newImageURI!r}",
    ("Hats", "declareQuietModule"): lambda c: (
        "declare the Safe a quiet hats module (the status it stores for its hats decides; it is never queried)"),
    # BudgetStreams
    ("BudgetStreams", "create"): lambda c, recipient, token, rate_per_second, spender_hat: (
        f"open a budget stream of {c.names.rate(token, rate_per_second, c.warnings)} to {c.who(recipient)}, "
        f"drawn down by wearers of {c.hat(spender_hat)}"),
    ("BudgetStreams", "create_and_deposit"): lambda c, recipient, token, rate_per_second, spender_hat, amount: (
        f"open a budget stream of {c.names.rate(token, rate_per_second, c.warnings)} to {c.who(recipient)}, "
        f"drawn down by wearers of {c.hat(spender_hat)}, and deposit {c.amount(token, amount)} into it"),
    ("BudgetStreams", "deposit"): lambda c, stream_id, amount: (
        f"deposit {c.amount(c.stream_token(stream_id), amount)} into {c.stream(stream_id)}"),
    ("BudgetStreams", "withdraw"): lambda c, stream_id, to, amount: (
        f"withdraw {c.amount(c.stream_token(stream_id), amount)} from {c.stream(stream_id)} to {c.who(to)}"),
    ("BudgetStreams", "withdraw_max"): lambda c, stream_id, to: (
        f"withdraw everything streamed so far from {c.stream(stream_id)} to {c.who(to)}"),
    ("BudgetStreams", "batch_withdraw_max"): lambda c, stream_ids, to: (
        "withdraw everything streamed so far from " + ", ".join(c.stream(s) for s in stream_ids) + f" to {c.who(to)}"),
    ("BudgetStreams", "set_recipient"): lambda c, stream_id, recipient: (
        f"make {c.who(recipient)} the recipient of {c.stream(stream_id)}"),
    ("BudgetStreams", "adjust_rate"): lambda c, stream_id, rate_per_second: (
        f"set {c.stream(stream_id)} to {c.names.rate(c.stream_token(stream_id), rate_per_second, c.warnings)}"),
    ("BudgetStreams", "pause"): lambda c, stream_id: f"pause {c.stream(stream_id)} (it stops streaming; what it owes stays)",
    ("BudgetStreams", "restart"): lambda c, stream_id, rate_per_second: (
        f"restart {c.stream(stream_id)} at {c.names.rate(c.stream_token(stream_id), rate_per_second, c.warnings)}"),
    ("BudgetStreams", "refund"): lambda c, stream_id, amount: (
        f"take {c.amount(c.stream_token(stream_id), amount)} back from {c.stream(stream_id)} to the Safe"),
    ("BudgetStreams", "refund_max"): lambda c, stream_id: (
        f"take back from {c.stream(stream_id)} everything not yet streamed, to the Safe"),
    ("BudgetStreams", "void"): lambda c, stream_id: (
        f"void {c.stream(stream_id)}: end it for good, writing off what it owes beyond its balance"),
    # SignerGate
    ("SignerGate", "remove_signer"): lambda c, signer: (
        f"remove {c.who(signer)} from the Safe's signers (if they no longer wear the signer hat)"),
    ("SignerGate", "claim_signer"): lambda c: "take a signer seat for the sender",
    ("SignerGate", "reconcile_threshold"): lambda c: "set the Safe's threshold from the number of signers",
}


# ---------------------------------------------------------------- helpers


def _cs(address: str) -> str:
    from opgov.reads import checksum  # worked out once per address: a keccak each

    return checksum(str(address))


def _short(address: str) -> str:
    return f"{address[:6]}…{address[-4:]}"


def _plain(value: Any) -> Any:
    """eth_abi's values as plain Python: checksum addresses, lists for arrays."""
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return _cs(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _arg(names: Names, key: str, value: Any) -> str:
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return names.who(value)
    if isinstance(value, int) and "hat" in key.lower() and not isinstance(value, bool):
        return names.hat(value)
    if isinstance(value, bytes):
        return hex0x(value)
    if isinstance(value, list):
        return "[" + ", ".join(_arg(names, key, v) for v in value) + "]"
    return repr(value) if isinstance(value, str) else str(value)


def description_lines(tx: SafeTx, names: Names) -> list[str]:
    """The calls in plain words followed by a `warning:` line each: what transaction files store."""
    lines, warnings = describe_tx(tx, names)
    return lines + [f"warning: {w}" for w in warnings]


__all__ = [
    "Described",
    "Names",
    "Proposal",
    "Stream",
    "Token",
    "amount_text",
    "default_abis",
    "describe_call",
    "describe_tx",
    "description_lines",
    "function_name",
]
