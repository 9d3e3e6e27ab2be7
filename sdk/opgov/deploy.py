"""Make the chain match the org spec: plan, deploy (idempotent, resumable), and later changes.

A first deployment runs in two phases:

1. The deploying account bootstraps everything: the treasury token (a test
   token on local chains), the Hats tree (top hat, roles, cells, wearers), the
   Safe v1.4.1 (with the deployer as its only owner for now), the budget
   streams, the consent module with each cell's domain, and the signer gate.
   Every Safe transaction of this phase is signed by the deployer alone.
2. The deployer hands over: the top hat goes to the Safe, the signers take
   their seats (with a signer gate they claim them; otherwise the Safe adds
   them), and the deployer leaves the Safe's owners.

Every step first reads the chain to see whether it is already done, so a run
cut off anywhere can simply be run again: it finishes the job and does
nothing twice. Contract deployments are written ahead into the deployments
record (the address they will get and the deployer's nonce) before they are
sent, so a deployment that was mined but not yet recorded is found, not
repeated. The Safe's address is fixed in advance (CREATE2 with a salt taken
from the org's name, the deployer and the Hats contract).

After the hand-over the Safe owns everything: `deploy()` turns a changed spec
into the Safe calls that make the change, for the signers to sign.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import rlp
from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address

from opgov.chain import send
from opgov.contracts import container
from opgov.deployments import Deployments
from opgov.errors import DeploymentError
from opgov.batches import FIRST_GUESS
from opgov.hats import MAX_LEVELS, HatsClient, hat_level, hat_path
from opgov.spec import FUNDED_MONTHS, CellSpec, OrgSpec, stream_deposit
from opgov.units import MONTH, Amount, Rate, parse_duration, to_base_units

if TYPE_CHECKING:
    from ape.api import AccountAPI

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
# a plan stands in this address (no code) for contracts not deployed yet, to encode the calls it lists
PLANNED = "0x000000000000000000000000000000000000dEaD"
SENTINEL = "0x0000000000000000000000000000000000000001"
# on local chains the Safe gets this many months of every budget in test tokens
# (each stream is funded with FUNDED_MONTHS of its budget)
MINTED_MONTHS = 6
NO_LIMIT = 2**128 - 1
# Hats.vy's batchCreateHats and batchMintHats: most hats a call, longest details in batchCreateHats (bytes)
HATS_PER_BATCH = 255
BATCH_TEXT = 32


def create_address(sender: str, nonce: int) -> str:
    """The address a CREATE from `sender` at `nonce` gives."""
    return to_checksum_address(keccak(rlp.encode([bytes.fromhex(sender[2:]), nonce]))[12:])


def resolve_person(who: str) -> str:
    """A person's address from the spec's people: an address, TEST::N or an ape alias."""
    from ape import accounts

    if who.startswith("0x"):
        return to_checksum_address(who)
    if who.upper().startswith("TEST::"):
        return accounts.test_accounts[int(who.split("::")[1])].address
    try:
        return accounts.load(who).address
    except Exception as err:
        raise DeploymentError(
            f"there is no ape account called {who!r}",
            "add it with `ape accounts import`, or give the person's address in the spec",
        ) from err


def signer_account(who: str) -> "AccountAPI | None":
    """The account that can sign for a person on this machine, if it is a local test account."""
    from ape import accounts

    if who.upper().startswith("TEST::"):
        return accounts.test_accounts[int(who.split("::")[1])]
    return None


@dataclass
class Step:
    """One thing deploy does, in plain words.

    `sent_with` names the transactions that carry it together with other steps of its kind
    (`BATCHED`); empty for a step sent as a transaction of its own, or left to the signers.
    How many go in each is known only as they are sent (from gas estimates, see
    `opgov.batches`), and deploy says it then.
    """

    text: str
    done: bool
    sent_with: str = ""


# the kinds of transaction that carry several steps, as `Step.sent_with` names them
CREATE_BATCH = "batchCreateHats"
MINT_BATCH = "batchMintHats"
SAFE_BATCH = "MultiSendCallOnly"
BATCHED = {
    CREATE_BATCH: "{n} hat(s) to create go in batchCreateHats transactions (up to 255 hats each)",
    MINT_BATCH: "{n} hat(s) to give out go in batchMintHats transactions (up to 255 each)",
    SAFE_BATCH: "{n} of the Safe's calls go in MultiSendCallOnly Safe transactions, signed by the deployer",
}


def sent_together(steps: list[Step]) -> list[str]:
    """In plain words, which of these steps go in shared transactions (see `Step.sent_with`)."""
    counts = {kind: sum(1 for s in steps if s.sent_with == kind) for kind in BATCHED}
    return [BATCHED[kind].format(n=n) for kind, n in counts.items() if n]


@dataclass
class OrgState:
    """Where the org lives on chain: what `status`, the demo and the dashboard read."""

    token: str = ""
    hats: str = ""
    safe: str = ""
    streams: str = ""
    consent: str = ""
    gate: str = ""
    forwarder: str = ""
    top_hat: int = 0
    roles: dict[str, int] = field(default_factory=dict)
    cells: dict[str, int] = field(default_factory=dict)
    leads: dict[str, int] = field(default_factory=dict)
    streams_of: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "top_hat": hex(self.top_hat),
            "roles": {k: hex(v) for k, v in self.roles.items()},
            "cells": {k: hex(v) for k, v in self.cells.items()},
            "leads": {k: hex(v) for k, v in self.leads.items()},
            "streams": {k: str(v) for k, v in self.streams_of.items()},
        }


class OrgDeployer:
    """Plan or carry out the deployment of an org spec on the connected network.

    Args:
        spec: the validated org spec.
        deployer: the account that pays for and bootstraps the deployment.
        record: the network's deployments record (default: the connected network's).
        say: called with a line of plain words for every step taken (or planned).
        local: whether this is a local chain (test token, test accounts claim seats).
        new_deployer: deploy a second copy of an org recorded from another account,
            instead of refusing to.
    """

    def __init__(
        self,
        spec: OrgSpec,
        deployer: "AccountAPI",
        record: Deployments | None = None,
        say: Callable[[str], None] = lambda _: None,
        local: bool | None = None,
        new_deployer: bool = False,
    ):
        from opgov.safe import on_local_chain

        self.spec = spec
        self.new_deployer = new_deployer
        self.deployer = deployer
        self.record = record or Deployments.for_connected_network()
        self.say = say
        self.local = on_local_chain() if local is None else local
        self.dry = False
        # inside `_reading`: a stretch of a run that only reads, its views batched as a plan's
        self._batched = False
        self.steps: list[Step] = []
        self.state = OrgState()
        # after the hand-over, what the Safe must do: (plain words, call) for the signers
        self.safe_calls: list[tuple[str, Any]] = []
        self._next_child: dict[int, int] = {}  # admin hat -> its last child id, counting planned ones
        self._planned_hats: set[int] = set()  # hats not on chain yet: the Safe (or, in a plan, deploy) makes them
        self._planned_wearers: set[tuple[int, str]] = set()  # (hat, wearer) a plan gives out
        self._planned: set[str] = set()  # contracts a plan has yet to deploy (their address is "")
        # hats the deployer creates and gives out, sent together at the end of the tree (`_send_tree`)
        self._hat_creates: list[tuple[int, str, int, int]] = []  # (admin, details, max supply, its id)
        self._hat_mints: list[tuple[int, str]] = []  # (hat, wearer)
        self.people = {name: resolve_person(who) for name, who in spec.people.items()}

    # ------------------------------------------------------------ entry points

    def plan(self) -> list[Step]:
        """What deploy would do now, without sending anything: every step it would take.

        What is not on chain yet is planned as deploy would make it (hat ids are
        known in advance), so the plan lists the same steps as the run.

        Raises:
            DeploymentError: if the record belongs to another chain, or the org was
                deployed from another account (see `new_deployer`).
        """
        from opgov.reads import session

        # a plan only reads: in one read session, its views are asked a tree level, a
        # kind of question at a time through Multicall3 (`opgov.reads`), not one by one
        with session():
            self._reset(dry=True)
            self._read_ahead()
            self._run()
        return self.steps

    def _read_ahead(self) -> None:
        """In a plan, the views its steps ask of what the record names (the Safe's set-up, the
        top hat and who wears it, the token's decimals, the cells' streams), said ahead so that they travel in
        its first Multicall3 call instead of one call a step (`opgov.reads.Reader.ahead`). Only
        a guess: a step that asks something else asks it itself."""
        from opgov.reads import reader

        read = reader()
        at = {name: r.address for name, r in self.record.records.items()}
        safe, top = self.record.org.get("safe") or at.get("Safe"), self.record.org.get("top_hat")
        views: list[tuple[Any, str, tuple]] = []
        if at.get("SafeProxyFactory"):
            views.append((read.instance("SafeProxyFactory", at["SafeProxyFactory"]), "proxyCreationCode", ()))
        if safe:
            contract = read.instance("SafeSingleton", safe)
            views += [(contract, "VERSION", ()), (contract, "getOwners", ()), (contract, "getThreshold", ())]
            views += [(contract, "isModuleEnabled", (at[m],)) for m in ("ConsentModule", "SignerGate") if at.get(m)]
        if at.get("Hats"):
            hats = read.instance("Hats", at["Hats"])
            if safe:
                views.append((hats, "isQuietModule", (safe,)))
            if top:
                views.append((hats, "viewHat", (int(top, 16),)))
                views += [(hats, "isWearerOfHat", (who, int(top, 16))) for who in (self.deployer.address, safe) if who]
        if at.get("TestToken"):
            views.append((read.instance("TestToken", at["TestToken"]), "decimals", ()))
        if at.get("BudgetStreams"):
            streams = read.instance("BudgetStreams", at["BudgetStreams"])
            views += [(streams, "stream_count", ())] + [(streams, "get_stream", (int(v),))
                                                       for v in self.record.org.get("streams", {}).values()]
        read.ahead(views=views)

    def deploy(self) -> OrgState:
        """Make the chain match the spec; safe to run again at any point.

        After the hand-over nothing is sent: the changes the spec asks for are
        left in `safe_calls` (see `pending_change`) for the signers.
        """
        if self._all_done():
            self._save_org()
            return self.state
        self._reset(dry=False)
        self._run()
        return self.state

    def _all_done(self) -> bool:
        """Whether the chain already matches the spec, found as a plan finds it: in a few batched
        requests whatever the org's size. A deploy run again on a finished org (the usual case
        in scripts) stops here, having sent nothing; with anything left to do, the run reads
        again (its stretches of reads batched too, see `_reading`) and acts."""
        say, self.say = self.say, lambda text: None
        try:
            steps = self.plan()
        finally:
            self.say = say
        return bool(steps) and all(step.done for step in steps) and PLANNED not in vars(self.state).values()

    def _reset(self, dry: bool) -> None:
        self.dry, self.steps, self.safe_calls = dry, [], []
        self.__dict__.pop("_plan_safe", None)
        self._next_child, self._planned_hats, self._planned_wearers, self._planned = {}, set(), set(), set()
        self._hat_creates, self._hat_mints = [], []
        self.state = OrgState()

    def pending_change(self):
        """The Safe transaction that makes the spec's changes, unsigned (None if there are none).

        Several changes go in one MultiSendCallOnly batch, so they happen together or not at all.
        """
        from opgov.safe import Safe

        if not self.safe_calls:
            return None
        return Safe.at(self.state.safe).propose([call for _, call in self.safe_calls])

    # ------------------------------------------------------------ the sequence

    def _run(self) -> None:
        s = self.state
        self._check_record()
        if self.local and not self.dry:
            from opgov.reads import ensure_multicall

            ensure_multicall()  # opgov's reads batch through Multicall3; live networks have it
        s.token = self._token()
        s.hats = self._contract("Hats", f"{self.spec.name} Hats", "")
        hats = HatsClient(self._at("Hats", s.hats))
        s.safe = self._safe()
        s.streams = self._contract("BudgetStreams", s.hats)
        self._quiet_safe(hats)
        self._tree(hats)
        if self.spec.safe.signer_hat is not None:
            # the gate's constructor needs the signer hat, known only now
            rule = self.spec.safe.signer_hat
            s.gate = self._contract("SignerGate", s.safe, s.hats, s.roles["signer"], rule.min, rule.target,
                                    self._multisend())
        # the forwarder that relays members' signed proposals and objections: the module
        # trusts it for good (a constructor argument), so it comes first
        s.forwarder = self._contract("ConsentForwarder")
        # last: no cell's domain may reach the streams or the gate, so the module is made with
        # both addresses (an org without a signer gate gives none)
        s.consent = self._contract("ConsentModule", s.safe, s.hats, s.streams, s.gate or ZERO_ADDRESS,
                                   s.forwarder or ZERO_ADDRESS)
        self._bootstrap_safe()
        self._handover(hats)
        if not self.dry:
            self._save_org()

    def _check_record(self) -> None:
        """Refuse a record of another chain, and an org recorded from another account.

        Deploying a recorded org from another account would make a second Safe (its
        address follows the deployer) and point the record at that copy.
        """
        from opgov.chain import account_name

        self.record.check_chain()
        org = self.record.org
        recorded = org.get("deployer")
        me = self.deployer.address
        if recorded and recorded != me and org.get("name", self.spec.name) == self.spec.name and self._org_on_chain():
            if not self.new_deployer:
                raise DeploymentError(
                    f"{self.spec.name} was deployed from {account_name(recorded)}, and this is "
                    f"{account_name(me)}",
                    f"pass --account {account_name(recorded)} to work on that org, or --new-deployer to "
                    "deploy a second copy of it from this account",
                )
            if not self.dry:
                org.clear()  # the second copy is the one recorded from now on
        if not self.dry and org.get("deployer") != me:
            org.update(name=self.spec.name, deployer=me)
            self.record.save()

    def _org_on_chain(self) -> bool:
        from ape import chain

        from opgov.reads import reader

        safe = self.record.org.get("safe")
        return bool(safe) and reader().has_code(safe)

    @contextmanager
    def _reading(self):
        """A stretch of a run that only reads, up to the transactions it decides on: its views are
        asked as a plan asks them (one read session, `Cached` contracts, whole tree levels and
        every cell's domain a Multicall3 call), not one by one: deploying a spec with one cell
        more asks about 210 JSON-RPC requests at any size (`benchmarks/deploy_bench.py`), where
        reading a view at a time it asked 6,049 at 30 cells.

        Nothing may be sent inside: the session's answers would not see it. They are dropped
        when the stretch ends. In a plan (all of it one read session) this does nothing.
        """
        if self.dry or self._batched:
            yield
            return
        from opgov.reads import session

        self._batched = True
        try:
            with session():
                yield
        finally:
            self._batched = False
            self.__dict__.pop("_plan_safe", None)

    def _at(self, kind: str, address: str):
        """A contract of opgov's at `address`; in a plan, at a stand-in address if not deployed yet."""
        if self.dry or self._batched:  # views asked within a read session, many at once where it can
            from opgov.reads import Cached, reader

            return Cached(reader().instance(kind, address or PLANNED))
        return container(kind).at(address or PLANNED)

    def _multisend(self) -> str:
        from opgov.safe import safe_contracts

        if self.dry and self.local and not self.record.get("MultiSendCallOnly"):
            return ""  # a plan on a chain without Safe's contracts: deploy puts them there
        return safe_contracts(None if self.dry else self.deployer).multisend.address

    # ------------------------------------------------------------ contracts

    def _step(self, text: str, done: bool, sent_with: str = "") -> bool:
        """Note a step; returns whether it still has to be carried out."""
        self.steps.append(Step(text, done, sent_with))
        if not done:
            self.say(("would " if self.dry else "") + text)
        return not done and not self.dry

    def _contract(self, name: str, *args: Any) -> str:
        """The address of `name` deployed with these constructor arguments, deploying it if need be.

        A recorded contract is used only if it was deployed with the same arguments
        (a ConsentModule made for another Safe is not this org's).
        """
        key = _args_key(args)
        address = self.record.get(name)
        if address and self.record.records[name].args == key:
            self._step(f"use the {name} contract at {address}", True)
            return address
        if not self._step(f"deploy the {name} contract", False):
            self._planned.add(name)
            return ""
        pending = self.record.pending.get(name)
        if pending is not None and pending.get("args") == key:
            from ape import chain

            if chain.provider.get_code(pending["address"]):
                self.record.record(name, pending["address"], args=key)
                return pending["address"]
            # no code there: the deployment was never mined, so send it (again) now
        expected = create_address(self.deployer.address, self.deployer.nonce)
        self.record.write_ahead(name, expected, self.deployer.address, self.deployer.nonce, key)
        instance = self.deployer.deploy(container(name), *args)
        self.record.record_instance(name, instance, key)
        return str(instance.address)

    def _token(self) -> str:
        token = self.spec.token
        if token.address:
            self._check_token(token.address)
            self._step(f"use the treasury token {token.symbol} at {token.address}", True)
            return token.address
        if not self.local:
            raise DeploymentError(
                "the spec gives no address for the treasury token on a live network",
                "add token.address to the spec (opgov deploys a test token on local chains only)",
            )
        address = self._contract("TestToken", f"Test {token.symbol}", token.symbol, token.decimals)
        if not self.dry:
            # by its symbol too, as amounts name it (`--pay "650 EURC"`)
            self.record.alias(token.symbol, "TestToken")
        return address

    def _check_token(self, address: str) -> None:
        """The spec's token is a token with the decimals the spec gives (amounts are read with them)."""
        token = self.spec.token
        try:
            decimals = int(container("TestToken").at(address).decimals())
        except Exception as err:
            raise DeploymentError(
                f"{token.symbol} at {address} does not answer decimals(): it is not an ERC-20 token on this network",
                "check token.address in the spec and --network",
            ) from err
        if decimals != token.decimals:
            raise DeploymentError(
                f"{token.symbol} at {address} has {decimals} decimals, and the spec says {token.decimals}",
                f"set `decimals: {decimals}` under token: in the spec, then `opgov check` it again",
            )

    def _safe_salt(self) -> int:
        # an org is its name, its deployer and its Hats contract: the same spec deployed
        # again with a new Hats contract gets a new Safe
        return int.from_bytes(
            keccak(text=f"opgov:{self.spec.name}:{self.deployer.address}:{self.state.hats}"), "big"
        )

    def _safe(self) -> str:
        """The org's Safe: the one the spec names, or the one at this org's CREATE2 address.

        The address is worked out, not looked up, so a Safe recorded for something else
        (`opgov safe create`) is never taken for the org's.
        """
        from ape import chain

        from opgov.safe import ARTIFACTS, create_safe, safe_contracts

        if self.spec.safe.address:
            self._step(f"use the existing Safe at {self.spec.safe.address}", True)
            return self.spec.safe.address
        creating = "create the treasury Safe v1.4.1 (the deployer its only owner until hand-over)"
        # on a local chain a plan may find Safe's own contracts not deployed yet
        missing = self.local and not all(self.record.get(name) for name in ARTIFACTS)
        if self.dry and (missing or not self.state.hats):
            self._step(creating, False)  # nothing to work the address out from yet
            self._planned.add("Safe")
            return ""
        predicted = self._predict_safe(safe_contracts(None if self.dry else self.deployer))
        from opgov.reads import reader

        if reader().has_code(predicted):
            self._step(f"use the Safe at {predicted}", True)
        elif not self._step(creating, False):
            self._planned.add("Safe")
            return ""
        else:
            create_safe([self.deployer.address], 1, self.deployer, salt=self._safe_salt())
        if not self.dry:
            if self.record.get("Safe") != predicted:
                self.record.record("Safe", predicted)  # the default Safe of `opgov safe ...` on this network
            self.record.org["safe"] = predicted
        return predicted

    def _predict_safe(self, contracts) -> str:
        setup = contracts.singleton.setup.encode_input(
            [self.deployer.address], 1, ZERO_ADDRESS, b"", ZERO_ADDRESS, ZERO_ADDRESS, 0, ZERO_ADDRESS
        )
        salt = keccak(keccak(setup) + self._safe_salt().to_bytes(32, "big"))
        from opgov.reads import Cached

        init_code = bytes(Cached(contracts.factory).proxyCreationCode()) + abi_encode(
            ["address"], [contracts.singleton.address]
        )
        digest = keccak(b"\xff" + bytes.fromhex(contracts.factory.address[2:]) + salt + keccak(init_code))
        return to_checksum_address(digest[12:])

    # ------------------------------------------------------------ the hats tree

    def _prefetch_tree(self, hats: HatsClient, top: int) -> None:
        """In a plan or a run's read stretch (`_reading`), every hat of the tree (a level at a
        time) and who of the spec's people wears them, asked in a few Multicall3 calls before
        `_find_child` and `_wears` ask."""
        from opgov.reads import Cached

        contract = hats.contract
        if not isinstance(contract, Cached) or top in self._planned_hats:
            return
        contract.prefetch([("viewHat", (top,))])
        found, level = [top], [top]
        while level and hat_level(level[0]) < MAX_LEVELS:
            children = []
            for admin in level:
                shift = 224 - 16 * (hat_level(admin) + 1)
                children += [admin | (i << shift) for i in range(1, int(contract.viewHat(admin)[6]) + 1)]
            contract.prefetch([("viewHat", (child,)) for child in children])
            found += children
            level = children
        who = [w for w in {*self.people.values(), self.deployer.address, self.state.safe} if w]
        self._prefetch_wearers(contract, [(w, hat) for hat in found for w in sorted(who)])

    @staticmethod
    def _prefetch_wearers(contract, pairs: list[tuple[str, int]]) -> None:
        """Whether each person wears each hat, as later `isWearerOfHat` calls will ask, read many
        pairs a view (`opgov.hats.wears_many`): 600 hats and a dozen people at 300 cells would
        be thousands of views one a pair."""
        from opgov.hats import wears_many
        from opgov.reads import reader

        memo = reader().memo
        refused = []
        for pair, wears in zip(pairs, wears_many(contract._contract, pairs)):
            if wears is None:  # a Hats without balanceOfBatch: a view a pair
                refused.append(("isWearerOfHat", pair))
            else:
                memo[contract._key("isWearerOfHat", pair)] = wears
        contract.prefetch(refused)

    def _find_child(self, hats: HatsClient, admin: int, details: str) -> int | None:
        """A hat directly under `admin` with these details (read from the chain, not the record)."""
        last = hats.contract.viewHat(admin)[6]
        shift = 224 - 16 * (hat_level(admin) + 1)
        for i in range(1, last + 1):
            child = admin | (i << shift)
            if hats.contract.viewHat(child)[0] == details:
                return child
        return None

    def _find_top_hat(self, hats: HatsClient) -> int | None:
        """This org's top hat: named after it and worn by its deployer or its Safe."""

        def ours(hid: int) -> bool:
            return hats.contract.viewHat(hid)[0] == self.spec.name and (
                hats.is_wearer(self.deployer.address, hid) or bool(self.state.safe and hats.is_wearer(self.state.safe, hid))
            )

        recorded = self.record.org.get("top_hat")
        if recorded and ours(int(recorded, 16)):
            return int(recorded, 16)
        # newest tree first; read state, not logs, since a node restarted from saved state
        # (anvil --state) keeps no old logs
        for domain in range(int(hats.contract.lastTopHatId()), 0, -1):
            if ours(domain << 224):
                return domain << 224
        return None

    def _wears(self, hats: HatsClient, who: str, hat: int) -> bool:
        """Whether `who` wears `hat`, counting what a plan gives out before it exists."""
        if hat in self._planned_hats or "Hats" in self._planned or not who or (hat, who) in self._planned_wearers:
            return (hat, who) in self._planned_wearers
        return hats.is_wearer(who, hat)

    def _tree(self, hats: HatsClient | None) -> None:
        s, spec = self.state, self.spec
        top = None if "Hats" in self._planned else self._find_top_hat(hats)
        if top is None:
            if self._step(f"create the role tree: top hat {spec.name!r}", False):
                top = hats.create_tree(self.deployer.address, spec.name, sender=self.deployer)
                self.record.org["top_hat"] = hex(top)
                self.record.save()
            else:  # planned: the next top hat of the Hats contract
                last = 0 if "Hats" in self._planned else int(hats.contract.lastTopHatId())
                top = (last + 1) << 224
                self._planned_hats.add(top)
                self._planned_wearers.add((top, self.deployer.address))
        s.top_hat = top
        # what the tree has and who wears what, read in a few batched calls; the hats to create
        # and give out are queued meanwhile and sent after (`_send_tree`)
        with self._reading():
            self._tree_steps(HatsClient(self._at("Hats", s.hats)), top)
        if not self.dry:
            self._send_tree(hats)

    def _tree_steps(self, hats: HatsClient, top: int) -> None:
        """Each role's and cell's hats and wearers, as the spec wants them: what is missing is
        queued (the deployer's hats for `_send_tree`), or left to the Safe after the hand-over."""
        s, spec = self.state, self.spec
        self._prefetch_tree(hats, top)

        by_safe = self._safe_wears_top(hats)

        def ensure(admin: int, details: str, max_supply: int) -> int:
            found = None if admin in self._planned_hats else self._find_child(hats, admin, details)
            if found is not None:
                return found
            text = f"create hat {details!r} under {hat_path(admin)}"
            if by_safe:
                return self._safe_creates_hat(hats, admin, details, max_supply, text)
            # a hat whose details are too long for a batch is created on its own (`_send_tree`)
            self._step(text, False, CREATE_BATCH if len(details.encode()) <= BATCH_TEXT else "")
            child = self._next_hat(hats, admin)
            if not self.dry:  # sent with the rest of the tree, its id known in advance
                self._hat_creates.append((admin, details, max_supply, child))
            return child

        def wear(hat: int, people: list[str]) -> None:
            for name in people:
                who = self.people[name]
                if self._wears(hats, who, hat):
                    continue
                text = f"give hat {hat_path(hat)} to {name}"
                if by_safe:
                    self._by_safe(text, hats.contract.mintHat, hat, who)
                else:
                    if self._step(text, False, MINT_BATCH) and (hat, who) not in self._hat_mints:
                        self._hat_mints.append((hat, who))  # sent with the rest of the tree
                    self._planned_wearers.add((hat, who))

        def unwear(hat: int, keep: list[str]) -> None:
            """Take the hat from people the spec names who should no longer wear it."""
            if not by_safe or hat in self._planned_hats:
                return
            for name, who in self.people.items():
                if name not in keep and hats.is_wearer(who, hat):
                    self._by_safe(f"take hat {hat_path(hat)} from {name}",
                                  hats.contract.setHatWearerStatus, hat, who, False, False)

        for role in spec.roles:
            s.roles[role.id] = ensure(top, role.name, role.max_supply)
            unwear(s.roles[role.id], role.wearers)
            wear(s.roles[role.id], role.wearers)
        for cell in spec.cells:
            s.cells[cell.id] = ensure(top, cell.name, 1000)
            s.leads[cell.id] = ensure(s.cells[cell.id], f"{cell.name} lead", 1)
            unwear(s.cells[cell.id], [cell.lead, *cell.members])
            unwear(s.leads[cell.id], [cell.lead])
            wear(s.cells[cell.id], [cell.lead, *cell.members])
            wear(s.leads[cell.id], [cell.lead])

    def _quiet_safe(self, hats: HatsClient) -> None:
        """The Safe tells Hats.vy, before it runs any hat, that it never answers status queries.

        The Safe is every hat's eligibility and toggle module, so that the
        signers rule on wearers directly; as a declared quiet module it is not
        called by wearer checks, which then cost about 12,000 gas less each
        (every proposal and objection makes one). Hats created before the
        declaration keep asking the Safe until their module is set again.
        """
        s = self.state
        planned = bool({"Hats", "Safe"} & self._planned)
        if not planned and hats.contract.isQuietModule(s.safe):
            return
        text = "declare the Safe a quiet hats module (wearer checks then need not call it)"
        safe = self._safe_client()
        if self.deployer.address not in self._owners():
            self._by_safe(text, hats.contract.declareQuietModule)
        elif self._step(text, False):
            self._as_safe([self._safe_call(hats.contract.declareQuietModule)])

    def _safe_wears_top(self, hats: HatsClient) -> bool:
        return not self._wears(hats, self.deployer.address, self.state.top_hat) and self._wears(
            hats, self.state.safe, self.state.top_hat
        )

    def _by_safe(self, text: str, method, *args) -> None:
        """Leave a change for the Safe's signers (after the hand-over)."""
        self.steps.append(Step(text + " (a Safe transaction for the signers)", False))
        self.say(f"the Safe must {text}")
        self.safe_calls.append((text, self._safe_call(method, *args)))

    def _safe_creates_hat(self, hats: HatsClient, admin: int, details: str, max_supply: int, text: str) -> int:
        """A hat the Safe will create: its id is known in advance (the admin's next child)."""
        child = self._next_hat(hats, admin)
        self._by_safe(text, hats.contract.createHat, admin, details, max_supply, self.state.safe,
                      self.state.safe, True, "")
        return child

    def _next_hat(self, hats: HatsClient, admin: int) -> int:
        """The id the next hat created under `admin` gets, counting the planned ones; marks it planned."""
        if admin not in self._next_child:
            self._next_child[admin] = 0 if admin in self._planned_hats else int(hats.contract.viewHat(admin)[6])
        self._next_child[admin] += 1
        child = admin | (self._next_child[admin] << (224 - 16 * (hat_level(admin) + 1)))
        self._planned_hats.add(child)
        return child

    def _top_admin(self, hats: HatsClient) -> "AccountAPI":
        if not hats.is_wearer(self.deployer.address, self.state.top_hat):
            raise DeploymentError(
                "the top hat has already been handed to the Safe, so the deployer cannot change the tree",
                "change it through the Safe: `opgov plan` writes the Safe transaction for the signers",
            )
        return self.deployer

    # ------------------------------------------------------------ Safe set-up (deployer signs alone)

    def _safe_client(self):
        from opgov.safe import Safe, artifact_container

        if "Safe" in self._planned:
            return Safe(artifact_container("SafeSingleton").at(PLANNED))
        if self.dry or self._batched:
            from opgov.reads import Cached, reader

            if "_plan_safe" not in self.__dict__:
                from opgov.safe import SAFE_VERSION

                safe = Cached(reader().instance("SafeSingleton", self.state.safe))
                try:
                    ok = reader().has_code(self.state.safe) and safe.VERSION() == SAFE_VERSION
                except Exception:
                    ok = False
                if not ok:
                    Safe.at(self.state.safe)  # says what is wrong with it
                self._plan_safe = Safe(safe)
            return self._plan_safe
        return Safe.at(self.state.safe)

    def _owners(self) -> list[str]:
        """The Safe's owners (a planned Safe starts with the deployer alone)."""
        if "Safe" in self._planned:
            return [self.deployer.address]
        return self._safe_client().owners()

    def _enabled(self, module: str) -> bool:
        """Whether the Safe has enabled `module` (a planned Safe or module: not yet)."""
        if {"Safe", module} & self._planned:
            return False
        address = self.state.consent if module == "ConsentModule" else self.state.gate
        return bool(self._safe_client().contract.isModuleEnabled(address))

    def _bootstrap_safe(self) -> None:
        """The Safe's own set-up: the deployer signs it alone before the hand-over; after, the signers."""
        s = self.state
        changes: list[tuple[str, Any]] = []
        with self._reading():  # every cell's domain and stream read in a few batched calls
            safe = self._safe_client()
            if not self._enabled("ConsentModule"):
                changes.append(("enable the consent module on the Safe",
                                self._safe_call(safe.contract.enableModule, s.consent or PLANNED)))
            changes += self._cell_calls()
            changes += self._stream_calls()
            if self.spec.safe.signer_hat is not None and not self._enabled("SignerGate"):
                changes.append(("enable the signer gate on the Safe",
                                self._safe_call(safe.contract.enableModule, s.gate or PLANNED)))
            deployer_owns = bool(changes) and self.deployer.address in self._owners()
        if not changes:
            return
        if not deployer_owns:
            for text, call in changes:
                self.steps.append(Step(text + " (a Safe transaction for the signers)", False))
                self.say(f"the Safe must {text}")
                self.safe_calls.append((text, call))
            return
        for text, _ in changes:
            self._step(text, False, SAFE_BATCH if len(changes) > 1 else "")
        if self.dry:
            return
        self._mint_treasury(self._safe_client())
        self._as_safe([call for _, call in changes])
        self._adopt_streams()

    # ------------------------------------------------------------ sending, in as few transactions as fit

    def _send_tree(self, hats: HatsClient) -> None:
        """Create the queued hats and give them out: `batchCreateHats`, then `batchMintHats`.

        Each hat's id was worked out in advance (`_next_hat`), in the order they are
        created; the ids the contract gives are checked against them. A hat whose
        details are too long for a batch is created on its own, in its place. A run
        cut off between transactions finds what was mined (by its details, and who
        wears what) and sends only the rest.
        """
        from opgov.batches import batch_size

        creates, mints = self._hat_creates, self._hat_mints
        self._hat_creates, self._hat_mints = [], []
        if not creates and not mints:
            return
        me, module, contract = self._top_admin(hats), self.state.safe, hats.contract
        budget, guess = self._gas_budget(), None
        i = 0
        while i < len(creates):
            if len(creates[i][1].encode()) > BATCH_TEXT:
                admin, details, max_supply, want = creates[i]
                self._hats_made([want], [hats.create_hat(admin, details, sender=me, max_supply=max_supply,
                                                         eligibility=module, toggle=module)])
                i += 1
                continue
            run = 0
            while i + run < len(creates) and len(creates[i + run][1].encode()) <= BATCH_TEXT:
                run += 1

            def args(n: int, start: int = i) -> tuple:
                part = creates[start : start + n]
                return ([c[0] for c in part], [c[1] for c in part], [c[2] for c in part], [module] * n,
                        [module] * n, [True] * n, [""] * n)

            n = batch_size(run, lambda k: self._estimate(contract.batchCreateHats, *args(k)), budget,
                           HATS_PER_BATCH, guess or FIRST_GUESS)
            self._say_batch(n, "create {n} hats in one transaction (batchCreateHats)")
            receipt = send(contract.batchCreateHats, *args(n), sender=me)
            self._hats_made([c[3] for c in creates[i : i + n]],
                            [int(log.id) for log in receipt.decode_logs(contract.HatCreated)])
            i, guess = i + n, n
        i, guess = 0, None
        while i < len(mints):
            def mint_args(k: int, start: int = i) -> tuple:
                return [m[0] for m in mints[start : start + k]], [m[1] for m in mints[start : start + k]]

            n = batch_size(len(mints) - i, lambda k: self._estimate(contract.batchMintHats, *mint_args(k)),
                           budget, HATS_PER_BATCH, guess or FIRST_GUESS)
            self._say_batch(n, "give out {n} hats in one transaction (batchMintHats)")
            send(contract.batchMintHats, *mint_args(n), sender=me)
            i, guess = i + n, n

    def _hats_made(self, wanted: list[int], made: list[int]) -> None:
        if made != wanted:
            raise DeploymentError(
                f"the Hats contract gave the new hats other ids than deploy worked out "
                f"({', '.join(hat_path(h) for h in made)} for {', '.join(hat_path(h) for h in wanted)})",
                "someone else created hats in the tree meanwhile; run the same command again to carry on",
            )

    def _as_safe(self, calls: list) -> None:
        """Make these calls as the Safe, signed by the deployer (an owner) alone: in order, in as
        few transactions as fit the gas budget (MultiSendCallOnly batches; one call goes as itself).

        After each transaction, the streams it created are recorded, so a run cut off
        between two finds them without searching.
        """
        from ape.exceptions import ContractLogicError

        from opgov.batches import batch_size
        from opgov.safe import Safe
        from opgov.safe_tx import PendingTx

        safe, budget = Safe.at(self.state.safe), self._gas_budget()
        i, guess = 0, FIRST_GUESS
        while i < len(calls):
            nonce = safe.nonce()
            # the deployer's own approval (it sends the transaction), or a SafeError saying who else must sign
            signatures = safe.check(PendingTx(safe.build(calls[i : i + 1], nonce)), self.deployer.address)

            def estimate(n: int, start: int = i) -> int:
                tx = safe.build(calls[start : start + n], nonce)
                try:
                    return self._estimate(safe.contract.execTransaction, *tx.exec_args(), signatures)
                except ContractLogicError as err:
                    raise DeploymentError(
                        f"the Safe would refuse {n} of deploy's steps in one transaction: {err.message or err}",
                        "run `opgov plan` to see the steps; nothing of them was sent",
                    ) from err

            n = batch_size(len(calls) - i, estimate, budget, len(calls), guess)
            self._say_batch(n, "make {n} of the Safe's calls in one Safe transaction (MultiSendCallOnly)")
            receipt = safe.execute(PendingTx(safe.build(calls[i : i + n], nonce)), self.deployer)
            self._record_streams(receipt)
            i, guess = i + n, n

    def _estimate(self, method, *args) -> int:
        return int(method.estimate_gas_cost(*args, sender=self.deployer))

    def _gas_budget(self) -> int:
        from ape import chain

        from opgov.batches import gas_budget

        return gas_budget(int(chain.blocks.head.gas_limit))

    def _say_batch(self, n: int, what: str) -> None:
        """Say what a transaction holding several of the steps above does, before it is sent."""
        if n > 1:
            self.say("   " + what.format(n=n))

    def _record_streams(self, receipt) -> None:
        """Note the streams a Safe transaction created, by the cell whose hat draws on them."""
        if not self.state.streams:
            return
        by_hat = {hat: cell for cell, hat in self.state.cells.items()}
        found = {}
        for log in receipt.decode_logs(container("BudgetStreams").at(self.state.streams).StreamCreated):
            cell = by_hat.get(int(log.spender_hat))
            if cell is not None and str(log.payer) == self.state.safe:
                found[cell] = int(log.stream_id)
        if found:
            self.state.streams_of.update(found)
            self.record.org.setdefault("streams", {}).update({k: str(v) for k, v in found.items()})
            self.record.save()

    def _safe_call(self, method, *args):
        from opgov.safe_tx import Call

        return Call(str(method.contract.address), 0, method.encode_input(*args))

    def _consent(self):
        return self._at("ConsentModule", self.state.consent)

    def _streams(self):
        return self._at("BudgetStreams", self.state.streams)

    def _token_contract(self):
        return self._at("TestToken", self.state.token)

    def _decimals(self) -> int:
        if "TestToken" in self._planned:
            return self.spec.token.decimals
        return int(self._token_contract().decimals())

    def _call_target(self, call: str) -> tuple[str, bytes]:
        contract, function = call.split(".")
        names = {self.spec.token.symbol: ("TestToken", self.state.token),
                 "BudgetStreams": ("BudgetStreams", self.state.streams),
                 "Hats": ("Hats", self.state.hats)}
        if contract not in names:
            raise DeploymentError(
                f"allowed call {call!r} names {contract!r}, which opgov does not know",
                f"use {', '.join(names)} (more contracts can be allowed through the Safe later)",
            )
        kind, address = names[contract]
        abis = [a for a in container(kind).contract_type.abi if getattr(a, "name", None) == function]
        if not abis:
            raise DeploymentError(f"{contract} has no function {function!r}", "check the spelling in allowed_calls")
        return address or PLANNED, keccak(text=abis[0].selector)[:4]

    def _cell_calls(self) -> list[tuple[str, Any]]:
        """Each cell's domain as the spec wants it: (plain words, the Safe's call) for what differs."""
        s, consent = self.state, self._consent()
        fresh = "ConsentModule" in self._planned  # a plan's module to come: nothing set yet
        if not fresh:
            self._prefetch_cells(consent)
        calls = []
        for cell in _parents_first(self.spec.cells):
            hat = s.cells[cell.id]
            parent = s.cells[cell.parent] if cell.parent else 0
            want = (s.leads[cell.id], parse_duration(cell.consent_window), parse_duration(cell.execution_window),
                    parent, cell.max_active)
            have = consent.cell(hat) if hat not in self._planned_hats and not fresh else None
            if have is None or not have.configured or (
                have.proposer_hat, have.consent_window, have.execution_window, have.parent, have.max_active
            ) != want:
                calls.append((f"set the domain of cell {cell.name}: proposer {hat_path(want[0])}, "
                              f"consent window {cell.consent_window}, execution window {cell.execution_window}",
                              self._safe_call(consent.set_cell, hat, *want)))
            for objector in self._objector_hats(cell):
                if fresh or not consent.is_objector_hat(hat, objector):
                    calls.append((f"let wearers of {hat_path(objector)} object in {cell.name}",
                                  self._safe_call(consent.set_objector_hat, hat, objector, True)))
            for limit in cell.spending_limits:
                amount = Amount.parse(limit.amount)
                token, decimals = (ZERO_ADDRESS, 18) if amount.symbol == "ETH" else (s.token or PLANNED,
                                                                                      self._decimals())
                want_limit = (to_base_units(amount.value, decimals), parse_duration(limit.period))
                if fresh or tuple(consent.spend_limit(hat, token))[:2] != want_limit:
                    calls.append((f"limit {cell.name}'s spending to {limit.amount} per {limit.period}",
                                  self._safe_call(consent.set_spend_limit, hat, token, *want_limit)))
            for call in cell.allowed_calls:
                target, selector = self._call_target(call)
                if fresh or not consent.allowed(hat, target, selector):
                    calls.append((f"allow {cell.name} to call {call}",
                                  self._safe_call(consent.allow_call, hat, target, selector, True)))
        return calls

    def _prefetch_cells(self, consent) -> None:
        """In a plan or a run's read stretch (`_reading`), what `_cell_calls` asks of every cell's
        domain, in one Multicall3 call."""
        from opgov.reads import Cached

        if not isinstance(consent, Cached):
            return
        s, wanted = self.state, []
        for cell in self.spec.cells:
            hat = s.cells[cell.id]
            if hat in self._planned_hats:
                continue
            wanted.append(("cell", (hat,)))
            wanted += [("is_objector_hat", (hat, objector)) for objector in self._objector_hats(cell)]
            for limit in cell.spending_limits:
                token = ZERO_ADDRESS if Amount.parse(limit.amount).symbol == "ETH" else (s.token or PLANNED)
                wanted.append(("spend_limit", (hat, token)))
            for call in cell.allowed_calls:
                wanted.append(("allowed", (hat, *self._call_target(call))))
        consent.prefetch(wanted)

    def _objector_hats(self, cell: CellSpec) -> list[int]:
        s = self.state
        words = {"members": s.cells[cell.id], "lead": s.leads[cell.id]}
        return [words.get(o) or s.roles[o] for o in cell.objectors]

    def _find_stream(self, cell_hat: int) -> int | None:
        """The Safe's live stream for a cell: the recorded one, else found by reading state (not logs)."""
        from ape.exceptions import ContractLogicError

        streams = self._streams()
        payer = int(self.state.safe, 16) << 96
        recorded = [int(v) for k, v in self.record.org.get("streams", {}).items()]
        for stream_id in [*recorded, *(payer | n for n in range(int(streams.stream_count()), 0, -1))]:
            if stream_id >> 96 != payer >> 96:
                continue
            try:
                stream = streams.get_stream(stream_id)
            except ContractLogicError:  # another payer's stream number
                continue
            if int(stream.spender_hat) == cell_hat and not stream.voided:
                return stream_id
        return None

    def _stream_calls(self) -> list[tuple[str, Any]]:
        """Each cell's budget stream as the spec wants it: created and funded, or its rate changed."""
        s = self.state
        calls = []
        decimals = self._decimals()
        token, streams = self._token_contract(), self._streams()
        from opgov.reads import Cached

        if isinstance(streams, Cached) and not {"Safe", "BudgetStreams"} & self._planned:
            streams.prefetch([("stream_count", ())] + [("get_stream", (int(v),))
                                                       for v in self.record.org.get("streams", {}).values()])
        for cell in self.spec.cells:
            if cell.budget is None:
                continue
            rate = Rate.parse(cell.budget)
            unknown = s.cells[cell.id] in self._planned_hats or {"Safe", "BudgetStreams"} & self._planned
            found = None if unknown else self._find_stream(s.cells[cell.id])
            if found is not None:
                s.streams_of[cell.id] = found
                if int(streams.get_stream(found).rate_per_second) != rate.per_second():
                    calls.append((f"change {cell.name}'s budget to {cell.budget}",
                                  self._safe_call(streams.adjust_rate, found, rate.per_second())))
                continue
            deposit = stream_deposit(cell.budget, decimals)
            text = (f"stream {cell.budget} to {cell.name} (paid to {cell.lead}, drawn by its members), "
                    f"funded with {FUNDED_MONTHS} months")
            calls.append((text + " (approve the tokens)",
                          self._safe_call(token.approve, s.streams or PLANNED, deposit)))
            calls.append((text, self._safe_call(streams.create_and_deposit, self.people[cell.lead],
                                                s.token or PLANNED, rate.per_second(), s.cells[cell.id], deposit)))
        return calls

    def _adopt_streams(self) -> None:
        for cell in self.spec.cells:
            if cell.budget is not None and cell.id not in self.state.streams_of:
                found = self._find_stream(self.state.cells[cell.id])
                if found is not None:
                    self.state.streams_of[cell.id] = found

    def _mint_treasury(self, safe) -> None:
        """On local chains, give the Safe test tokens for the streams it is about to fund."""
        if not self.local or self.spec.token.address:
            return
        token = self._token_contract()
        decimals = self._decimals()
        monthly = sum(
            Rate.parse(c.budget).amount.value * MONTH / Rate.parse(c.budget).period_seconds
            for c in self.spec.cells if c.budget
        )
        want = to_base_units(round(monthly * MINTED_MONTHS, decimals), decimals)
        if token.balanceOf(safe.address) < want // 2:
            self.say(f"mint {MINTED_MONTHS} months of budgets in test {self.spec.token.symbol} to the Safe")
            send(token.mint, safe.address, want, sender=self.deployer)

    # ------------------------------------------------------------ hand-over

    def _handover(self, hats: HatsClient) -> None:
        s, spec = self.state, self.spec
        safe = self._safe_client()
        if self._wears(hats, self.deployer.address, s.top_hat) and self.deployer.address != s.safe:
            if self._step("hand the top hat to the Safe", False):
                send(hats.contract.transferHat, s.top_hat, self.deployer.address, s.safe, sender=self.deployer)
        signers = [self.people[n] for n in spec.safe.signers]
        if spec.safe.signer_hat is not None:
            self._handover_gate(safe, signers)
        else:
            self._handover_owners(safe, signers)

    def _handover_gate(self, safe, signers: list[str]) -> None:
        """Owners follow the signer hat: wearers claim seats, anyone removes owners who lost it."""
        s = self.state
        gate = self._at("SignerGate", s.gate)
        hats = HatsClient(self._at("Hats", s.hats))
        signer_hat = s.roles["signer"]
        owners = self._owners()
        deployer_owns = self.deployer.address in owners
        if {"Safe", "SignerGate"} & self._planned or safe.guard() != s.gate:
            text = "make the signer gate the Safe's guard"
            if not deployer_owns:
                self.steps.append(Step(text + " (a Safe transaction for the signers)", False))
                self.safe_calls.append((text, self._safe_call(safe.contract.setGuard, s.gate or PLANNED)))
            elif self._step(text, False):
                self._as_safe([self._safe_call(safe.contract.setGuard, s.gate)])
        for name in self.spec.safe.signers:
            who = self.people[name]
            if who in owners:
                continue
            if not self._wears(hats, who, signer_hat):
                self._step(f"{name} claims a signer seat, once the Safe has given them the signer hat", False)
                continue
            if not self._step(f"{name} claims a signer seat", False):
                if self.dry and signer_account(self.spec.people[name]) is not None:
                    owners = [who, *owners]  # as deploy would: the test account claims it
                continue
            account = signer_account(self.spec.people[name])
            if account is None:
                self.say(f"   {name} must claim it: `opgov safe claim --account ALIAS`")
                continue
            send(gate.claim_signer, sender=account)
        owners = safe.owners() if not self.dry else owners
        names = {who: name for name, who in self.people.items()} | {self.deployer.address: "the deployer"}
        for owner in owners:
            if owner in signers or self._wears(hats, owner, signer_hat) or len(owners) < 2:
                continue  # a signer dropped from the spec loses the hat first (a Safe transaction above)
            if self._step(f"remove {names.get(owner, owner)} from the Safe's owners (no signer hat)", False):
                send(gate.remove_signer, owner, sender=self.deployer)
                owners = safe.owners()

    def _handover_owners(self, safe, signers: list[str]) -> None:
        """A plain Safe: its owners become exactly the spec's signers, with its threshold."""
        owners = self._owners()
        deployer_owns = self.deployer.address in owners
        calls = []
        for who in signers:
            if who not in owners:
                calls.append(self._safe_call(safe.contract.addOwnerWithThreshold, who, 1))
                owners = [who, *owners]  # the Safe puts a new owner first
        for owner in [o for o in owners if o not in signers]:
            i = owners.index(owner)
            previous = owners[i - 1] if i > 0 else SENTINEL
            calls.append(self._safe_call(safe.contract.removeOwner, previous, owner, 1))
            owners.remove(owner)
        threshold = 1 if "Safe" in self._planned else safe.threshold()
        if calls or threshold != self.spec.safe.threshold:
            calls.append(self._safe_call(safe.contract.changeThreshold, self.spec.safe.threshold))
        if not calls:
            return
        text = f"make the Safe's owners the {len(signers)} signers, {self.spec.safe.threshold} needed"
        if not deployer_owns:
            self.steps.append(Step(text + " (a Safe transaction for the signers)", False))
            self.safe_calls.extend((text, c) for c in calls)
        elif self._step(text + " (the deployer leaves)", False):
            self._as_safe(calls)

    def _save_org(self) -> None:
        self.record.org.update(self.state.as_dict())
        self.record.save()


def _args_key(args: tuple) -> str:
    """A fingerprint of constructor arguments, to tell whether a recorded contract is this one."""
    return "0x" + keccak(text=repr([str(a).lower() for a in args])).hex()


def _parents_first(cells: list[CellSpec]) -> list[CellSpec]:
    """The cells in an order where each comes after its parent (the module needs the parent set first)."""
    done: list[CellSpec] = []
    placed: set[str] = set()
    while len(done) < len(cells):
        ready = [c for c in cells if c.id not in placed and (c.parent is None or c.parent in placed or
                                                             c.parent not in {x.id for x in cells})]
        if not ready:  # a loop (the spec refuses them): keep the spec's order
            return done + [c for c in cells if c.id not in placed]
        done += ready
        placed.update(c.id for c in ready)
    return done


def load_state(record: Deployments | None = None) -> OrgState:
    """The deployed org as the deployments record knows it.

    Raises:
        DeploymentError: if no org has been deployed on this network, or the record
            is of another chain.
    """
    record = record or Deployments.for_connected_network()
    record.check_chain()
    org = record.org
    if not org.get("top_hat") or not (org.get("safe") or record.get("Safe")):
        raise DeploymentError("no organisation is deployed on this network", "deploy one with `opgov deploy org.yaml`")
    return OrgState(
        token=record.get("TestToken") or org.get("token", ""),
        hats=record.get("Hats") or "",
        safe=org.get("safe") or record.get("Safe") or "",
        streams=record.get("BudgetStreams") or "",
        consent=record.get("ConsentModule") or "",
        gate=record.get("SignerGate") or "",
        forwarder=record.get("ConsentForwarder") or "",
        top_hat=int(org["top_hat"], 16),
        roles={k: int(v, 16) for k, v in org.get("roles", {}).items()},
        cells={k: int(v, 16) for k, v in org.get("cells", {}).items()},
        leads={k: int(v, 16) for k, v in org.get("leads", {}).items()},
        streams_of={k: int(v) for k, v in org.get("streams", {}).items()},
    )
