"""batchCreateHats: one admin check per run of hats with the same admin, and
the two short texts packed into a hat's first text slots.

An admin check decided by storage alone (no eligibility or toggle module
asked) is reused for the next hats with the same admin; one that asked a
module is made again for every hat, as Hats Protocol makes it.
"""

import boa
import pytest
from boa.contracts.base_evm_contract import BoaError
from hats_helpers import ELIGIBILITY_EOA, TOGGLE_EOA, ZERO, create, decode_hats_error, mint, revert_data, reverts_with
from hypothesis import given, settings
from hypothesis import strategies as st

# eligible only while `watched` has made no child since `first_child` was
# its next id: its answer changes as hats are created, within one batch too
STATE_MODULE = """
# pragma version 0.4.3
interface IHatsIds:
    def getNextId(_admin: uint256) -> uint256: view

hats: public(address)
watched: public(uint256)
first_child: public(uint256)

@deploy
def __init__(_hats: address, _watched: uint256, _first_child: uint256):
    self.hats = _hats
    self.watched = _watched
    self.first_child = _first_child

@view
@external
def getWearerStatus(_wearer: address, _hat_id: uint256) -> (bool, bool):
    return staticcall IHatsIds(self.hats).getNextId(self.watched) == self.first_child, True

@view
@external
def getHatStatus(_hat_id: uint256) -> bool:
    return True
"""


def batch(hats, sender, admins, details=None, images=None, eligibility=ELIGIBILITY_EOA):
    n = len(admins)
    return hats.batchCreateHats(
        admins, details or ["d"] * n, [3] * n, [eligibility] * n, [TOGGLE_EOA] * n, [True] * n, images or [""] * n,
        sender=sender,
    )


def child(admin, n, level):
    """The id of child number `n` of `admin`, a hat at local level `level`."""
    return admin | (n << (16 * (13 - level)))


def test_run_of_one_admin_creates_consecutive_children(hats, top, top_wearer):
    admin = create(hats, top_wearer, top)
    assert batch(hats, top_wearer, [admin] * 4)
    assert [hats.getHatMaxSupply(child(admin, k, 1)) for k in range(1, 5)] == [3] * 4
    assert hats.getNextId(admin) == child(admin, 5, 1)


def test_later_hat_under_a_hat_of_the_same_batch(hats, top, top_wearer):
    first = hats.getNextId(top)
    assert batch(hats, top_wearer, [top, top, first, first])
    assert hats.getNextId(top) == child(top, 3, 0)
    assert hats.getNextId(first) == child(first, 3, 1)
    assert hats.isAdminOfHat(top_wearer, child(first, 2, 1))


def test_two_admins_alternating(hats, top, top_wearer):
    a = create(hats, top_wearer, top)
    b = create(hats, top_wearer, top)
    assert batch(hats, top_wearer, [a, b, a, b, b])
    assert hats.getNextId(a) == child(a, 3, 1)
    assert hats.getNextId(b) == child(b, 4, 1)


@pytest.mark.parametrize("order", ["theirs first", "theirs last", "theirs between"])
def test_admin_of_one_but_not_the_other(hats, top, top_wearer, accounts, order):
    # accounts[4] wears `mine` (so is admin of its children) but no hat over `theirs`
    mine = create(hats, top_wearer, top)
    mint(hats, top_wearer, mine, accounts[4])
    theirs = create(hats, top_wearer, top)
    admins = {"theirs first": [theirs, mine], "theirs last": [mine, mine, theirs],
              "theirs between": [mine, theirs, mine]}[order]
    with reverts_with("NotAdmin", accounts[4], hats.getNextId(theirs)):
        batch(hats, accounts[4], admins)
    assert batch(hats, accounts[4], [mine, mine])


def test_checks_of_a_known_admin_that_are_still_made(hats, top, top_wearer):
    admin = create(hats, top_wearer, top)
    with reverts_with("ZeroAddress"):
        hats.batchCreateHats([admin, admin], ["a", "b"], [1, 1], [ELIGIBILITY_EOA, ZERO], [TOGGLE_EOA] * 2,
                             [True] * 2, ["", ""], sender=top_wearer)
    # hat id 0 is not a valid admin even after a run of none (0 is the "no admin yet" mark)
    with boa.reverts():
        batch(hats, top_wearer, [0])


def test_a_module_asked_is_asked_again_for_every_hat(hats, top, top_wearer, accounts):
    # the admin hat's eligibility module answers from this contract's state:
    # the wearer is eligible until the admin hat makes its first child. Hats
    # Protocol checks admin rights before each hat, so the second one fails
    admin = hats.getNextId(top)
    module = boa.loads(STATE_MODULE, hats.address, admin, child(admin, 1, 1))
    assert create(hats, top_wearer, top, eligibility=module.address, toggle=module.address) == admin
    mint(hats, top_wearer, admin, accounts[5])
    with reverts_with("NotAdmin", accounts[5], child(admin, 2, 1)):
        batch(hats, accounts[5], [admin, admin])
    assert batch(hats, accounts[5], [admin])
    with reverts_with("NotAdmin", accounts[5], child(admin, 2, 1)):
        batch(hats, accounts[5], [admin])


@pytest.mark.parametrize(("details", "image"), [
    ("", ""), ("d", ""), ("", "i"), ("a" * 20, "b" * 20), ("a" * 32, ""), ("", "b" * 32), ("a" * 32, "b" * 32),
    ("a" * 31, "b" * 2), ("é" * 16, "ü" * 16),
])
def test_texts_round_trip(hats, top, top_wearer, details, image):
    admin = create(hats, top_wearer, top)
    batch(hats, top_wearer, [admin, admin], [details, "x"], [image, "y"])
    created = [e for e in hats.get_logs() if type(e).__name__ == "HatCreated"]
    assert (created[0].details, created[0].imageURI) == (details, image)
    assert hats.hatTexts(child(admin, 1, 1)) == (details, image)
    assert hats.hatTexts(child(admin, 2, 1)) == ("x", "y")


@settings(max_examples=12, deadline=None)
@given(plan=st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=1, max_size=5))
def test_batch_is_createhat_in_a_loop(hats, top, top_wearer, accounts, plan):
    # admins: 0 and 1 the sender administers, 2 it does not, 3 the hat the
    # batch's first entry creates; the second field picks a zero toggle
    # (ZeroAddress). The batch must end exactly as createHat one by one.
    with boa.env.anchor():
        mine = create(hats, top_wearer, top)
        mint(hats, top_wearer, mine, accounts[6])
        other = create(hats, top_wearer, mine)
        theirs = create(hats, top_wearer, top)
        pool = [mine, other, theirs, hats.getNextId(mine)]
        admins = [pool[a] for a in (k for k, _ in plan)]
        toggles = [ZERO if zero else TOGGLE_EOA for _, zero in plan]
        args = (admins, ["t"] * len(plan), [2] * len(plan), [ELIGIBILITY_EOA] * len(plan), toggles,
                [False] * len(plan), [""] * len(plan))

        def outcome(run):
            with boa.env.anchor():
                try:
                    run()
                except BoaError as error:
                    return "revert", decode_hats_error(revert_data(error)), None
                return "ok", None, [hats.getNextId(a) for a in pool[:3]]

        def one_by_one():
            with boa.env.prank(accounts[6]):
                for i in range(len(plan)):
                    hats.createHat(*(column[i] for column in args))

        def batched():
            hats.batchCreateHats(*args, sender=accounts[6])

        expected, got = outcome(one_by_one), outcome(batched)
        assert expected == got
