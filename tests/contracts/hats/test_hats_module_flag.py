"""The wearer check's shortcuts: one slot when toggle == eligibility, no call
to a module without code or to a quiet module. Each must give exactly the
answer of the full check (for a quiet module: the answer it promised, none)."""

import boa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hats_helpers import ELIGIBILITY_EOA, TOGGLE_EOA, ZERO, create, load_test_contract, mint, reverts_with

# the identity precompile: no code, yet it answers calls (with its input)
IDENTITY = "0x0000000000000000000000000000000000000004"


@pytest.fixture(scope="module")
def module2():
    return load_test_contract("HatsModuleMock.vy")


def domain(hat_id):
    return hat_id >> 224


def test_toggle_change_is_seen_after_modules_were_one(hats, top, top_wearer, accounts, module, module2):
    hat = create(hats, top_wearer, top, eligibility=module.address, toggle=module.address)
    mint(hats, top_wearer, hat, accounts[1])
    module2.set_hat_status(hat, False)
    assert hats.isWearerOfHat(accounts[1], hat)
    with boa.env.prank(top_wearer):
        hats.changeHatToggle(hat, module2.address)  # modules differ now: module2 switches the hat off
    assert hats.getHatToggleModule(hat) == module2.address
    assert not hats.isActive(hat) and not hats.isWearerOfHat(accounts[1], hat)
    with boa.env.prank(top_wearer):
        hats.changeHatToggle(hat, module.address)  # one module again, and it says active
    assert hats.getHatToggleModule(hat) == module.address
    assert hats.isActive(hat) and hats.isWearerOfHat(accounts[1], hat)


def test_eligibility_change_is_seen_after_modules_were_one(hats, top, top_wearer, accounts, module, module2):
    hat = create(hats, top_wearer, top, eligibility=module.address, toggle=module.address)
    mint(hats, top_wearer, hat, accounts[1])
    module2.set_hat_status(hat, False)  # module2 would switch the hat off, were it the toggle
    module2.set_wearer_status(accounts[1], hat, False, True)
    with boa.env.prank(top_wearer):
        hats.changeHatEligibility(hat, module2.address)
    assert hats.getHatEligibilityModule(hat) == module2.address
    assert hats.getHatToggleModule(hat) == module.address
    assert hats.isActive(hat)  # the toggle is still module, not module2
    assert not hats.isEligible(accounts[1], hat) and not hats.isWearerOfHat(accounts[1], hat)
    with boa.env.prank(top_wearer):
        hats.changeHatEligibility(hat, module.address)
    assert hats.isWearerOfHat(accounts[1], hat)


def test_link_and_unlink_keep_the_modules_right(hats, top, top_wearer, accounts, module, module2):
    a1 = create(hats, top_wearer, top)
    mint(hats, top_wearer, a1, accounts[1])
    b = hats.mintTopHat(accounts[2], "tree b", "")
    assert hats.isWearerOfHat(accounts[2], b)  # no modules: one (zero) module, stored status
    hats.requestLinkTopHatToTree(domain(b), a1, sender=accounts[2])
    module.set_hat_status(b, False)
    hats.approveLinkTopHatToTree(domain(b), a1, ZERO, module.address, "", "", sender=accounts[1])
    # only the toggle was given: the eligibility stays zero, so the modules differ
    assert hats.getHatToggleModule(b) == module.address and hats.getHatEligibilityModule(b) == ZERO
    assert not hats.isWearerOfHat(accounts[2], b)
    module.set_hat_status(b, True)
    assert hats.isWearerOfHat(accounts[2], b)
    hats.unlinkTopHatFromTree(domain(b), accounts[2], sender=accounts[1])
    assert hats.getHatToggleModule(b) == ZERO and hats.getHatEligibilityModule(b) == ZERO
    module.set_hat_status(b, False)  # no longer asked
    assert hats.isWearerOfHat(accounts[2], b)


def test_module_without_code_is_not_called(hats, top, top_wearer, accounts):
    hat = create(hats, top_wearer, top, eligibility=ELIGIBILITY_EOA, toggle=ELIGIBILITY_EOA)
    mint(hats, top_wearer, hat, accounts[1])
    assert hats.isWearerOfHat(accounts[1], hat)
    # the stored status decides: pushed by the EOA module itself
    with boa.env.prank(ELIGIBILITY_EOA):
        hats.setHatStatus(hat, False)
    assert not hats.isWearerOfHat(accounts[1], hat)
    with boa.env.prank(ELIGIBILITY_EOA):
        hats.setHatStatus(hat, True)
        hats.setHatWearerStatus(hat, accounts[1], True, False)
    assert not hats.isWearerOfHat(accounts[1], hat)
    assert hats.badStandings(hat, accounts[1])


def test_precompile_module_is_still_called(hats, top, top_wearer, accounts):
    # the identity precompile echoes the call, which is no valid answer: stored status
    hat = create(hats, top_wearer, top, eligibility=IDENTITY, toggle=IDENTITY)
    mint(hats, top_wearer, hat, accounts[1])
    assert hats.isWearerOfHat(accounts[1], hat)
    with reverts_with("NotHatsToggle"):
        hats.checkHatStatus(hat)
    with reverts_with("NotHatsEligibility"):
        hats.checkHatWearerStatus(hat, accounts[1])


def quiet_module(hats):
    """A module that answers "inactive, ineligible" yet has declared itself
    quiet: wherever it is asked, its answer shows; where it is not, the
    stored status does."""
    mock = load_test_contract("HatsModuleMock.vy")
    with boa.env.prank(mock.address):
        hats.declareQuietModule()
    return mock


def test_declare_quiet_module(hats, accounts):
    who = accounts[7]
    assert not hats.isQuietModule(who)
    with boa.env.prank(who):
        hats.declareQuietModule()
    assert [type(e).__name__ for e in hats.get_logs()] == ["QuietModuleDeclared"]
    assert hats.get_logs()[0].module == who
    assert hats.isQuietModule(who)
    with boa.env.prank(who):
        hats.declareQuietModule()  # again: no change, no revert
    assert hats.isQuietModule(who)


def test_quiet_module_is_not_asked(hats, top, top_wearer, accounts):
    quiet = quiet_module(hats)
    hat = create(hats, top_wearer, top, eligibility=quiet.address, toggle=quiet.address)
    mint(hats, top_wearer, hat, accounts[1])
    quiet.set_hat_status(hat, False)
    quiet.set_wearer_status(accounts[1], hat, False, False)
    # its answer would say no; it is not asked, so the stored status decides
    assert hats.isActive(hat) and hats.isEligible(accounts[1], hat) and hats.isInGoodStanding(accounts[1], hat)
    assert hats.isWearerOfHat(accounts[1], hat) and hats.balanceOf(accounts[1], hat) == 1
    with reverts_with("NotHatsToggle"):
        hats.checkHatStatus(hat)
    with reverts_with("NotHatsEligibility"):
        hats.checkHatWearerStatus(hat, accounts[1])
    # it still rules by pushing statuses, like an EOA module
    with boa.env.prank(quiet.address):
        hats.setHatWearerStatus(hat, accounts[1], False, True)
    assert not hats.isWearerOfHat(accounts[1], hat)
    mint(hats, top_wearer, hat, accounts[2])
    with boa.env.prank(quiet.address):
        hats.setHatStatus(hat, False)
    assert not hats.isActive(hat) and not hats.isWearerOfHat(accounts[2], hat)


def test_quiet_only_when_both_modules_are_the_quiet_one(hats, top, top_wearer, accounts, module):
    quiet = quiet_module(hats)
    hat = create(hats, top_wearer, top, eligibility=quiet.address, toggle=module.address)
    mint(hats, top_wearer, hat, accounts[1])
    quiet.set_wearer_status(accounts[1], hat, False, True)
    assert not hats.isWearerOfHat(accounts[1], hat)  # two modules: each is asked
    with boa.env.prank(top_wearer):
        hats.changeHatToggle(hat, quiet.address)  # one quiet module now
    assert hats.isWearerOfHat(accounts[1], hat)
    with boa.env.prank(top_wearer):
        hats.changeHatEligibility(hat, module.address)  # two again
    assert hats.getHatEligibilityModule(hat) == module.address
    quiet.set_hat_status(hat, False)
    assert not hats.isActive(hat) and not hats.isWearerOfHat(accounts[1], hat)


def test_hats_set_before_the_declaration_still_ask(hats, top, top_wearer, accounts):
    mock = load_test_contract("HatsModuleMock.vy")
    hat = create(hats, top_wearer, top, eligibility=mock.address, toggle=mock.address)
    mint(hats, top_wearer, hat, accounts[1])
    mock.set_hat_status(hat, False)
    with boa.env.prank(mock.address):
        hats.declareQuietModule()
    assert not hats.isWearerOfHat(accounts[1], hat)  # set before: still asked
    with boa.env.prank(top_wearer):
        hats.changeHatEligibility(hat, mock.address)  # set again: quiet from now on
    assert hats.isActive(hat) and hats.isWearerOfHat(accounts[1], hat)


def test_link_and_unlink_with_a_quiet_module(hats, top, top_wearer, accounts):
    quiet = quiet_module(hats)
    a1 = create(hats, top_wearer, top)
    mint(hats, top_wearer, a1, accounts[1])
    b = hats.mintTopHat(accounts[2], "tree b quiet", "")
    quiet.set_hat_status(b, False)
    hats.requestLinkTopHatToTree(domain(b), a1, sender=accounts[2])
    hats.approveLinkTopHatToTree(domain(b), a1, quiet.address, quiet.address, "", "", sender=accounts[1])
    assert hats.isWearerOfHat(accounts[2], b)  # linked with the quiet module as both: not asked
    hats.unlinkTopHatFromTree(domain(b), accounts[2], sender=accounts[1])
    assert hats.getHatToggleModule(b) == ZERO and hats.isWearerOfHat(accounts[2], b)
    hats.requestLinkTopHatToTree(domain(b), a1, sender=accounts[2])
    hats.approveLinkTopHatToTree(domain(b), a1, ZERO, quiet.address, "", "", sender=accounts[1])
    # eligibility zero, toggle quiet: two modules, so the toggle is asked
    assert not hats.isActive(b) and not hats.isWearerOfHat(accounts[2], b)


# every module a hat can have here: two EOAs (no code), two modules that
# answer, and a quiet module (declared quiet, though it answers "off")
KINDS = ["eoa-a", "eoa-b", "on", "off", "quiet"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.sampled_from(["eligibility", "toggle"]), st.sampled_from(KINDS)),
                        min_size=1, max_size=8))
def test_wearer_check_matches_the_full_rule(hats, top, top_wearer, accounts, changes):
    """After any sequence of module changes, isWearerOfHat equals the rule
    written out in full: the toggle's valid answer else the stored status, and
    the eligibility module's valid answer else the stored standing; a quiet
    module is not asked when it is both modules."""
    with boa.env.anchor():
        on = load_test_contract("HatsModuleMock.vy")
        off = load_test_contract("HatsModuleMock.vy")
        quiet = quiet_module(hats)
        address = {"eoa-a": ELIGIBILITY_EOA, "eoa-b": TOGGLE_EOA, "on": on.address, "off": off.address,
                   "quiet": quiet.address}
        hat = create(hats, top_wearer, top, eligibility=ELIGIBILITY_EOA, toggle=ELIGIBILITY_EOA)
        wearer = accounts[4]
        mint(hats, top_wearer, hat, wearer)
        for liar in (off, quiet):
            liar.set_hat_status(hat, False)
            liar.set_wearer_status(wearer, hat, False, True)
        module_of = {"eligibility": "eoa-a", "toggle": "eoa-a"}
        stored_active = True
        for which, kind in changes:
            with boa.env.prank(top_wearer):
                if which == "eligibility":
                    hats.changeHatEligibility(hat, address[kind])
                else:
                    # the old toggle's valid answer is stored first
                    # (a quiet module only when it is both modules is not asked)
                    old_answers = ("on", "off") if module_of["toggle"] == module_of["eligibility"] == "quiet" \
                        else ("on", "off", "quiet")
                    if module_of["toggle"] in old_answers:
                        stored_active = module_of["toggle"] == "on"
                    hats.changeHatToggle(hat, address[kind])
            module_of[which] = kind
            toggle, eligibility = module_of["toggle"], module_of["eligibility"]
            answering = ("on", "off") if toggle == eligibility == "quiet" else ("on", "off", "quiet")
            active = (toggle == "on") if toggle in answering else stored_active
            eligible = (eligibility == "on") if eligibility in answering else True
            assert hats.isActive(hat) == active
            assert hats.isEligible(wearer, hat) == eligible
            assert hats.isWearerOfHat(wearer, hat) == (active and eligible)
            assert hats.getHatToggleModule(hat) == address[toggle]
            assert hats.getHatEligibilityModule(hat) == address[eligibility]
