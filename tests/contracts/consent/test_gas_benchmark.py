"""The gas benchmark runs, and its figures hold their targets and ceilings.

The measurement runs in a subprocess: `benchmarks/gas.py` commits the EVM
journal before each call, which the per-test `boa.env.anchor()` cannot undo.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import json, sys
sys.path.insert(0, "benchmarks")
import consent_gas
ours = consent_gas.measure_consent()
print(json.dumps({"ours": ours, "easy_track": consent_gas.LIDO_EASY_TRACK}))
"""

# Ceilings: the figures measured after the gas pass on ConsentModule (indexed action
# loop, two-level domain and objection keys, the spend slot read once), plus ~3%; a
# change that makes an operation dearer must raise them knowingly.
# propose, object and execute are still above OpenZeppelin Governor's (52,478 / 44,333
# for a later castVote / 56,159 without a timelock, measured by benchmarks/consent_gas.py);
# see "Why propose, object and execute stay above OZ without a timelock" in benchmarks/results/consent.md.
CEILINGS = {
    "propose (1 ERC-20 transfer)": 57_800,
    "object": 48_600,
    "withdraw_objection": 7_800,
    "amend": 46_000,
    "execute (1 ERC-20 transfer via the Safe)": 59_600,
    "execute after escalation (parent domain)": 64_100,
    "escalate (to the parent cell)": 42_300,
    "escalate (to the Safe)": 14_900,
    "approve (module call from the Safe)": 7_050,
    "veto (module call from the Safe)": 13_650,
    "cancel (by the proposer)": 12_800,
    "clear (expired)": 12_950,
}


def test_benchmark_targets():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=600, check=True
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    ours, easy_track = data["ours"], data["easy_track"]
    for op, ceiling in CEILINGS.items():
        assert ours[op] <= ceiling, (op, ours[op], ceiling)
    # cheaper than Lido Easy Track's floors (counted from its source)
    assert ours["propose (1 ERC-20 transfer)"] < easy_track["createMotion"]
    assert ours["object"] < easy_track["objectToMotion"]
    # withdrawing an objection gives its storage back
    assert ours["withdraw_objection"] < 10_000
