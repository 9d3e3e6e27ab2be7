"""Drive Hats.vy through Hats Protocol v1's IHats ABI alone.

`ihats_abi.json` is written by hand from Hats Protocol's public Solidity
interfaces (IHats, IHatsIdUtilities, HatsEvents, ERC1155's TransferSingle),
not generated from Hats.vy: every call and every event below goes through it.
"""

import json
from pathlib import Path

import boa
import pytest
from hats_helpers import ELIGIBILITY_EOA, TOGGLE_EOA, ZERO, reverts_with

ABI = (Path(__file__).parent / "ihats_abi.json").read_text()


@pytest.fixture
def ihats(hats):
    return boa.loads_abi(ABI, name="IHats").at(hats.address)


def event_names(contract):
    return [type(e).__name__ for e in contract.get_logs()]


def test_the_abi_is_hats_protocols(ihats):
    names = {f["name"] for f in json.loads(ABI) if f["type"] == "function"}
    assert {"mintTopHat", "createHat", "batchCreateHats", "mintHat", "viewHat", "isWearerOfHat", "uri",
            "relinkTopHatWithinTree", "sameTippyTopHatDomain"} <= names


def test_drive_a_tree_through_ihats(ihats, module, accounts):
    lead, member, other, newcomer = accounts[1:5]
    top = ihats.mintTopHat(lead, "org", "ipfs://org")
    assert event_names(ihats) == ["HatCreated", "TransferSingle"]
    assert ihats.lastTopHatId() == top >> 224
    assert ihats.name() == "opgov Hats" and ihats.baseImageURI() == "https://base.example/"

    next_id = ihats.getNextId(top)
    with boa.env.prank(lead):
        cell = ihats.createHat(top, "cell", 3, module.address, module.address, True, "")
        assert cell == next_id
        assert event_names(ihats) == ["HatCreated"]
        assert ihats.batchCreateHats([cell, cell], ["a", "b"], [1, 1], [ELIGIBILITY_EOA] * 2, [TOGGLE_EOA] * 2,
                                     [True, False], ["", ""])
        assert ihats.mintHat(cell, member)
        (log,) = ihats.get_logs()
        assert type(log).__name__ == "TransferSingle" and log.to == member and log.id == cell
        assert ihats.batchMintHats([cell, cell], [other, newcomer])
    a_hat, b_hat = cell | (1 << 192), cell | (2 << 192)

    assert ihats.viewHat(cell) == ("cell", 3, 3, module.address, module.address, "ipfs://org", 2, True, True)
    assert ihats.isWearerOfHat(member, cell) and ihats.balanceOf(member, cell) == 1
    assert ihats.balanceOfBatch([member, lead], [cell, cell]) == [1, 0]
    assert ihats.isAdminOfHat(lead, cell) and not ihats.isAdminOfHat(member, cell)
    assert ihats.isInGoodStanding(member, cell) and ihats.isEligible(member, cell)
    assert ihats.getHatEligibilityModule(cell) == module.address
    assert ihats.getHatToggleModule(cell) == module.address
    assert ihats.getHatMaxSupply(cell) == 3 and ihats.hatSupply(cell) == 3
    assert ihats.getImageURIForHat(a_hat) == "ipfs://org"
    assert ihats.uri(cell).startswith("data:application/json;base64,")

    # id utilities
    assert ihats.buildHatId(top, 1) == cell
    assert ihats.getHatLevel(a_hat) == 2 and ihats.getLocalHatLevel(a_hat) == 2
    assert ihats.isTopHat(top) and ihats.isLocalTopHat(top) and ihats.isValidHatId(a_hat)
    assert ihats.getAdminAtLevel(a_hat, 1) == cell and ihats.getAdminAtLocalLevel(a_hat, 0) == top
    assert ihats.getTopHatDomain(a_hat) == top >> 224
    assert ihats.getTippyTopHatDomain(top >> 224) == top >> 224

    # modules: pull and push
    module.set_wearer_status(member, cell, False, False)
    assert ihats.checkHatWearerStatus(cell, member)
    assert event_names(ihats) == ["TransferSingle", "WearerStandingChanged"]
    module.set_hat_status(cell, False)
    assert ihats.checkHatStatus(cell)
    assert event_names(ihats) == ["HatStatusChanged"]
    assert not ihats.isWearerOfHat(other, cell)
    module.set_hat_status(cell, True)
    with reverts_with("NotHatsToggle"):
        ihats.setHatStatus(cell, True)
    with reverts_with("NotHatsEligibility"):
        ihats.setHatWearerStatus(cell, other, True, True)

    # wearers and admins
    ihats.renounceHat(cell, sender=other)
    with boa.env.prank(lead):
        ihats.transferHat(cell, newcomer, other)
        ihats.changeHatDetails(cell, "cell, renamed")
        ihats.changeHatImageURI(cell, "ipfs://cell")
        ihats.changeHatMaxSupply(cell, 4)
        ihats.changeHatEligibility(cell, ELIGIBILITY_EOA)
        ihats.changeHatToggle(cell, TOGGLE_EOA)
        ihats.makeHatImmutable(cell)
        assert event_names(ihats) == ["HatMutabilityChanged"]
    assert ihats.viewHat(cell) == ("cell, renamed", 4, 1, ELIGIBILITY_EOA, TOGGLE_EOA, "ipfs://cell", 2, False, True)

    # linking another tree under the cell, moving it, unlinking it
    sub = ihats.mintTopHat(newcomer, "sub", "")
    domain = sub >> 224
    ihats.requestLinkTopHatToTree(domain, cell, sender=newcomer)
    assert ihats.linkedTreeRequests(domain) == cell
    assert ihats.noCircularLinkage(domain, cell) and ihats.noCircularLinkage(top >> 224, sub)
    with boa.env.prank(lead):
        ihats.approveLinkTopHatToTree(domain, cell, ZERO, ZERO, "", "")
        (log,) = ihats.get_logs()
        assert type(log).__name__ == "TopHatLinked" and (log.domain, log.newAdmin) == (domain, cell)
        assert ihats.linkedTreeAdmins(domain) == cell and ihats.sameTippyTopHatDomain(domain, top)
        assert not ihats.noCircularLinkage(top >> 224, sub)
        ihats.relinkTopHatWithinTree(domain, a_hat, ZERO, ZERO, "", "")
        assert ihats.getHatLevel(sub) == 3
        ihats.unlinkTopHatFromTree(domain, newcomer)
    assert ihats.isTopHat(sub)
    with reverts_with("Immutable"):
        ihats.changeHatDetails(b_hat, "x", sender=lead)
