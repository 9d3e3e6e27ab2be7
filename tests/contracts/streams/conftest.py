"""Fixtures: BudgetStreams with the real Hats.vy, and token mocks of every kind."""

from __future__ import annotations

import boa
import pytest
from streams_helpers import USDC, load, load_mock, rate_per_month


@pytest.fixture(scope="module")
def hats_admin():
    return boa.env.generate_address("hats-admin")


@pytest.fixture(scope="module")
def hats():
    return load("Hats", "opgov Hats", "")


@pytest.fixture(scope="module")
def spender_hat(hats, hats_admin):
    """A hat under a top hat; the admin is also its eligibility and toggle module."""
    with boa.env.prank(hats_admin):
        top = hats.mintTopHat(hats_admin, "org", "")
        return hats.createHat(top, "cell spenders", 10, hats_admin, hats_admin, True, "")


@pytest.fixture(scope="module")
def spender(hats, hats_admin, spender_hat):
    """An account wearing the spender hat."""
    account = boa.env.generate_address("cell-member")
    with boa.env.prank(hats_admin):
        hats.mintHat(spender_hat, account)
    return account


@pytest.fixture(scope="module")
def streams(hats):
    return load("BudgetStreams", hats.address)


@pytest.fixture(scope="module")
def payer():
    return boa.env.generate_address("treasury")


@pytest.fixture(scope="module")
def recipient():
    return boa.env.generate_address("cell")


@pytest.fixture(scope="module")
def stranger():
    return boa.env.generate_address("stranger")


def _funded(token, payer, streams, amount):
    token.mint(payer, amount)
    with boa.env.prank(payer):
        token.approve(streams.address, amount)
    return token


@pytest.fixture(scope="module")
def usdc(payer, streams):
    return _funded(load_mock("StreamsERC20.vy", "USDC", 6), payer, streams, 10**12 * USDC)


@pytest.fixture(scope="module")
def dai(payer, streams):
    return _funded(load_mock("StreamsERC20.vy", "DAI", 18), payer, streams, 10**12 * 10**18)


@pytest.fixture(scope="module")
def usdt(payer, streams):
    return _funded(load_mock("StreamsUSDT.vy"), payer, streams, 10**12 * USDC)


@pytest.fixture
def rate():
    """1,000 USDC a month."""
    return rate_per_month(1_000)


@pytest.fixture
def make_stream(streams, payer, recipient, usdc, rate):
    """make_stream(deposit=..., **overrides) -> stream id, created by the payer."""

    def make(deposit: int = 0, token=None, to=None, per_second=None, hat: int = 0) -> int:
        token = token or usdc
        args = (to or recipient, token.address, per_second or rate, hat)
        with boa.env.prank(payer):
            if deposit:
                return streams.create_and_deposit(*args, deposit)
            return streams.create(*args)

    return make
