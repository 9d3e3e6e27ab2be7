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

# Ceilings: the figures measured here (SafeL2 from safe-eth-py, the test token, hats run by
# an EOA) plus about 1%; a change that makes an operation dearer must raise them knowingly.
# amend and escalate check the caller's proposer hat now (the security review's finding 3:
# a revoked lead amended and escalated); that hat check is most of their rise (about 13k).
# propose and object must stay below OpenZeppelin Governor's propose (52,478) and later
# castVote (44,333), and execute below its execute with a timelock (76,627), measured by
# benchmarks/consent_gas.py (benchmarks/results/consent.md).
OZ_PROPOSE = 52_478
OZ_LATER_CAST_VOTE = 44_333
OZ_TIMELOCK_EXECUTE = 76_627
CEILINGS = {
    "propose (1 ERC-20 transfer)": 51_700,
    "object": 44_400,
    "withdraw_objection": 7_750,
    "amend": 59_100,
    "execute (1 ERC-20 transfer via the Safe)": 58_500,
    "execute after escalation (parent domain)": 62_900,
    "escalate (to the parent cell)": 54_400,
    "escalate (to the Safe)": 27_600,
    "approve (module call from the Safe)": 7_000,
    "veto (module call from the Safe)": 13_400,
    "cancel (by the proposer)": 12_800,
    "clear (expired)": 12_700,
    "propose (hats run by the Safe, declared quiet, as opgov deploy does)": 48_900,
    "object (hats run by the Safe, declared quiet, as opgov deploy does)": 41_950,
}


def test_benchmark_targets():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=600, check=True
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    ours, easy_track = data["ours"], data["easy_track"]
    for op, ceiling in CEILINGS.items():
        assert ours[op] <= ceiling, (op, ours[op], ceiling)
    assert ours["propose (1 ERC-20 transfer)"] < OZ_PROPOSE
    assert ours["object"] < OZ_LATER_CAST_VOTE
    # the hats as `opgov deploy` sets them up: run by the Safe, declared a quiet module
    quiet = "hats run by the Safe, declared quiet, as opgov deploy does"
    assert ours[f"propose ({quiet})"] < OZ_PROPOSE
    assert ours[f"object ({quiet})"] < OZ_LATER_CAST_VOTE
    # execute: below OZ Governor with its timelock (the Wizard's default, funds apart from the
    # governor, as ours sit in the Safe); OZ without a timelock pays from the governor itself
    assert ours["execute (1 ERC-20 transfer via the Safe)"] < OZ_TIMELOCK_EXECUTE
    # cheaper than Lido Easy Track's floors (counted from its source)
    assert ours["propose (1 ERC-20 transfer)"] < easy_track["createMotion"]
    assert ours["object"] < easy_track["objectToMotion"]
    assert ours["execute (1 ERC-20 transfer via the Safe)"] < easy_track["enactMotion"]
    # withdrawing an objection gives its storage back
    assert ours["withdraw_objection"] < 10_000
