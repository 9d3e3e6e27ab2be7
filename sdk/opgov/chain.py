"""The edge between opgov and the chain: connecting, accounts, sending.

Everything that talks to a node goes through ape. Reverts come back as
`TransactionReverted` with the contract's own reason (e.g. "hats: caller is not
an admin of the hat").
"""

from __future__ import annotations

import json
import os
import threading
import urllib.request
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator

from opgov.errors import AccountError, NetworkError, TransactionReverted

if TYPE_CHECKING:
    from ape.api import AccountAPI, ProviderAPI, ReceiptAPI

EMBEDDED = "ethereum:local:test"


@contextmanager
def connect(network: str = EMBEDDED) -> Iterator["ProviderAPI"]:
    """Connect to an ape network (`ecosystem:network:provider`) for the duration of a block.

    Raises:
        NetworkError: if the network is unknown or the node cannot be reached.
    """
    from ape import networks
    from ape.exceptions import ApeException, NetworkError as ApeNetworkError

    active = networks.active_provider
    if active is not None and active.is_connected and active.network_choice == network:
        # already there (a script or test holding the connection): leave it as it is,
        # since leaving ape's network context would also drop the chain's snapshots. What the
        # connection asked back then is old now: no read may take it as the latest block
        _fresh.answers = None
        yield active
        return
    primed = _ask_connection_questions(network)
    _node_must_be_running(network, answered=bool(primed))
    try:
        ctx = networks.parse_network_choice(network)
        with _asked_once(keep=("eth_chainId",), primed=primed) as keep:
            provider = ctx.__enter__()
    except (ApeNetworkError, ApeException, ValueError) as err:
        raise NetworkError(
            f"cannot connect to {network!r}: {first_line(err)}",
            "check the name with `ape networks list`, and that the node is running",
        ) from err
    _fresh.answers = _handed_on(primed)
    try:
        with _asked_once(keep, only=("eth_chainId",)):  # a connection's chain id never changes
            yield provider
    finally:
        _fresh.answers = None
        ctx.__exit__(None, None, None)


# what each kind of ape provider asks the node while it connects (ape-foundry, ape-node), in
# the form web3 sends it; asked in one JSON-RPC batch before ape connects (see `_asked_once`)
_CONNECTION_QUESTIONS: dict[str, list[tuple[str, list]]] = {
    "FoundryProvider": [("web3_clientVersion", []), ("eth_getBlockByNumber", ["0x0", False]),
                        ("eth_getBlockByNumber", ["latest", False]), ("eth_chainId", [])],
    "Node": [("web3_clientVersion", []), ("eth_getBlockByNumber", ["earliest", False]),
             ("eth_getBlockByNumber", ["latest", False])],
}
_CONNECTION_QUESTIONS["GethDev"] = _CONNECTION_QUESTIONS["Node"]
_fresh = threading.local()  # .answers: what connecting asked, for the read that follows (`fresh_answers`)


def _ask_connection_questions(network: str) -> dict[tuple, Any]:
    """What ape will ask while connecting to `network`, asked now in one JSON-RPC batch.

    Over HTTP a batch is one round trip, and its answers serve ape's connection (which
    then asks nothing) and the read command that follows it (the chain id and the latest
    block, see `fresh_answers`). A provider opgov does not know, or a node that does not
    take batches, is left to connect as ape does.
    """
    from ape import networks

    try:
        provider = networks.get_provider_from_choice(network)
        questions = _CONNECTION_QUESTIONS.get(type(provider).__name__)
        url = os.environ.get("APE_FOUNDRY_HOST") if type(provider).__name__ == "FoundryProvider" else None
        url = url or str(provider.uri)
    except Exception:  # an unknown network (`connect` reports it), or one without an address
        return {}
    if not questions or not url.startswith(("http://", "https://")):
        return {}
    body = [{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in enumerate(questions)]
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            answers = json.loads(response.read())
    except (OSError, ValueError):
        return {}  # ape connects as it would, and says what is wrong
    if not isinstance(answers, list):
        return {}
    by_id = {a.get("id"): a for a in answers if isinstance(a, dict) and "result" in a}
    primed = {}
    for i, (method, params) in enumerate(questions):
        if i in by_id:
            primed[(url, method, json.dumps(params, default=str))] = {"jsonrpc": "2.0", "id": i,
                                                                       "result": by_id[i]["result"]}
    return primed


def _handed_on(primed: dict[tuple, Any]) -> dict[str, Any] | None:
    """The latest block and chain id among the connection's answers, for `fresh_answers`."""
    found: dict[str, Any] = {}
    for (url, method, params), answer in primed.items():
        found["url"] = url
        if method == "eth_chainId":
            found["chain_id"] = int(answer["result"], 16)
        elif method == "eth_getBlockByNumber" and params == json.dumps(["latest", False]) and answer["result"]:
            found["latest"] = answer["result"]
    return found if "latest" in found else None


def fresh_answers() -> dict[str, Any] | None:
    """The latest block (and chain id) the connection just asked, handed once to the read
    command run right after connecting (see `opgov.reads.reading`), so that it does not ask
    them again; None if there are none, or they were handed already.

    Only a command that reads from the start may take them: a block asked before a
    transaction was sent says nothing of what the transaction did.
    """
    found = getattr(_fresh, "answers", None)
    _fresh.answers = None
    return found


# what ape asks several times while it connects, and whose answer cannot change meanwhile
_ONCE_WHILE_CONNECTING = ("web3_clientVersion", "eth_chainId", "eth_getBlockByNumber")
_asking = threading.local()  # .answers, .methods: what this thread's connection asks once


@contextmanager
def _asked_once(keep: Any = (), only: tuple[str, ...] = _ONCE_WHILE_CONNECTING,
                primed: dict[tuple, Any] | None = None) -> Iterator[dict]:
    """Inside the block, this thread's questions to the node in `only` go to it once each.

    Connecting, ape (with ape-foundry) asks the node's version four times and the latest
    block four times; a command that only reads then asks its own few questions, so over a
    public RPC those repeats were half its round trips. Answers are kept only for the
    block (a block may be mined any time after); those to the methods in `keep` (a tuple
    of names, or the answers an outer block kept) are handed on, for a block that asks
    `only` those again (the chain id, for as long as the connection lasts). `primed` holds
    answers asked beforehand (see `_ask_connection_questions`).

    web3 keeps the provider's request function it first saw, so opgov's stays in place
    for good and only asks once inside such a block.
    """
    _install()
    saved = (getattr(_asking, "answers", None), getattr(_asking, "methods", ()))
    _asking.answers = dict(keep) if isinstance(keep, dict) else dict(primed or {})
    _asking.methods = only
    kept: dict[tuple, Any] = {}
    try:
        yield kept
    finally:
        if not isinstance(keep, dict):
            kept.update({k: v for k, v in _asking.answers.items() if k[1] in keep})
        _asking.answers, _asking.methods = saved


def _install() -> None:
    from web3 import HTTPProvider

    real = HTTPProvider.make_request
    if getattr(real, "opgov_asks_once", False):
        return

    def make_request(self, method, params):  # noqa: ANN001 (web3's signature)
        answers = getattr(_asking, "answers", None)
        if answers is None or method not in _asking.methods:
            return real(self, method, params)
        key = (self.endpoint_uri, method, json.dumps(params, default=str))
        if key not in answers:
            answer = real(self, method, params)
            if "error" in answer:
                return answer
            answers[key] = answer
        return dict(answers[key])

    make_request.opgov_asks_once = True  # type: ignore[attr-defined]
    HTTPProvider.make_request = make_request  # type: ignore[method-assign]


def _node_must_be_running(network: str, answered: bool = False) -> None:
    """Refuse a local anvil network whose node is not running.

    ape-foundry starts a throwaway anvil when none answers, and a deployment to it
    reports success on a chain that vanishes with the command. opgov never starts a
    node implicitly; forks (`ethereum:mainnet-fork:foundry`) are asked for by name.
    `answered`: the node has just answered (the connection's questions), so it is not asked again.

    Raises:
        NetworkError: if no node answers at the provider's address.
    """
    from ape import config, networks

    try:
        provider = networks.get_provider_from_choice(network)
    except Exception:  # an unknown network: `connect` reports it
        return
    if type(provider).__name__ != "FoundryProvider":
        return
    url = os.environ.get("APE_FOUNDRY_HOST") or provider.uri
    if url == "auto":
        raise NetworkError(
            "ape-config.yaml sets foundry's host to 'auto', which starts a throwaway node",
            "set it to the address of your node (e.g. http://127.0.0.1:8545) and start one with `make node`",
        )
    # the config is read again at connection: without this ape would start one after all
    config.get_config("foundry").manage_process = False
    if not answered and not node_answers(url):
        where = url.split("://", 1)[-1].rstrip("/")
        port = where.rsplit(":", 1)[-1]
        how = "`make node`" if port == "8545" else f"`anvil --port {port}`"
        raise NetworkError(f"no node at {where}", f"start one with {how}")


def node_answers(url: str, timeout: float = 3) -> bool:
    """Whether a JSON-RPC node answers at `url`."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return "result" in json.loads(response.read())
    except (OSError, ValueError):
        return False


def load_account(alias: str | None) -> "AccountAPI":
    """An account by ape alias, or `TEST::N` for the embedded chain's N-th test account.

    With no alias on a local network, the first test account is used.

    Raises:
        AccountError: if the alias is unknown, or none is given on a live network.
    """
    from ape import accounts, networks

    if alias is None:
        if networks.provider.network.name == "local":
            return accounts.test_accounts[0]
        raise AccountError(
            "no account given for a live network",
            "pass --account ALIAS (see `ape accounts list`)",
        )
    if alias.upper().startswith("TEST::"):
        index = alias.split("::", 1)[1]
        if not index.isdigit() or int(index) >= len(accounts.test_accounts):
            raise AccountError(f"there is no test account {alias!r}", "use TEST::0 to TEST::9")
        return accounts.test_accounts[int(index)]
    try:
        return accounts.load(alias)
    except Exception as err:  # ape raises several types for an unknown alias
        raise AccountError(
            f"there is no ape account called {alias!r}",
            "list them with `ape accounts list`, or add one with `ape accounts import`",
        ) from err


def account_name(address: str) -> str:
    """How the user names the account at `address`: TEST::N, an ape alias, or the address itself."""
    from ape import accounts

    for i, test in enumerate(accounts.test_accounts):
        if i >= 10:
            break
        if test.address == address:
            return f"TEST::{i}"
    try:
        for account in accounts:
            if account.address == address:
                return account.alias
    except Exception:  # an unreadable key file: the address will do
        pass
    return address


def send(method: Any, *args: Any, sender: "AccountAPI", **kwargs: Any) -> "ReceiptAPI":
    """Send a contract transaction; a revert becomes `TransactionReverted` with its reason."""
    from ape.exceptions import ContractLogicError

    try:
        return method(*args, sender=sender, **kwargs)
    except ContractLogicError as err:
        raise TransactionReverted(str(err.message or err)) from err


def first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
