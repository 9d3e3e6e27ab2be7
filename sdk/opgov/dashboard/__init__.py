"""`opgov dashboard`: a local web page showing the org live.

`open_dashboard` wires the parts for an org deployed on the connected
network: an `Indexer` of the org's contracts, a `Board` that reads what the
page shows from the index and the SDK, and a `Dashboard` that serves the page
on 127.0.0.1 while its refresher thread keeps both up to date.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from opgov.dashboard.board import Board
from opgov.dashboard.burndown import Burndown, burndown
from opgov.dashboard.server import Dashboard
from opgov.dashboard.wallet_api import WalletAPI

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from opgov.deploy import OrgState
    from opgov.safe_tx import TxFolder

__all__ = ["Board", "Burndown", "Dashboard", "burndown", "open_dashboard"]


def open_dashboard(
    name: str,
    state: "OrgState",
    names: dict[str, str] | None = None,
    txs: "TxFolder | None" = None,
    port: int = 0,
    index_path: str | Path | None = None,
    chain_lock: threading.RLock | None = None,
    interval: float = 1.0,
    relayer: "AccountAPI | None" = None,
) -> Dashboard:
    """A dashboard (not yet started) for the org on the connected network.

    Args:
        name: the org's name.
        state: where its parts live.
        names: addresses to show as people's names.
        txs: the folder of pending Safe transactions to show.
        port: the port (0: any free port).
        index_path: the indexer's SQLite file (default: the indexer's own; on the
            embedded chain, which starts empty every run, a new temporary file).
        chain_lock: the lock serialising chain access in this process.
        interval: seconds between refreshes.
        relayer: the account that relays members' signed requests from the page and pays
            their gas (None: the page shows a signed request for another member to relay).

    Raises:
        NetworkError: if ape is not connected.
        DeploymentError, ConsentError, SafeError, StreamError: if a part of the org is missing.
    """
    from ape import networks

    from opgov.deployments import EPHEMERAL_PROVIDERS
    from opgov.indexer import Indexer

    provider = networks.provider
    if index_path is None and provider.name in EPHEMERAL_PROVIDERS:
        index_path = Path(tempfile.mkdtemp(prefix="opgov-dashboard-")) / "index.sqlite"
    # not the token: on a live network it would mean indexing every transfer of, say, USDC
    contracts = {"Hats": state.hats, "BudgetStreams": state.streams, "ConsentModule": state.consent}
    if state.forwarder:
        contracts["ConsentForwarder"] = state.forwarder
    if state.gate:
        contracts["SignerGate"] = state.gate
    lock = chain_lock or threading.RLock()
    with lock:
        indexer = Indexer(index_path, contracts=contracts)
        network = f"{provider.network.ecosystem.name}:{provider.network.name}:{provider.name}"
        board = Board(name, state, indexer, names, txs, network)
    dashboard = Dashboard(board, indexer, port=port, interval=interval, chain_lock=lock)
    dashboard.wallet = WalletAPI(state.consent, dict(names or {}), lock, relayer, state=state, txs=txs,
                                 changed=lambda: dashboard.refresh(rebuild=True))
    return dashboard
