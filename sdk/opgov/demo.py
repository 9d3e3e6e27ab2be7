"""The demo story: an example community organisation, run end to end on one chain.

The story narrates itself through `say`, so the CLI can print it and tests can
read it; the SDK itself never prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from opgov.hats import HatsClient, describe_tree, hat_path

PEOPLE = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")


@dataclass
class DemoResult:
    """What the demo built, for the status table and for tests."""

    names: dict[str, str] = field(default_factory=dict)
    hats: HatsClient | None = None
    top_hat: int = 0
    roles: dict[str, int] = field(default_factory=dict)


def run_demo(say: Callable[[str], None]) -> DemoResult:
    """Run the story on the connected network with its first test accounts."""
    from ape import accounts

    result = DemoResult()
    people = {name: accounts.test_accounts[i] for i, name in enumerate(PEOPLE)}
    result.names = {acct.address: name for name, acct in people.items()}
    deployer = people["alice"]

    say("1. The role tree")
    hats = HatsClient.deploy(deployer)
    result.hats = hats
    say(f"   Hats contract deployed at {hats.address}")
    top = hats.create_tree(deployer.address, "Riverside Commons", sender=deployer)
    result.top_hat = top
    say(f"   top hat {hat_path(top)} 'Riverside Commons' worn by alice")
    signers = hats.create_hat(top, "Treasury signer", sender=deployer, max_supply=5)
    result.roles["signer"] = signers
    for name in ("alice", "bob", "carol", "dave"):
        hats.mint(signers, people[name].address, sender=deployer)
    say(f"   hat {hat_path(signers)} 'Treasury signer' given to alice, bob, carol and dave")
    cells = {
        "Repair Café": ("erin", ["frank", "grace"]),
        "Thing Library": ("frank", ["erin", "heidi"]),
        "Community Workshops": ("grace", ["heidi", "bob"]),
    }
    for cell, (lead, members) in cells.items():
        cell_hat = hats.create_hat(top, cell, sender=deployer)
        lead_hat = hats.create_hat(cell_hat, f"{cell} lead", sender=deployer, max_supply=1)
        member_hat = hats.create_hat(cell_hat, f"{cell} member", sender=deployer)
        hats.mint(lead_hat, people[lead].address, sender=deployer)
        for m in members:
            hats.mint(member_hat, people[m].address, sender=deployer)
        result.roles[cell] = cell_hat
        result.roles[f"{cell} lead"] = lead_hat
        result.roles[f"{cell} member"] = member_hat
        say(f"   cell {hat_path(cell_hat)} {cell}: lead {lead}, members {', '.join(members)}")
    say("")
    say("Role tree as it stands on chain:")
    for line in describe_tree(hats.tree(top), result.names):
        say("   " + line)
    return result
