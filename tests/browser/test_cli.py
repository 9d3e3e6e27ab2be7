"""`opgov dashboard` as people run it: a separate process, stopped with Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

OPGOV = str(Path(sys.executable).parent / "opgov")
STARTUP = 180  # seconds for the demo story and the first snapshot on a busy machine


def test_demo_serves_the_story_and_stops_on_ctrl_c(tmp_path):
    process = subprocess.Popen(
        [OPGOV, "dashboard", "--demo", "--port", "0", "--txs", str(tmp_path / "txs")],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        url, lines, deadline = None, [], time.monotonic() + STARTUP
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            found = re.search(r"dashboard at (http://127\.0\.0\.1:\d+/)", line)
            url = found.group(1) if found else None
        assert url, "".join(lines)
        with urllib.request.urlopen(url + "api/org", timeout=10) as response:
            data = json.loads(response.read())
        assert [c["name"] for c in data["cells"]] == ["Repair Café", "Thing Library", "Community Workshops"]
        assert {p["state"] for p in data["proposals"]} >= {"executed", "superseded"}
        [pending] = data["safe"]["pending"]
        assert pending["signed"] == ["alice"] and pending["needed"] == 2
        with urllib.request.urlopen(url, timeout=10) as response:
            assert b"<main" in response.read()
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=30)
        assert process.returncode == 0, "".join(lines) + out
        assert "dashboard stopped" in out
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_embedded_chain_without_demo_says_what_to_do(tmp_path):
    subprocess.run([OPGOV, "init", str(tmp_path / "org.yaml")], check=True, capture_output=True)
    result = subprocess.run([OPGOV, "dashboard", str(tmp_path / "org.yaml"), "--port", "0"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.startswith("error: the embedded chain starts empty on every command")
    assert "opgov dashboard --demo" in result.stderr
