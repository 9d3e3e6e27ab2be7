"""Build the page's wallet code: wallet/src/wallet.js and viem, bundled by esbuild into
static/wallet.js (committed, so installs need no Node). `make wallet` runs this; a test
checks that building again gives the same bytes.

    python -m opgov.dashboard.wallet_build [OUT]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "wallet" / "src" / "wallet.js"
BUNDLE = HERE / "static" / "wallet.js"
ROOT = HERE.parents[2]
FLAGS = ["--bundle", "--minify", "--format=iife", "--target=es2020", "--legal-comments=none",
         "--charset=utf8", "--log-level=warning"]


def esbuild() -> str:
    """The esbuild installed from npm (node_modules/.bin), or one on PATH."""
    local = ROOT / "node_modules" / ".bin" / "esbuild"
    found = str(local) if local.exists() else shutil.which("esbuild")
    if not found:
        raise SystemExit("esbuild is missing: run `npm ci` (make install) first")
    return found


def build(out: Path = BUNDLE) -> Path:
    """Bundle the wallet code into `out`; returns it."""
    subprocess.run([esbuild(), str(SOURCE), *FLAGS, f"--outfile={out}"], cwd=ROOT, check=True)
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else BUNDLE))
