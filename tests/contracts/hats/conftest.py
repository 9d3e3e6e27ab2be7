"""Fixtures for the Hats.vy tests: a fresh registry, one tree, and module mocks."""

from __future__ import annotations

import sys
from pathlib import Path

import boa
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hats_helpers import load, load_test_contract  # noqa: E402


@pytest.fixture(scope="module")
def hats():
    return load("Hats", "opgov Hats", "https://base.example/")


@pytest.fixture(scope="module")
def module():
    return load_test_contract("HatsModuleMock.vy")


@pytest.fixture(scope="module")
def reverting_module():
    return load_test_contract("HatsRevertingModule.vy")


@pytest.fixture(scope="module")
def malformed_module():
    return load_test_contract("HatsMalformedModule.vy")


@pytest.fixture(scope="module")
def accounts():
    return [boa.env.generate_address(f"hats-account-{i}") for i in range(10)]


@pytest.fixture(scope="module")
def top_wearer(accounts):
    return accounts[0]


@pytest.fixture(scope="module")
def top(hats, top_wearer):
    return hats.mintTopHat(top_wearer, "tophat", "http://www.tophat.com/")
