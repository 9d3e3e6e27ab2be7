"""Streamed cell budgets: create, fund, draw down and read BudgetStreams streams.

Rates are taken and shown as people say them ("1500 USDC/month"; a month is
30 days) and sent to the contract as 18-decimal fixed point per second;
amounts are taken and shown in token units and sent in the token's base
units. Every operation is checked before it is sent, so the usual mistakes
(a zero rate, too much withdrawn, the wrong account) come back as a
`StreamError` that says what to do, not as a revert. Every method that sends
takes `announce`, a function told in plain words (token units, people's
rates) what each transaction will do just before it is sent; the CLI prints it.

Reading: a stream's figures (debt, withdrawable, refundable, status, runway)
are computed from the contract's `get_stream` and `total_debt_of`, read in
the same call so that they agree with each other. Many streams are read with
one Multicall3 call when the network has Multicall3 (every public chain does,
at its canonical address), and with two calls a stream otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from opgov.chain import send
from opgov.contracts import container
from opgov.errors import StreamError, UnitsError
from opgov.hats import hat_path
from opgov.units import Amount, Rate, format_amount, format_duration, format_rate, format_time, to_base_units

if TYPE_CHECKING:
    from ape.api import AccountAPI
    from ape.contracts import ContractInstance

    from opgov.describe import Names

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
MULTICALL3 = "0xcA11bde05977b3631167028862bE2a173976CA11"
MAX_DECIMALS = 18
MAX_RATE = 2**88 - 1  # the contract's MAX_RATE: 88 bits of its packed state
MAX_UINT256 = 2**256 - 1
Announce = Callable[[str], None] | None  # told, in plain words, of each transaction just before it is sent
READ_CHUNK = 200  # streams per Multicall3 call, well inside a node's eth_call gas cap

# `status_of` numbering (BudgetStreams.vy, as Sablier Flow's)
PENDING, STREAMING_SOLVENT, STREAMING_INSOLVENT, PAUSED_SOLVENT, PAUSED_INSOLVENT, VOIDED = range(6)
STATUS_WORDS = {
    PENDING: "pending: nothing deposited yet",
    STREAMING_SOLVENT: "streaming, solvent",
    STREAMING_INSOLVENT: "streaming, insolvent: the balance does not cover what is owed",
    PAUSED_SOLVENT: "paused, solvent",
    PAUSED_INSOLVENT: "paused, insolvent: the balance does not cover what is owed",
    VOIDED: "voided: stopped for good",
}

_MULTICALL3_ABI = [
    {
        "type": "function", "name": "aggregate3", "stateMutability": "view",
        "inputs": [{"name": "calls", "type": "tuple[]", "components": [
            {"name": "target", "type": "address"},
            {"name": "allowFailure", "type": "bool"},
            {"name": "callData", "type": "bytes"},
        ]}],
        "outputs": [{"name": "returnData", "type": "tuple[]", "components": [
            {"name": "success", "type": "bool"},
            {"name": "returnData", "type": "bytes"},
        ]}],
    },
    {
        "type": "function", "name": "getCurrentBlockTimestamp", "stateMutability": "view",
        "inputs": [], "outputs": [{"name": "timestamp", "type": "uint256"}],
    },
]


# ---------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    """An ERC-20 as opgov shows it."""

    address: str
    symbol: str
    decimals: int

    def amount(self, base_units: int) -> str:
        """Base units in people's units: "1,500.00 USDC"."""
        return format_amount(base_units, self.decimals, self.symbol)

    def base_units(self, text: str | int | Decimal | Amount) -> int:
        """People's units ("250 USDC", "250", 250) in base units, checking the symbol if one is written.

        Raises:
            StreamError: if the symbol written is not this token's.
            UnitsError: if the amount cannot be read or is finer than the token's decimals.
        """
        amount = text if isinstance(text, Amount) else Amount.parse(str(text))
        _check_symbol(amount.symbol, self)
        return to_base_units(amount.value, self.decimals)


def _check_symbol(written: str | None, token: Token) -> None:
    if written and written.upper() != token.symbol.upper():
        raise StreamError(
            f"the stream's token is {token.symbol or token.address}, not {written}",
            f"write the amount in {token.symbol or 'token units'}",
        )


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class StreamView:
    """One stream, read at one moment of the chain (`now`).

    Amounts are in the token's base units, the rate in 18-decimal fixed point
    per second; the `*_text` properties and `describe()` say them in people's units.
    """

    id: int
    payer: str
    recipient: str
    token: Token
    spender_hat: int
    rate_per_second: int
    balance: int
    withdrawn: int
    streamed_scaled: int
    snapshot_time: int
    voided: bool
    total_debt: int
    now: int
    funded: bool  # anything ever deposited (a refund may have emptied it since)

    @property
    def number(self) -> int:
        """The stream's number (1, 2, ...), as people refer to it."""
        return self.id & (2**96 - 1)

    @property
    def scale(self) -> int:
        return 10 ** (MAX_DECIMALS - self.token.decimals)

    @property
    def covered_debt(self) -> int:
        return min(self.balance, self.total_debt)

    @property
    def withdrawable(self) -> int:
        """What the recipient or a spender can withdraw now: the covered debt."""
        return self.covered_debt

    @property
    def uncovered_debt(self) -> int:
        return max(self.total_debt - self.balance, 0)

    @property
    def refundable(self) -> int:
        """The part of the balance not owed to the recipient, which the payer may take back."""
        return self.balance - self.covered_debt

    @property
    def streamed(self) -> int:
        """Streamed since creation: withdrawn plus still owed."""
        return self.withdrawn + self.total_debt

    @property
    def paused(self) -> bool:
        return self.rate_per_second == 0 and not self.voided

    @property
    def insolvent(self) -> bool:
        return self.total_debt > self.balance

    @property
    def status(self) -> int:
        """The contract's `status_of` number."""
        if self.voided:
            return VOIDED
        if not self.funded:
            return PENDING
        if self.rate_per_second == 0:
            return PAUSED_INSOLVENT if self.insolvent else PAUSED_SOLVENT
        return STREAMING_INSOLVENT if self.insolvent else STREAMING_SOLVENT

    @property
    def status_text(self) -> str:
        return STATUS_WORDS[self.status]

    @property
    def depletion_time(self) -> int | None:
        """When the debt first exceeds the balance (the contract's `depletion_time_of`).

        None when the stream does not accrue (paused or voided); `now` or
        earlier when it is already insolvent.
        """
        if self.rate_per_second == 0 or self.voided:
            return None
        if self.insolvent:
            return self.now
        target = (self.balance + self.withdrawn + 1) * self.scale
        return self.snapshot_time + -(-(target - self.streamed_scaled) // self.rate_per_second)

    @property
    def runway(self) -> int | None:
        """Seconds until the balance runs out; 0 if it already has, None if the stream does not accrue."""
        depletion = self.depletion_time
        return None if depletion is None else max(depletion - self.now, 0)

    @property
    def rate_text(self) -> str:
        return format_rate(self.rate_per_second, self.token.symbol)

    def amount(self, base_units: int) -> str:
        return self.token.amount(base_units)

    def describe(self, names: "Names | None" = None) -> list[str]:
        """The stream in plain words, one fact a line.

        Args:
            names: what the org calls things (`opgov.naming`): the stream, its payer,
                recipient and spender hat are said by name.
        """
        from opgov.describe import Names

        names = names or Names()
        lines = [
            names.stream_name(self.id),
            f"  from {names.who(self.payer)} to {names.who(self.recipient)}"
            + (f"; wearers of {names.hat(self.spender_hat)} may also withdraw" if self.spender_hat else ""),
            f"  status: {self.status_text}",
            f"  rate: {self.rate_text}" + (" (paused)" if self.paused else ""),
            f"  balance: {self.amount(self.balance)}",
            f"  streamed so far: {self.amount(self.streamed)}, of which withdrawn {self.amount(self.withdrawn)}",
            f"  withdrawable now: {self.amount(self.withdrawable)}",
            f"  owed: {self.amount(self.total_debt)} ({self.amount(self.covered_debt)} covered, "
            f"{self.amount(self.uncovered_debt)} not covered)",
            f"  refundable to the payer: {self.amount(self.refundable)}",
        ]
        runway = self.runway
        if runway is None:
            lines.append("  runway: not accruing" if self.voided else "  runway: not accruing while paused")
        elif runway == 0:
            lines.append("  runway: none, the balance has run out; a deposit covers the debt")
        else:
            lines.append(
                f"  runway: {format_duration(runway)} (runs out {format_time(self.depletion_time)})"
            )
        return lines


# ---------------------------------------------------------------- the client


class StreamsClient:
    """opgov's view of one deployed BudgetStreams contract.

    Args:
        contract: the BudgetStreams contract instance (ape).
        multicall: a Multicall3 address for batched reads (None: read stream by stream).

    What it announces says people, cells and streams with `names` (`opgov.naming`; by
    default addresses and hat paths as they are).
    """

    def __init__(self, contract: "ContractInstance", multicall: str | None = MULTICALL3):
        from opgov.describe import Names

        self.contract = contract
        self.multicall = multicall
        self._tokens: dict[str, Token] = {}
        self.names = Names()

    @property
    def address(self) -> str:
        return str(self.contract.address)

    @classmethod
    def deploy(cls, sender: "AccountAPI", hats: str) -> "StreamsClient":
        """Deploy a BudgetStreams contract that checks spender hats in `hats`."""
        if not hats or int(hats, 16) == 0:
            raise StreamError("BudgetStreams needs a Hats contract", "deploy one with `opgov hats deploy`")
        return cls(sender.deploy(container("BudgetStreams"), hats))

    @classmethod
    def at(cls, address: str, multicall: str | None = MULTICALL3) -> "StreamsClient":
        from opgov.reads import reader

        return cls(reader().instance("BudgetStreams", address), multicall)

    # ------------------------------------------------------------ tokens

    def token(self, address: str) -> Token:
        """The token's symbol and decimals, read once.

        Raises:
            StreamError: if the address has no ERC-20 `decimals()`.
        """
        address = str(address)
        if address not in self._tokens:
            self._tokens.update(read_tokens([address]))
        return self._tokens[address]

    # ------------------------------------------------------------ reading

    def resolve(self, ref: str | int, from_block: int = 0) -> int:
        """A stream id from what people write: its number (`3`, found in the creation events) or its full id.

        Raises:
            StreamError: if it is not a number, or no stream has that number.
        """
        text = str(ref).strip()
        try:
            value = int(text, 16) if text.lower().startswith("0x") else int(text)
        except ValueError:
            raise StreamError(f"{ref!r} is not a stream", "give the stream's number (e.g. 3) or its full id") from None
        if value <= 0:
            raise StreamError(f"{ref!r} is not a stream", "stream numbers start at 1")
        if value >> 96:
            return value
        for log in self.contract.StreamCreated.range(from_block, None):
            if int(log.stream_id) & (2**96 - 1) == value:
                return int(log.stream_id)
        raise StreamError(f"there is no stream {value}",
                          "list a cell's streams with `opgov stream list --recipient ADDRESS`")

    def stream(self, stream_id: int) -> StreamView:
        """One stream's figures now.

        Raises:
            StreamError: if there is no such stream.
        """
        return self.streams([stream_id])[0]

    def streams(self, stream_ids: Iterable[int]) -> list[StreamView]:
        """Several streams read at the same moment: one Multicall3 call per 200 streams if possible.

        Raises:
            StreamError: if one of them does not exist.
        """
        ids = [int(i) for i in stream_ids]
        if not ids:
            return []
        raw = self._read_batched(ids) if self.multicall else self._read_one_by_one(ids)
        views = []
        for sid, (stream, debt, now) in zip(ids, raw):
            if stream is None:
                raise StreamError(f"there is no stream {_short(sid)}",
                                  "list a cell's streams with `opgov stream list --recipient ADDRESS`")
            views.append(self._view(sid, stream, debt, now))
        return views

    def streams_of(self, recipient: str | None = None, hat: int | None = None, from_block: int = 0) -> list[StreamView]:
        """A cell's streams: every stream paying `recipient` now, or whose spender hat is `hat`.

        The candidates come from the contract's StreamCreated and RecipientSet
        events; the streams are then read (batched) and kept only if they still match.
        """
        if recipient is None and hat is None:
            raise StreamError("say whose streams to list", "give a recipient address or a spender hat")
        from opgov.reads import reader

        candidates: dict[int, None] = {}
        logs = reader().decoded_logs([self.contract], from_block)  # one eth_getLogs for both events
        for log in logs:
            if log.event_name == "StreamCreated" and (
                (recipient and str(log.recipient) == recipient) or (hat and int(log.spender_hat) == hat)
            ):
                candidates[int(log.stream_id)] = None
            elif log.event_name == "RecipientSet" and recipient and str(log.recipient) == recipient:
                candidates[int(log.stream_id)] = None
        # the tokens they stream (named in their creation events) read in the same call as the streams
        tokens = {str(log.token) for log in logs
                  if log.event_name == "StreamCreated" and int(log.stream_id) in candidates}
        self.ahead([], tokens)
        views = self.streams(sorted(candidates, key=lambda i: i & (2**96 - 1)))
        return [v for v in views if (recipient and v.recipient == recipient) or (hat and v.spender_hat == hat)]

    def ahead(self, stream_ids: Iterable[int], tokens: Iterable[str] = ()) -> None:
        """Say which streams (and tokens) the read will ask for (`streams`), so that they travel in
        the read's next Multicall3 call, whatever it is for (see `opgov.reads.Reader.ahead`)."""
        from opgov.reads import reader

        read = reader()
        read.ahead(self._stream_calls([int(i) for i in stream_ids]))
        read.ahead(_token_calls([str(t) for t in tokens if str(t) not in self._tokens and str(t) not in read.tokens]))

    def _stream_calls(self, ids: list[int]) -> list[tuple[str, bytes]]:
        """What `_read_batched` asks: the block's time, then each stream and its debt."""
        from opgov.reads import GET_TIMESTAMP, MULTICALL3 as CANONICAL, _codec

        get_stream, total_debt = _codec(self.contract.get_stream.abis[0]), _codec(self.contract.total_debt_of.abis[0])
        calls = [(CANONICAL, GET_TIMESTAMP)]
        for sid in ids:
            calls.append((str(self.address), get_stream.encode([sid])))
            calls.append((str(self.address), total_debt.encode([sid])))
        return calls

    def _read_batched(self, ids: list[int]) -> list[tuple[Any, int, int]]:
        """Streams and their debts with the block's time, in one Multicall3 call (see `opgov.reads`);
        the tokens they stream are read in the same round of requests if not known yet."""
        from opgov.reads import _codec, reader

        read = reader()
        get_stream, total_debt = _codec(self.contract.get_stream.abis[0]), _codec(self.contract.total_debt_of.abis[0])
        results = read.call_many(self._stream_calls(ids))
        # without Multicall3 the calls were made one by one, at the latest block
        now = int.from_bytes(results[0][1], "big") if results[0][1] else read.now()
        out: list[tuple[Any, int, int]] = []
        for i in range(len(ids)):
            (s_ok, s_data), (d_ok, d_data) = results[1 + 2 * i], results[2 + 2 * i]
            if not (s_ok and d_ok):
                out.append((None, 0, now))
                continue
            out.append((get_stream.decode(s_data), int(total_debt.decode(d_data)), now))
        unknown = {str(_fields(s)[2]) for s, _, _ in out if s is not None} - set(self._tokens)
        if unknown:
            self._tokens.update(read_tokens(sorted(unknown)))
        return out

    def _read_one_by_one(self, ids: list[int]) -> list[tuple[Any, int, int]]:
        from ape import chain
        from ape.exceptions import ContractLogicError

        # a local node's calls run on its latest block, whose time is the runway's "now"
        now = int(chain.blocks.head.timestamp)
        out = []
        for sid in ids:
            try:
                out.append((self.contract.get_stream(sid), int(self.contract.total_debt_of(sid)), now))
            except ContractLogicError:
                out.append((None, 0, now))
        return out

    def _view(self, sid: int, s: Any, debt: int, now: int) -> StreamView:
        payer, recipient, token, decimals, hat, rate, balance, withdrawn, streamed, snap, voided, funded = _fields(s)
        known = self._tokens.get(str(token))
        info = known if known else self.token(str(token))
        if info.decimals != int(decimals):  # cannot happen for an ERC-20; trust the stream
            info = Token(info.address, info.symbol, int(decimals))
        return StreamView(
            id=sid, payer=str(payer), recipient=str(recipient), token=info, spender_hat=int(hat),
            rate_per_second=int(rate), balance=int(balance), withdrawn=int(withdrawn),
            streamed_scaled=int(streamed), snapshot_time=int(snap), voided=bool(voided),
            total_debt=int(debt), now=int(now), funded=bool(funded),
        )

    def _spender_ok(self, view: StreamView, who: str) -> bool:
        if who == view.recipient:
            return True
        if not view.spender_hat:
            return False
        return bool(container("Hats").at(str(self.contract.hats())).isWearerOfHat(who, view.spender_hat))

    # ------------------------------------------------------------ creating and funding

    def rate_for(self, rate: str | Rate | int, token: Token) -> int:
        """A rate as people say it ("1500 USDC/month") in the contract's per-second units.

        An int is taken as already per second (18-decimal fixed point).

        Raises:
            StreamError: if the symbol is not the token's, or the rate is zero or too high.
        """
        if isinstance(rate, int):
            per_second = rate
        else:
            parsed = rate if isinstance(rate, Rate) else _parse_rate(rate)
            _check_symbol(parsed.amount.symbol, token)
            per_second = parsed.per_second()
        if per_second <= 0:
            raise StreamError("the rate is zero", "give a rate like '1500 USDC/month'")
        if per_second > MAX_RATE:
            raise StreamError(
                f"the rate is above the most a stream can pay ({format_rate(MAX_RATE, token.symbol, 'second')})",
                "split the budget over several streams",
            )
        return per_second

    def create(
        self,
        recipient: str,
        token: str,
        rate: str | Rate | int,
        sender: "AccountAPI",
        spender_hat: int = 0,
        deposit: str | int | Decimal | None = None,
        announce: Announce = None,
    ) -> int:
        """Create a stream paid by `sender` (the payer), optionally funded at once.

        Args:
            recipient: the cell's address.
            token: the ERC-20 streamed.
            rate: "1500 USDC/month" (a month is 30 days), a `Rate`, or an int per second (18 decimals).
            sender: the payer.
            spender_hat: a hat whose wearers may also withdraw (0: the recipient only).
            deposit: an amount to deposit at creation ("3000 USDC"), approved first if need be.
            announce: told, in plain words, of each transaction just before it is sent.

        Returns:
            the new stream's id.

        Raises:
            StreamError: zero recipient, zero rate, wrong symbol, too many decimals, short balance.
        """
        if not recipient or int(str(recipient), 16) == 0:
            raise StreamError("the recipient is the zero address", "give the cell's address")
        info = self.token(token)
        if info.decimals > MAX_DECIMALS:
            raise StreamError(
                f"{info.symbol or token} has {info.decimals} decimals; streams take tokens of at most 18",
                "stream another token",
            )
        per_second = self.rate_for(rate, info)
        text = (f"create a stream of {format_rate(per_second, info.symbol)} (a month is 30 days) "
                f"from {self.names.who(sender.address)} to {self.names.who(recipient)}")
        if spender_hat:
            text += f"; wearers of {self.names.hat(spender_hat)} may also withdraw"
        if deposit is None:
            _tell(announce, text + "; it accrues debt until it is funded")
            receipt = send(self.contract.create, recipient, info.address, per_second, spender_hat, sender=sender)
        else:
            amount = self._positive(info.base_units(deposit), "deposit")
            self._fund(info, amount, sender, announce)
            _tell(announce, text + f", funded with {info.amount(amount)}")
            receipt = send(self.contract.create_and_deposit, recipient, info.address, per_second,
                           spender_hat, amount, sender=sender)
        return int(receipt.decode_logs(self.contract.StreamCreated)[0].stream_id)

    def create_and_deposit(
        self,
        recipient: str,
        token: str,
        rate: str | Rate | int,
        amount: str | int | Decimal,
        sender: "AccountAPI",
        spender_hat: int = 0,
        announce: Announce = None,
    ) -> int:
        """Create a stream and fund it in one transaction (after an approval if needed); see `create`."""
        return self.create(recipient, token, rate, sender, spender_hat, deposit=amount, announce=announce)

    def deposit(
        self,
        stream_id: int,
        amount: str | int | Decimal,
        sender: "AccountAPI",
        announce: Announce = None,
    ) -> int:
        """Top a stream up from `sender` (anyone may); approves the contract first if the allowance is short.

        Returns:
            the amount deposited, base units.

        Raises:
            StreamError: unknown or voided stream, zero amount, a balance too low.
        """
        view = self._live(stream_id, "deposit into")
        base = self._positive(view.token.base_units(amount), "deposit")
        self._fund(view.token, base, sender, announce)
        _tell(announce, f"deposit {view.amount(base)} into stream {view.number} from {self.names.who(sender.address)}")
        send(self.contract.deposit, stream_id, base, sender=sender)
        return base

    def _fund(self, token: Token, amount: int, sender: "AccountAPI", announce: Announce) -> None:
        erc20 = _erc20(token.address)
        held = int(erc20.balanceOf(sender.address))
        if held < amount:
            raise StreamError(
                f"{self.names.who(sender.address)} holds {token.amount(held)}, less than the {token.amount(amount)} to deposit",
                "deposit less, or get more tokens first",
            )
        if int(erc20.allowance(sender.address, self.address)) < amount:
            _tell(announce, f"approve the BudgetStreams contract {self.address} to take "
                         f"{token.amount(amount)} from {self.names.who(sender.address)}")
            send(erc20.approve, self.address, amount, sender=sender)

    # ------------------------------------------------------------ drawing down

    def withdraw(
        self,
        stream_id: int,
        amount: str | int | Decimal,
        sender: "AccountAPI",
        to: str | None = None,
        announce: Announce = None,
    ) -> int:
        """Pay `amount` ("250 USDC", or "max") of the stream's withdrawable budget to `to` (default: the sender).

        The recipient or a current wearer of the stream's spender hat may
        withdraw, to any address: a cell pays a supplier straight from its budget.

        Returns:
            the amount paid, base units.

        Raises:
            StreamError: unknown stream, caller not allowed, amount above what is withdrawable.
        """
        view = self.stream(stream_id)
        if not self._spender_ok(view, sender.address):
            hat = f" nor wears its spender hat {hat_path(view.spender_hat)}" if view.spender_hat else ""
            raise StreamError(
                f"{self.names.who(sender.address)} is not the recipient of stream {view.number}{hat}",
                "withdraw from the recipient's account" + (" or a wearer of the spender hat" if hat else ""),
            )
        to = to or sender.address
        if int(str(to), 16) == 0:
            raise StreamError("cannot pay to the zero address", "give the address to pay")
        if to == self.address:
            raise StreamError("cannot pay to the BudgetStreams contract itself", "give the address to pay")
        if _is_max(amount):
            if view.withdrawable == 0:
                raise StreamError(f"nothing is withdrawable from stream {view.number} yet",
                                  _why_nothing(view))
            _tell(announce, f"withdraw all that is withdrawable from stream {view.number} "
                            f"(now {view.amount(view.withdrawable)}) and pay it to {self.names.who(to)}")
            receipt = send(self.contract.withdraw_max, stream_id, to, sender=sender)
        else:
            base = self._positive(view.token.base_units(amount), "withdrawal")
            if base > view.withdrawable:
                raise StreamError(
                    f"{view.amount(base)} is more than the {view.amount(view.withdrawable)} withdrawable "
                    f"from stream {view.number}",
                    f"withdraw at most {view.amount(view.withdrawable)} (or 'max')",
                )
            _tell(announce, f"withdraw {view.amount(base)} from stream {view.number} and pay it to {self.names.who(to)}")
            receipt = send(self.contract.withdraw, stream_id, to, base, sender=sender)
        return int(receipt.decode_logs(self.contract.Withdrawn)[0].amount)

    def withdraw_max_many(
        self, stream_ids: list[int], sender: "AccountAPI", to: str | None = None, announce: Announce = None
    ) -> int:
        """Withdraw everything withdrawable from up to 64 streams in one transaction; returns the total paid.

        Raises:
            StreamError: more than 64 streams, or the sender may not withdraw from one of them.
        """
        if not 0 < len(stream_ids) <= 64:
            raise StreamError(f"{len(stream_ids)} streams given", "withdraw from 1 to 64 streams at a time")
        for view in self.streams(stream_ids):
            if not self._spender_ok(view, sender.address):
                raise StreamError(f"{self.names.who(sender.address)} may not withdraw from stream {view.number}",
                                  "leave it out, or withdraw from its recipient's account")
        _tell(announce, f"withdraw all that is withdrawable from streams "
                        f"{', '.join(str(i & (2**96 - 1)) for i in stream_ids)} "
                        f"and pay it to {self.names.who(to or sender.address)}")
        receipt = send(self.contract.batch_withdraw_max, stream_ids, to or sender.address, sender=sender)
        return sum(int(log.amount) for log in receipt.decode_logs(self.contract.Withdrawn))

    # ------------------------------------------------------------ the payer

    def pause(self, stream_id: int, sender: "AccountAPI", announce: Announce = None) -> None:
        """Stop the stream accruing until it is restarted (payer only); what is owed stays owed."""
        view = self._payers(stream_id, sender, "pause")
        if view.paused:
            raise StreamError(f"stream {view.number} is already paused", "restart it with a rate")
        _tell(announce, f"pause stream {view.number} (now {view.rate_text}); "
                        f"the {view.amount(view.total_debt)} owed so far stays owed")
        send(self.contract.pause, stream_id, sender=sender)

    def restart(self, stream_id: int, rate: str | Rate | int, sender: "AccountAPI", announce: Announce = None) -> None:
        """Resume a paused stream at `rate` (payer only)."""
        view = self._payers(stream_id, sender, "restart")
        if not view.paused:
            raise StreamError(f"stream {view.number} is not paused", "change its rate with adjust instead")
        per_second = self.rate_for(rate, view.token)
        _tell(announce, f"restart stream {view.number} at {format_rate(per_second, view.token.symbol)}")
        send(self.contract.restart, stream_id, per_second, sender=sender)

    def adjust(self, stream_id: int, rate: str | Rate | int, sender: "AccountAPI", announce: Announce = None) -> None:
        """Change a streaming stream's rate from now on (payer only); what was streamed is kept."""
        view = self._payers(stream_id, sender, "adjust")
        if view.paused:
            raise StreamError(f"stream {view.number} is paused", "restart it with the new rate instead")
        per_second = self.rate_for(rate, view.token)
        if per_second == view.rate_per_second:
            raise StreamError(f"stream {view.number} already streams {view.rate_text}", "give a different rate")
        _tell(announce, f"change the rate of stream {view.number} from {view.rate_text} "
                        f"to {format_rate(per_second, view.token.symbol)}, from now on")
        send(self.contract.adjust_rate, stream_id, per_second, sender=sender)

    def void(self, stream_id: int, sender: "AccountAPI", announce: Announce = None) -> int:
        """Stop the stream for good (payer or recipient); returns the uncovered debt written off, base units.

        What was streamed and is covered stays withdrawable; the rest of the
        balance becomes refundable to the payer.
        """
        view = self._live(stream_id, "void")
        if sender.address not in (view.payer, view.recipient):
            raise StreamError(f"{self.names.who(sender.address)} is neither the payer nor the recipient of stream {view.number}",
                              "void it from the payer's or the recipient's account")
        _tell(announce, f"void stream {view.number} for good: {view.amount(view.uncovered_debt)} of uncovered "
                        f"debt is written off, {view.amount(view.covered_debt)} stays withdrawable by the cell, "
                        f"{view.amount(view.refundable)} becomes refundable to the payer")
        receipt = send(self.contract.void, stream_id, sender=sender)
        return int(receipt.decode_logs(self.contract.Voided)[0].written_off)

    def refund(
        self, stream_id: int, amount: str | int | Decimal, sender: "AccountAPI", announce: Announce = None
    ) -> int:
        """Take back `amount` ("500 USDC", or "max") of the balance not owed (payer only); returns it in base units."""
        view = self.stream(stream_id)
        self._check_payer(view, sender, "refund from")
        if _is_max(amount):
            if view.refundable == 0:
                raise StreamError(f"nothing in stream {view.number} is refundable: all of its balance is owed",
                                  "pause or void the stream first if the cell should get no more")
            _tell(announce, f"refund all that is not owed from stream {view.number} "
                            f"(now {view.amount(view.refundable)}) to the payer {self.names.who(view.payer)}")
            receipt = send(self.contract.refund_max, stream_id, sender=sender)
        else:
            base = self._positive(view.token.base_units(amount), "refund")
            if base > view.refundable:
                raise StreamError(
                    f"{view.amount(base)} is more than the {view.amount(view.refundable)} refundable "
                    f"from stream {view.number} (the rest is owed to the cell)",
                    f"refund at most {view.amount(view.refundable)} (or 'max')",
                )
            _tell(announce, f"refund {view.amount(base)} from stream {view.number} to the payer {self.names.who(view.payer)}")
            receipt = send(self.contract.refund, stream_id, base, sender=sender)
        return int(receipt.decode_logs(self.contract.Refunded)[0].amount)

    def set_recipient(self, stream_id: int, recipient: str, sender: "AccountAPI", announce: Announce = None) -> None:
        """Send the stream's budget to another recipient from now on.

        The cell decides where its budget goes: the recipient or a wearer of the
        stream's spender hat may do this, the payer may not (what was streamed is
        owed to the cell). What is already withdrawable moves with the stream.

        Raises:
            StreamError: the sender is not the recipient nor wears the spender hat,
                or the new recipient is the zero address.
        """
        view = self.stream(stream_id)
        if not self._spender_ok(view, sender.address):
            hat = f" nor wears its spender hat {hat_path(view.spender_hat)}" if view.spender_hat else ""
            raise StreamError(
                f"{self.names.who(sender.address)} is not the recipient of stream {view.number}{hat}, "
                "so it cannot change where the stream pays",
                "send from the recipient's account" + (" or a wearer of the spender hat" if hat else "")
                + "; the payer cannot redirect what the stream owes the cell (it may void the stream instead)",
            )
        if not recipient or int(str(recipient), 16) == 0:
            raise StreamError("the new recipient is the zero address", "give the cell's address")
        _tell(announce, f"send the budget of stream {view.number} to {self.names.who(recipient)} "
                        f"instead of {self.names.who(view.recipient)}")
        send(self.contract.set_recipient, stream_id, recipient, sender=sender)

    # ------------------------------------------------------------ checks

    def _live(self, stream_id: int, action: str) -> StreamView:
        view = self.stream(stream_id)
        if view.voided:
            raise StreamError(
                f"stream {view.number} is voided, so you cannot {action} it",
                "create a new stream; what is still withdrawable can be withdrawn, the rest refunded",
            )
        return view

    def _payers(self, stream_id: int, sender: "AccountAPI", action: str) -> StreamView:
        view = self._live(stream_id, action)
        self._check_payer(view, sender, action)
        return view

    @staticmethod
    def _check_payer(view: StreamView, sender: "AccountAPI", action: str) -> None:
        if sender.address != view.payer:
            raise StreamError(f"only the payer {view.payer} can {action} stream {view.number}",
                              "send from the payer's account (usually the treasury Safe)")

    @staticmethod
    def _positive(base: int, what: str) -> int:
        if base <= 0:
            raise StreamError(f"the {what} amount is zero", "give an amount above zero")
        return base


# ---------------------------------------------------------------- helpers


def _token_calls(addresses: Sequence[str]) -> list[tuple[str, bytes]]:
    """What `read_tokens` asks of each token: decimals() and symbol()."""
    from eth_utils import keccak

    return [(a, sel) for a in addresses for sel in (keccak(text="decimals()")[:4], keccak(text="symbol()")[:4])]


def read_tokens(addresses: Iterable[str]) -> dict[str, Token]:
    """Several tokens' symbols and decimals in one call.

    Raises:
        StreamError: if an address has no ERC-20 `decimals()`.
    """
    from eth_abi import decode as abi_decode

    from opgov.reads import reader

    read = reader()
    addresses = [str(a) for a in addresses]
    known = {a: Token(a, *read.tokens[a]) for a in addresses if a in read.tokens}
    addresses = [a for a in addresses if a not in known]
    if not addresses:
        return known
    results = read.call_many(_token_calls(addresses))
    found = {}
    for i, a in enumerate(addresses):
        (d_ok, d_data), (s_ok, s_data) = results[2 * i], results[2 * i + 1]
        try:
            if not d_ok or len(d_data) < 32:
                raise ValueError(a)
            decimals = abi_decode(["uint8"], d_data)[0]
        except Exception as err:
            if not read.has_code(a):
                raise StreamError(f"{a} is not a contract, so it is not an ERC-20 token",
                                  "give an ERC-20 token's address") from err
            raise StreamError(f"{a} has no decimals(), so it is not an ERC-20 token",
                              "give an ERC-20 token's address") from err
        try:
            symbol = abi_decode(["string"], s_data)[0] if s_ok else f"tokens of {a}"
        except Exception:  # some tokens return bytes32 or nothing; the address still names them
            symbol = f"tokens of {a}"
        found[a] = Token(a, symbol, int(decimals))
        read.tokens[a] = (symbol, int(decimals))
    return known | found


def _tell(announce: Announce, text: str) -> None:
    if announce is not None:
        announce(text)


def _erc20(address: str) -> "ContractInstance":
    # TestToken's ABI is exactly the ERC-20 functions opgov calls (plus mint)
    return container("TestToken").at(address)


def deploy_test_token(sender: "AccountAPI", symbol: str = "USDC", decimals: int = 6, name: str | None = None):
    """Deploy an open-mint ERC-20 for local chains and demos (anyone can mint it: never on a live network)."""
    return sender.deploy(container("TestToken"), name or f"Test {symbol}", symbol, decimals)


def _parse_rate(text: str) -> Rate:
    try:
        return Rate.parse(text)
    except UnitsError as err:
        if "more than zero" in err.message:
            raise StreamError("the rate is zero", "give a rate like '1500 USDC/month'") from err
        raise


def _is_max(amount: Any) -> bool:
    return isinstance(amount, str) and amount.strip().lower() in ("max", "all")


def _why_nothing(view: StreamView) -> str:
    if view.balance == 0:
        return "the stream has no balance; the payer deposits into it"
    return "wait for the stream to accrue"


def _fields(s: Any) -> tuple:
    names = ("payer", "recipient", "token", "token_decimals", "spender_hat", "rate_per_second",
             "balance", "withdrawn", "streamed_scaled", "snapshot_time", "voided", "funded")
    if all(hasattr(s, n) for n in names):
        return tuple(getattr(s, n) for n in names)
    return tuple(s)


def _short(stream_id: int) -> str:
    return f"{stream_id & (2**96 - 1)} (id {stream_id})" if stream_id >> 96 else str(stream_id)
