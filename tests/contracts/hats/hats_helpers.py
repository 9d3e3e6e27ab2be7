"""Helpers shared by the Hats.vy tests."""

import json
from contextlib import contextmanager
from pathlib import Path

import boa
import pytest
from boa.contracts.base_evm_contract import BoaError
from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address

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


# Hats Protocol v1's custom errors: its `HatsErrors` interface, written by hand
# from the public Solidity interface, plus Solidity's Panic(uint256)
HATS_ERRORS_ABI = json.loads((Path(__file__).parent / "hats_errors_abi.json").read_text())
_ERRORS = {
    keccak(text=f"{e['name']}({','.join(i['type'] for i in e['inputs'])})")[:4]: e
    for e in HATS_ERRORS_ABI + [{"type": "error", "name": "Panic", "inputs": [{"name": "code", "type": "uint256"}]}]
}
OVERFLOW = 0x11  # Panic code of Solidity's checked arithmetic


def decode_hats_error(data: bytes) -> tuple:
    """(name, *arguments) of revert data encoded as one of HatsErrors (or Panic)."""
    error = _ERRORS[bytes(data[:4])]
    args = abi_decode([i["type"] for i in error["inputs"]], bytes(data[4:]), strict=True)
    assert encode_hats_error(error["name"], *args) == bytes(data), "revert data is not canonically encoded"
    return (error["name"], *(to_checksum_address(a) if isinstance(a, str) else a for a in args))


def encode_hats_error(name: str, *args) -> bytes:
    """The revert data of HatsErrors' error `name` with `args`."""
    for selector, error in _ERRORS.items():
        if error["name"] == name:
            return selector + abi_encode([i["type"] for i in error["inputs"]], list(args))
    raise KeyError(name)


def revert_data(err: BoaError) -> bytes:
    """The data the outermost call reverted with."""
    return bytes(err.call_trace.output)


@contextmanager
def reverts_with(name: str, *args):
    """Expect a revert with exactly HatsErrors' `name(args)`, decoded with the HatsErrors ABI."""
    with pytest.raises(BoaError) as info:
        yield
    data = revert_data(info.value)
    assert data[:4] in _ERRORS, f"reverted with {data!r}, not a HatsErrors error"
    expected = (name, *(to_checksum_address(a) if isinstance(a, str) and a.startswith("0x") else a for a in args))
    assert decode_hats_error(data) == expected


@contextmanager
def reverts_empty():
    """Expect a revert without data (Hats Protocol's bare `revert()`)."""
    with pytest.raises(BoaError) as info:
        yield
    assert revert_data(info.value) == b""
