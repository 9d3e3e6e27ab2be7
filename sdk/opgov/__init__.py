"""opgov: operational governance on-chain.

Role hats (an IHats-compatible tree), budgets streamed to cells, consent
decisions executed by a Safe. The SDK returns values and raises typed errors
(`opgov.errors`); the `opgov` command line prints and exits.
"""

from opgov.errors import (
    AccountError,
    ConsentError,
    ContractsNotFound,
    DeploymentError,
    HatsError,
    NetworkError,
    OpgovError,
    SafeError,
    SpecError,
    StreamError,
    TransactionReverted,
    UnitsError,
    UsageError,
)
from opgov.consent import ConsentClient, ProposalView
from opgov.hats import HatsClient, HatView, hat_path, parse_hat
from opgov.indexer import IndexedEvent, Indexer, IndexState, Source, SyncResult
from opgov.safe import Safe, create_safe, explain, safe_contracts, sign
from opgov.safe_tx import Call, Confirmation, PendingTx, SafeTx, TxFolder
from opgov.streams import StreamsClient, StreamView, Token
from opgov.units import Rate, format_amount, format_duration, parse_duration

__all__ = [
    "AccountError",
    "Call",
    "Confirmation",
    "ConsentClient",
    "ConsentError",
    "ContractsNotFound",
    "DeploymentError",
    "HatView",
    "HatsClient",
    "HatsError",
    "IndexState",
    "IndexedEvent",
    "Indexer",
    "NetworkError",
    "OpgovError",
    "PendingTx",
    "ProposalView",
    "Rate",
    "Safe",
    "SafeError",
    "SafeTx",
    "Source",
    "SpecError",
    "StreamError",
    "StreamView",
    "StreamsClient",
    "SyncResult",
    "Token",
    "TransactionReverted",
    "TxFolder",
    "UnitsError",
    "UsageError",
    "create_safe",
    "explain",
    "format_amount",
    "format_duration",
    "hat_path",
    "parse_duration",
    "parse_hat",
    "safe_contracts",
    "sign",
]
