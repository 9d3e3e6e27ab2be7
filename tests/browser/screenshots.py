"""Where the browser tests save their screenshots (git-ignored; CI keeps them as artifacts).

A module of its own, so test files import it by a name no other folder's conftest shares."""

from pathlib import Path

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
