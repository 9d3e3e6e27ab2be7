"""Browser tests: the dashboard served in-process on the embedded chain, driven by
Playwright in Debian's headless Chromium. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import pytest
from screenshots import SHOTS

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync",
]

sys.path.insert(0, str(Path(__file__).parent))


def pytest_collection_modifyitems(items):
    # one xdist worker runs them all: they share one chain, one server and one browser
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """The example org on the embedded chain with the first part of the demo story played."""
    warnings.filterwarnings("ignore")
    from ape.logging import logger

    from opgov.chain import EMBEDDED, connect
    from story import run_story

    logger.set_level("ERROR")
    with connect(EMBEDDED):
        yield run_story(tmp_path_factory.mktemp("story"))


@pytest.fixture(scope="module")
def dashboard(story):
    """The dashboard of the story's org, served on a free port while the module runs."""
    from opgov.dashboard import open_dashboard

    board = open_dashboard(story.spec.name, story.state, story.names, story.txs, interval=0.5)
    board.start()
    assert board.error is None, board.error
    yield board
    board.stop()


@pytest.fixture(scope="module")
def browser_context():
    """Chromium with a fresh profile (no cache, no sync, no network beyond 127.0.0.1)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make install` (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="opgov-chromium-")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser_context, dashboard):
    """A new tab showing the dashboard, once its data has loaded."""
    tab = browser_context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    tab.goto(dashboard.url)
    tab.wait_for_selector("body[data-ready='true']", timeout=20_000)
    yield tab
    tab.close()
    assert not errors, f"the page raised: {errors}"
