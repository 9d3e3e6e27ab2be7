"""The part of the demo story the browser tests show: the example org deployed on the
embedded chain, ten days of streaming, a payment from a cell's budget, a proposal
with an objection, and a Safe transaction waiting for a second signature."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opgov.units import DAY

SUPPLIER = 9  # the test account playing the hardware shop, as in opgov.demo
DEPLOYER = 8
OBJECTION = "400 USDC is twice the usual price; please get a second quote"


@dataclass
class Story:
    """What the story built, for the tests to act on and check."""

    spec: Any
    state: Any
    people: dict[str, Any]
    names: dict[str, str]
    supplier: Any
    txs: Any
    proposals: dict[str, int] = field(default_factory=dict)


def advance(seconds: int) -> None:
    from ape import chain

    chain.pending_timestamp += seconds
    chain.mine()


def run_story(workdir: Path) -> Story:
    """Deploy the example org and play the first part of the demo (steps 1 to 4, up to the objection)."""
    from ape import accounts

    from opgov.consent import ConsentClient, pay
    from opgov.deploy import OrgDeployer
    from opgov.safe import Safe, sign
    from opgov.safe_tx import TxFolder
    from opgov.spec import load_spec, write_example
    from opgov.streams import StreamsClient

    spec = load_spec(write_example(workdir / "org.yaml"))
    test = accounts.test_accounts
    people = {name: test[int(who.split("::")[1])] for name, who in spec.people.items()}
    supplier = test[SUPPLIER]
    names = {acct.address: name for name, acct in people.items()}
    names[supplier.address] = "the hardware shop"
    names[test[DEPLOYER].address] = "the deployer"
    state = OrgDeployer(spec, test[DEPLOYER]).deploy()
    names[state.safe] = "the Safe"

    advance(10 * DAY)
    streams = StreamsClient.at(state.streams)
    streams.withdraw(state.streams_of["repair-cafe"], "200 USDC", sender=people["frank"], to=supplier.address)

    consent = ConsentClient.at(state.consent)
    cafe = state.cells["repair-cafe"]
    first = consent.propose(cafe, [pay(state.token, "400 USDC", supplier.address)],
                            "Buy a soldering station for the repair sessions", sender=people["erin"])
    consent.object(first, OBJECTION, sender=people["grace"])

    # a Safe transaction that alice has signed and that waits for a second signer
    txs = TxFolder(workdir / "safe-txs")
    safe = Safe.at(state.safe)
    token = state.token
    pending = safe.propose([pay(token, "300 USDC", state.streams)])
    pending.add(sign(pending.tx, people["alice"]))
    txs.save(pending)
    story = Story(spec, state, people, names, supplier, txs)
    story.proposals["objected"] = first
    return story
