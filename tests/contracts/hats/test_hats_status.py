"""Modules queried live, pushes and pulls of hat and wearer status, renounce, transfer."""

import boa
import pytest
from hats_helpers import ELIGIBILITY_EOA, TOGGLE_EOA, ZERO, create, load_test_contract, mint, reverts_with


@pytest.fixture
def moduled(hats, top, top_wearer, module, accounts):
    hat = create(hats, top_wearer, top, eligibility=module.address, toggle=module.address)
    mint(hats, top_wearer, hat, accounts[1])
    return hat


def names(logs):
    return [type(e).__name__ for e in logs]


def test_live_eligibility_and_toggle(hats, module, moduled, accounts):
    assert hats.isWearerOfHat(accounts[1], moduled)
    module.set_wearer_status(accounts[1], moduled, False, True)
    assert not hats.isWearerOfHat(accounts[1], moduled)
    assert hats.balanceOf(accounts[1], moduled) == 0
    assert not hats.isEligible(accounts[1], moduled)
    assert hats.isInGoodStanding(accounts[1], moduled)
    module.set_wearer_status(accounts[1], moduled, True, False)
    assert not hats.isEligible(accounts[1], moduled)  # bad standing is never eligible
    assert not hats.isInGoodStanding(accounts[1], moduled)
    module.set_wearer_status(accounts[1], moduled, True, True)
    module.set_hat_status(moduled, False)
    assert not hats.isActive(moduled)
    assert not hats.isWearerOfHat(accounts[1], moduled)
    assert hats.viewHat(moduled)[8] is False
    module.set_hat_status(moduled, True)
    assert hats.isWearerOfHat(accounts[1], moduled)
    assert hats.hatSupply(moduled) == 1  # supply counts holders, not current wearers


@pytest.mark.parametrize("kind", ["eoa", "reverting", "malformed-0", "malformed-1", "malformed-2"])
def test_stored_status_is_the_fallback(hats, top, top_wearer, accounts, module, reverting_module, malformed_module,
                                       kind):
    if kind == "eoa":
        elig, tog = ELIGIBILITY_EOA, TOGGLE_EOA
    elif kind == "reverting":
        elig = tog = reverting_module.address
    else:
        malformed_module.set_mode(int(kind[-1]))
        elig = tog = malformed_module.address
    hat = create(hats, top_wearer, top, eligibility=module.address, toggle=module.address)
    mint(hats, top_wearer, hat, accounts[1])
    with boa.env.prank(top_wearer):
        hats.changeHatEligibility(hat, elig)
        hats.changeHatToggle(hat, tog)
    assert hats.isWearerOfHat(accounts[1], hat)
    assert hats.isActive(hat) and hats.isEligible(accounts[1], hat) and hats.isInGoodStanding(accounts[1], hat)
    # a module that gives no valid answer cannot be pulled from
    with reverts_with("NotHatsEligibility"):
        hats.checkHatWearerStatus(hat, accounts[1])
    with reverts_with("NotHatsToggle"):
        hats.checkHatStatus(hat)
    # the stored status decides: deactivate through the old good module
    with boa.env.prank(top_wearer):
        hats.changeHatToggle(hat, module.address)
    module.set_hat_status(hat, False)
    with boa.env.prank(top_wearer):
        hats.changeHatToggle(hat, tog)  # stores the old module's "inactive" first
    assert not hats.isActive(hat)
    assert not hats.isWearerOfHat(accounts[1], hat)


def test_set_hat_status(hats, module, moduled, accounts):
    assert module.push_hat_status(hats.address, moduled, False)
    assert names(module.get_logs()) == ["HatStatusChanged"]
    assert not module.push_hat_status(hats.address, moduled, False)  # unchanged
    with reverts_with("NotHatsToggle"):
        hats.setHatStatus(moduled, True, sender=accounts[1])


def test_check_hat_status(hats, module, moduled):
    module.set_hat_status(moduled, False)
    assert hats.checkHatStatus(moduled)
    (log,) = hats.get_logs()
    assert (log.hatId, log.newStatus) == (moduled, False)
    assert not hats.checkHatStatus(moduled)
    with reverts_with("NotHatsToggle"):
        hats.checkHatStatus(12345 << 224)


def test_set_hat_wearer_status_revokes(hats, module, moduled, accounts, top_wearer):
    assert module.push_wearer_status(hats.address, moduled, accounts[1], True, False)
    burn, standing = module.get_logs()
    assert type(burn).__name__ == "TransferSingle"
    assert (burn.operator, burn.sender, burn.receiver) == (module.address, accounts[1], ZERO)
    assert (standing.hatId, standing.wearer, standing.wearerStanding) == (moduled, accounts[1], False)
    assert hats.hatSupply(moduled) == 0
    assert hats.badStandings(moduled, accounts[1])
    # back in good standing, no hat to burn
    assert module.push_wearer_status(hats.address, moduled, accounts[1], True, True)
    assert not hats.badStandings(moduled, accounts[1])
    assert not module.push_wearer_status(hats.address, moduled, accounts[1], True, True)
    with reverts_with("NotHatsEligibility"):
        hats.setHatWearerStatus(moduled, accounts[1], True, True, sender=top_wearer)


def test_set_hat_wearer_status_ineligible_in_good_standing(hats, module, moduled, accounts):
    assert not module.push_wearer_status(hats.address, moduled, accounts[1], False, True)
    assert names(hats.get_logs()) == ["TransferSingle"]
    assert hats.hatSupply(moduled) == 0
    assert not hats.badStandings(moduled, accounts[1])


def test_check_hat_wearer_status(hats, module, moduled, accounts):
    assert not hats.checkHatWearerStatus(moduled, accounts[1])  # eligible: nothing to do
    assert hats.hatSupply(moduled) == 1
    module.set_wearer_status(accounts[1], moduled, False, False)
    assert hats.checkHatWearerStatus(moduled, accounts[1], sender=accounts[5])
    assert names(hats.get_logs()) == ["TransferSingle", "WearerStandingChanged"]
    assert hats.hatSupply(moduled) == 0
    assert hats.badStandings(moduled, accounts[1])


def test_renounce_hat(hats, moduled, accounts):
    hats.renounceHat(moduled, sender=accounts[1])
    (log,) = hats.get_logs()
    assert (log.sender, log.receiver, log.id) == (accounts[1], ZERO, moduled)
    assert hats.hatSupply(moduled) == 0
    assert not hats.isWearerOfHat(accounts[1], moduled)
    with reverts_with("NotHatWearer"):
        hats.renounceHat(moduled, sender=accounts[1])


def test_transfer_hat(hats, moduled, accounts, top_wearer):
    hats.transferHat(moduled, accounts[1], accounts[2], sender=top_wearer)
    (log,) = hats.get_logs()
    assert (log.operator, log.sender, log.receiver) == (top_wearer, accounts[1], accounts[2])
    assert hats.isWearerOfHat(accounts[2], moduled) and not hats.isWearerOfHat(accounts[1], moduled)
    assert hats.hatSupply(moduled) == 1


def test_transfer_top_hat(hats, top, top_wearer, accounts):
    hats.transferHat(top, top_wearer, accounts[3], sender=top_wearer)
    assert hats.isWearerOfHat(accounts[3], top)


def test_transfer_hat_reverts(hats, top, top_wearer, module, moduled, accounts):
    with reverts_with("NotAdmin", accounts[1], moduled):
        hats.transferHat(moduled, accounts[1], accounts[2], sender=accounts[1])
    fixed = create(hats, top_wearer, top, mutable=False)
    mint(hats, top_wearer, fixed, accounts[1])
    with reverts_with("Immutable"):
        hats.transferHat(fixed, accounts[1], accounts[2], sender=top_wearer)
    with reverts_with("NotHatWearer"):
        hats.transferHat(moduled, accounts[2], accounts[3], sender=top_wearer)
    mint(hats, top_wearer, moduled, accounts[2])
    with reverts_with("AlreadyWearingHat", accounts[2], moduled):
        hats.transferHat(moduled, accounts[1], accounts[2], sender=top_wearer)
    module.set_wearer_status(accounts[3], moduled, False, True)
    with reverts_with("NotEligible"):
        hats.transferHat(moduled, accounts[1], accounts[3], sender=top_wearer)
    module.set_hat_status(moduled, False)
    with reverts_with("HatNotActive"):
        hats.transferHat(moduled, accounts[1], accounts[4], sender=top_wearer)


def test_transfer_hat_to_the_zero_address(hats, top, top_wearer, accounts):
    # as in Hats Protocol, the zero address may receive a hat (opgov's SDK refuses it)
    hat = create(hats, top_wearer, top)
    mint(hats, top_wearer, hat, accounts[1])
    hats.transferHat(hat, accounts[1], ZERO, sender=top_wearer)
    assert hats.isWearerOfHat(ZERO, hat) and not hats.isWearerOfHat(accounts[1], hat)


def test_inactive_admin_hat_is_no_admin(hats, top, top_wearer, module, accounts):
    lead = create(hats, top_wearer, top, eligibility=module.address, toggle=module.address)
    mint(hats, top_wearer, lead, accounts[1])
    child = create(hats, top_wearer, lead)
    assert hats.isAdminOfHat(accounts[1], child)
    module.set_hat_status(lead, False)
    assert not hats.isAdminOfHat(accounts[1], child)
    with reverts_with("NotAdmin", accounts[1], child):
        mint(hats, accounts[1], child, accounts[2])


# the heavy module works about 6,500,000 gas before it answers; this gas limit
# starves it yet leaves Hats enough for the rest of a check or a mint (1/64)
HEAVY_ROUNDS = 2_600
STARVING_GAS = 4_000_000
ENOUGH_GAS = 8_000_000


@pytest.fixture
def heavy_hat(request, hats, top, top_wearer, accounts):
    """A hat whose toggle or eligibility module (the other an EOA) is heavy,
    worn by accounts[1]; the module then says "inactive" and "ineligible"."""
    heavy = load_test_contract("HatsHeavyModule.vy", HEAVY_ROUNDS)
    if request.param == "toggle":
        hat = create(hats, top_wearer, top, eligibility=ELIGIBILITY_EOA, toggle=heavy.address)
    else:
        hat = create(hats, top_wearer, top, eligibility=heavy.address, toggle=TOGGLE_EOA)
    mint(hats, top_wearer, hat, accounts[1])
    heavy.say_no(True)
    return request.param, hat


@pytest.mark.parametrize("heavy_hat", ["toggle", "eligibility"], indirect=True)
def test_attack_starve_a_module_to_fall_back_on_the_stored_status(hats, top_wearer, accounts, heavy_hat):
    """A caller picks a gas limit too small for a live module's answer: the
    call ran out of gas and the stored status ("active", "eligible") was used
    instead, so the wearer still wore the hat and a ruled-out newcomer could
    be minted it. Such a call now reverts."""
    which, hat = heavy_hat
    wearer, newcomer = accounts[1], accounts[2]
    for check in (hats.isWearerOfHat, hats.balanceOf):
        with boa.reverts("hats: module ran out of gas"):
            check(wearer, hat, gas=STARVING_GAS)
    with boa.reverts("hats: module ran out of gas"):
        (hats.isActive(hat, gas=STARVING_GAS) if which == "toggle"
         else hats.isEligible(wearer, hat, gas=STARVING_GAS))
    with boa.reverts("hats: module ran out of gas"):
        hats.mintHat(hat, newcomer, sender=accounts[0], gas=STARVING_GAS)
    with boa.reverts("hats: module ran out of gas"):
        (hats.checkHatStatus(hat, gas=STARVING_GAS) if which == "toggle"
         else hats.checkHatWearerStatus(hat, wearer, gas=STARVING_GAS))
    assert hats.hatSupply(hat) == 1

    # with enough gas the module answers live: no
    assert not hats.isWearerOfHat(wearer, hat, gas=ENOUGH_GAS)
    assert hats.balanceOf(wearer, hat, gas=ENOUGH_GAS) == 0
    with reverts_with("HatNotActive" if which == "toggle" else "NotEligible"):
        hats.mintHat(hat, newcomer, sender=accounts[0], gas=ENOUGH_GAS)
    if which == "toggle":
        assert hats.checkHatStatus(hat, gas=ENOUGH_GAS)
        assert not hats.isActive(hat)
    else:
        assert not hats.checkHatWearerStatus(hat, wearer, gas=ENOUGH_GAS)  # standing good, hat taken
        assert hats.hatSupply(hat) == 0


def test_a_module_that_reverts_still_falls_back_under_a_tight_gas_limit(hats, top, top_wearer, accounts,
                                                                          reverting_module):
    # a revert leaves the module's unused gas: no starvation, the stored status decides
    hat = create(hats, top_wearer, top, eligibility=reverting_module.address, toggle=reverting_module.address)
    mint(hats, top_wearer, hat, accounts[1])
    assert hats.isWearerOfHat(accounts[1], hat, gas=80_000)
