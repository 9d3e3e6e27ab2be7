"""Helpers for BudgetStreams tests (a unique module name: test folders share sys.path)."""

from __future__ import annotations

from pathlib import Path

import boa

CONTRACTS = Path(__file__).resolve().parents[3] / "contracts"
MOCKS = Path(__file__).resolve().parents[1] / "mocks"
ZERO = "0x0000000000000000000000000000000000000000"
DAY = 86_400
MONTH = 30 * DAY
USDC = 10**6
E18 = 10**18

# Statuses, as BudgetStreams numbers them.
PENDING, STREAMING_SOLVENT, STREAMING_INSOLVENT, PAUSED_SOLVENT, PAUSED_INSOLVENT, VOIDED = range(6)


def load(name: str, *args):
    """Deploy contracts/<name>.vy (as tests/contracts/conftest.py's `load`, which this
    folder's conftest.py shadows on import)."""
    boa.interpret.set_search_paths([str(CONTRACTS)])
    return boa.load(str(CONTRACTS / f"{name}.vy"), *args)


def load_mock(name: str, *args):
    """Deploy tests/contracts/mocks/<name>."""
    boa.interpret.set_search_paths([str(CONTRACTS)])
    return boa.load(str(MOCKS / name), *args)


def rate_per_month(tokens: int) -> int:
    """18-decimal rate per second for `tokens` whole tokens per 30-day month."""
    return tokens * 10**18 // MONTH


def events(contract, name: str | None = None) -> list:
    """The last call's events emitted by `contract` (optionally only those named `name`)."""
    return [
        log
        for log in contract.get_logs()
        if log.address == contract.address and (name is None or type(log).__name__ == name)
    ]
