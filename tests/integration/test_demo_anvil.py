"""The demo story runs the same on a real node (anvil) as on the embedded chain."""

import pytest

from opgov.demo import run_demo

pytestmark = pytest.mark.anvil


def test_demo_on_anvil(anvil, tmp_path):
    lines: list[str] = []
    result = run_demo(lines.append, tmp_path)
    assert "The hardware shop received 1,920.00 USDC in all." in lines
    assert sorted(result.status.owners) == ["alice", "bob", "carol"]
    assert [p.state for p in result.status.proposals] == ["superseded", "executed", "executed"]
