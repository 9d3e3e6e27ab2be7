"""Each of Hats Protocol v1's custom errors, raised where Hats Protocol raises it.

Every revert here is decoded with the `HatsErrors` ABI (hats_errors_abi.json,
written by hand from Hats Protocol's public interface), the way Hats' own SDK
decodes them: same selector, same arguments, canonically encoded.
"""

import boa
import pytest
from hats_helpers import (
    ELIGIBILITY_EOA,
    HATS_ERRORS_ABI,
    TOGGLE_EOA,
    ZERO,
    create,
    decode_hats_error,
    mint,
    revert_data,
)

# every error of Hats Protocol v1's HatsErrors interface, with its argument types
HATS_ERRORS = {
    "NotAdmin": ["address", "uint256"],
    "NotHatWearer": [],
    "NotAdminOrWearer": [],
    "AllHatsWorn": ["uint256"],
    "MaxLevelsReached": [],
    "InvalidHatId": [],
    "AlreadyWearingHat": ["address", "uint256"],
    "HatDoesNotExist": ["uint256"],
    "HatNotActive": [],
    "NotEligible": [],
    "NotHatsToggle": [],
    "NotHatsEligibility": [],
    "BatchArrayLengthMismatch": [],
    "Immutable": [],
    "NewMaxSupplyTooLow": [],
    "CircularLinkage": [],
    "CrossTreeLinkage": [],
    "LinkageNotRequested": [],
    "InvalidUnlink": [],
    "ZeroAddress": [],
    "StringTooLong": [],
}


def error_of(call, *args, **kwargs) -> tuple:
    """Call, expect a revert, and decode its data with the HatsErrors ABI."""
    with pytest.raises(boa.BoaError) as info:
        call(*args, **kwargs)
    return decode_hats_error(revert_data(info.value))


def domain(hat_id: int) -> int:
    return hat_id >> 224


@pytest.fixture
def hat(hats, top, top_wearer, module):
    """A mutable hat of max supply 1 run by the contract module."""
    return create(hats, top_wearer, top, max_supply=1, eligibility=module.address, toggle=module.address)


def test_the_abi_holds_every_hats_error():
    assert {e["name"]: [i["type"] for i in e["inputs"]] for e in HATS_ERRORS_ABI} == HATS_ERRORS


def test_not_admin(hats, hat, accounts):
    assert error_of(hats.mintHat, hat, accounts[2], sender=accounts[1]) == ("NotAdmin", accounts[1], hat)


def test_not_hat_wearer(hats, hat, accounts):
    assert error_of(hats.renounceHat, hat, sender=accounts[1]) == ("NotHatWearer",)


def test_not_admin_or_wearer(hats, top, top_wearer, accounts):
    deepest = top
    for _ in range(14):
        deepest = create(hats, top_wearer, deepest)
    b = hats.mintTopHat(accounts[2], "tree b", "")
    hats.requestLinkTopHatToTree(domain(b), deepest, sender=accounts[2])
    assert error_of(hats.approveLinkTopHatToTree, domain(b), deepest, ZERO, ZERO, "", "",
                    sender=accounts[3]) == ("NotAdminOrWearer",)


def test_all_hats_worn(hats, hat, top_wearer, accounts):
    mint(hats, top_wearer, hat, accounts[1])
    assert error_of(hats.mintHat, hat, accounts[2], sender=top_wearer) == ("AllHatsWorn", hat)


def test_max_levels_reached(hats, top, top_wearer):
    deepest = top
    for _ in range(14):
        deepest = create(hats, top_wearer, deepest)
    assert error_of(hats.createHat, deepest, "x", 1, ELIGIBILITY_EOA, TOGGLE_EOA, True, "",
                    sender=top_wearer) == ("MaxLevelsReached",)
    assert error_of(hats.buildHatId, deepest, 1) == ("MaxLevelsReached",)


def test_invalid_hat_id(hats, top, top_wearer):
    assert error_of(hats.createHat, top | (1 << 192), "x", 1, ELIGIBILITY_EOA, TOGGLE_EOA, True, "",
                    sender=top_wearer) == ("InvalidHatId",)


def test_already_wearing_hat(hats, hat, top_wearer, accounts):
    hats.changeHatMaxSupply(hat, 2, sender=top_wearer)
    mint(hats, top_wearer, hat, accounts[1])
    assert error_of(hats.mintHat, hat, accounts[1], sender=top_wearer) == ("AlreadyWearingHat", accounts[1], hat)


def test_hat_does_not_exist(hats, top, top_wearer, accounts):
    never = top | (9 << 208)
    assert error_of(hats.mintHat, never, accounts[1], sender=top_wearer) == ("HatDoesNotExist", never)


def test_hat_not_active(hats, hat, top_wearer, module, accounts):
    module.set_hat_status(hat, False)
    assert error_of(hats.mintHat, hat, accounts[1], sender=top_wearer) == ("HatNotActive",)


def test_not_eligible(hats, hat, top_wearer, module, accounts):
    module.set_wearer_status(accounts[1], hat, False, True)
    assert error_of(hats.mintHat, hat, accounts[1], sender=top_wearer) == ("NotEligible",)


def test_not_hats_toggle(hats, hat, accounts):
    assert error_of(hats.setHatStatus, hat, False, sender=accounts[1]) == ("NotHatsToggle",)


def test_not_hats_eligibility(hats, hat, accounts):
    assert error_of(hats.setHatWearerStatus, hat, accounts[2], False, False, sender=accounts[1]) == (
        "NotHatsEligibility",
    )


def test_batch_array_length_mismatch(hats, hat, top, top_wearer, accounts):
    assert error_of(hats.batchMintHats, [hat, hat], [accounts[1]], sender=top_wearer) == (
        "BatchArrayLengthMismatch",
    )
    assert error_of(hats.batchCreateHats, [top], ["a", "b"], [1], [ELIGIBILITY_EOA], [TOGGLE_EOA], [True], [""],
                    sender=top_wearer) == ("BatchArrayLengthMismatch",)
    assert error_of(hats.balanceOfBatch, [accounts[1]], []) == ("BatchArrayLengthMismatch",)


def test_immutable(hats, top, top_wearer):
    fixed = create(hats, top_wearer, top, mutable=False)
    assert error_of(hats.changeHatMaxSupply, fixed, 9, sender=top_wearer) == ("Immutable",)


def test_new_max_supply_too_low(hats, hat, top_wearer, accounts):
    mint(hats, top_wearer, hat, accounts[1])
    assert error_of(hats.changeHatMaxSupply, hat, 0, sender=top_wearer) == ("NewMaxSupplyTooLow",)


def test_circular_linkage(hats, top, top_wearer, accounts):
    b = hats.mintTopHat(accounts[2], "tree b", "")
    hats.requestLinkTopHatToTree(domain(b), top, sender=accounts[2])
    hats.approveLinkTopHatToTree(domain(b), top, ZERO, ZERO, "", "", sender=top_wearer)
    # tree A under tree B, which is already under A
    hats.requestLinkTopHatToTree(domain(top), b, sender=top_wearer)
    assert error_of(hats.approveLinkTopHatToTree, domain(top), b, ZERO, ZERO, "", "",
                    sender=accounts[2]) == ("CircularLinkage",)


def test_cross_tree_linkage(hats, top, top_wearer, accounts):
    a1 = create(hats, top_wearer, top)
    b = hats.mintTopHat(accounts[2], "tree b", "")
    c = hats.mintTopHat(accounts[3], "tree c", "")
    hats.requestLinkTopHatToTree(domain(b), a1, sender=accounts[2])
    hats.approveLinkTopHatToTree(domain(b), a1, ZERO, ZERO, "", "", sender=top_wearer)
    # c's wearer is an admin of nothing in tree A: linked b cannot be moved under c
    hats.requestLinkTopHatToTree(domain(b), c, sender=top_wearer)
    assert error_of(hats.approveLinkTopHatToTree, domain(b), c, ZERO, ZERO, "", "",
                    sender=accounts[3]) == ("CrossTreeLinkage",)


def test_linkage_not_requested(hats, top_wearer, top, accounts):
    b = hats.mintTopHat(accounts[2], "tree b", "")
    assert error_of(hats.approveLinkTopHatToTree, domain(b), top, ZERO, ZERO, "", "",
                    sender=top_wearer) == ("LinkageNotRequested",)


def test_invalid_unlink(hats, top, top_wearer, accounts):
    b = hats.mintTopHat(accounts[2], "tree b", "")
    hats.requestLinkTopHatToTree(domain(b), top, sender=accounts[2])
    hats.approveLinkTopHatToTree(domain(b), top, ZERO, ZERO, "", "", sender=top_wearer)
    assert error_of(hats.unlinkTopHatFromTree, domain(b), accounts[5], sender=top_wearer) == ("InvalidUnlink",)
    assert error_of(hats.unlinkTopHatFromTree, domain(b), ZERO, sender=top_wearer) == ("InvalidUnlink",)


def test_zero_address(hats, hat, top, top_wearer):
    assert error_of(hats.changeHatEligibility, hat, ZERO, sender=top_wearer) == ("ZeroAddress",)
    assert error_of(hats.createHat, top, "x", 1, ELIGIBILITY_EOA, ZERO, True, "", sender=top_wearer) == (
        "ZeroAddress",
    )



def test_string_too_long(hats, hat, top, top_wearer, accounts):
    # Hats Protocol's limit on change and on linking: 7,000 bytes (its own
    # tests use 7,050); 7,000 itself is taken
    for length in (7001, 7050, 8192):
        assert error_of(hats.changeHatDetails, hat, "x" * length, sender=top_wearer) == ("StringTooLong",)
        assert error_of(hats.changeHatImageURI, hat, "y" * length, sender=top_wearer) == ("StringTooLong",)
    hats.changeHatDetails(hat, "x" * 7000, sender=top_wearer)
    hats.changeHatImageURI(hat, "y" * 7000, sender=top_wearer)
    b = hats.mintTopHat(accounts[2], "tree b", "")
    hats.requestLinkTopHatToTree(domain(b), top, sender=accounts[2])
    assert error_of(hats.approveLinkTopHatToTree, domain(b), top, ZERO, ZERO, "d" * 7001, "",
                    sender=top_wearer) == ("StringTooLong",)
    assert error_of(hats.approveLinkTopHatToTree, domain(b), top, ZERO, ZERO, "", "i" * 7050,
                    sender=top_wearer) == ("StringTooLong",)
    hats.approveLinkTopHatToTree(domain(b), top, ZERO, ZERO, "d" * 7000, "i" * 33, sender=top_wearer)
    assert hats.viewHat(b)[0] == "d" * 7000 and hats.viewHat(b)[5] == "i" * 33
    assert error_of(hats.relinkTopHatWithinTree, domain(b), hat, ZERO, ZERO, "", "i" * 7001,
                    sender=top_wearer) == ("StringTooLong",)
    hats.relinkTopHatWithinTree(domain(b), hat, ZERO, ZERO, "", "i" * 7000, sender=top_wearer)
    assert hats.viewHat(b)[0] == "d" * 7000 and hats.getImageURIForHat(b) == "i" * 7000


def test_batches_of_255(hats, top, top_wearer, accounts):
    # 255 entries, as Hats Protocol's own tests go; one array one short is a mismatch
    n = 255
    args = [[top] * n, ["deets"] * n, [10] * n, [ELIGIBILITY_EOA] * n, [TOGGLE_EOA] * n, [False] * n, [""] * n]
    for which in range(7):
        short = [a[:-1] if i == which else a for i, a in enumerate(args)]
        assert error_of(hats.batchCreateHats, *short, sender=top_wearer) == ("BatchArrayLengthMismatch",)
    hats.batchCreateHats(*args, sender=top_wearer)
    last = hats.getNextId(top) - (1 << 208)
    assert hats.viewHat(last)[0] == "deets" and hats.viewHat(last)[6] == 0
    ids = [top | ((i + 1) << 208) for i in range(n)]
    wearers = [accounts[1]] * n
    assert error_of(hats.batchMintHats, ids, wearers[:-1], sender=top_wearer) == ("BatchArrayLengthMismatch",)
    hats.batchMintHats(ids, wearers, sender=top_wearer)
    assert hats.balanceOfBatch(wearers, ids) == [1] * n
