"""The opgov contracts: compiled from contracts/ by ape-vyper, found through the deployments record.

opgov runs from a checkout of its repository (the Makefile installs it
editable), so the Vyper sources sit two folders above this package.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from opgov.errors import ContractsNotFound

if TYPE_CHECKING:
    from ape.contracts import ContractContainer, ContractInstance

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS_FOLDER = ROOT / "contracts"
NAMES = ("Hats", "BudgetStreams", "ConsentModule", "ConsentForwarder", "SignerGate", "TestToken")


@cache
def project():
    """The ape project holding opgov's contracts, compiled with the PyPI `vyper`."""
    if not CONTRACTS_FOLDER.is_dir():
        raise ContractsNotFound(
            f"opgov's contracts are not at {CONTRACTS_FOLDER.name}/ beside the package",
            "install opgov from its repository with `make install` (pip install -e .)",
        )
    # ape-vyper uses the PyPI compiler only when `vyper` is on PATH; put ours first
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    from ape import Project

    return Project(ROOT)


def container(name: str) -> "ContractContainer":
    """The compiled contract `name` (one of NAMES), ready to deploy or attach."""
    try:
        return getattr(project(), name)
    except AttributeError as err:
        raise ContractsNotFound(
            f"the contract {name} did not compile or is missing",
            "run `make test` to see the compiler's message",
        ) from err


def at(name: str, address: str) -> "ContractInstance":
    """Attach to a deployed opgov contract."""
    return container(name).at(address)
