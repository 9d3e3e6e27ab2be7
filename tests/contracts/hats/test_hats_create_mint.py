"""mintTopHat, createHat, batchCreateHats, getNextId, mintHat, batchMintHats."""

import boa
import pytest
from eth.exceptions import Revert
from hats_helpers import OVERFLOW, ELIGIBILITY_EOA, TOGGLE_EOA, ZERO, create, load_test_contract, mint, reverts_with


def test_mint_top_hat(hats, accounts):
    before = hats.lastTopHatId()
    hat = hats.mintTopHat(accounts[1], "tree", "ipfs://img")
    created, transfer = hats.get_logs()
    assert hat == (before + 1) << 224
    assert hats.lastTopHatId() == before + 1
    assert hats.isWearerOfHat(accounts[1], hat)
    assert hats.isTopHat(hat)
    assert hats.viewHat(hat) == ("tree", 1, 1, ZERO, ZERO, "ipfs://img", 0, False, True)
    assert type(created).__name__ == "HatCreated"
    assert created.id == hat and created.details == "tree"
    assert created.imageURI == "ipfs://img" and created.maxSupply == 1
    assert type(transfer).__name__ == "TransferSingle"
    assert transfer.receiver == accounts[1] and transfer.id == hat


def test_mint_top_hat_to_zero(hats):
    # as in Hats Protocol: the zero address may wear a hat (opgov's SDK refuses it)
    hat = hats.mintTopHat(ZERO, "", "")
    assert hats.isWearerOfHat(ZERO, hat) and hats.hatSupply(hat) == 1


def test_mint_top_hat_empty_strings(hats, accounts):
    hat = hats.mintTopHat(accounts[1], "", "")
    assert hats.viewHat(hat)[0] == ""
    assert hats.getImageURIForHat(hat) == "https://base.example/"


def test_long_strings_round_trip(hats, top, top_wearer):
    details = "d" * 1024
    image = "".join(chr(33 + i % 90) for i in range(1024))
    hat = create(hats, top_wearer, top, details=details, image=image)
    view = hats.viewHat(hat)
    assert view[0] == details and view[5] == image
    for dlen, ilen in [(0, 5), (5, 0), (31, 33), (32, 32), (33, 1), (30, 2), (1000, 1024), (64, 31)]:
        with boa.env.prank(top_wearer):
            hats.changeHatDetails(hat, "x" * dlen)
            hats.changeHatImageURI(hat, "y" * ilen)
        view = hats.viewHat(hat)
        assert view[0] == "x" * dlen
        assert hats.getImageURIForHat(hat) == ("y" * ilen if ilen else "http://www.tophat.com/")


def test_strings_up_to_7000_bytes_round_trip(hats, top, top_wearer):
    # Hats Protocol's limit: 7,000 bytes each, stored and read back whole,
    # whatever the alignment of the two strings back to back
    details = "".join(chr(33 + i % 90) for i in range(7000))
    image = "".join(chr(40 + i % 80) for i in range(7000))
    hat = create(hats, top_wearer, top, details=details, image=image)
    (log,) = [e for e in hats.get_logs() if type(e).__name__ == "HatCreated"]
    assert log.details == details and log.imageURI == image
    assert hats.viewHat(hat)[0] == details and hats.viewHat(hat)[5] == image
    for dlen, ilen in [(6999, 7000), (7000, 33), (33, 7000), (1, 6999)]:
        with boa.env.prank(top_wearer):
            hats.changeHatDetails(hat, details[:dlen])
            hats.changeHatImageURI(hat, image[:ilen])
        view = hats.viewHat(hat)
        assert view[0] == details[:dlen] and view[5] == image[:ilen]
    # a long image falls back to the hats below
    child = create(hats, top_wearer, hat, details="child", image="")
    assert hats.getImageURIForHat(child) == image[:6999]
    with boa.env.prank(top_wearer):
        tree = hats.mintTopHat(top_wearer, details, image)
    assert hats.viewHat(tree)[0] == details and hats.getImageURIForHat(tree) == image


def test_over_long_string_at_creation_is_refused_by_the_abi_decoder(hats, top, top_wearer):
    # Vyper's ABI decoder refuses strings over the 7,000-byte bound of
    # createHat and mintTopHat before any code of ours runs: the revert
    # carries no data (documented; Hats Protocol takes any length there)
    calldata = hats.createHat.prepare_calldata(top, "x" * 7001, 1, ELIGIBILITY_EOA, TOGGLE_EOA, True, "")
    with pytest.raises(Revert) as raised:
        boa.env.raw_call(hats.address, sender=top_wearer, data=calldata)
    assert raised.value.args[0] == b""
    calldata = hats.mintTopHat.prepare_calldata(top_wearer, "", "y" * 7001)
    with pytest.raises(Revert) as raised:
        boa.env.raw_call(hats.address, sender=top_wearer, data=calldata)
    assert raised.value.args[0] == b""


def test_create_hat(hats, top, top_wearer):
    next_id = hats.getNextId(top)
    assert next_id == top | (1 << 208)
    hat = create(hats, top_wearer, top, "second hat", 2, ELIGIBILITY_EOA, TOGGLE_EOA, False, "http://www.second.com/")
    assert hat == next_id
    (log,) = hats.get_logs()
    assert type(log).__name__ == "HatCreated"
    assert log.eligibility == ELIGIBILITY_EOA and log.toggle == TOGGLE_EOA
    assert log.mutable_ is False
    assert hats.viewHat(hat) == (
        "second hat", 2, 0, ELIGIBILITY_EOA, TOGGLE_EOA, "http://www.second.com/", 0, False, True
    )
    assert hats.viewHat(top)[6] == 1
    assert hats.getNextId(top) == top | (2 << 208)
    assert hats.getHatLevel(hat) == 1


def test_create_hat_by_admin_of_admin(hats, top, top_wearer, accounts):
    level1 = create(hats, top_wearer, top)
    level2 = create(hats, top_wearer, level1)
    level3 = create(hats, top_wearer, level2)
    assert hats.getLocalHatLevel(level3) == 3
    mint(hats, top_wearer, level1, accounts[1])
    level2b = create(hats, accounts[1], level1)
    assert level2b == level1 | (2 << 192)


def test_create_hat_reverts(hats, top, top_wearer, accounts):
    with reverts_with("NotAdmin", accounts[1], hats.getNextId(top)):
        create(hats, accounts[1], top)
    with reverts_with("ZeroAddress"):
        create(hats, top_wearer, top, eligibility=ZERO)
    with reverts_with("ZeroAddress"):
        create(hats, top_wearer, top, toggle=ZERO)
    with reverts_with("InvalidHatId"):
        create(hats, top_wearer, top | (1 << 192))  # level 1 empty above level 2
    with reverts_with("Panic", OVERFLOW):  # Hats Protocol's isValidHatId(0) counts levels below 0
        create(hats, top_wearer, 0)
    deepest = top
    for level in range(1, 14):
        deepest |= 1 << (16 * (14 - level))
    deepest |= 1
    with reverts_with("MaxLevelsReached"):
        create(hats, top_wearer, deepest)


def test_create_hat_at_level_14(hats, top, top_wearer):
    hat = top
    for _ in range(14):
        hat = create(hats, top_wearer, hat)
    assert hats.getLocalHatLevel(hat) == 14
    assert hats.isAdminOfHat(top_wearer, hat)
    with reverts_with("MaxLevelsReached"):
        hats.getNextId(hat)
    with reverts_with("MaxLevelsReached"):
        hats.buildHatId(hat, 1)


def test_child_ids_exhausted(hats, top, top_wearer):
    # 65,535 children is too many to create here; the counter is checked
    # before any id is built, so exhausting it is shown through the view
    hat = create(hats, top_wearer, top)
    assert hats.getNextId(hat) == hat | (1 << 192)


def test_batch_create_hats(hats, top, top_wearer):
    first = hats.getNextId(top)
    assert hats.batchCreateHats(
        [top, first], ["one", "two"], [1, 2], [ELIGIBILITY_EOA] * 2, [TOGGLE_EOA] * 2, [True, False], ["a", ""],
        sender=top_wearer,
    )
    assert len([e for e in hats.get_logs() if type(e).__name__ == "HatCreated"]) == 2
    assert hats.viewHat(first)[0] == "one"
    assert hats.viewHat(first | (1 << 192))[0:3] == ("two", 2, 0)


def test_batch_create_hats_reverts(hats, top, top_wearer, accounts):
    with reverts_with("BatchArrayLengthMismatch"):
        hats.batchCreateHats([top], ["x", "y"], [1], [ELIGIBILITY_EOA], [TOGGLE_EOA], [True], [""], sender=top_wearer)
    with reverts_with("NotAdmin", accounts[1], hats.getNextId(top)):
        hats.batchCreateHats([top], ["x"], [1], [ELIGIBILITY_EOA], [TOGGLE_EOA], [True], [""], sender=accounts[1])


def test_mint_hat(hats, top, top_wearer, accounts):
    hat = create(hats, top_wearer, top, max_supply=2)
    assert mint(hats, top_wearer, hat, accounts[1])
    (log,) = hats.get_logs()
    assert type(log).__name__ == "TransferSingle"
    assert (log.operator, log.sender, log.receiver) == (top_wearer, ZERO, accounts[1])
    assert log.id == hat and log.value == 1
    assert hats.isWearerOfHat(accounts[1], hat)
    assert hats.balanceOf(accounts[1], hat) == 1
    assert hats.hatSupply(hat) == 1


def test_mint_hat_reverts(hats, top, top_wearer, accounts, module):
    hat = create(hats, top_wearer, top, max_supply=1, eligibility=module.address, toggle=module.address)
    with reverts_with("HatDoesNotExist", hat + (1 << 192)):
        mint(hats, top_wearer, hat + (1 << 192), accounts[1])
    module.set_wearer_status(accounts[1], hat, False, True)
    with reverts_with("NotEligible"):
        mint(hats, top_wearer, hat, accounts[1])
    module.set_wearer_status(accounts[1], hat, True, True)
    module.set_hat_status(hat, False)
    with reverts_with("HatNotActive"):
        mint(hats, top_wearer, hat, accounts[1])
    module.set_hat_status(hat, True)
    with reverts_with("NotAdmin", accounts[2], hat):
        mint(hats, accounts[2], hat, accounts[1])
    mint(hats, top_wearer, hat, accounts[1])
    with reverts_with("AllHatsWorn", hat):
        mint(hats, top_wearer, hat, accounts[2])
    with boa.env.prank(top_wearer):
        hats.changeHatMaxSupply(hat, 2)
    with reverts_with("AlreadyWearingHat", accounts[1], hat):
        mint(hats, top_wearer, hat, accounts[1])
    # as in Hats Protocol, the zero address may wear a hat
    mint(hats, top_wearer, hat, ZERO)
    assert hats.isWearerOfHat(ZERO, hat) and hats.hatSupply(hat) == 2


def test_mint_hat_with_zero_max_supply(hats, top, top_wearer, accounts):
    # Hats Protocol tells a hat that exists by its max supply
    hat = create(hats, top_wearer, top, max_supply=0)
    with reverts_with("HatDoesNotExist", hat):
        mint(hats, top_wearer, hat, accounts[1])


def test_mint_top_hat_again_reverts(hats, top, top_wearer, accounts):
    with reverts_with("AllHatsWorn", top):
        mint(hats, top_wearer, top, accounts[1])


def test_batch_mint_hats(hats, top, top_wearer, accounts):
    a = create(hats, top_wearer, top)
    b = create(hats, top_wearer, top)
    assert hats.batchMintHats([a, b, a], accounts[1:4], sender=top_wearer)
    assert hats.balanceOfBatch(accounts[1:4] + [accounts[4]], [a, b, a, a]) == [1, 1, 1, 0]


def test_batch_mint_hats_reverts(hats, top, top_wearer, accounts):
    a = create(hats, top_wearer, top)
    with reverts_with("BatchArrayLengthMismatch"):
        hats.batchMintHats([a, a], [accounts[1]], sender=top_wearer)
    with reverts_with("AlreadyWearingHat", accounts[1], a):
        hats.batchMintHats([a, a], [accounts[1], accounts[1]], sender=top_wearer)


def test_created_hat_keeps_children_made_before_it(hats, top, top_wearer):
    # a top-hat wearer may create children under an id whose own hat does
    # not exist yet; creating that hat later must not reset its child counter
    ghost = top | (7 << 208)
    with reverts_with("Immutable"):  # a hat that does not exist is not mutable
        hats.makeHatImmutable(ghost, sender=top_wearer)
    child = create(hats, top_wearer, ghost)
    assert child == ghost | (1 << 192)
    assert hats.getNextId(ghost) == ghost | (2 << 192)


# every module a new hat can be given: two EOAs (no code; they rule by
# pushing), a contract that answers live, and a contract declared quiet
MODULE_KINDS = ["eoa-a", "eoa-b", "contract", "quiet"]


@pytest.fixture(scope="module")
def module_of(hats, module):
    quiet = load_test_contract("HatsModuleMock.vy")
    with boa.env.prank(quiet.address):
        hats.declareQuietModule()
    return {"eoa-a": ELIGIBILITY_EOA, "eoa-b": TOGGLE_EOA, "contract": module, "quiet": quiet}


def _address(module):
    return module if isinstance(module, str) else module.address


@pytest.mark.parametrize("image", ["", "ipfs://hat"])
@pytest.mark.parametrize("details", ["", "a hat"])
@pytest.mark.parametrize("toggle_kind", MODULE_KINDS)
@pytest.mark.parametrize("eligibility_kind", MODULE_KINDS)
def test_attack_empty_texts_drop_the_toggle_module(hats, top, top_wearer, accounts, module_of, eligibility_kind,
                                                   toggle_kind, details, image):
    """A hat created with empty details and image URI kept no toggle module:
    it was never asked, its pushes reverted, and an immutable hat could never
    be switched off. Every mix of texts and modules must keep both modules."""
    eligibility, toggle = module_of[eligibility_kind], module_of[toggle_kind]
    hat = create(hats, top_wearer, top, details=details, eligibility=_address(eligibility),
                 toggle=_address(toggle), mutable=False, image=image)
    view = hats.viewHat(hat)
    assert view[0] == details and view[3] == _address(eligibility) and view[4] == _address(toggle)
    assert view[5] == (image or "http://www.tophat.com/")  # no image: the admin's
    assert hats.getHatToggleModule(hat) == _address(toggle)
    assert hats.getHatEligibilityModule(hat) == _address(eligibility)
    wearer, ruled_out = accounts[1], accounts[2]
    mint(hats, top_wearer, hat, wearer)
    mint(hats, top_wearer, hat, ruled_out)
    assert hats.isWearerOfHat(wearer, hat) and hats.isActive(hat)

    # the eligibility module rules a wearer out: by pushing, and live if it answers
    if isinstance(eligibility, str):
        with boa.env.prank(eligibility):
            hats.setHatWearerStatus(hat, ruled_out, False, True)
    else:
        eligibility.set_wearer_status(ruled_out, hat, False, True)
        eligibility.push_wearer_status(hats.address, hat, ruled_out, False, True)
    assert not hats.isWearerOfHat(ruled_out, hat) and hats.isWearerOfHat(wearer, hat)

    # the toggle module switches the immutable hat off: by pushing, and live if it answers
    if isinstance(toggle, str):
        with boa.env.prank(toggle):
            assert hats.setHatStatus(hat, False)
    else:
        toggle.set_hat_status(hat, False)
        assert toggle.push_hat_status(hats.address, hat, False)
    assert not hats.isActive(hat) and not hats.viewHat(hat)[8]
    assert not hats.isWearerOfHat(wearer, hat) and hats.balanceOf(wearer, hat) == 0


def test_attack_empty_texts_drop_the_toggle_module_in_a_batch(hats, top, top_wearer, module):
    first = hats.getNextId(top)
    hats.batchCreateHats([top, top], ["", ""], [1, 1], [ELIGIBILITY_EOA, module.address],
                         [TOGGLE_EOA, module.address], [False, False], ["", ""], sender=top_wearer)
    second = hats.getNextId(top) - (1 << 208)
    assert hats.viewHat(first)[4] == TOGGLE_EOA and hats.getHatToggleModule(first) == TOGGLE_EOA
    assert hats.viewHat(second)[4] == module.address and hats.getHatToggleModule(second) == module.address
    with boa.env.prank(TOGGLE_EOA):
        hats.setHatStatus(first, False)
    module.set_hat_status(second, False)
    assert not hats.isActive(first) and not hats.isActive(second)


def test_batches_of_255_entries(hats, top, top_wearer):
    # Hats Protocol's own tests fuzz batches up to 255 entries
    hat = create(hats, top_wearer, top, max_supply=255)
    wearers = [boa.env.generate_address(f"batch-wearer-{i}") for i in range(255)]
    assert hats.batchMintHats([hat] * 255, wearers, sender=top_wearer)
    assert hats.hatSupply(hat) == 255
    assert hats.balanceOfBatch(wearers, [hat] * 255) == [1] * 255
