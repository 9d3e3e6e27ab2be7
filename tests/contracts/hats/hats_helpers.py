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


def stored_link_counts(hats):
    """For every tree Hats.vy has counted: how many trees linked directly below
    it have each height 0-14 (a tree's height: the trees in its longest chain
    below it), read from its storage; checks that the first slot flags exactly
    the heights whose count is not 0."""
    low_of = hats._storage._below_low.get()
    high_of = hats._storage._below_high.get()
    out = {}
    for domain in set(low_of) | set(high_of):
        low, high = low_of.get(domain, 0), high_of.get(domain, 0)
        counts = [(low >> (32 * h)) & 0xFFFFFFFF for h in range(7)]
        counts += [(high >> (32 * h)) & 0xFFFFFFFF for h in range(8)]
        assert low >> 224 == sum(1 << h for h, c in enumerate(counts) if c)
        out[domain] = counts
    return out


def height_of(counts):
    """A tree's height from its counts of the trees linked directly below it."""
    return max((h + 1 for h, c in enumerate(counts) if c), default=0)


def stored_height(hats, domain):
    """Tree `domain`'s height as Hats.vy stores it."""
    return height_of(stored_link_counts(hats).get(domain, [0] * 15))
