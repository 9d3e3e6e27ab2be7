"""Fixtures for the ConsentForwarder tests: the consent tests' organisation
(its module trusts the forwarder), with members who hold keys so they can
sign requests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "consent"))
sys.path.insert(0, str(Path(__file__).parent))

from consent_world import build_world  # noqa: E402
from forwarder_support import keyed_members  # noqa: E402


@pytest.fixture(scope="session")
def world(safe_contracts):
    w = build_world(safe_contracts)
    keyed_members(w)
    return w
