"""Shared setup for the deploy tests: the example org's spec, its deployer, and a record
emptied so that a test deploys from nothing. Import the fixtures into a test module to use them."""

from __future__ import annotations

import pytest

from opgov.deployments import Deployments
from opgov.spec import load_spec, write_example


@pytest.fixture
def spec(tmp_path):
    return load_spec(write_example(tmp_path / "org.yaml"))


@pytest.fixture
def deployer(accounts):
    return accounts[8]


def fresh_record(provider):
    """The connected network's deployments record, emptied."""
    record = Deployments.for_connected_network()
    record.records.clear()
    record.pending.clear()
    record.org.clear()
    return record
