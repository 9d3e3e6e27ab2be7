"""The edge between opgov and the chain: connecting, accounts, sending.

Everything that talks to a node goes through ape. Reverts come back as
`TransactionReverted` with the contract's own reason (e.g. "hats: caller is not
an admin of the hat").
"""

from __future__ import annotations

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
        # since leaving ape's network context would also drop the chain's snapshots
        yield active
        return
    try:
        ctx = networks.parse_network_choice(network)
        provider = ctx.__enter__()
    except (ApeNetworkError, ApeException, ValueError) as err:
        raise NetworkError(
            f"cannot connect to {network!r}: {first_line(err)}",
            "check the name with `ape networks list`, and that the node is running",
        ) from err
    try:
        yield provider
    finally:
        ctx.__exit__(None, None, None)


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
