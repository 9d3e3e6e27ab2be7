"""Helpers shared by the Hats.vy tests."""

from pathlib import Path

import boa

ROOT = Path(__file__).resolve().parents[3]

ZERO = "0x0000000000000000000000000000000000000000"
# EOA modules, as in Hats Protocol's own test setup: address(555), address(333)
ELIGIBILITY_EOA = "0x000000000000000000000000000000000000022b"
TOGGLE_EOA = "0x000000000000000000000000000000000000014d"


def load(name: str, *args):
    """Compile contracts/<name>.vy (contracts/ on the import path) and deploy it."""
    boa.interpret.set_search_paths([str(ROOT / "contracts")])
    return boa.load(str(ROOT / "contracts" / f"{name}.vy"), *args)


def load_test_contract(name: str, *args):
    """Deploy a test-only contract from tests/contracts/mocks/."""
    boa.interpret.set_search_paths([str(ROOT / "contracts")])
    return boa.load(str(ROOT / "tests" / "contracts" / "mocks" / name), *args)


def create(hats, sender, admin, details="hat", max_supply=5, eligibility=ELIGIBILITY_EOA, toggle=TOGGLE_EOA,
           mutable=True, image=""):
    """Create a hat as `sender` and return its id."""
    with boa.env.prank(sender):
        return hats.createHat(admin, details, max_supply, eligibility, toggle, mutable, image)


def mint(hats, sender, hat_id, wearer):
    with boa.env.prank(sender):
        return hats.mintHat(hat_id, wearer)
