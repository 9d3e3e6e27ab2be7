"""The demo story: the example community organisation, run end to end on one chain.

1. deploy the example org from its spec (role tree, Safe with consent module and
   signer gate, budget streams, cells' domains);
2. let the budgets stream for ten days;
3. a cell pays a supplier straight from its stream;
4. a proposal is objected to with a reason, amended, consented to and executed
   by the Safe through the consent module;
5. a proposal beyond the cell's spending limit is escalated to the Safe, and two
   of the four signers approve it by signing a transaction file offline;
6. a signer loses the signer hat, is removed from the Safe, and the threshold follows;
7. a status table.

The story narrates itself through `say`, so the CLI can print it and tests can
read it; the SDK itself never prints. It uses the network's first ten test
accounts, so it runs on the embedded chain and on a local anvil node.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from opgov.units import DAY

SUPPLIER_INDEX = 9  # the test account that plays the hardware shop


@dataclass
class DemoResult:
    """What the demo built and did, for tests to check."""

    names: dict[str, str] = field(default_factory=dict)
    state: object = None
    proposals: dict[str, int] = field(default_factory=dict)
    supplier_received: int = 0
    status: object = None


def _advance(seconds: int) -> None:
    from ape import chain

    chain.pending_timestamp += seconds
    chain.mine()


def run_demo(say: Callable[[str], None], workdir: Path | None = None) -> DemoResult:
    """Run the whole story on the connected (local) network.

    Args:
        say: called with each line of the story.
        workdir: where the example spec and the signers' transaction files go
            (default: a new temporary folder).
    """
    from ape import accounts

    from opgov.consent import ConsentClient, pay
    from opgov.contracts import container
    from opgov.deploy import OrgDeployer
    from opgov.deployments import Deployments
    from opgov.safe import Safe, sign
    from opgov.safe_tx import PendingTx
    from opgov.spec import EXAMPLE, load_spec
    from opgov.status import org_status, status_lines
    from opgov.streams import StreamsClient

    workdir = Path(workdir or tempfile.mkdtemp(prefix="opgov-demo-"))
    workdir.mkdir(parents=True, exist_ok=True)
    result = DemoResult()
    (workdir / "org.yaml").write_text(EXAMPLE)  # the demo's own copy of the example, written afresh
    spec = load_spec(workdir / "org.yaml")
    test = accounts.test_accounts
    people = {name: test[int(who.split("::")[1])] for name, who in spec.people.items()}
    supplier = test[SUPPLIER_INDEX]
    names = {acct.address: name for name, acct in people.items()}
    names[supplier.address] = "the hardware shop"
    result.names = names
    deployer = test[8]
    names[deployer.address] = "the deployer"

    say(f"1. Deploy {spec.name} from its spec ({workdir / 'org.yaml'})")
    steps: list[str] = []
    # the demo's own record: every run tells the story with a new org, even on a node
    # that already holds one (the network's deployments record is left alone)
    state = OrgDeployer(spec, deployer, record=Deployments(None), say=steps.append).deploy()
    result.state = state
    names[state.safe] = "the Safe"
    say(f"   {len(steps)} steps: role tree, Safe v1.4.1, consent module, signer gate, 3 budget streams")
    say(f"   Safe {state.safe}: signers alice, bob, carol and dave, 2 needed")
    for cell in spec.cells:
        say(f"   cell {cell.name}: lead {cell.lead}, members {', '.join(cell.members)}; "
            f"{cell.budget}, consent window {cell.consent_window}")

    streams = StreamsClient.at(state.streams)
    consent = ConsentClient.at(state.consent)
    safe = Safe.at(state.safe)
    token = container("TestToken").at(state.token)

    say("")
    say("2. Ten days of streaming")
    _advance(10 * DAY)
    for cell in spec.cells:
        v = streams.stream(state.streams_of[cell.id])
        say(f"   {cell.name}: {v.amount(v.withdrawable)} withdrawable, runway {_runway(v)}")

    say("")
    say("3. Repair Café pays its supplier straight from its budget")
    repair = state.streams_of["repair-cafe"]
    paid = streams.withdraw(repair, "200 USDC", sender=people["frank"], to=supplier.address)
    result.supplier_received += paid
    say(f"   frank (a member, wearing the cell's hat) pays the hardware shop "
        f"{streams.stream(repair).amount(paid)} for spare parts")

    say("")
    say("4. A proposal, an objection, an amendment, consent, execution")
    cafe = state.cells["repair-cafe"]
    first = consent.propose(cafe, [pay(state.token, "400 USDC", supplier.address)],
                            "Buy a soldering station for the repair sessions", sender=people["erin"])
    say(f"   erin (lead) proposes {consent.proposal(first).ref}: pay the hardware shop 400 USDC "
        f"for a soldering station")
    reason = "400 USDC is twice the usual price; please get a second quote"
    consent.object(first, reason, sender=people["grace"])
    say(f"   grace objects: \"{reason}\"")
    amended = consent.amend(first, [pay(state.token, "220 USDC", supplier.address)],
                            "Buy a soldering station (second quote: 220 USDC)", sender=people["erin"])
    result.proposals["amended"] = amended
    say(f"   erin amends it as {consent.proposal(amended).ref}: 220 USDC after a second quote; "
        f"a new consent window opens")
    _advance(3 * DAY + 60)
    say(f"   three days pass with no objection: {consent.proposal(amended).ref} is "
        f"{consent.proposal(amended).state_name}")
    consent.execute(amended, sender=people["frank"])
    result.supplier_received += 220 * 10**6
    say(f"   frank executes it: the Safe pays the hardware shop 220 USDC through the consent module "
        f"({consent.proposal(amended).state_name})")

    say("")
    say("5. Beyond the cell's domain: escalated to the signers, who sign offline")
    big = consent.propose(cafe, [pay(state.token, "1500 USDC", supplier.address)],
                          "Rent a van for the spring repair tour", sender=people["erin"])
    result.proposals["escalated"] = big
    say(f"   erin proposes {consent.proposal(big).ref}: pay 1,500 USDC for a van, above the cell's "
        f"limit of 1,000 USDC per 30 days")
    _advance(3 * DAY + 60)
    consent.escalate(big, sender=people["erin"])
    say(f"   once its window has closed, erin escalates it: Repair Café has no parent cell, "
        f"so it goes to the Safe's signers "
        f"({consent.proposal(big).state_name})")
    pending = safe.propose([consent.approve_call(big)])
    unsigned = pending.write(workdir / "approve-van.json")
    say(f"   the approval is a Safe transaction written to {unsigned.name} "
        f"(safeTxHash {pending.hash_hex[:10]}…)")
    for signer in ("alice", "carol"):
        copy = PendingTx.read(unsigned)
        copy.add(sign(copy.tx, people[signer]))
        copy.write(workdir / f"approve-van-{signer}.json")
        say(f"   {signer} signs her copy offline: approve-van-{signer}.json")
    merged = PendingTx.read(workdir / "approve-van-alice.json")
    merged.merge(PendingTx.read(workdir / "approve-van-carol.json"))
    safe.execute(merged, sender=people["bob"])
    say(f"   the two files merge (2 of 4 signatures) and bob executes the Safe transaction: "
        f"{consent.proposal(big).ref} is {consent.proposal(big).state_name}")
    consent.execute(big, sender=people["erin"])
    result.supplier_received += 1500 * 10**6
    say(f"   erin executes it: the Safe pays 1,500 USDC ({consent.proposal(big).state_name})")

    say("")
    say("6. A signer steps down")
    hats = container("Hats").at(state.hats)
    signer_hat = state.roles["signer"]
    revoke = safe.propose([_call(hats.setHatWearerStatus, signer_hat, people["dave"].address, False, False)])
    for signer in ("alice", "bob"):
        revoke.add(sign(revoke.tx, people[signer]))
    safe.execute(revoke, sender=people["alice"])
    say("   alice and bob sign a Safe transaction that takes the signer hat from dave")
    gate = container("SignerGate").at(state.gate)
    from opgov.chain import send

    send(gate.remove_signer, people["dave"].address, sender=people["heidi"])
    say(f"   heidi (anyone may) removes dave from the Safe: {len(safe.owners())} signers, "
        f"{safe.threshold()} needed")

    say("")
    say("7. Where things stand")
    status = org_status(spec.name, state, names)
    result.status = status
    for line in status_lines(status):
        say("   " + line)
    balance = int(token.balanceOf(supplier.address))
    say("")
    say(f"The hardware shop received {balance / 10**6:,.2f} USDC in all.")
    return result


def _call(method, *args):
    from opgov.safe_tx import Call

    return Call(str(method.contract.address), 0, method.encode_input(*args))


def _runway(view) -> str:
    from opgov.units import format_duration

    return format_duration(view.runway) if view.runway is not None else "no end"
