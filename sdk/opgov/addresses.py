"""Reading the addresses people type: one parser for every command.

An address can be written as

- `0x` and 40 hex digits: all lower case, all upper case, or mixed case that
  passes its EIP-55 checksum (a mixed-case address with one mistyped digit
  fails the checksum, and is refused rather than paid);
- a name from org.yaml: a person (`people:`) or a supplier (`suppliers:`);
- a contract the deployments record names (`Safe`, `Hats`, the token's symbol);
- an ENS name (`shop.eth`), on networks that have ENS.

Checking the form needs nothing; names need the org spec and the record; ENS
names need a connection to a network with ENS.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Mapping

from opgov.errors import UsageError

if TYPE_CHECKING:
    from opgov.spec import OrgSpec

# networks whose ENS registry answers (the registry has the same address on both)
ENS_NETWORKS = ("mainnet", "sepolia", "mainnet-fork", "sepolia-fork")
NO_ENS = "ENS names need a network with ENS (mainnet, sepolia); give the 0x address"

_HEX = re.compile(r"^0x[0-9a-fA-F]*$")
_ENS = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*$", re.IGNORECASE)
ZERO = "0x" + "0" * 40


def hex_problem(text: str) -> tuple[str, str] | None:
    """What is wrong with an address written as hex, and what to do (None if nothing).

    Its length is 0x and 40 hex digits; a mix of upper and lower case must pass
    its EIP-55 checksum (all lower or all upper case has none to fail).
    """
    from eth_utils import to_checksum_address

    text = str(text).strip()
    if not text.lower().startswith("0x"):
        return "is not an address", "write it as 0x and 40 hex digits"
    if not _HEX.match("0x" + text[2:]):
        return ("is not an address: it has characters that are not hex digits",
                "write it as 0x and 40 hex digits (0-9, a-f)")
    digits = len(text) - 2
    if digits != 40:
        return f"is not an address: it has {digits} hex digits, not 40", "copy the whole address again"
    body = text[2:]
    if body != body.lower() and body != body.upper() and to_checksum_address("0x" + body.lower()) != "0x" + body:
        return ("has a wrong checksum (its mix of upper and lower case): a digit may be mistyped",
                "copy the address again from a trusted place")
    return None


def check_hex(text: str, what: str = "address") -> str:
    """An address written as 0x and 40 hex digits, in checksum form.

    Args:
        text: the address as typed.
        what: what it is, for the message (e.g. "--to").

    Raises:
        UsageError: if its length is wrong, it is not hex, or its mix of upper
            and lower case fails the EIP-55 checksum (see `hex_problem`).
    """
    from eth_utils import to_checksum_address

    text = str(text).strip()
    problem = hex_problem(text)
    if problem is not None:
        raise UsageError(f"{what} {text!r} {problem[0]}", problem[1])
    return to_checksum_address(text.lower())


def is_hex_like(text: str) -> bool:
    """Whether the text is meant as a 0x address (so it is checked as one, never taken for a name)."""
    return str(text).strip().lower().startswith("0x")


def is_ens_name(text: str) -> bool:
    """Whether the text has the form of an ENS name (`name.eth`, `pay.shop.eth`)."""
    return bool(_ENS.match(str(text).strip())) and not is_hex_like(text)


def spec_names(spec: "OrgSpec | None") -> dict[str, str]:
    """The names org.yaml gives addresses: people and suppliers, name -> how the spec writes them."""
    if spec is None:
        return {}
    names = dict(spec.people)
    names.update(getattr(spec, "suppliers", {}) or {})
    return names


def parse_address(
    text: str,
    what: str = "address",
    *,
    spec: "OrgSpec | None" = None,
    contracts: Mapping[str, str] | None = None,
    network: str | None = None,
) -> str:
    """An address from what a person typed, in checksum form.

    Args:
        text: a 0x address, a name from org.yaml, a recorded contract's name, or an ENS name.
        what: what the address is for, for the messages (e.g. "--to").
        spec: the org spec, for people's and suppliers' names.
        contracts: recorded names to addresses (e.g. {"Safe": "0x..", "USDC": "0x.."}).
        network: the connected network's name (for ENS); None when not connected.

    Raises:
        UsageError: if it is none of those, or a name cannot be resolved here.
    """
    text = str(text).strip()
    if not text:
        raise UsageError(f"{what} is empty", "give a 0x address or a name from org.yaml")
    if is_hex_like(text):
        return check_hex(text, what)
    people = spec_names(spec)
    if text in people:
        return _person(text, people[text], what)
    if contracts:
        for name, address in contracts.items():
            if address and name.lower() == text.lower():
                return check_hex(address, what)
    if is_ens_name(text):
        return resolve_ens(text, what, network)
    known = sorted(people) + sorted(n for n, a in (contracts or {}).items() if a)
    hint = (f"give a 0x address or one of the names org.yaml and the record know: {', '.join(known[:12])}"
            + (", …" if len(known) > 12 else "") if known
            else "give a 0x address (or run it beside an org.yaml that names it under people: or suppliers:)")
    raise UsageError(f"{what} {text!r} is not an address, nor a name opgov knows", hint)


def _person(name: str, who: str, what: str) -> str:
    """The address of a person or supplier as org.yaml writes them (an address, TEST::N or an ape alias)."""
    if is_hex_like(who):
        return check_hex(who, f"{what} ({name} in org.yaml)")
    from opgov.chain import load_account
    from opgov.errors import AccountError

    try:
        return str(load_account(who).address)
    except AccountError as err:
        raise UsageError(f"{what}: org.yaml names {name} as {who!r}, and {err.message}",
                         "import that account (`ape accounts import`), or give the address") from err


def resolve_ens(name: str, what: str = "address", network: str | None = None) -> str:
    """The address an ENS name points to, on a connected network that has ENS.

    Raises:
        UsageError: if the network has no ENS, or the name points nowhere.
    """
    if network not in ENS_NETWORKS:
        raise UsageError(f"{what} {name!r}: {NO_ENS.split(';')[0]}", NO_ENS.split("; ", 1)[1])
    from ape import networks
    from ape_ens import ENS
    from web3.main import ENS as Web3ENS

    try:
        # the connected provider's own registry: ape-ens alone would reach for a mainnet node
        address = ENS(backend=Web3ENS.from_web3(networks.provider.web3)).resolve(name)
    except Exception as err:  # the registry does not answer on this chain
        raise UsageError(f"{what} {name!r}: cannot read ENS on {network}",
                         "give the 0x address") from err
    if not address or int(address, 16) == 0:
        raise UsageError(f"{what} {name!r} has no address in ENS", "check the name, or give the 0x address")
    return check_hex(address, what)
