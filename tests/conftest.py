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
