"""Reading the chain in a few round trips, whatever the size of the org.

A `Reader` serves one read (a command, a dashboard snapshot). It asks the node
directly in JSON-RPC with the ABIs opgov already has, never through ape's
contract calls (each of which also asks for the code and the latest block):

- contract views are read many at a time through Multicall3's `aggregate3`
  (one `eth_call` for hundreds of views), at its canonical address, which every
  public chain has and `opgov deploy` puts on local nodes; without it, as
  one batched JSON-RPC request;
- the code hashes of many addresses come in the same kind of `eth_call`, from
  a few bytes of EVM code lent for the call as a state override (a node that
  refuses overrides is asked `eth_getCode` in one batch instead);
- events come from one `eth_getLogs` for all of the org's contracts;
- what it has asked once (code, blocks, the head) it keeps for the rest of its
  life, so a Reader must not outlive the read it serves: `session()` opens one
  for a block of code, and SDK functions use `current()` or a fresh one.

On a node over HTTP, several requests travel in one HTTP round trip (a
JSON-RPC batch); on ape's embedded chain they are made one by one.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address

from opgov.errors import NetworkError

if TYPE_CHECKING:
    from ape.contracts import ContractInstance

MULTICALL3 = "0xcA11bde05977b3631167028862bE2a173976CA11"
AGGREGATE3 = keccak(text="aggregate3((address,bool,bytes)[])")[:4]
GET_BLOCK_HASH = keccak(text="getBlockHash(uint256)")[:4]
GET_TIMESTAMP = keccak(text="getCurrentBlockTimestamp()")[:4]
GET_BLOCK_NUMBER = keccak(text="getBlockNumber()")[:4]
# views per aggregate3 call. A view costs about 9,000-10,000 gas in a Multicall3 call (measured on
# opgov's contracts: cold storage reads), so 2,000 views is about 20 M gas, inside the eth_call gas
# cap of anvil (its block gas limit, 30 M) and of geth (50 M). A node that refuses a call anyway
# (out of gas, a lower cap, a size limit) gets the call again in halves, never view by view.
CHUNK = 2_000
# bytes of JSON an HTTP request carries at most: nodes cap a request's body (anvil refuses a few MB);
# a batch larger than this goes in several round trips
MAX_BODY = 1_000_000
SMALLEST_CHUNK = 50
LOG_RANGE = 100_000  # blocks per eth_getLogs
EMPTY_CODE_HASH = keccak(b"")
# EVM code answering a call with the EXTCODEHASH of each 32-byte word of its calldata
# (an address), lent to an unused address for one eth_call as a state override:
#   i=0; loop: if !(calldatasize > i) goto end; mem[i] = extcodehash(calldata[i]); i += 32; goto loop
#   end: return mem[0:calldatasize]
CODE_HASHES = bytes.fromhex("6000" "5b" "80" "36" "11" "15" "6015" "57" "80" "35" "3f" "81" "52" "6020" "01" "6002" "56"
                            "5b" "36" "6000" "f3")
CODE_HASHES_AT = "0x00000000000000000000000000000000000c0de5"

_local = threading.local()


def current() -> "Reader | None":
    """The reader of the read under way in this thread (see `session`), if any."""
    return getattr(_local, "reader", None)


def reader() -> "Reader":
    """The current reader, or a fresh one for a single read."""
    return current() or Reader()


@contextmanager
def session(fresh: dict | None = None) -> Iterator["Reader"]:
    """One read: code, blocks and contract types asked once inside the block.

    Open it only around reads: a transaction sent inside would not be seen by
    what the reader already holds. `fresh`: what the connection just asked
    (`opgov.chain.fresh_answers`), taken as the read's latest block.
    """
    outer = current()
    if outer is not None:
        yield outer
        return
    _local.reader = Reader(fresh)
    try:
        yield _local.reader
    finally:
        _local.reader = None


def reading(f):
    """Run `f` (a command that only reads) inside one read `session`."""
    import functools

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from opgov.chain import fresh_answers

        # the latest block the connection asked a moment ago is this read's (nothing was sent since)
        with session(fresh_answers()):
            return f(*args, **kwargs)

    return wrapper


class Reader:
    """Batched reads from the connected node (see the module's notes)."""

    def __init__(self, fresh: dict | None = None) -> None:
        from ape import chain
        from web3 import HTTPProvider

        self._provider = chain.provider
        web3 = self._provider.web3
        self._url = web3.provider.endpoint_uri if isinstance(web3.provider, HTTPProvider) else None
        self._codes: dict[str, bytes] = {}
        self._blocks: dict[Any, dict] = {}
        if fresh and fresh.get("url") == self._url and fresh.get("latest"):
            block = _header(fresh["latest"])
            self._blocks["latest"] = self._blocks[int(block["number"], 16)] = block
        self._multicall: bool | None = None
        self._ahead: dict[tuple[str, bytes], None] = {}  # calls to send with the next Multicall3 call
        self._carried: dict[tuple[str, bytes], tuple[bool, bytes]] = {}  # their answers
        self._overrides: bool | None = None
        self._instances: dict[tuple[str, str], "ContractInstance"] = {}
        self.checked: dict[int, bool] = {}  # deployments records found of this chain (by id)
        self.tokens: dict[str, tuple[str, int]] = {}  # token address -> (symbol, decimals), read once
        self.memo: dict[tuple, Any] = {}  # (address, view, args) -> answer, for `Cached` contracts
        self.requests = 0  # JSON-RPC requests this reader made
        self.round_trips = 0

    # ------------------------------------------------------------ JSON-RPC

    def batch(self, calls: Sequence[tuple[str, list]]) -> list[Any]:
        """Several JSON-RPC requests; their results in order (an error comes back as an RpcError)."""
        if not calls:
            return []
        self.requests += len(calls)
        if self._url is None:
            out = []
            for method, params in calls:
                self.round_trips += 1
                try:
                    out.append(self._in_process(method, params))
                except Exception as err:  # the embedded chain raises what the node would answer
                    out.append(RpcError(str(err)))
            return out
        out: list[Any] = []
        group: list[tuple[str, list]] = []
        size = 0
        for method, params in calls:  # at most MAX_BODY bytes an HTTP request (a node caps a body's size)
            length = len(json.dumps(params)) + 64
            if group and size + length > MAX_BODY:
                out += self._post(group)
                group, size = [], 0
            group.append((method, params))
            size += length
        return out + self._post(group)

    def _post(self, calls: Sequence[tuple[str, list]]) -> list[Any]:
        """One HTTP request carrying these JSON-RPC requests (a batch when there are several)."""
        self.round_trips += 1
        body = [{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in enumerate(calls)]
        payload: Any = body if len(body) > 1 else body[0]
        request = urllib.request.Request(self._url, json.dumps(payload).encode(), {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                answer = json.loads(response.read())
        except OSError as err:
            raise NetworkError(f"the node at {self._url} did not answer ({err})", "check that it is running") from err
        answers = answer if isinstance(answer, list) else [answer]
        by_id = {a.get("id"): a for a in answers if isinstance(a, dict)}
        out = []
        for i in range(len(calls)):
            a = by_id.get(i)
            if a is None:
                out.append(RpcError("no answer"))
            elif "error" in a:
                out.append(RpcError(str(a["error"].get("message", a["error"]))))
            else:
                out.append(a.get("result"))
        return out

    def _in_process(self, method: str, params: list) -> Any:
        """One request to a chain in this process (ape's embedded chain): calls through ape."""
        if method == "eth_call":
            if len(params) > 2:
                raise ValueError("state overrides are not supported here")
            tx = self._provider.network.ecosystem.create_transaction(receiver=params[0]["to"],
                                                                     data=_bytes(params[0]["data"]))
            return "0x" + bytes(self._provider.send_call(tx)).hex()
        if method == "eth_getLogs":
            query = params[0]
            found = []
            for address in query["address"]:
                found += [dict(log) for log in self._provider.web3.eth.get_logs(
                    {"address": address, "fromBlock": _int(query["fromBlock"]), "toBlock": _int(query["toBlock"])})]
            return found
        if method == "eth_getBlockByNumber" and str(params[0]).startswith("0x"):
            params = [int(params[0], 16), *params[1:]]
        if method == "eth_getCode":
            return "0x" + bytes(self._provider.get_code(params[0])).hex()
        return self._provider.make_request(method, params)

    def request(self, method: str, params: list) -> Any:
        """One JSON-RPC request.

        Raises:
            NetworkError: if the node answers with an error.
        """
        result = self.batch([(method, params)])[0]
        if isinstance(result, RpcError):
            raise NetworkError(f"the node refused {method}: {result}", "check the node and --network")
        return result

    # ------------------------------------------------------------ blocks and code

    def head(self) -> dict:
        """The latest block's header (number, hash, timestamp), asked once."""
        if "latest" not in self._blocks:
            block = _header(self.request("eth_getBlockByNumber", ["latest", False]))
            self._blocks["latest"] = block
            self._blocks[int(block["number"], 16)] = block
        return self._blocks["latest"]

    @property
    def over_http(self) -> bool:
        """Whether the node is reached over HTTP (batches travel in one round trip)."""
        return self._url is not None

    def pending_timestamp(self) -> int:
        """The time of the block the node would mine next (never before the latest block's)."""
        if "pending" not in self._blocks:
            wanted = ["pending"] + (["latest"] if "latest" not in self._blocks else [])
            answers = self.batch([("eth_getBlockByNumber", [tag, False]) for tag in wanted])
            for tag, block in zip(wanted, answers):
                if isinstance(block, RpcError) or not block:
                    raise NetworkError(f"the node did not give its {tag} block: {block}", "check the node")
                self._blocks[tag] = _header(block)
            self._blocks[int(self._blocks["latest"]["number"], 16)] = self._blocks["latest"]
        # a node restarted from saved state may date its pending block before its latest
        return max(int(self._blocks["pending"]["timestamp"], 16), int(self._blocks["latest"]["timestamp"], 16) + 1)

    def block(self, number: int) -> dict | None:
        """A block's header, asked once (None if the chain has no such block)."""
        if number not in self._blocks:
            self._blocks[number] = _header(self.request("eth_getBlockByNumber", [hex(number), False]))
        return self._blocks[number]

    def code_hashes(self, addresses: Iterable[str]) -> dict[str, bytes]:
        """keccak256 of each address's code (of b"" where there is none), in one request."""
        wanted = [a for a in dict.fromkeys(str(a) for a in addresses) if a not in self._codes]
        if wanted:
            self._codes.update(self._read_code_hashes(wanted))
        return {str(a): self._codes[str(a)] for a in addresses}

    def know_code_hashes(self, hashes: dict[str, bytes]) -> None:
        """Code hashes known without asking (those a block's hash vouches for, see
        `Deployments.check_chain`), for `code_hashes` to answer from."""
        for address, found in hashes.items():
            self._codes.setdefault(str(address), found)

    def has_code(self, address: str) -> bool:
        return self.code_hashes([address])[str(address)] != EMPTY_CODE_HASH

    def _read_code_hashes(self, addresses: list[str]) -> dict[str, bytes]:
        if self._overrides is not False:
            data = b"".join(abi_encode(["address"], [a]) for a in addresses)
            result = self.batch([("eth_call", [{"to": CODE_HASHES_AT, "data": "0x" + data.hex()}, "latest",
                                               {CODE_HASHES_AT: {"code": "0x" + CODE_HASHES.hex()}}])])[0]
            raw = _bytes(result) if not isinstance(result, RpcError) else b""
            if len(raw) == 32 * len(addresses):
                self._overrides = True
                hashes = [raw[i:i + 32] for i in range(0, len(raw), 32)]
                # an account that never existed reads 0: it has no code either
                return {a: (h if any(h) else EMPTY_CODE_HASH) for a, h in zip(addresses, hashes)}
            self._overrides = False
        codes = self.batch([("eth_getCode", [a, "latest"]) for a in addresses])
        out = {}
        for a, code in zip(addresses, codes):
            if isinstance(code, RpcError):
                raise NetworkError(f"the node did not give the code at {a}: {code}", "check the node")
            out[a] = keccak(_bytes(code))
        return out

    # ------------------------------------------------------------ contract views

    def instance(self, name: str, address: str) -> "ContractInstance":
        """An ape instance of opgov's contract `name` at `address`, made without asking the node."""
        key = (name, str(address))
        if key not in self._instances:
            from ape.contracts import ContractInstance

            self._instances[key] = ContractInstance(to_checksum_address(str(address)), _contract_type(name))
        return self._instances[key]

    def views(self, calls: Sequence[tuple[Any, str, tuple]]) -> list[Any]:
        """Many contract views at once: (instance, method name, args) -> decoded value, or a
        `Failed` for a view that reverted. One eth_call per 2,000 views through Multicall3."""
        encoded = self._encode(calls)
        raw = self.call_many([(to, data) for to, data, _ in encoded])
        out = []
        for (ok, data), (_, _, codec) in zip(raw, encoded):
            out.append(codec.decode(data) if ok else Failed(data))
        return out

    def _encode(self, calls: Sequence[tuple[Any, str, tuple]]) -> list[tuple[str, bytes, "_Codec"]]:
        encoded = []
        for contract, method, args in calls:
            # a view named like an ape attribute (a Safe's `nonce`) is found among the views first
            handler = getattr(contract, "_view_methods_", {}).get(method) or getattr(contract, method)
            codec = _codec(handler.abis[0])
            try:
                data = codec.encode(args)
            except Exception:  # what eth_abi does not take as is (a name for an address): ape converts it
                data = bytes(handler.encode_input(*args))
            encoded.append((str(contract.address), data, codec))
        return encoded

    def ahead(self, calls: Iterable[tuple[str, bytes]] = (), views: Sequence[tuple[Any, str, tuple]] = ()) -> None:
        """Calls (raw, or views as `views` takes them) that the read will need, or may need: they
        travel in the next Multicall3 call made for something else, and are answered from it
        when asked (`call_many`, `views`). A read that knows early what it will ask saves the
        requests it would have made for them; one that guesses pays a few more views in a call
        it makes anyway, never another request. Without Multicall3 they are asked only if asked."""
        for to, data in calls:
            self._ahead.setdefault((str(to), bytes(data)), None)
        for to, data, _ in self._encode(views):
            self._ahead.setdefault((to, data), None)

    def call_many(self, calls: Sequence[tuple[str, bytes]]) -> list[tuple[bool, bytes]]:
        """Raw calls (target, calldata) at the latest block: (success, return or revert data) each.

        Those asked `ahead` are answered from what came back with an earlier call; the rest
        go with those still waiting, in one Multicall3 call per 2,000 views."""
        if not calls:
            return []
        keys = [(str(to), bytes(data)) for to, data in calls]
        missing = [k for k in dict.fromkeys(keys) if k not in self._carried]
        if not missing:
            return [self._carried[k] for k in keys]
        found: dict[tuple[str, bytes], tuple[bool, bytes]] = {}
        if self._multicall is not False:
            wanted = set(missing)
            extra = [k for k in self._ahead if k not in self._carried and k not in wanted]
            sent = missing + extra
            out = self._aggregate(sent)
            if out is not None:
                found = dict(zip(sent, out))
                for k in extra:
                    self._carried[k] = found[k]
                self._ahead.clear()
        if not found:
            answers = self.batch([("eth_call", [{"to": to, "data": "0x" + data.hex()}, "latest"])
                                  for to, data in missing])
            found = {k: (False, _revert_data(a)) if isinstance(a, RpcError) else (True, _bytes(a))
                     for k, a in zip(missing, answers)}
        return [found[k] if k in found else self._carried[k] for k in keys]

    def _aggregate(self, sent: list[tuple[str, bytes]]) -> list[tuple[bool, bytes]] | None:
        """(success, data) of each call through Multicall3: one eth_call per CHUNK views (a node
        caps a call's gas), all in one round trip. A chunk the node refuses is asked again in
        halves, in one more round trip per halving. None when there is no Multicall3 here."""
        chunks = [sent[start:start + CHUNK] for start in range(0, len(sent), CHUNK)]
        answered: dict[int, list[tuple[bool, bytes]]] = {}  # chunk's first index in `sent` -> answers
        starts = [i * CHUNK for i in range(len(chunks))]
        while chunks:
            answers = self.batch([("eth_call", [{"to": MULTICALL3, "data": "0x" + _aggregate3(chunk).hex()}, "latest"])
                                  for chunk in chunks])
            again: list[list[tuple[str, bytes]]] = []
            again_at: list[int] = []
            for chunk, start, answer in zip(chunks, starts, answers):
                if isinstance(answer, RpcError):
                    if len(chunk) <= SMALLEST_CHUNK:
                        self._multicall = False  # not a Multicall3 that answers here: ask call by call
                        return None
                    half = len(chunk) // 2
                    again += [chunk[:half], chunk[half:]]
                    again_at += [start, start + half]
                    continue
                raw = _bytes(answer)
                if not raw:  # no Multicall3 here (a call to no code answers nothing)
                    self._multicall = False
                    return None
                self._multicall = True
                answered[start] = [(bool(ok), bytes(data)) for ok, data in abi_decode(["(bool,bytes)[]"], raw)[0]]
            chunks, starts = again, again_at
        return [pair for start in sorted(answered) for pair in answered[start]]

    def has_multicall(self) -> bool:
        if self._multicall is None:
            self._multicall = self.has_code(MULTICALL3)
        return self._multicall

    def now(self) -> int:
        """The latest block's timestamp."""
        return int(self.head()["timestamp"], 16)

    # ------------------------------------------------------------ events

    def logs(self, addresses: Sequence[str], from_block: int = 0, to_block: int | None = None) -> list[dict]:
        """Every log of these contracts, oldest first: one eth_getLogs per 100,000 blocks."""
        if not addresses:
            return []
        head = int(self.head()["number"], 16) if to_block is None else to_block
        found: list[dict] = []
        for lo in range(from_block, head + 1, LOG_RANGE):
            hi = min(lo + LOG_RANGE - 1, head)
            found += self.request("eth_getLogs", [{"address": [str(a) for a in addresses],
                                                   "fromBlock": hex(lo), "toBlock": hex(hi)}])
        return sorted(found, key=lambda log: (_int(log["blockNumber"]), _int(log["logIndex"])))

    def decoded_logs(self, contracts: Sequence["ContractInstance"], from_block: int = 0) -> list:
        """Every event of these contracts, decoded as ape decodes them, oldest first."""
        ecosystem = self._provider.network.ecosystem
        by_address = {str(c.address).lower(): c for c in contracts}
        raw = self.logs([str(c.address) for c in contracts], from_block)
        out = []
        for address, contract in by_address.items():
            mine = [dict(log) for log in raw if str(log["address"]).lower() == address]
            if mine:
                out += list(ecosystem.decode_logs(mine, *contract.contract_type.events))
        return sorted(out, key=lambda log: (int(log.block_number), int(log.log_index)))


class Cached:
    """An ape contract whose views are answered within the read under way: each (view, args)
    asked once, through `Reader.views` (no code or block asked with it), and many at once
    with `prefetch`. What is not a view (a transaction, `encode_input`) is the contract's own.
    """

    def __init__(self, contract: Any):
        self._contract = contract
        self._views = set(getattr(contract, "_view_methods_", {}))

    @property
    def address(self) -> Any:
        return self._contract.address

    def __getattr__(self, name: str) -> Any:
        if name in self.__dict__.get("_views", ()):
            return _CachedView(self, name)
        return getattr(self._contract, name)

    def _key(self, method: str, args: tuple) -> tuple:
        return (str(self._contract.address), method, _hashable(args))

    def prefetch(self, calls: Iterable[tuple[str, tuple]]) -> None:
        """Ask many views in one go (a Multicall3 call per 2,000), for later calls to answer from."""
        read = reader()
        wanted = [(m, tuple(a)) for m, a in dict.fromkeys((m, _hashable(tuple(a))) for m, a in calls)
                  if self._key(m, tuple(a)) not in read.memo]
        for (method, args), value in zip(wanted, read.views([(self._contract, m, a) for m, a in wanted])):
            if not isinstance(value, Failed):  # a view that reverted is asked again, to raise as ape does
                read.memo[self._key(method, args)] = value


class _CachedView:
    def __init__(self, owner: Cached, name: str):
        self._owner, self._name = owner, name

    def __call__(self, *args: Any) -> Any:
        read = reader()
        key = self._owner._key(self._name, args)
        if key not in read.memo:
            self._owner.prefetch([(self._name, args)])
        if key not in read.memo:
            return self._handler(*args)  # it reverts: ape raises its error
        return read.memo[key]

    @property
    def _handler(self) -> Any:
        contract = self._owner._contract
        return getattr(contract, "_view_methods_", {}).get(self._name) or getattr(contract, self._name)

    def __getattr__(self, name: str) -> Any:  # encode_input, abis, contract ...
        return getattr(self._handler, name)


def _hashable(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    return value


class RpcError(str):
    """A JSON-RPC request the node answered with an error (its message)."""


class Failed:
    """A view that reverted, in `Reader.views`' answers."""

    def __init__(self, data: bytes):
        self.data = data

    def __bool__(self) -> bool:
        return False


def _contract_type(name: str):
    from opgov.contracts import container

    if name in ("TestToken", "Hats", "BudgetStreams", "ConsentModule", "SignerGate"):
        return container(name).contract_type
    from opgov.safe import artifact_container

    return artifact_container(name).contract_type


def _aggregate3(calls: Sequence[tuple[str, bytes]]) -> bytes:
    return AGGREGATE3 + abi_encode(["(address,bool,bytes)[]"],
                                   [[(bytes.fromhex(str(to)[2:]), True, bytes(data)) for to, data in calls]])


_CHECKSUMS: dict[str, str] = {}


def checksum(address: Any) -> str:
    """An address in EIP-55 form, worked out once per address (it costs a keccak each time)."""
    text = address if isinstance(address, str) else "0x" + bytes(address).hex()
    found = _CHECKSUMS.get(text)
    if found is None:
        found = _CHECKSUMS[text] = to_checksum_address(text)
    return found


class _Codec:
    """A view's calldata and return data, with eth_abi and the ABI's types worked out once.

    Return values come as ape gives them: addresses checksummed, bytes as HexBytes, a
    struct as an object whose fields are attributes (and items), several outputs as a tuple.
    """

    def __init__(self, abi: Any):
        self.abi = abi
        self.selector = keccak(text=abi.selector)[:4]
        self.inputs = [i.canonical_type for i in abi.inputs]
        self.outputs = [o.canonical_type for o in abi.outputs]
        self.convert = [_converter(o.type, getattr(o, "components", None)) for o in abi.outputs]

    def encode(self, args: Sequence[Any]) -> bytes:
        return self.selector + abi_encode(self.inputs, list(args))

    def decode(self, data: bytes) -> Any:
        values = abi_decode(self.outputs, bytes(data))
        out = tuple(f(v) for f, v in zip(self.convert, values))
        return out[0] if len(out) == 1 else out


_CODECS: dict[int, _Codec] = {}


def _codec(abi: Any) -> _Codec:
    found = _CODECS.get(id(abi))
    if found is None or found.abi is not abi:
        found = _CODECS[id(abi)] = _Codec(abi)
    return found


def _converter(abi_type: str, components: Any):
    """How one decoded value becomes what ape's decoding gives."""
    from hexbytes import HexBytes

    if abi_type.endswith("]"):
        inner = _converter(abi_type[:abi_type.rindex("[")], components)
        return lambda values: [inner(v) for v in values]
    if abi_type == "address":
        return checksum
    if abi_type.startswith("bytes"):
        return HexBytes
    if abi_type == "tuple":
        names = [c.name or f"field{i}" for i, c in enumerate(components)]
        fields = [_converter(c.type, getattr(c, "components", None)) for c in components]
        struct = _struct(tuple(names))
        return lambda values: struct(*(f(v) for f, v in zip(fields, values)))
    return lambda value: value


_STRUCTS: dict[tuple[str, ...], type] = {}


def _struct(names: tuple[str, ...]) -> type:
    """A tuple whose fields are also attributes and items by name (as ape's structs are)."""
    if names not in _STRUCTS:
        from collections import namedtuple

        base = namedtuple("Struct", names, rename=True)  # type: ignore[misc]

        class Struct(base):  # type: ignore[valid-type, misc]
            __slots__ = ()

            def __getitem__(self, key: Any) -> Any:
                return getattr(self, key) if isinstance(key, str) else tuple.__getitem__(self, key)

            def items(self):
                return list(zip(self._fields, self))

        _STRUCTS[names] = Struct
    return _STRUCTS[names]


def _bytes(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    text = str(value or "")
    return bytes.fromhex(text[2:] if text.startswith("0x") else text)


def _int(value: Any) -> int:
    return value if isinstance(value, int) else int(str(value), 16)


def _header(block: Any) -> dict | None:
    """A block's number, hash and timestamp as JSON-RPC gives them (hex text), whoever answered."""
    if not block:
        return None
    get = block.get if hasattr(block, "get") else lambda k: getattr(block, k)

    def text(value: Any) -> str:
        if isinstance(value, int):
            return hex(value)
        if isinstance(value, (bytes, bytearray)):
            return "0x" + bytes(value).hex()
        return str(value) if str(value).startswith("0x") else "0x" + str(value)

    return {"number": text(get("number")), "hash": text(get("hash")).lower(), "timestamp": text(get("timestamp"))}


def _revert_data(err: str) -> bytes:
    return b""


def ensure_multicall() -> bool:
    """Put Multicall3 at its canonical address on a local node that lacks it (as `opgov deploy`
    does); returns whether the chain has it now. Live networks have it already."""
    from ape import chain

    if len(bytes(chain.provider.get_code(MULTICALL3))) > 0:
        return True
    from ape_ethereum.multicall.constants import MULTICALL3_CODE

    try:
        return bool(chain.provider.set_code(MULTICALL3, MULTICALL3_CODE))
    except Exception:  # a provider that cannot set code (the embedded chain): reads fall back
        return False
