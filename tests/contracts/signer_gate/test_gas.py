"""The gas benchmark runs, and its target holds: the gate adds less to a 2-of-3 Safe
transfer than Hats Signer Gate v2's checkTransaction alone costs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "signer_gate_gas.py"


def _benchmark():
    spec = importlib.util.spec_from_file_location("signer_gate_gas", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gate_gas_targets():
    bench = _benchmark()
    results = bench.measure()
    for name, target in bench.TARGETS.items():
        assert results[name] < target, (name, results[name], target)
    assert results["gated_transfer"] > results["safe_transfer"]
    # the signer hat run by the quiet Safe (as `opgov deploy` sets it up) costs less than an EOA module
    assert results["gate_added_quiet_safe"] < results["gate_added"]
    for op in ("claim_signer", "remove_signer", "reconcile_threshold", "reconcile_threshold_noop"):
        assert results[op] > 0
