"""Test-wide settings: ape keeps its data (accounts, Safe aliases, caches) in a
temporary folder, never in the user's ~/.ape."""

import os
import tempfile

os.environ.setdefault("APE_DATA_FOLDER", tempfile.mkdtemp(prefix="opgov-ape-"))
