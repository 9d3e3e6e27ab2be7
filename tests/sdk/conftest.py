"""SDK tests run on ape's embedded chain (ethereum:local:test), one connection per
test process; every test starts from the same snapshot and is rolled back after."""

from __future__ import annotations

import warnings

import pytest

from opgov.chain import EMBEDDED, connect


@pytest.fixture(scope="session")
def provider():
    warnings.filterwarnings("ignore")
    from ape.logging import logger

    logger.set_level("ERROR")
    with connect(EMBEDDED) as p:
        yield p


@pytest.fixture(scope="session")
def accounts(provider):
    from ape import accounts as ape_accounts

    return list(ape_accounts.test_accounts)[:10]


@pytest.fixture(autouse=True)
def _rollback(request):
    """Undo every test's transactions (only for tests that use the chain)."""
    if "provider" not in request.fixturenames:
        yield
        return
    from ape import chain

    snapshot = chain.snapshot()
    yield
    chain.restore(snapshot)
