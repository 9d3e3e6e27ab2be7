"""Fixtures for the ConsentModule tests: one organisation per session, every
test isolated by the shared `boa.env.anchor()` fixture."""

from __future__ import annotations

import pytest
from consent_world import build_world


@pytest.fixture(scope="session")
def world(safe_contracts):
    return build_world(safe_contracts)
