"""Deciding by consent: build actions from plain intents, propose, object, amend,
escalate and execute through the ConsentModule, and read proposals in plain words.

A proposal's actions are calls the Safe makes (`opgov.safe_tx.Call`: target,
value, data). The module stores only a 216-bit hash of them inside the
proposal id; the full actions travel in the `ProposalCreated` event, and this
module recovers them from there, so any machine can execute a proposal it did
not make.

A proposal id is its creation time (top 40 bits) and the low 216 bits of
the actions' hash. People refer to a proposal by its number instead (`#3`: the
third proposal the module ever received, counted from its events), and the
SDK turns it into the full id. Every send is checked first, so a refusal says what is wrong
and what to do, and costs nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import keccak

from opgov.chain import send
from opgov.contracts import container
from opgov.errors import ConsentError, OpgovError, SafeError, TransactionReverted
from opgov.hats import MAX_LEVELS, hat_level, hat_path
from opgov.safe_tx import ZERO_ADDRESS, Call, checksum
from opgov.units import Amount, Rate, format_amount, format_duration, format_rate, format_time, to_base_units

if TYPE_CHECKING:
    from ape.api import AccountAPI, ReceiptAPI
    from ape.contracts import ContractInstance

    from opgov.describe import Names
    from opgov.forwarder import ConsentRequest

# the module's bounds (contracts/ConsentModule.vy)
MAX_ACTIONS = 8
MAX_DATA = 1024
MAX_TEXT = 1024
CREATED_SHIFT = 216
MASK216 = (1 << 216) - 1

# `state(proposal_id)` values
PENDING, OPEN, OBJECTED, PASSED, EXECUTED, EXPIRED, CANCELLED, VETOED, SUPERSEDED, ESCALATED = range(10)
STATE_NAMES = {
    PENDING: "pending", OPEN: "open", OBJECTED: "objected", PASSED: "passed", EXECUTED: "executed",
    EXPIRED: "expired", CANCELLED: "cancelled", VETOED: "vetoed", SUPERSEDED: "superseded",
    ESCALATED: "escalated",
}
STATE_MEANINGS = {
    PENDING: "escalated to the Safe's signers: waits for their approval (or veto)",
    OPEN: "the consent window is open and nobody objects",
    OBJECTED: "an objection stands",
    PASSED: "consented: anyone can execute it",
    EXECUTED: "executed",
    EXPIRED: "it was not executed (or escalated) in time",
    CANCELLED: "cancelled",
    VETOED: "vetoed by the Safe",
    SUPERSEDED: "replaced by an amended proposal",
    ESCALATED: "escalated to the parent cell, whose consent window is open",
}
LIVE_STATES = {PENDING, OPEN, OBJECTED, PASSED, ESCALATED}

TRANSFER = keccak(text="transfer(address,uint256)")[:4]
APPROVE = keccak(text="approve(address,uint256)")[:4]
ADJUST_RATE = keccak(text="adjust_rate(uint256,uint256)")[:4]
ACTIONS_TYPE = "(address,uint256,bytes)[]"
MINT_HAT = keccak(text="mintHat(uint256,address)")[:4]
TRANSFER_HAT = keccak(text="transferHat(uint256,address,address)")[:4]


def _subtree_mask(hat: int) -> int:
    """The mask keeping a hat id's own levels: `id & mask == hat` for the hat and every hat below it."""
    return ((1 << 256) - 1) ^ ((1 << (16 * (MAX_LEVELS - hat_level(hat)))) - 1)


# ---------------------------------------------------------------- hashing (no node)


def hash_actions(index: int, actions: Sequence[Call]) -> bytes:
    """What a proposal id commits to, as the module hashes it: keccak256 of the proposing
    cell's index (`cell(hat).index`) and the actions, ABI-encoded as `(uint256, (address,uint256,bytes)[])`.

    The cell is in the hash so that another cell proposing the same actions gets another id.
    """
    return keccak(abi_encode(["uint256", ACTIONS_TYPE], [int(index), [(a.to, int(a.value), bytes(a.data)) for a in actions]]))


def proposal_id_of(created_at: int, index: int, actions: Sequence[Call]) -> int:
    """The id the module gives a proposal of these actions by the cell with this index at block time `created_at`."""
    return (int(created_at) << CREATED_SHIFT) | (int.from_bytes(hash_actions(index, actions), "big") & MASK216)


def matches(proposal_id: int, index: int, actions: Sequence[Call]) -> bool:
    """Whether `actions` are exactly the ones proposal `proposal_id` of the cell with this index commits to."""
    return (int.from_bytes(hash_actions(index, actions), "big") & MASK216) == (int(proposal_id) & MASK216)


def selector_of(action: Call) -> bytes | None:
    """The selector the module checks against the domain: 0x00000000 for a plain transfer
    (empty calldata), None for calldata no domain can allow (1 to 3 bytes, or four zero
    bytes first, which would reach a fallback function)."""
    data = bytes(action.data)
    if not data:
        return b"\x00" * 4
    if len(data) < 4 or data[:4] == b"\x00" * 4:
        return None
    return data[:4]


def spending_of(actions: Iterable[Call]) -> dict[str, int]:
    """What the actions spend per token (the zero address for ether), as the module counts it."""
    spent: dict[str, int] = defaultdict(int)
    for a in actions:
        if a.value:
            spent[ZERO_ADDRESS] += int(a.value)
        if selector_of(a) in (TRANSFER, APPROVE) and len(a.data) >= 68:
            amount = int.from_bytes(a.data[36:68], "big")
            if amount:
                spent[a.to] += amount
    return dict(spent)


def _now() -> int:
    """The timestamp the next transaction will see."""
    from ape import chain

    from opgov.reads import current

    reader = current()
    if reader is not None and reader.over_http:  # the node's own pending block, asked once
        return reader.pending_timestamp()
    try:
        return int(chain.pending_timestamp)
    except Exception:  # a provider without a pending block: the head is close enough
        return int(chain.blocks.head.timestamp)


def _wrap(err: OpgovError) -> ConsentError:
    return ConsentError(err.message, err.hint)


# ---------------------------------------------------------------- intents


def token_info(token: str):
    """A token's symbol and decimals, read from the token.

    Raises:
        ConsentError: if the address is not an ERC-20 token.
    """
    from opgov.safe import token_info as read

    try:
        return read(token)
    except SafeError as err:
        raise _wrap(err) from err


def pay(token: str | None, amount: str | Decimal | int, to: str) -> Call:
    """Pay `amount` to `to` from the Safe: an ERC-20 transfer, or ether when the symbol is ETH.

    Args:
        token: the ERC-20 token's address (None to send ether).
        amount: in token units, e.g. "250 USDC" or "250" or Decimal("0.5"); a
            symbol, if written, must be the token's own ("ETH" for ether).
        to: the recipient.

    Raises:
        ConsentError: if the amount cannot be read, does not fit the token's
            decimals, names another token, or an address is wrong.
    """
    parsed = Amount.parse(str(amount))
    recipient = _address(to, "recipient")
    is_eth = (parsed.symbol or "").upper() == "ETH"
    if is_eth and token is not None:
        raise ConsentError(f"{amount!r} is ether but a token was given", "leave out the token to send ETH")
    if token is None and not is_eth:
        raise ConsentError(
            f"no token address for {amount!r}",
            f"say which token {parsed.symbol or 'it is'} (--token ADDRESS), or write the amount in ETH",
        )
    if is_eth:
        return Call(recipient, to_base_units(parsed.value, 18))
    info = token_info(token)
    if parsed.symbol and parsed.symbol.upper() != info.symbol.upper():
        raise ConsentError(
            f"the token at {checksum(token)} is {info.symbol}, not {parsed.symbol}",
            f"give the address of {parsed.symbol}, or write the amount in {info.symbol}",
        )
    base = to_base_units(parsed.value, info.decimals)
    if base == 0:
        raise ConsentError(f"paying {amount!r} pays nothing", "give an amount above zero")
    data = TRANSFER + abi_encode(["address", "uint256"], [recipient, base])
    return Call(checksum(token), 0, data)


def send_eth(to: str, amount: str | Decimal | int) -> Call:
    """Send `amount` ETH (in ETH, e.g. "0.5" or "0.5 ETH") from the Safe to `to`."""
    text = str(amount)
    if not text.strip().upper().endswith("ETH"):
        text += " ETH"
    return pay(None, text, to)


def adjust_rate(streams: "ContractInstance | str", stream_id: int, rate: str, payer: str | None = None) -> Call:
    """Change a budget stream's rate, as people say it ("1800 USDC/month"): a call to BudgetStreams.adjust_rate.

    Args:
        streams: the BudgetStreams contract (instance or address).
        stream_id: the stream.
        rate: the new rate, e.g. "1800 USDC/month" or "60 USDC/day".
        payer: who will make the call (the Safe); checked against the stream's payer.

    Raises:
        ConsentError: if the stream does not exist, is not paid by `payer`, the
            rate names another token or is unchanged, or cannot be read.
    """
    from opgov.errors import UnitsError

    contract = streams if hasattr(streams, "get_stream") else container("BudgetStreams").at(_address(streams, "BudgetStreams"))
    try:
        parsed = Rate.parse(rate)
    except UnitsError as err:
        raise _wrap(err) from err
    try:
        stream = contract.get_stream(int(stream_id))
    except Exception as err:
        raise ConsentError(
            f"there is no budget stream {stream_id} in {contract.address}",
            "check the stream id (`opgov stream list`)",
        ) from err
    symbol = token_info(str(stream.token)).symbol
    if parsed.amount.symbol and parsed.amount.symbol.upper() != symbol.upper():
        raise ConsentError(f"stream {stream_id} streams {symbol}, not {parsed.amount.symbol}", f"write the rate in {symbol}")
    if payer is not None and str(stream.payer) != checksum(payer):
        raise ConsentError(
            f"stream {stream_id} is paid by {stream.payer}, not by the Safe {checksum(payer)}",
            "only a stream's payer can change its rate",
        )
    per_second = parsed.per_second()
    if per_second == int(stream.rate_per_second):
        raise ConsentError(f"stream {stream_id} already streams {rate}", "nothing to change")
    if int(stream.rate_per_second) == 0:
        raise ConsentError(f"stream {stream_id} is paused", "a paused stream is restarted with its restart function")
    return Call(str(contract.address), 0, ADJUST_RATE + abi_encode(["uint256", "uint256"], [int(stream_id), per_second]))


def call(target: Any, function: str, *args: Any, value: int = 0, abi: list | None = None) -> Call:
    """Call any contract function by name with arguments.

    Args:
        target: an ape contract instance (its ABI encodes the call), or an address.
        function: with an instance or `abi`, the function's name; with a bare
            address, its signature, e.g. "setFee(uint256)".
        args: the arguments; text is read by type (numbers, true/false, addresses, 0x-hex bytes).
        value: wei sent with the call.
        abi: the contract's ABI (a list of entries), when `target` is an address.

    Raises:
        ConsentError: if the function is unknown or the arguments do not fit.
    """
    from opgov.safe import contract_call

    if abi is not None and not hasattr(target, "contract_type"):
        function = _signature_from_abi(abi, function, len(args))
    try:
        return contract_call(target, function, *args, value=value)
    except SafeError as err:
        raise _wrap(err) from err


def _signature_from_abi(abi: list, name: str, count: int) -> str:
    from eth_utils import get_abi_input_types

    found = [e for e in abi if e.get("type") == "function" and e.get("name") == name.split("(")[0]]
    fits = [e for e in found if len(e.get("inputs", [])) == count]
    if not fits:
        if found:
            raise ConsentError(f"{name} takes {len(found[0].get('inputs', []))} arguments, {count} given")
        raise ConsentError(f"the ABI has no function {name!r}", "check the function's name")
    return f"{fits[0]['name']}({','.join(get_abi_input_types(fits[0]))})"


def _address(text: str, what: str) -> str:
    try:
        return checksum(text, what)
    except SafeError as err:
        raise _wrap(err) from err


def describe_action(action: Call, safe: str | None = None, names: "Names | None" = None) -> str:
    """One action in plain words, as a Safe transaction's call is said (`opgov.describe`): token
    amounts with their symbol, people, cells and streams by their names; a new rate with the current one.

    Args:
        action: the action.
        safe: the Safe that runs it (for the names, when `names` is not given).
        names: what the org calls things (see `ConsentClient.names`).
    """
    from opgov.describe import describe_call

    if names is None:
        from opgov.safe import _names_for

        names = _names_for(safe, None, True)
    described = describe_call(action, names)
    text = described.text
    if selector_of(action) == ADJUST_RATE and len(action.data) == 68 and names.kind(action.to) == "BudgetStreams":
        text += _current_rate(action)
    return text + "".join(f" (warning: {w})" for w in described.warnings)


def _current_rate(action: Call) -> str:
    """" (now 1,500.00 USDC/month)": the rate an adjust_rate action replaces, if the stream streams."""
    stream_id = abi_decode(["uint256", "uint256"], action.data[4:])[0]
    try:
        stream = container("BudgetStreams").at(action.to).get_stream(stream_id)
        symbol = token_info(str(stream.token)).symbol
    except Exception:  # a stream that cannot be read: the new rate alone is said
        return ""
    return f" (now {format_rate(int(stream.rate_per_second), symbol)})" if stream.rate_per_second else ""


# ---------------------------------------------------------------- views


@dataclass
class CellView:
    """A cell's domain settings as the module keeps them."""

    hat: int
    name: str
    proposer_hat: int
    consent_window: int
    execution_window: int
    parent: int
    max_active: int
    active: int

    @property
    def path(self) -> str:
        return hat_path(self.hat)

    @property
    def label(self) -> str:
        return f"cell {self.path}" + (f" ({self.name})" if self.name else "")


@dataclass
class Objection:
    """An objection as raised, and whether it still stands."""

    objector: str
    hat: int
    reason: str
    standing: bool
    note: str = ""  # why it no longer stands: "withdrawn", "from an earlier window"


@dataclass
class ProposalView:
    """A proposal, with its actions and history recovered from the module's events."""

    id: int
    number: int
    cell: int
    holder: int
    proposer: str
    closes_at: int
    deadline: int
    round: int
    state: int
    actions: list[Call]
    rationale: str
    objections: list[Objection] = field(default_factory=list)
    amended_from: str = ""  # the ref (#N) of the proposal this one amends
    amended_to: str = ""  # the ref of the proposal that amends this one
    approved: bool = False
    cleared: bool = False
    veto_reason: str = ""
    now: int = 0
    descriptions: list[str] = field(default_factory=list)
    # a passed proposal that execute would refuse: what lies outside its holder's domain
    outside: list[str] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"#{self.number}"

    @property
    def created_at(self) -> int:
        return self.id >> CREATED_SHIFT

    @property
    def state_name(self) -> str:
        return STATE_NAMES[self.state]

    @property
    def standing(self) -> list[Objection]:
        return [o for o in self.objections if o.standing]

    def countdown(self) -> str:
        """Where the proposal stands in time, in days and hours."""
        left = self.closes_at - self.now
        if self.state in (OPEN, ESCALATED):
            where = "" if self.state == OPEN else f" among cell {hat_path(self.holder)}'s objectors"
            return f"{format_duration(left)} left to object{where} (until {format_time(self.closes_at)})"
        if self.state == OBJECTED and left > 0:
            return (f"{format_duration(left)} left in the window: the objection can be withdrawn, "
                    f"or the proposal amended; after {format_time(self.closes_at)} it can only be escalated")
        if self.state == OBJECTED:
            return f"the objection stood; escalate or amend it within {format_duration(self.deadline - self.now)}"
        if self.state == PASSED:
            return f"can be executed for {format_duration(self.deadline - self.now)} more (until {format_time(self.deadline)})"
        if self.state == PENDING:
            return "waits for the Safe's signers (no deadline)"
        if self.state == EXPIRED:
            cleared = "; cleared, so it no longer takes one of the cell's slots" if self.cleared else ""
            return f"its execution window ended {format_time(self.deadline)}{cleared}"
        return ""


class ConsentClient:
    """opgov's view of one deployed ConsentModule.

    Args:
        contract: the module as an ape contract instance.
        from_block: the block to read the module's events from (its deployment).
    """

    def __init__(self, contract: "ContractInstance", from_block: int = 0):
        self.contract = contract
        self.from_block = from_block
        self._cache: list = []  # decoded logs up to block _cached_to (see `_logs`)
        self._cached_to: int | None = None
        self._cached_hash: bytes | None = None
        self._names: "Names | None" = None

    @classmethod
    def deploy(cls, safe: str, hats: str, sender: "AccountAPI", streams: str | None = None,
               gate: str | None = None, forwarder: str | None = None) -> "ConsentClient":
        """Deploy a ConsentModule serving `safe`, checking roles with `hats`.

        The Safe must then enable it (a Safe transaction: `Safe.enable_module`).

        Args:
            safe: the Safe (the module's avatar).
            hats: the Hats contract.
            sender: the deploying account.
            streams: the org's BudgetStreams contract, if any: no cell's domain can reach it.
            gate: the Safe's SignerGate, if any: no proposal can call it, and no cell can
                mint its signer hat.
            forwarder: the ConsentForwarder whose relayed requests act for their signers
                (gasless proposals and objections), if any; fixed for good.

        Raises:
            ConsentError: if an address is wrong or has no contract.
        """
        from opgov.safe import has_code

        safe, hats = _address(safe, "Safe"), _address(hats, "Hats")
        checked = [("Safe", safe), ("Hats contract", hats)]
        streams = _address(streams, "BudgetStreams") if streams else ZERO_ADDRESS
        gate = _address(gate, "SignerGate") if gate else ZERO_ADDRESS
        forwarder = _address(forwarder, "ConsentForwarder") if forwarder else ZERO_ADDRESS
        checked += [(what, a) for what, a in (("BudgetStreams contract", streams), ("SignerGate", gate),
                                              ("ConsentForwarder", forwarder)) if int(a, 16)]
        for what, address in checked:
            if not has_code(address):
                raise ConsentError(f"there is no {what} at {address}", "check the address and --network")
        contract = sender.deploy(container("ConsentModule"), safe, hats, streams, gate, forwarder)
        return cls(contract, int(contract.receipt.block_number) if getattr(contract, "receipt", None) else 0)

    @classmethod
    def at(cls, address: str) -> "ConsentClient":
        """Attach to a deployed module (events are read from its recorded deployment block, if any).

        Raises:
            ConsentError: if there is no contract at the address.
        """
        from opgov.deployments import Deployments
        from opgov.reads import reader

        read = reader()
        address = _address(address, "ConsentModule")
        if not read.has_code(address):
            raise ConsentError(f"there is no ConsentModule at {address} on this network", "check the address and --network")
        record = Deployments.for_connected_network().records.get("ConsentModule")
        start = record.block if record is not None and record.address == address else 0
        return cls(read.instance("ConsentModule", address), start)

    @property
    def address(self) -> str:
        return str(self.contract.address)

    @property
    def safe(self) -> str:
        """The module's Safe (immutable: read once)."""
        if "_safe" not in self.__dict__:
            self.machinery()
        return self._safe

    @property
    def hats(self) -> "ContractInstance":
        """The Hats contract the module asks (immutable: attached once)."""
        if "_hats" not in self.__dict__:
            from opgov.reads import reader

            self._hats = reader().instance("Hats", checksum(self.machinery()["hats"]))
        return self._hats

    def _call(self, method: str, *args: Any) -> Any:
        """A view of the module: from what `_prefetch` read for the read under way, else asked now."""
        memo = self.__dict__.get("_memo")
        key = (method, *args)
        if memo is not None and key in memo:
            return memo[key]
        return getattr(self.contract, method)(*args)

    def _prefetch(self, calls: Sequence[tuple[str, tuple]]) -> None:
        """Read many views of the module in one Multicall3 call, for `_call` to answer from."""
        from opgov.reads import Failed, reader

        memo = self.__dict__.get("_memo")
        if memo is None:
            return
        wanted = [(m, a) for m, a in dict.fromkeys(calls) if (m, *a) not in memo]
        for (method, args), value in zip(wanted, reader().views([(self.contract, m, a) for m, a in wanted])):
            if not isinstance(value, Failed):
                memo[(method, *args)] = value

    @property
    def names(self) -> "Names":
        """What the org calls things, for saying proposals in plain words: by default the record's
        and the chain's names (`opgov.naming`); `use_names` gives org.yaml's too."""
        if self._names is None:
            from opgov.naming import online_names

            self.use_names(online_names(self.safe))
        return self._names

    def use_names(self, names: "Names") -> None:
        """Say proposals with `names`; the module's own contracts (Hats, streams, gate) are named in them."""
        from opgov.naming import from_record

        m = self.machinery()
        from_record(names, {}, {kind: m[key] for kind, key in (("Hats", "hats"), ("BudgetStreams", "streams"),
                                                              ("SignerGate", "gate"), ("ConsentModule", "module"))
                                if m[key]})
        self._names = names

    def _wears(self, who: str, hat: int) -> bool:
        return bool(self.hats.isWearerOfHat(who, hat))

    # ------------------------------------------------------------ domain set-up (Safe transactions)

    def safe_call(self, function: str, *args: Any) -> Call:
        """A call to one of the module's Safe-only functions (set_cell, set_objector_hat,
        set_spend_limit, allow_call, remove_cell, approve, veto, cancel, pause, unpause),
        for the Safe to make in a Safe transaction."""
        handler = getattr(self.contract, function)
        return Call(self.address, 0, bytes(handler.encode_input(*args)))

    def approve_call(self, ref: int | str) -> Call:
        """The Safe transaction's call that approves a proposal escalated to the Safe.

        Raises:
            ConsentError: if the proposal is not waiting for the Safe.
        """
        p = self.proposal(ref)
        if p.state != PENDING:
            raise ConsentError(
                f"proposal {p.ref} is {p.state_name}, not waiting for the Safe's approval",
                "the Safe approves only proposals escalated to it (`opgov escalate` at the root cell)",
            )
        return self.safe_call("approve", p.id)

    def veto_call(self, ref: int | str, reason: str) -> Call:
        """The Safe transaction's call that vetoes a live proposal, with a reason."""
        p = self.proposal(ref)
        self._check_reason(reason, "a veto")
        if p.state not in LIVE_STATES and p.state != EXPIRED:
            raise ConsentError(f"proposal {p.ref} is {p.state_name}", "only a live proposal can be vetoed")
        return self.safe_call("veto", p.id, reason)

    # ------------------------------------------------------------ reading

    def cell(self, cell: int) -> CellView:
        """A configured cell.

        Raises:
            ConsentError: if the module knows no such cell.
        """
        c = self.contract.cell(cell)
        if not c.configured:
            raise ConsentError(
                f"cell {hat_path(cell)} is not set up in the consent module {self.address}",
                "check the cell's hat (`opgov proposals` lists the cells), or ask the Safe's signers to set it up",
            )
        return CellView(
            cell, self._hat_name(cell), int(c.proposer_hat), int(c.consent_window), int(c.execution_window),
            int(c.parent), int(c.max_active), int(c.active),
        )

    def _hat_name(self, hat: int) -> str:
        try:
            return str(self.hats.viewHat(hat)[0])
        except Exception:  # an IHats contract without viewHat: the path alone names it
            return ""

    def _events(self, name: str, **topics: Any) -> list:
        """The module's `name` events whose arguments equal `topics`, oldest first."""
        wanted = {k: _comparable(v) for k, v in topics.items()}
        return [
            log for log in self._logs()
            if log.event_name == name and all(_comparable(log[k]) == v for k, v in wanted.items())
        ]

    def _logs(self) -> list:
        """Every event of the module, decoded, oldest first.

        Logs are fetched once and then only for new blocks, with one
        `eth_getLogs` per refresh instead of one per question. If the block the
        cache ends at is no longer on the chain (a reorganisation, or a test's
        snapshot restored), the cache starts again from the module's first block.
        """
        from opgov.reads import reader

        read = reader()
        latest = read.head()
        head = int(latest["number"], 16)
        if self._cached_to is not None and self._cached_to != head:
            block = read.block(self._cached_to) if self._cached_to < head else None
            if block is None or block["hash"] != self._cached_hash:
                self._cache, self._cached_to = [], None
        if self._cached_to == head and latest["hash"] != self._cached_hash:
            self._cache, self._cached_to = [], None
        start = min(self.from_block, head) if self._cached_to is None else self._cached_to + 1
        if start <= head:
            self._cache += read.decoded_logs([self.contract], start)
            self._cached_to, self._cached_hash = head, latest["hash"]
        return self._cache

    def _created(self) -> list:
        """Every ProposalCreated event, oldest first: proposal #N is the N-th."""
        return self._events("ProposalCreated")

    def resolve(self, ref: int | str) -> int:
        """A proposal id from what people write: `#3` or `3` (its number), or the full id.

        Raises:
            ConsentError: if no such proposal exists.
        """
        text = str(ref).strip().lstrip("#")
        try:
            number = int(text, 0)
        except ValueError:
            raise ConsentError(f"{ref!r} is not a proposal", "write it as #3 (its number) or as its full id")
        if number >> CREATED_SHIFT == 0:
            created = self._created()
            if not 0 < number <= len(created):
                raise ConsentError(f"there is no proposal #{number}", "list the proposals with `opgov proposals`")
            return int(created[number - 1].proposal_id)
        if not self._exists(number):
            raise ConsentError(f"there is no proposal with id {hex(number)}", "list the proposals with `opgov proposals`")
        return number

    def _exists(self, proposal_id: int) -> bool:
        from ape.exceptions import ContractLogicError

        try:
            self.contract.state(proposal_id)
            return True
        except ContractLogicError:
            return False

    def actions_of(self, ref: int | str) -> tuple[list[Call], str]:
        """A proposal's actions and rationale, recovered from its ProposalCreated event.

        Raises:
            ConsentError: if the event cannot be found or does not match the id.
        """
        pid = self.resolve(ref)
        logs = self._events("ProposalCreated", proposal_id=pid)
        if not logs:
            raise ConsentError(
                f"the ProposalCreated event of proposal {hex(pid)} is not on this node",
                "use a node that keeps old logs, or pass the actions yourself",
            )
        actions = _actions(logs[0])
        if not matches(pid, self.index_of(int(logs[0].cell)), actions):
            raise ConsentError(f"the actions in the event of proposal {hex(pid)} do not match its id", "the node returned a wrong log")
        return actions, str(logs[0].rationale)

    def proposal(self, ref: int | str) -> ProposalView:
        """One proposal in full: state (as of the next block), actions, objections, history."""
        pid = self.resolve(ref)
        created = self._created()
        numbers = {int(log.proposal_id): n for n, log in enumerate(created, 1)}
        log = created[numbers[pid] - 1] if pid in numbers else None
        return self._view(pid, log, self._history(pid), numbers)

    def proposals(self, cell: int | None = None, live_only: bool = False) -> list[ProposalView]:
        """A cell's proposals (those it made or holds after escalation), or all, oldest first.

        However many there are, they are read in a few requests (`opgov.reads`): the
        module's events in one, every proposal's stored fields in one Multicall3 call,
        the tokens their actions pay and the domain checks of passed ones in one more.
        """
        from opgov.reads import session

        with session():
            created = self._created()
            numbers = {int(log.proposal_id): n for n, log in enumerate(created, 1)}
            histories = self._histories()
            read = self.views_of([(int(log.proposal_id), log, histories.get(int(log.proposal_id)) or _no_history())
                                  for log in created], numbers, _now())
            views = []
            for _stored, view in read.values():
                if cell is not None and cell not in (view.cell, view.holder):
                    continue
                if live_only and view.state not in LIVE_STATES:
                    continue
                views.append(view)
            return views

    def views_of(self, entries: Sequence[tuple[int, Any, dict[str, list]]], numbers: dict[int, int],
                 now: int) -> dict[int, tuple[Any, ProposalView]]:
        """Many proposals' views, from their creation events and histories however the caller
        got them (the chain's logs, or the dashboard's index): (id, ProposalCreated log,
        history as `_history` gives it) each.

        They are read in a few requests (`opgov.reads`): every proposal's stored fields in
        one Multicall3 call, the tokens their actions pay in one more, and the domain checks
        of passed ones in one more. Returns id -> (stored fields, view), in `entries`' order.
        """
        from opgov.reads import session

        with session():
            outer = self.__dict__.get("_memo")
            self._memo = {}
            try:
                pids = [pid for pid, _, _ in entries]
                # the domain checks of passed proposals, guessed before their fields are read (a
                # proposal is checked against the cell that made it unless it was escalated):
                # the same few views a cell, in the call that reads the proposals
                guessed = self._domain_calls([(int(log.cell), _actions(log)) for _, log, _ in entries
                                              if log is not None])
                if guessed:
                    from opgov.reads import reader

                    reader().ahead(views=[(self.contract, m, a) for m, a in dict.fromkeys(guessed)
                                          if (m, *a) not in self._memo])
                self._prefetch([("proposal", (pid,)) for pid in pids])
                names = self._read_token_names([a for _, log, _ in entries if log is not None for a in _actions(log)])
                passed = [(int(self._call("proposal", pid).holder), _actions(log)) for pid, log, _ in entries
                          if log is not None and self._state_at(self._call("proposal", pid), now) == PASSED]
                self._prefetch_domains(passed)
                return {pid: (self._call("proposal", pid),
                              self._view(pid, log, history, numbers, now=now, names=names))
                        for pid, log, history in entries}
            finally:
                self._memo = outer

    def _histories(self) -> dict[int, dict[str, list]]:
        """Every proposal's history (as `_history` gives one), from one pass over the events."""
        out: dict[int, dict[str, list]] = {}
        keys = ("ObjectionRaised", "ObjectionWithdrawn", "ProposalEscalated", "ProposalApproved",
                "ProposalVetoed", "ProposalCleared")
        for log in self._logs():
            name = log.event_name
            if name in keys:
                out.setdefault(int(log.proposal_id), _no_history())[name].append(log)
            elif name == "ProposalAmended":
                out.setdefault(int(log.proposal_id), _no_history())["amended_to"].append(log)
                out.setdefault(int(log.new_proposal_id), _no_history())["amended_from"].append(log)
        return out

    def _read_token_names(self, actions: Sequence[Call]) -> "Names":
        """The client's names (see `names`), with the tokens `actions` pay read together, once."""
        from opgov.describe import Token as DescribedToken
        from opgov.reads import reader

        read = reader()
        names = self.names
        for address, (symbol, decimals) in read.tokens.items():
            names.tokens.setdefault(checksum(address), DescribedToken(symbol, decimals))
        tokens = sorted({a.to for a in actions if selector_of(a) in (TRANSFER, APPROVE)} - set(names.tokens))
        if tokens:
            calls = [(t, sel) for t in tokens for sel in (keccak(text="decimals()")[:4], keccak(text="symbol()")[:4])]
            results = read.call_many(calls)
            for i, t in enumerate(tokens):
                (d_ok, d), (s_ok, sym) = results[2 * i], results[2 * i + 1]
                if d_ok and len(d) >= 32 and s_ok:
                    try:
                        names.tokens[checksum(t)] = DescribedToken(abi_decode(["string"], sym)[0],
                                                                   abi_decode(["uint8"], d)[0])
                    except Exception:  # not a plain ERC-20: the describer asks the chain itself
                        continue
        return names

    def _prefetch_domains(self, passed: Sequence[tuple[int, Sequence[Call]]]) -> None:
        """What `domain_problems` asks about passed proposals, in one Multicall3 call."""
        calls = self._domain_calls(passed)
        if calls:
            self._prefetch(calls)

    @staticmethod
    def _domain_calls(passed: Sequence[tuple[int, Sequence[Call]]]) -> list[tuple[str, tuple]]:
        """The module's views `domain_problems` asks about proposals held by these cells."""
        calls: list[tuple[str, tuple]] = []
        for holder, actions in passed:
            for a in actions:
                selector = selector_of(a)
                if selector is not None:
                    calls.append(("allowed", (holder, a.to, selector)))
            for token in spending_of(actions):
                calls += [("spend_limit", (holder, token)), ("spent", (holder, token))]
        return calls

    def _history(self, pid: int) -> dict[str, list]:
        return {
            name: self._events(name, proposal_id=pid)
            for name in ("ObjectionRaised", "ObjectionWithdrawn", "ProposalEscalated", "ProposalApproved",
                         "ProposalVetoed", "ProposalCleared")
        } | {
            "amended_to": self._events("ProposalAmended", proposal_id=pid),
            "amended_from": self._events("ProposalAmended", new_proposal_id=pid),
        }

    def _view(self, pid: int, created, history: dict[str, list], numbers: dict[int, int], now: int | None = None,
              names=None) -> ProposalView:
        p = self._call("proposal", pid)
        now = _now() if now is None else now
        actions: list[Call] = []
        rationale = ""
        if created is not None:
            actions = _actions(created)
            rationale = str(created.rationale)
        view = ProposalView(
            id=pid, number=numbers.get(pid, 0), cell=int(p.cell), holder=int(p.holder), proposer=str(p.proposer), closes_at=int(p.closes_at),
            deadline=int(p.deadline), round=int(p.round), state=self._state_at(p, now), actions=actions,
            rationale=rationale, now=now, approved=bool(history["ProposalApproved"]),
            cleared=bool(history["ProposalCleared"]),
        )
        if history["amended_to"]:
            view.amended_to = f"#{numbers.get(int(history['amended_to'][0].new_proposal_id), 0)}"
        if history["amended_from"]:
            view.amended_from = f"#{numbers.get(int(history['amended_from'][0].proposal_id), 0)}"
        if history["ProposalVetoed"]:
            view.veto_reason = str(history["ProposalVetoed"][0].reason)
        view.objections = self._objections(pid, history)
        view.descriptions = [describe_action(a, names=names or self.names) for a in actions]
        if view.state == PASSED and not view.approved and created is not None:
            view.outside = self.domain_problems(view.holder, actions, now, names)
        return view

    @staticmethod
    def _state_at(p, now: int) -> int:
        """The state at `now` (the next block), from the stored fields: views answer for the last block."""
        state = int(p.state)
        if state not in (OPEN, OBJECTED, PASSED, ESCALATED):
            return state
        if p.deadline and now >= p.deadline:
            return EXPIRED
        if p.objections:
            return OBJECTED
        if now >= p.closes_at:
            return PASSED
        return ESCALATED if p.round else OPEN

    def _objections(self, pid: int, history: dict[str, list]) -> list[Objection]:
        # a window ends at an escalation or approval: objections raised before it no longer count
        boundaries = [(int(x.block_number), int(x.log_index)) for x in history["ProposalEscalated"] + history["ProposalApproved"]]
        found: list[tuple[tuple[int, int], Objection]] = []
        for log in history["ObjectionRaised"]:
            at = (int(log.block_number), int(log.log_index))
            found.append((at, Objection(str(log.objector), int(log.hat), str(log.reason), True)))
        for log in history["ObjectionWithdrawn"]:
            at = (int(log.block_number), int(log.log_index))
            for raised_at, o in reversed(found):
                if o.objector == str(log.objector) and raised_at < at and o.standing:
                    o.standing, o.note = False, "withdrawn"
                    break
        for raised_at, o in found:
            if o.standing and any(raised_at < b for b in boundaries):
                o.standing, o.note = False, "from an earlier window"
        return [o for _, o in found]

    def domain_problems(self, cell: int, actions: Sequence[Call], at: int | None = None, names=None) -> list[str]:
        """What in `actions` lies outside `cell`'s domain now, in plain words (empty if nothing).

        Calls must be allowed (target, selector) pairs; spending is checked
        against what the cell may still spend in the current period.
        """
        problems = []
        for a in actions:
            selector = selector_of(a)
            reach = self.machinery_problem(cell, a, selector)
            if reach:
                problems.append(f"{describe_action(a, names=names or self.names)}: {reach}")
                continue
            if selector is None:
                problems.append(f"{describe_action(a, names=names or self.names)}: calldata without a function selector is "
                                "outside every domain")
                continue
            if not self._call("allowed", cell, a.to, selector):
                problems.append(
                    f"{describe_action(a, names=names or self.names)}: cell {hat_path(cell)} may not call "
                    f"{'plain transfers to' if selector == bytes(4) else '0x' + selector.hex() + ' on'} "
                    f"{self.names.who(a.to)}"
                )
        now = _now() if at is None else at
        for token, amount in spending_of(actions).items():
            limit, period, start = (int(x) for x in self._call("spend_limit", cell, token))
            known = names.tokens.get(checksum(token)) if names is not None and token != ZERO_ADDRESS else None
            symbol, decimals = (("ETH", 18) if token == ZERO_ADDRESS else (known.symbol, known.decimals) if known
                                else _symbol_decimals(token))
            if period == 0:
                problems.append(f"cell {hat_path(cell)} has no spending limit for {symbol}, so it may spend none")
                continue
            spent = int(self._call("spent", cell, token))
            if now >= start + period:  # the next block starts a new period
                spent = 0
                start += (now - start) // period * period
            room = max(limit - spent, 0)
            if amount > room:
                problems.append(
                    f"it spends {format_amount(amount, decimals, symbol)} but cell {hat_path(cell)} may spend only "
                    f"{format_amount(room, decimals, symbol)} more this period (limit {format_amount(limit, decimals, symbol)} "
                    f"per {format_duration(period)}; the next period starts {format_time(start + period)})"
                )
        return problems

    def index_of(self, cell: int) -> int:
        """The cell's index in the module (part of its proposal ids; never reused)."""
        cache = self.__dict__.setdefault("_indexes", {})
        if cell not in cache:
            cache[cell] = int(self.contract.cell(cell).index)
        return cache[cell]

    def machinery(self) -> dict[str, Any]:
        """The org's contracts the module keeps out of reach, read once (they are immutable):
        `safe`, `module`, `hats`, `streams`, `gate` (lower-case addresses, None when absent)
        and `signer_hat` (0 without a gate)."""
        if "_machinery" not in self.__dict__:
            from opgov.reads import reader

            self.take_machinery(reader().views(self.machinery_views()))
        return self._machinery

    def machinery_views(self) -> list[tuple]:
        """The views `machinery` reads, for a caller to read them with its own (`take_machinery`)."""
        c = self.contract
        return [(c, "avatar", ()), (c, "hats", ()), (c, "streams", ()), (c, "signer_gate", ()), (c, "signer_hat", ())]

    def take_machinery(self, answers: Sequence[Any]) -> dict[str, Any]:
        """Keep the answers to `machinery_views`."""
        if "_machinery" not in self.__dict__:
            avatar, hats, streams, gate, signer_hat = answers
            self._safe = str(avatar)
            some = lambda address: str(address).lower() if int(str(address), 16) else None  # noqa: E731
            self._machinery = {"safe": self.safe.lower(), "module": str(self.address).lower(),
                               "hats": str(hats).lower(), "streams": some(streams),
                               "gate": some(gate), "signer_hat": int(signer_hat)}
        return self._machinery

    def machinery_problem(self, cell: int, action: Call, selector: bytes | None) -> str | None:
        """Why a call inside `cell`'s domain would reach the org's own contracts, or None.

        The module refuses the Safe itself and the signer gate for every proposal; inside a
        domain also itself and the budget streams, and Hats except minting or transferring a
        hat below the cell that is not the signer hat or one of its admins.
        """
        m, to = self.machinery(), str(action.to).lower()
        labels = {m["safe"]: "the Safe itself", m["module"]: "the consent module",
                  m["streams"]: "the budget streams", m["gate"]: "the signer gate"}
        if to in labels:
            return (f"no cell's domain may call {labels[to]}: make that change by a Safe transaction "
                    "(escalate the proposal to the signers)")
        if to != m["hats"]:
            return None
        data = bytes(action.data)
        below = selector in (MINT_HAT, TRANSFER_HAT) and len(data) >= 36
        hat = int.from_bytes(data[4:36], "big") if below else 0
        below = below and hat != cell and hat & _subtree_mask(cell) == cell
        if not below:
            return "a cell may only mint or transfer hats below its own hat; escalate the proposal to the signers"
        signer = m["signer_hat"]
        if signer and signer & _subtree_mask(hat) == hat:
            return "no cell may mint or transfer the signer hat or one of its admins"
        return None

    # ------------------------------------------------------------ checks

    def _check_not_paused(self) -> None:
        if self.contract.paused():
            raise ConsentError("the consent module is paused by the Safe", "wait until the Safe's signers unpause it")

    def _check_actions(self, actions: Sequence[Call]) -> list[Call]:
        actions = list(actions)
        if not actions:
            raise ConsentError("a proposal needs at least one action", "say what it should do (--pay, --rate or --call)")
        if len(actions) > MAX_ACTIONS:
            raise ConsentError(f"{len(actions)} actions are more than the {MAX_ACTIONS} one proposal can hold", "split it into several proposals")
        for a in actions:
            if len(a.data) > MAX_DATA:
                raise ConsentError(f"an action has {len(a.data)} bytes of calldata, above the {MAX_DATA} allowed", "split the call")
        return actions

    @staticmethod
    def _check_text(text: str, what: str) -> None:
        if len(text.encode()) > MAX_TEXT:
            raise ConsentError(f"the {what} is {len(text.encode())} bytes, above the {MAX_TEXT} allowed", "shorten it, or link to a longer text")

    def _check_reason(self, reason: str, what: str) -> None:
        if not reason or not reason.strip():
            raise ConsentError(
                f"{what} needs a reason",
                "say why (a principled objection states what harm the proposal would do, or what it misses)",
            )
        self._check_text(reason, "reason")

    def _check_proposer(self, p: ProposalView, who: str, verb: str) -> None:
        proposer_hat = int(self.contract.cell(p.cell).proposer_hat)
        if who != p.proposer and not self._wears(who, proposer_hat):
            raise ConsentError(
                f"{self.names.who(who)} cannot {verb} proposal {p.ref}: it is not its proposer and does not wear "
                f"cell {hat_path(p.cell)}'s proposer hat {hat_path(proposer_hat)}",
                "send from the proposer's account or one wearing the proposer hat (--account)",
            )

    def _check_window_open(self, p: ProposalView, verb: str) -> None:
        if p.state == PENDING:
            raise ConsentError(f"proposal {p.ref} waits for the Safe's signers: there is no window to {verb} in",
                               "raise concerns with the signers, who can veto it")
        if p.state not in (OPEN, OBJECTED, ESCALATED) or p.now >= p.closes_at:
            when = f" at {format_time(p.closes_at)}" if p.state in (OBJECTED, PASSED, EXPIRED) else ""
            raise ConsentError(
                f"too late to {verb}: the consent window of proposal {p.ref} has closed{when} (it is {p.state_name})",
                "objections are raised while the window is open; ask the Safe's signers if it must be stopped",
            )

    def _sender_objector_hat(self, p: ProposalView, who: str, hat: int | None) -> int:
        holder = p.holder
        if hat is not None:
            if not self.contract.is_objector_hat(holder, hat):
                raise ConsentError(
                    f"hat {hat_path(hat)} is not an objector hat of cell {hat_path(holder)}",
                    "object with a hat the cell lists as an objector hat",
                )
            if not self._wears(who, hat):
                raise ConsentError(f"{self.names.who(who)} does not wear hat {hat_path(hat)}",
                                   "object from an account that wears it (--account)")
            return hat
        hats = []
        for log in self._events("ObjectorHatSet", cell=holder):
            h = int(log.hat)
            if h not in hats:
                hats.append(h)
        hats = [h for h in hats if self.contract.is_objector_hat(holder, h)]
        for h in hats:
            if self._wears(who, h):
                return h
        listed = ", ".join(hat_path(h) for h in hats) or "none"
        raise ConsentError(
            f"{self.names.who(who)} wears no objector hat of cell {hat_path(holder)} (objector hats: {listed})",
            "object from an account that wears one of them (--account)",
        )

    # ------------------------------------------------------------ sending

    def check_propose(self, cell: int, actions: Sequence[Call], rationale: str, sender: str) -> CellView:
        """Everything `propose` checks, before sending.

        Raises:
            ConsentError: unknown cell, caller without the proposer hat, cap reached,
                paused, no or too many actions, text too long.
        """
        c = self.cell(cell)
        self._check_actions(actions)
        self._check_text(rationale, "rationale")
        self._check_not_paused()
        if not self._wears(sender, c.proposer_hat):
            raise ConsentError(
                f"{self.names.who(sender)} does not wear {c.label}'s proposer hat {hat_path(c.proposer_hat)}",
                "propose from an account that wears it (--account), or ask the hat's admin for it",
            )
        if c.active >= c.max_active:
            raise ConsentError(
                f"{c.label} already has {c.active} live proposals, its cap of {c.max_active}",
                "cancel one, wait until one is executed, or clear an expired one (`opgov consent clear #N`)",
            )
        return c

    def propose(self, cell: int, actions: Sequence[Call], rationale: str, sender: "AccountAPI") -> int:
        """Propose actions for a cell; returns the new proposal's id.

        Raises:
            ConsentError: see `check_propose`.
        """
        actions = list(actions)
        self.check_propose(cell, actions, rationale, sender.address)
        receipt = self._send(self.contract.propose, cell, [_struct(a) for a in actions], rationale, sender=sender)
        return int(receipt.decode_logs(self.contract.ProposalCreated)[0].proposal_id)

    def check_object(self, ref: int | str, reason: str, sender: str, hat: int | None = None) -> tuple[ProposalView, int]:
        """Everything `object` checks, before sending; returns the proposal and the objector hat to use."""
        self._check_reason(reason, "an objection")
        p = self.proposal(ref)
        self._check_window_open(p, "object")
        hat = self._sender_objector_hat(p, sender, hat)
        if any(o.standing and o.objector == sender for o in p.objections):
            raise ConsentError(f"{self.names.who(sender)} already objects to proposal {p.ref}",
                               "withdraw it first to object again")
        return p, hat

    def object(self, ref: int | str, reason: str, sender: "AccountAPI", hat: int | None = None) -> int:
        """Object to a proposal with a reason, while its window is open; returns the hat objected with.

        Args:
            ref: the proposal (#N or id).
            reason: why; not empty.
            sender: the objector.
            hat: the objector hat to object with (default: the first objector hat of the cell the sender wears).

        Raises:
            ConsentError: empty reason, unknown proposal, window closed, no objector hat, already objecting.
        """
        p, hat = self.check_object(ref, reason, sender.address, hat)
        self._send(self.contract.object, p.id, hat, reason, sender=sender)
        return hat

    def check_withdraw(self, ref: int | str, sender: str) -> ProposalView:
        """Everything `withdraw_objection` checks, before sending."""
        p = self.proposal(ref)
        self._check_window_open(p, "withdraw an objection")
        if not any(o.standing and o.objector == sender for o in p.objections):
            raise ConsentError(f"{self.names.who(sender)} has no standing objection to proposal {p.ref}",
                               "nothing to withdraw")
        return p

    def withdraw_objection(self, ref: int | str, sender: "AccountAPI") -> None:
        """Withdraw one's standing objection, while the window is open.

        Raises:
            ConsentError: unknown proposal, window closed, no standing objection.
        """
        p = self.check_withdraw(ref, sender.address)
        self._send(self.contract.withdraw_objection, p.id, sender=sender)

    def check_amend(self, ref: int | str, actions: Sequence[Call], rationale: str, sender: str) -> ProposalView:
        """Everything `amend` checks, before sending."""
        p = self.proposal(ref)
        self._check_actions(actions)
        self._check_text(rationale, "rationale")
        self._check_not_paused()
        self._check_live(p, "amend")
        self._check_proposer(p, sender, "amend")
        return p

    def amend(self, ref: int | str, actions: Sequence[Call], rationale: str, sender: "AccountAPI") -> int:
        """Replace a live proposal with amended actions; returns the new proposal's id (a fresh window opens).

        Raises:
            ConsentError: unknown or no longer live proposal, caller not the proposer nor wearing the proposer hat.
        """
        actions = list(actions)
        p = self.check_amend(ref, actions, rationale, sender.address)
        receipt = self._send(self.contract.amend, p.id, [_struct(a) for a in actions], rationale, sender=sender)
        return int(receipt.decode_logs(self.contract.ProposalCreated)[0].proposal_id)

    def _check_live(self, p: ProposalView, verb: str) -> None:
        if p.cleared:
            raise ConsentError(f"proposal {p.ref} has expired and was cleared", f"propose it again instead of trying to {verb} it")
        if p.state not in LIVE_STATES and p.state != EXPIRED:
            hint = f"{verb} proposal {p.amended_to} instead" if p.amended_to else "propose it again if it is still wanted"
            raise ConsentError(f"proposal {p.ref} is {p.state_name}: it can no longer be changed", hint)

    def check_cancel(self, ref: int | str, sender: str) -> ProposalView:
        """Everything `cancel` checks, before sending."""
        p = self.proposal(ref)
        self._check_live(p, "cancel")
        if sender != p.proposer:
            raise ConsentError(
                f"only its proposer {p.proposer} (or the Safe) can cancel proposal {p.ref}",
                "send from the proposer's account, or ask the Safe's signers",
            )
        return p

    def cancel(self, ref: int | str, sender: "AccountAPI") -> None:
        """Cancel a live proposal (by its proposer; the Safe cancels with a Safe transaction).

        Raises:
            ConsentError: unknown or no longer live proposal, caller not the proposer.
        """
        p = self.check_cancel(ref, sender.address)
        self._send(self.contract.cancel, p.id, sender=sender)

    def check_escalate(self, ref: int | str, sender: str) -> tuple[ProposalView, int]:
        """Everything `escalate` checks; returns the proposal and where it goes (a parent cell, or 0 for the Safe)."""
        p = self.proposal(ref)
        self._check_not_paused()
        if p.state == PENDING:
            raise ConsentError(f"proposal {p.ref} is already with the Safe's signers", "ask them to approve it")
        self._check_live(p, "escalate")
        if p.state == EXPIRED:
            raise ConsentError(
                f"too late: proposal {p.ref}'s execution window ended {format_time(p.deadline)}",
                "propose it again",
            )
        if p.now < p.closes_at:
            raise ConsentError(
                f"proposal {p.ref}'s consent window is still open for {format_duration(p.closes_at - p.now)}",
                f"escalate after {format_time(p.closes_at)}; objectors may still withdraw, or amend it now",
            )
        self._check_proposer(p, sender, "escalate")
        return p, int(self.contract.cell(p.holder).parent)

    def escalate(self, ref: int | str, sender: "AccountAPI") -> int:
        """Escalate a proposal whose window closed: to the parent cell, or at the root to the Safe.

        Returns:
            the cell it went to, or 0 for the Safe's signers.

        Raises:
            ConsentError: window still open, too late, not live, caller not allowed.
        """
        p, parent = self.check_escalate(ref, sender.address)
        self._send(self.contract.escalate, p.id, sender=sender)
        return parent

    def check_execute(self, ref: int | str, actions: Sequence[Call] | None = None) -> tuple[ProposalView, list[Call]]:
        """Everything `execute` checks; returns the proposal and the actions to send.

        Raises:
            ConsentError: too early (with when it can run), too late, objected,
                waiting for the Safe, not live, actions not matching, outside
                the domain (escalate), module not enabled or paused.
        """
        p = self.proposal(ref)
        if actions is None:
            actions = p.actions
        actions = list(actions)
        if not matches(p.id, self.index_of(p.cell), actions):
            raise ConsentError(
                f"these actions do not match proposal {p.ref}",
                "execute with the actions it was proposed with (leave them out and opgov reads them from its event)",
            )
        if p.state == EXECUTED:
            raise ConsentError(f"proposal {p.ref} was already executed", "nothing to do")
        if p.state in (CANCELLED, VETOED, SUPERSEDED):
            hint = f"execute proposal {p.amended_to} instead" if p.amended_to else "propose it again if it is still wanted"
            why = f": {p.veto_reason}" if p.veto_reason else ""
            raise ConsentError(f"proposal {p.ref} was {p.state_name}{why}", hint)
        if p.state == EXPIRED:
            raise ConsentError(
                f"too late: proposal {p.ref}'s execution window ended {format_time(p.deadline)}",
                "propose it again",
            )
        if p.state == PENDING:
            raise ConsentError(
                f"proposal {p.ref} waits for the Safe's signers to approve it",
                "they approve it with a Safe transaction (`opgov consent approve`), then anyone can execute",
            )
        if p.state in (OPEN, ESCALATED):
            raise ConsentError(
                f"too early: proposal {p.ref}'s consent window is open for {format_duration(p.closes_at - p.now)} more",
                f"execute it from {format_time(p.closes_at)} if nobody objects",
            )
        if p.state == OBJECTED:
            who = "; ".join(f"{self.names.who(o.objector)}: {o.reason}" for o in p.standing)
            hint = ("escalate it (`opgov escalate`) or amend it to meet the objection" if p.now >= p.closes_at
                    else "resolve it: the objector may withdraw, or amend the proposal")
            raise ConsentError(f"an objection stands against proposal {p.ref} ({who})", hint)
        self._check_not_paused()
        from opgov.safe import artifact_container

        try:
            enabled = bool(artifact_container("SafeSingleton").at(self.safe).isModuleEnabled(self.address))
        except Exception:
            enabled = True  # not a Safe we can ask; the execution itself will tell
        if not enabled:
            raise ConsentError(
                f"the Safe {self.safe} has not enabled the consent module {self.address}",
                "its signers enable it with a Safe transaction (enableModule)",
            )
        if not p.approved:
            problems = self.domain_problems(p.holder, actions, p.now)
            if problems:
                raise ConsentError(
                    f"proposal {p.ref} is outside cell {hat_path(p.holder)}'s domain: {'; '.join(problems)}",
                    f"it needs escalation: `opgov escalate {p.ref}` while it can still be escalated",
                )
        else:
            m = self.machinery()
            out_of_reach = {m["safe"]: "the Safe itself", m["hats"]: "the Hats contract", m["gate"]: "the signer gate"}
            for a in actions:
                if str(a.to).lower() in out_of_reach:
                    raise ConsentError(
                        f"proposal {p.ref} calls {out_of_reach[str(a.to).lower()]}, which no proposal may do, "
                        "even one the signers approved",
                        "make that change by a Safe transaction (`opgov safe propose`), which the signer gate checks",
                    )
        return p, actions

    def execute(self, ref: int | str, sender: "AccountAPI", actions: Sequence[Call] | None = None) -> "ReceiptAPI":
        """Execute a passed proposal through the Safe, with its actions recovered from its event.

        Raises:
            ConsentError: see `check_execute`; or an action failed (nothing happened, and it can be retried).
        """
        p, actions = self.check_execute(ref, actions)
        try:
            return self._send(self.contract.execute, p.id, [_struct(a) for a in actions], sender=sender)
        except ConsentError as err:
            if "action failed" in err.message or "returned false" in err.message:
                raise ConsentError(
                    f"an action of proposal {p.ref} failed, so nothing was done",
                    "check that the Safe holds what it pays (tokens, ETH), then execute again",
                ) from err
            raise

    def check_clear(self, ref: int | str) -> ProposalView:
        """Everything `clear` checks, before sending."""
        p = self.proposal(ref)
        if p.state != EXPIRED:
            raise ConsentError(f"proposal {p.ref} is {p.state_name}, not expired", "only expired proposals are cleared")
        if p.cleared:
            raise ConsentError(f"proposal {p.ref} was already cleared", "nothing to do")
        return p

    def clear(self, ref: int | str, sender: "AccountAPI") -> None:
        """Free the cell's slot held by an expired proposal.

        Raises:
            ConsentError: if the proposal has not expired or was cleared already.
        """
        p = self.check_clear(ref)
        self._send(self.contract.clear, p.id, sender=sender)

    # ------------------------------------------------------------ signed requests (gasless)

    @property
    def forwarder(self) -> "ContractInstance | None":
        """The ConsentForwarder this module trusts, or None if it trusts none."""
        address = str(self.contract.forwarder())
        if int(address, 16) == 0:
            return None
        return container("ConsentForwarder").at(address)

    def _forwarder_or_fail(self) -> "ContractInstance":
        forwarder = self.forwarder
        if forwarder is None:
            raise ConsentError(
                "this consent module trusts no forwarder, so nothing can be signed for someone else to relay",
                "send the transaction yourself (propose, object, withdraw-objection)",
            )
        return forwarder

    def _request(self, data: bytes, signer: str, valid_for: int) -> "ConsentRequest":
        from opgov.forwarder import ConsentRequest

        forwarder = self._forwarder_or_fail()
        if valid_for <= 0:
            raise ConsentError("a request must stay valid for some time", "give a positive number of seconds")
        return ConsentRequest(checksum(signer), self.address, data, int(forwarder.nonces(signer)), _now() + valid_for)

    def propose_request(self, cell: int, actions: Sequence[Call], rationale: str, signer: str,
                        valid_for: int = 86_400) -> "ConsentRequest":
        """A proposal for `signer` to sign and anyone to relay (checked as `propose` is).

        Args:
            cell: the cell's hat.
            actions: the calls the Safe will make.
            rationale: why.
            signer: the member proposing (must wear the proposer hat).
            valid_for: seconds from now until the request expires.

        Raises:
            ConsentError: see `check_propose`; or the module trusts no forwarder.
        """
        actions = list(actions)
        self.check_propose(cell, actions, rationale, signer)
        data = bytes(self.contract.propose.encode_input(cell, [_struct(a) for a in actions], rationale))
        return self._request(data, signer, valid_for)

    def object_request(self, ref: int | str, reason: str, signer: str, hat: int | None = None,
                       valid_for: int = 86_400) -> "ConsentRequest":
        """An objection for `signer` to sign and anyone to relay (checked as `object` is).

        Raises:
            ConsentError: see `check_object`; or the module trusts no forwarder.
        """
        p, hat = self.check_object(ref, reason, signer, hat)
        data = bytes(self.contract.object.encode_input(p.id, hat, reason))
        return self._request(data, signer, valid_for)

    def withdraw_request(self, ref: int | str, signer: str, valid_for: int = 86_400) -> "ConsentRequest":
        """The withdrawal of `signer`'s objection, to sign and relay (checked as `withdraw_objection` is).

        Raises:
            ConsentError: see `check_withdraw`; or the module trusts no forwarder.
        """
        p = self.check_withdraw(ref, signer)
        data = bytes(self.contract.withdraw_objection.encode_input(p.id))
        return self._request(data, signer, valid_for)

    def typed_data(self, request: "ConsentRequest") -> dict[str, Any]:
        """The EIP-712 typed data of a request, as a wallet's `eth_signTypedData_v4` takes it."""
        from ape import chain

        from opgov.forwarder import typed_data

        return typed_data(chain.chain_id, str(self._forwarder_or_fail().address), request)

    def sign_request(self, request: "ConsentRequest", signer: "AccountAPI") -> bytes:
        """Sign a request with an ape account (EIP-712); returns the 65-byte signature.

        Raises:
            ConsentError: the account is not the request's signer, or declined to sign.
        """
        from eth_account.messages import encode_typed_data

        if checksum(signer.address) != checksum(request.signer):
            raise ConsentError(f"the request is {request.signer}'s to sign, not {signer.address}'s",
                               "sign with the account the request names (--account)")
        signed = signer.sign_message(encode_typed_data(full_message=self.typed_data(request)))
        if signed is None:
            raise ConsentError("the account did not sign the request", "nothing was sent; try again")
        return bytes(signed.encode_rsv())

    def check_relay(self, request: "ConsentRequest", signature: bytes) -> None:
        """Everything the forwarder checks before relaying, and a dry run of the module's call.

        Raises:
            ConsentError: another module's request, not relayable, expired, used or
                out-of-order nonce, a signature that is not the signer's, or the module's refusal.
        """
        from ape import chain
        from ape.exceptions import ContractLogicError

        from opgov.forwarder import recover, relayable
        from opgov.safe import has_code

        forwarder = self._forwarder_or_fail()
        if checksum(request.module) != checksum(self.address):
            raise ConsentError(f"the request is for the module at {request.module}, not this one ({self.address})",
                               "relay it on the network and org it was signed for")
        if relayable(request.data) is None:
            raise ConsentError("only proposals, objections and withdrawn objections can be relayed",
                               "send anything else as an ordinary transaction")
        if request.deadline < _now():
            raise ConsentError(f"the request expired at {format_time(request.deadline)}",
                               "ask the member to sign it again")
        nonce = int(forwarder.nonces(request.signer))
        if request.nonce != nonce:
            raise ConsentError(
                f"the request carries nonce {request.nonce}, but {request.signer}'s next is {nonce}",
                "it was already relayed, or was cancelled; ask the member to sign it again"
                if request.nonce < nonce else "relay the member's earlier requests first")
        if not has_code(request.signer):
            who = recover(int(chain.chain_id), str(forwarder.address), request, bytes(signature))
            if who is None or checksum(who) != checksum(request.signer):
                raise ConsentError(f"the signature is not {request.signer}'s",
                                   "ask the member to sign the request again, on this network")
        try:
            forwarder.execute.call(request.as_tuple(), bytes(signature))
        except ContractLogicError as err:
            raise ConsentError(f"the request would be refused: {err.message or err}",
                               "nothing was sent; check the proposal with `opgov proposals`") from err

    def relay(self, request: "ConsentRequest", signature: bytes, sender: "AccountAPI") -> "ReceiptAPI":
        """Relay a member's signed request through the forwarder; `sender` pays the gas.

        Raises:
            ConsentError: see `check_relay`.
        """
        self.check_relay(request, signature)
        return self._send(self._forwarder_or_fail().execute, request.as_tuple(), bytes(signature), sender=sender)

    def _send(self, method, *args, sender) -> "ReceiptAPI":
        try:
            return send(method, *args, sender=sender)
        except TransactionReverted as err:
            raise ConsentError(
                f"the consent module refused: {err.reason}", "nothing was changed; check the proposal with `opgov proposals`"
            ) from err


def _no_history() -> dict[str, list]:
    return {k: [] for k in ("ObjectionRaised", "ObjectionWithdrawn", "ProposalEscalated", "ProposalApproved",
                            "ProposalVetoed", "ProposalCleared", "amended_to", "amended_from")}


def _comparable(value: Any) -> Any:
    """Event arguments and filter values in one form: addresses and numbers as ints."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    text = str(value)
    if text.startswith("0x") and len(text) == 42:
        return int(text, 16)
    return int(value) if isinstance(value, int) else value


def _struct(action: Call) -> tuple:
    return (action.to, int(action.value), bytes(action.data))


def _actions(created_log) -> list[Call]:
    """The actions a ProposalCreated event carries (ape decodes each as a struct or a tuple)."""
    found = []
    for item in created_log.actions:
        if isinstance(item, dict):
            item = (item["target"], item["value"], item["data"])
        elif not isinstance(item, (tuple, list)):
            item = (item.target, item.value, item.data)
        found.append(Call(str(item[0]), int(item[1]), bytes(item[2])))
    return found


def _symbol_decimals(token: str) -> tuple[str, int]:
    try:
        info = token_info(token)
        return info.symbol, info.decimals
    except ConsentError:
        return f"tokens of {token}", 0


def describe(p: ProposalView, names: "Names | dict[str, str] | None" = None) -> list[str]:
    """A proposal in plain words: state and meaning, countdown, rationale, objections, what executing does.

    Args:
        p: the proposal.
        names: what the org calls things (`ConsentClient.names`), or just people's names by address.
    """
    from opgov.describe import Names

    if isinstance(names, Names):
        name, cell = names.who, lambda hat: f"cell {names.hat(hat)}"
    else:
        known = names or {}
        name, cell = (lambda a: known.get(a, a)), (lambda hat: f"cell {hat_path(hat)}")
    who = name(p.proposer)
    where = cell(p.cell) + (f", now held by {cell(p.holder)}" if p.holder != p.cell else "")
    meaning = STATE_MEANINGS[p.state] + (f": {p.veto_reason}" if p.state == VETOED and p.veto_reason else "")
    if p.outside:  # execute would refuse it: say so, not "anyone can execute it"
        lines = [f"proposal {p.ref} — passed, outside the domain: escalate it (`opgov escalate {p.ref}`) "
                 f"({where}, proposed by {who})"]
        lines += [f"  outside the domain: {problem}" for problem in p.outside]
    else:
        lines = [f"proposal {p.ref} — {p.state_name}: {meaning} ({where}, proposed by {who})"]
    if p.state == SUPERSEDED and p.amended_to:
        lines.append(f"  amended: see proposal {p.amended_to}")
    if p.amended_from:
        lines.append(f"  amends proposal {p.amended_from}")
    countdown = p.countdown()
    if countdown and p.state in LIVE_STATES | {EXPIRED}:
        lines.append(f"  {countdown}")
    if p.approved and p.state in (PASSED, EXECUTED):
        lines.append("  approved by the Safe's signers")
    if p.rationale:
        lines.append(f"  why: {p.rationale}")
    verb = "executing will" if p.state in LIVE_STATES else "it would" if p.state != EXECUTED else "it did"
    lines.append(f"  {verb}:")
    lines += [f"    {i}. {d}" for i, d in enumerate(p.descriptions, 1)]
    for o in p.objections:
        status = "stands" if o.standing else o.note
        lines.append(f"  objection by {name(o.objector)} (hat {hat_path(o.hat)}, {status}): {o.reason}")
    return lines
