"""Fixtures for contract tests, run in titanoboa (the same EVM as a node, no RPC layer)."""

from __future__ import annotations

import sys
from pathlib import Path

import boa
import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"
sys.path.insert(0, str(Path(__file__).parent))

from safe_boa import deploy_safe_contracts  # noqa: E402


def load(name: str, *args, **kwargs):
    """Compile contracts/<name>.vy (with contracts/ on the import path) and deploy it."""
    boa.interpret.set_search_paths([str(CONTRACTS)])
    return boa.load(str(CONTRACTS / f"{name}.vy"), *args, **kwargs)


def load_test_contract(path: str, *args, **kwargs):
    """Deploy a test-only contract from tests/contracts/mocks/."""
    boa.interpret.set_search_paths([str(CONTRACTS)])
    return boa.load(str(Path(__file__).parent / "mocks" / path), *args, **kwargs)


@pytest.fixture(autouse=True)
def _isolate():
    """Every test starts from the state the session fixtures left, and leaves nothing behind."""
    with boa.env.anchor():
        yield


@pytest.fixture(scope="session")
def safe_contracts():
    """Real Safe v1.4.1 singleton, proxy factory and MultiSendCallOnly."""
    return deploy_safe_contracts()
