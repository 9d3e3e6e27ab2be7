"""Competitors' code from npm, for the gas benchmarks.

solc-js, OpenZeppelin Contracts and the Safe v1.4.1 release are installed
into a cache folder (~/.cache/opgov/consent-bench, or $OPGOV_BENCH_CACHE) the
first time a benchmark needs them; without node and npm the benchmarks leave
those figures out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import boa

CACHE = Path(os.environ.get("OPGOV_BENCH_CACHE", Path.home() / ".cache" / "opgov" / "consent-bench"))
SOLC_NPM = "solc@0.8.24"
OZ_NPM = "@openzeppelin/contracts@5.0.2"
SAFE_NPM = "@safe-global/safe-contracts@1.4.1"
# Code hashes of the canonical v1.4.1 singletons, as published in
# safe-global/safe-deployments (src/assets/v1.4.1/safe.json, safe_l2.json).
CANONICAL_CODE_HASH = {
    "Safe": "1fe2df852ba3299d6534ef416eefa406e56ced995bca886ab7a553e6d0c5e1c4",
    "SafeL2": "b1f926978a0f44a2c0ec8fe822418ae969bd8c3f18d61e5103100339894f81ff",
}


def npm_ready() -> bool:
    """Install solc-js, OpenZeppelin Contracts and the Safe release into the cache."""
    if not (shutil.which("node") and shutil.which("npm")):
        return False
    CACHE.mkdir(parents=True, exist_ok=True)
    wanted = ("solc", "@openzeppelin/contracts", "@safe-global/safe-contracts")
    if not all((CACHE / "node_modules" / name).exists() for name in wanted):
        (CACHE / "package.json").write_text('{"name": "opgov-consent-bench", "private": true}\n')
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", SOLC_NPM, OZ_NPM, SAFE_NPM],
            cwd=CACHE, capture_output=True, text=True, timeout=600,
        )
        if done.returncode != 0:
            return False
    return True


def canonical_safe(name: str):
    """Deploy the canonical Safe v1.4.1 singleton `name` ("Safe" or "SafeL2")
    from the npm release; refuse code that is not the published one."""
    from eth_utils import keccak

    art = json.loads(
        (CACHE / "node_modules" / "@safe-global" / "safe-contracts" / "build" / "artifacts" / "contracts"
         / f"{name}.sol" / f"{name}.json").read_text()
    )
    address, _ = boa.env.deploy_code(bytecode=bytes.fromhex(art["bytecode"].removeprefix("0x")))
    code_hash = keccak(boa.env.get_code(address)).hex()
    if code_hash != CANONICAL_CODE_HASH[name]:
        raise SystemExit(f"the npm {name} singleton is not the canonical v1.4.1 code ({code_hash})")
    return boa.loads_abi(json.dumps(art["abi"]), name=name).at(address)
