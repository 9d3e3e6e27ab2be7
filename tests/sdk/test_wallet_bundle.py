"""The committed wallet bundle (sdk/opgov/dashboard/static/wallet.js) is what its source
builds to: pip users get the same code that `make wallet` makes, and nothing is loaded
from a CDN."""

from __future__ import annotations

from opgov.dashboard.wallet_build import BUNDLE, build


def test_rebuilding_the_wallet_bundle_gives_the_same_bytes(tmp_path):
    rebuilt = build(tmp_path / "wallet.js")
    assert rebuilt.read_bytes() == BUNDLE.read_bytes(), "static/wallet.js is stale: run `make wallet` and commit it"


def test_the_bundle_loads_nothing_from_elsewhere():
    text = BUNDLE.read_text()
    assert "eip6963:requestProvider" in text and "eth_signTypedData_v4" in text
    assert "<script" not in text and "cdn." not in text
