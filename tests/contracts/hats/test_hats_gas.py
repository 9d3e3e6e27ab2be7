"""The gas benchmark runs, and every operation with a Hats Protocol figure costs less."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from benchmarks import hats_gas  # noqa: E402


def test_hats_gas_targets():
    gas = hats_gas.measure()
    for label, target in hats_gas.TARGETS.items():
        assert gas[label] < target, f"{label}: {gas[label]:,} is not below Hats Protocol's {target:,}"
    assert all(value > 0 for value in gas.values())
