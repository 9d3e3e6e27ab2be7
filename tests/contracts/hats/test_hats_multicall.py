"""multicall(bytes[]): Solady's Multicallable, as Hats Protocol's contract and SDK have it."""

import boa
import pytest
from eth_abi import decode
from hats_helpers import ELIGIBILITY_EOA, TOGGLE_EOA, create, decode_hats_error, revert_data, reverts_with


def test_multicall_creates_and_mints_as_the_caller(hats, top, top_wearer, accounts):
    new = hats.getNextId(top)
    calls = [
        hats.createHat.prepare_calldata(top, "multicall hat", 3, ELIGIBILITY_EOA, TOGGLE_EOA, True, ""),
        hats.mintHat.prepare_calldata(new, accounts[1]),
        hats.mintHat.prepare_calldata(new, accounts[2]),
        hats.isWearerOfHat.prepare_calldata(accounts[1], new),
    ]
    results = hats.multicall(calls, sender=top_wearer)
    assert [decode(["uint256"], r)[0] for r in results] == [new, 1, 1, 1]
    assert hats.hatSupply(new) == 2 and hats.isWearerOfHat(accounts[2], new)
    assert hats.multicall([], sender=top_wearer) == []


def test_multicall_reverts_with_the_inner_error(hats, top, top_wearer, accounts):
    hat = create(hats, top_wearer, top)
    calls = [hats.mintHat.prepare_calldata(hat, accounts[1]), hats.mintHat.prepare_calldata(hat, accounts[2])]
    # the caller of every call is the multicall's caller, so the first mint already fails
    with reverts_with("NotAdmin", accounts[3], hat):
        hats.multicall(calls, sender=accounts[3])
    calls[1] = hats.mintHat.prepare_calldata(hat, accounts[1])
    with reverts_with("AlreadyWearingHat", accounts[1], hat):
        hats.multicall(calls, sender=top_wearer)
    assert hats.hatSupply(hat) == 0  # the whole batch is undone


def test_multicall_refuses_a_result_it_would_cut(hats, top, top_wearer):
    with boa.reverts("hats: a multicall result is too long"):
        hats.multicall([hats.viewHat.prepare_calldata(top)], sender=top_wearer)


def test_multicall_bubbles_a_bare_revert(hats, top_wearer, accounts):
    with pytest.raises(boa.BoaError) as info:
        hats.multicall([hats.setApprovalForAll.prepare_calldata(accounts[1], True)], sender=top_wearer)
    assert revert_data(info.value) == b""


def test_multicall_error_decodes_with_the_hats_errors_abi(hats, top, top_wearer, accounts):
    with pytest.raises(boa.BoaError) as info:
        hats.multicall([hats.renounceHat.prepare_calldata(top)], sender=accounts[4])
    assert decode_hats_error(revert_data(info.value)) == ("NotHatWearer",)
