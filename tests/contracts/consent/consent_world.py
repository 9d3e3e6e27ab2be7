"""A small organisation for ConsentModule tests and benchmarks.

A real Safe v1.4.1 (2-of-3) with the ConsentModule enabled through a signed
Safe transaction (the module trusts a ConsentForwarder for signed requests), hats in the real contracts/Hats.vy, an ERC-20 the Safe
holds, and two cells: "ops" (escalates to "council") and "council"
(escalates to the Safe's signers).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import boa
from eth_abi import encode

ROOT = Path(__file__).resolve().parents[3]
CONTRACTS = ROOT / "contracts"
MOCKS = ROOT / "tests" / "contracts" / "mocks"
sys.path.insert(0, str(ROOT / "tests" / "contracts"))

from safe_boa import deploy_safe_contracts, exec_safe_tx, new_owner  # noqa: E402

ETHER = "0x0000000000000000000000000000000000000000"
DAY = 86_400
HOUR = 3_600
TRANSFER = bytes.fromhex("a9059cbb")
APPROVE = bytes.fromhex("095ea7b3")

# public state numbers (ConsentModule.state)
PENDING, OPEN, OBJECTED, PASSED, EXECUTED, EXPIRED, CANCELLED, VETOED, SUPERSEDED, ESCALATED = range(10)
STATE_NAMES = [
    "pending", "open", "objected", "passed", "executed",
    "expired", "cancelled", "vetoed", "superseded", "escalated",
]


def deploy(path: Path, *args):
    """Compile and deploy a Vyper file with contracts/ on the import path."""
    boa.interpret.set_search_paths([str(CONTRACTS)])
    return boa.load(str(path), *args)


def actions_hash(actions, index: int) -> bytes:
    """What a proposal id commits to: keccak256(abi_encode(cell index, actions))."""
    from eth_utils import keccak

    return keccak(encode(["uint256", "(address,uint256,bytes)[]"], [index, [(a[0], a[1], a[2]) for a in actions]]))


@dataclass
class World:
    safe_contracts: object
    owners: list
    safe: object
    hats: object
    module: object
    token: object
    target: object
    admin: str
    streams: object = None
    gate: object = None
    signer: int = 0
    top: int = 0
    ops: int = 0
    ops_proposer: int = 0
    ops_objector: int = 0
    council: int = 0
    council_proposer: int = 0
    council_objector: int = 0
    people: dict = field(default_factory=dict)
    forwarder: object = None

    # -- hats -------------------------------------------------------------
    def new_hat(self, admin_hat: int, details: str) -> int:
        with boa.env.prank(self.admin):
            return self.hats.createHat(admin_hat, details, 100, self.admin, self.admin, True, "")

    def give(self, hat: int, who: str) -> None:
        with boa.env.prank(self.admin):
            self.hats.mintHat(hat, who)

    def person(self, name: str, *hats: int) -> str:
        addr = boa.env.generate_address(name)
        for hat in hats:
            self.give(hat, addr)
        self.people[name] = addr
        return addr

    # -- Safe -------------------------------------------------------------
    def as_safe(self, name: str, *args):
        """Call a module function with the Safe as msg.sender (for setup)."""
        with boa.env.prank(self.safe.address):
            return getattr(self.module, name)(*args)

    def safe_tx(self, name: str, *args) -> bool:
        """Call a module function through a Safe transaction signed by 2 of 3 owners."""
        data = getattr(self.module, name).prepare_calldata(*args)
        return exec_safe_tx(self.safe, self.owners[:2], self.module.address, 0, data)

    # -- actions ----------------------------------------------------------
    def pay(self, to: str, amount: int, token=None):
        token = token or self.token
        return (token.address, 0, token.transfer.prepare_calldata(to, amount))

    def poke(self, x: int = 1, value: int = 0):
        return (self.target.address, value, self.target.poke.prepare_calldata(x))

    # -- proposals --------------------------------------------------------
    def propose(self, actions, who: str | None = None, cell: int | None = None, rationale: str = "because") -> int:
        """Propose (a second later, so that identical actions get a new id)."""
        boa.env.time_travel(seconds=1)
        with boa.env.prank(who or self.people["alice"]):
            return self.module.propose(cell or self.ops, actions, rationale)

    def state(self, pid: int) -> int:
        return self.module.state(pid)

    def object(self, pid: int, who: str = "bob", hat: int | None = None, reason: str = "not yet, talk first") -> None:
        with boa.env.prank(self.people[who]):
            self.module.object(pid, hat or self.ops_objector, reason)

    def withdraw(self, pid: int, who: str = "bob") -> None:
        with boa.env.prank(self.people[who]):
            self.module.withdraw_objection(pid)

    def escalate(self, pid: int, who: str = "alice") -> None:
        with boa.env.prank(self.people[who]):
            self.module.escalate(pid)

    def execute(self, pid: int, actions, who: str = "mallory") -> None:
        with boa.env.prank(self.people[who]):
            self.module.execute(pid, actions)

    def until_closed(self, pid: int) -> None:
        """Travel to the moment the proposal's current window closes."""
        closes = self.module.proposal(pid).closes_at
        boa.env.time_travel(seconds=max(0, closes - boa.env.timestamp))

    def until_deadline(self, pid: int) -> None:
        """Travel to the end of the proposal's execution window."""
        deadline = self.module.proposal(pid).deadline
        boa.env.time_travel(seconds=max(0, deadline - boa.env.timestamp))


def build_world(safe_contracts=None) -> World:
    """Deploy the whole organisation and configure both cells."""
    safe_contracts = safe_contracts or deploy_safe_contracts()
    owners = [new_owner() for _ in range(3)]
    safe = safe_contracts.new_safe([o.address for o in owners], 2)
    admin = boa.env.generate_address("hats-admin")
    hats = deploy(CONTRACTS / "Hats.vy", "opgov Hats", "")
    with boa.env.prank(admin):
        top = hats.mintTopHat(admin, "opgov org", "")
        signer = hats.createHat(top, "signers", 10, admin, admin, True, "")
    # the org's other machinery, which no cell's domain may reach (the gate is
    # deployed but not attached: these tests need its address, not its guard)
    streams = deploy(CONTRACTS / "BudgetStreams.vy", hats.address)
    gate = deploy(CONTRACTS / "SignerGate.vy", safe.address, hats.address, signer, 1, 1, ETHER)
    # the forwarder first: the module trusts it (an immutable constructor argument)
    forwarder = deploy(CONTRACTS / "ConsentForwarder.vy")
    module = deploy(
        CONTRACTS / "ConsentModule.vy", safe.address, hats.address, streams.address, gate.address, forwarder.address
    )
    assert exec_safe_tx(safe, owners[:2], safe.address, 0, safe.enableModule.prepare_calldata(module.address))
    token = deploy(MOCKS / "ConsentToken.vy")
    target = deploy(MOCKS / "ConsentTarget.vy")
    token.mint(safe.address, 10**30)
    boa.env.set_balance(safe.address, 10**22)

    w = World(safe_contracts, owners, safe, hats, module, token, target, admin, streams, gate, signer, top)
    w.forwarder = forwarder
    w.council = w.new_hat(w.top, "council cell")
    w.council_proposer = w.new_hat(w.council, "council proposer")
    w.council_objector = w.new_hat(w.council, "council member")
    w.ops = w.new_hat(w.top, "ops cell")
    w.ops_proposer = w.new_hat(w.ops, "ops proposer")
    w.ops_objector = w.new_hat(w.ops, "ops member")

    w.person("alice", w.ops_proposer)
    w.person("alex", w.ops_proposer)
    w.person("bob", w.ops_objector)
    w.person("carol", w.ops_objector)
    w.person("erin", w.council_proposer)
    w.person("dave", w.council_objector)
    w.person("mallory")

    # council: 2-day window, 3-day execution window, escalates to the Safe
    w.as_safe("set_cell", w.council, w.council_proposer, 2 * DAY, 3 * DAY, 0, 5)
    w.as_safe("set_objector_hat", w.council, w.council_objector, True)
    # ops: 3-day window, 7-day execution window, escalates to the council
    w.as_safe("set_cell", w.ops, w.ops_proposer, 3 * DAY, 7 * DAY, w.council, 3)
    w.as_safe("set_objector_hat", w.ops, w.ops_objector, True)
    # ops may pay up to 1,500 tokens per 30 days and poke the target
    w.as_safe("allow_call", w.ops, token.address, TRANSFER, True)
    w.as_safe("set_spend_limit", w.ops, token.address, 1_500 * 10**18, 30 * DAY)
    w.as_safe("allow_call", w.ops, target.address, target.poke.prepare_calldata(0)[:4], True)
    # council may pay up to 10,000 tokens per 30 days
    w.as_safe("allow_call", w.council, token.address, TRANSFER, True)
    w.as_safe("set_spend_limit", w.council, token.address, 10_000 * 10**18, 30 * DAY)
    return w


def travel(seconds: int) -> None:
    boa.env.time_travel(seconds=seconds)
