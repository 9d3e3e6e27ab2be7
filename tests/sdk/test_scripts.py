"""The ape scripts in scripts/ run the same jobs as the CLI (`ape run deploy`, `ape run demo`)."""

import os
import subprocess
import sys
from pathlib import Path

from opgov.spec import write_example

ROOT = Path(__file__).resolve().parents[2]
APE = str(Path(sys.executable).parent / "ape")


def _ape(args, tmp_path, **env):
    environment = dict(os.environ, APE_DATA_FOLDER=str(tmp_path / "ape"), **env)
    environment["PATH"] = str(Path(sys.executable).parent) + os.pathsep + environment.get("PATH", "")
    return subprocess.run([APE, "run", *args], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=600)


def test_ape_run_deploy(tmp_path):
    spec = write_example(tmp_path / "org.yaml")
    out = _ape(["deploy", "--account", "TEST::8"], tmp_path, OPGOV_SPEC=str(spec),
               OPGOV_DEPLOYMENTS=str(tmp_path / "deployments"))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "→ deploy the Hats contract" in out.stdout
    assert "Riverside Commons: Safe 0x" in out.stdout


def test_ape_run_demo(tmp_path):
    out = _ape(["demo"], tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "The hardware shop received 1,920.00 USDC in all." in out.stdout
