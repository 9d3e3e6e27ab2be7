"""Test-wide settings: ape keeps its data (accounts, Safe aliases, caches) in a
temporary folder, never in the user's ~/.ape."""

import os
import tempfile

os.environ.setdefault("APE_DATA_FOLDER", tempfile.mkdtemp(prefix="opgov-ape-"))

# CI explores the same hypothesis examples every run, so a red build always means a
# change broke something; locally each run explores new ones.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def org_folder_as_a_fresh_process():
    """Each test starts as a fresh `opgov` process would: no org folder chosen yet.

    The anvil tests choose one for their whole session (tests/integration/conftest.py
    overrides this fixture); without this, a test that finds the org from its working
    directory would see their folder when it runs in the same worker.
    """
    import opgov.deployments as where

    before = where.ORG_FOLDER
    where.ORG_FOLDER = None
    yield
    where.ORG_FOLDER = before
