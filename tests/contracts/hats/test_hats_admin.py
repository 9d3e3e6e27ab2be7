"""Mutability and the change* setters."""

import boa
import pytest
from hats_helpers import ELIGIBILITY_EOA, TOGGLE_EOA, ZERO, create, mint, reverts_with


@pytest.fixture
def mutable(hats, top, top_wearer):
    return create(hats, top_wearer, top, "mutable hat", 2, mutable=True, image="http://www.second.com/")


@pytest.fixture
def fixed(hats, top, top_wearer):
    return create(hats, top_wearer, top, "fixed hat", 2, mutable=False)


def test_make_hat_immutable(hats, mutable, top_wearer):
    hats.makeHatImmutable(mutable, sender=top_wearer)
    (log,) = hats.get_logs()
    assert type(log).__name__ == "HatMutabilityChanged" and log.hatId == mutable
    assert hats.viewHat(mutable)[7] is False
    with reverts_with("Immutable"):
        hats.makeHatImmutable(mutable, sender=top_wearer)


def test_make_hat_immutable_reverts(hats, mutable, top_wearer, accounts):
    with reverts_with("NotAdmin", accounts[1], mutable):
        hats.makeHatImmutable(mutable, sender=accounts[1])
    # as in Hats Protocol, a hat that does not exist is not mutable
    with reverts_with("Immutable"):
        hats.makeHatImmutable(mutable + (9 << 192), sender=top_wearer)


def test_change_hat_details_and_image(hats, mutable, top_wearer):
    hats.changeHatDetails(mutable, "new details", sender=top_wearer)
    (log,) = hats.get_logs()
    assert (log.hatId, log.newDetails) == (mutable, "new details")
    hats.changeHatImageURI(mutable, "ipfs://new", sender=top_wearer)
    (log,) = hats.get_logs()
    assert (log.hatId, log.newImageURI) == (mutable, "ipfs://new")
    view = hats.viewHat(mutable)
    assert (view[0], view[5]) == ("new details", "ipfs://new")


def test_top_hat_wearer_changes_top_hat_text(hats, top, top_wearer, accounts):
    hats.changeHatDetails(top, "renamed tree", sender=top_wearer)
    hats.changeHatImageURI(top, "ipfs://tree", sender=top_wearer)
    assert hats.viewHat(top)[0] == "renamed tree"
    assert hats.getImageURIForHat(top) == "ipfs://tree"
    with reverts_with("NotAdmin", accounts[1], top):
        hats.changeHatDetails(top, "x", sender=accounts[1])
    with reverts_with("Immutable"):
        hats.changeHatEligibility(top, ELIGIBILITY_EOA, sender=top_wearer)


@pytest.mark.parametrize("setter", ["details", "image"])
def test_change_text_reverts(hats, fixed, top_wearer, accounts, setter):
    fn = hats.changeHatDetails if setter == "details" else hats.changeHatImageURI
    with reverts_with("Immutable"):
        fn(fixed, "x", sender=top_wearer)
    with reverts_with("NotAdmin", accounts[1], fixed):
        fn(fixed, "x", sender=accounts[1])
    with reverts_with("Immutable"):
        fn(fixed + (9 << 192), "x", sender=top_wearer)


def test_change_hat_eligibility(hats, mutable, fixed, top_wearer, accounts):
    hats.changeHatEligibility(mutable, accounts[5], sender=top_wearer)
    (log,) = hats.get_logs()
    assert (log.hatId, log.newEligibility) == (mutable, accounts[5])
    assert hats.getHatEligibilityModule(mutable) == accounts[5]
    with reverts_with("ZeroAddress"):
        hats.changeHatEligibility(mutable, ZERO, sender=top_wearer)
    with reverts_with("NotAdmin", accounts[1], mutable):
        hats.changeHatEligibility(mutable, accounts[5], sender=accounts[1])
    with reverts_with("Immutable"):
        hats.changeHatEligibility(fixed, accounts[5], sender=top_wearer)
    with reverts_with("Immutable"):
        hats.changeHatEligibility(fixed + (9 << 192), accounts[5], sender=top_wearer)


def test_change_hat_toggle(hats, mutable, fixed, top_wearer, accounts):
    hats.changeHatToggle(mutable, accounts[6], sender=top_wearer)
    (log,) = hats.get_logs()
    assert (log.hatId, log.newToggle) == (mutable, accounts[6])
    assert hats.getHatToggleModule(mutable) == accounts[6]
    assert hats.viewHat(mutable)[5] == "http://www.second.com/"  # text lengths kept beside the toggle
    with reverts_with("ZeroAddress"):
        hats.changeHatToggle(mutable, ZERO, sender=top_wearer)
    with reverts_with("NotAdmin", accounts[1], mutable):
        hats.changeHatToggle(mutable, accounts[6], sender=accounts[1])
    with reverts_with("Immutable"):
        hats.changeHatToggle(fixed, accounts[6], sender=top_wearer)


def test_change_hat_max_supply(hats, mutable, fixed, top_wearer, accounts):
    mint(hats, top_wearer, mutable, accounts[1])
    mint(hats, top_wearer, mutable, accounts[2])
    hats.changeHatMaxSupply(mutable, 3, sender=top_wearer)
    (log,) = hats.get_logs()
    assert (log.hatId, log.newMaxSupply) == (mutable, 3)
    hats.changeHatMaxSupply(mutable, 3, sender=top_wearer)
    assert hats.get_logs() == []  # unchanged: no event
    assert hats.getHatMaxSupply(mutable) == 3
    with reverts_with("NewMaxSupplyTooLow"):
        hats.changeHatMaxSupply(mutable, 1, sender=top_wearer)
    with reverts_with("NotAdmin", accounts[1], mutable):
        hats.changeHatMaxSupply(mutable, 5, sender=accounts[1])
    with reverts_with("Immutable"):
        hats.changeHatMaxSupply(fixed, 5, sender=top_wearer)
