"""Hypothesis stateful tests of the ConsentModule's invariants, against the real Safe.

* nothing executes with a standing objection, or before its window closed;
* nothing executes twice;
* nothing outside the holding cell's domain executes without the Safe's approval;
* spending never goes above a cell's period limit (checked against an
  independent ledger of what left the Safe, period by period);
* a cell's live-proposal count equals the number of its live proposals.
"""

from __future__ import annotations

import boa
from consent_world import (
    CANCELLED, DAY, EXECUTED, HOUR, MOCKS, PASSED, SUPERSEDED, VETOED, deploy,
)
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test,
)

TOKENS = 10**18
PERIOD = 30 * DAY
LIMITS = {"ops": 1_500 * TOKENS, "council": 10_000 * TOKENS}
FINAL = {EXECUTED, CANCELLED, VETOED, SUPERSEDED}


class ConsentMachine(RuleBasedStateMachine):
    world = None
    other = None
    stats: dict = {}

    @initialize()
    def setup(self):
        self._anchor = boa.env.anchor()
        self._anchor.__enter__()
        w = self.world
        self.cells = {"ops": w.ops, "council": w.council}
        self.start = {name: w.module.spend_limit(cell, w.token.address)[2] for name, cell in self.cells.items()}
        self.proposals = {}  # pid -> {"actions", "cell"}
        self.approved = set()
        self.cleared = set()
        self.executed = set()
        self.ledger = []  # (cell name, timestamp, tokens) for in-domain executions
        self.propose([500], False)
        self.propose([1_000, "poke"], True)

    def teardown(self):
        self._anchor.__exit__(None, None, None)

    # -- helpers ------------------------------------------------------------

    def _try(self, fn, *args, sender=None):
        name = fn.func_t.name
        try:
            if sender is None:
                fn(*args)
            else:
                with boa.env.prank(sender):
                    fn(*args)
        except boa.BoaError:
            return False
        self.stats[name] = self.stats.get(name, 0) + 1
        return True

    def _actions(self, kinds):
        w = self.world
        supplier = w.people["mallory"]
        out = []
        for kind in kinds:
            if kind == "poke":
                out.append(w.poke(1))
            elif kind == "other":
                out.append((self.other.address, 0, self.other.poke.prepare_calldata(1)))
            else:
                out.append(w.pay(supplier, kind * TOKENS))
        return out

    # -- rules --------------------------------------------------------------

    pids = st.integers(min_value=0, max_value=10)
    kinds = st.lists(st.sampled_from([1, 500, 1_000, 1_600, 6_000, "poke", "other"]), min_size=1, max_size=2)

    def _until_closed(self, pid):
        closes = self.world.module.proposal(pid).closes_at
        if closes > boa.env.timestamp:
            boa.env.time_travel(seconds=closes - boa.env.timestamp)

    def _pid(self, i):
        if not self.proposals:
            return None
        keys = list(self.proposals)
        return keys[i % len(keys)]

    @rule(kinds=kinds, council=st.booleans())
    def propose(self, kinds, council):
        w = self.world
        actions = self._actions(kinds)
        cell, who = (w.council, w.people["erin"]) if council else (w.ops, w.people["alice"])
        boa.env.time_travel(seconds=1)
        try:
            with boa.env.prank(who):
                pid = w.module.propose(cell, actions, "r")
        except boa.BoaError:
            return
        self.proposals[pid] = {"actions": actions, "cell": "council" if council else "ops"}

    def _objector(self, pid, second):
        w = self.world
        if w.module.proposal(pid).holder == w.council:
            return w.people["dave"], w.council_objector
        return w.people["carol" if second else "bob"], w.ops_objector

    @precondition(lambda self: bool(self.proposals))
    @rule(i=pids, second=st.booleans(), wrong_hat=st.booleans())
    def object(self, i, second, wrong_hat):
        pid = self._pid(i)
        who, hat = self._objector(pid, second)
        if wrong_hat:
            hat = self.world.council_objector if hat == self.world.ops_objector else self.world.ops_objector
        self._try(self.world.module.object, pid, hat, "a reason", sender=who)

    @precondition(lambda self: bool(self.proposals))
    @rule(i=pids, second=st.booleans())
    def withdraw(self, i, second):
        pid = self._pid(i)
        who, _ = self._objector(pid, second)
        self._try(self.world.module.withdraw_objection, pid, sender=who)

    @precondition(lambda self: bool(self.proposals))
    @rule(i=pids, catch_up=st.booleans())
    def escalate(self, i, catch_up):
        pid = self._pid(i)
        if catch_up:
            self._until_closed(pid)
        who = "erin" if self.proposals[pid]["cell"] == "council" else "alice"
        self._try(self.world.module.escalate, pid, sender=self.world.people[who])

    @precondition(lambda self: bool(self.proposals))
    @rule(i=pids)
    def approve(self, i):
        pid = self._pid(i)
        if self._try(self.world.module.approve, pid, sender=self.world.safe.address):
            self.approved.add(pid)

    @precondition(lambda self: bool(self.proposals))
    @rule(i=pids, how=st.sampled_from(["veto", "cancel", "keep", "keep", "keep", "keep"]))
    def drop(self, i, how):
        pid = self._pid(i)
        if how == "veto":
            self._try(self.world.module.veto, pid, "no", sender=self.world.safe.address)
        elif how == "cancel":
            self._try(self.world.module.cancel, pid, sender=self.world.module.proposal(pid).proposer)

    @precondition(lambda self: bool(self.proposals))
    @rule(i=pids)
    def clear(self, i):
        pid = self._pid(i)
        if pid is not None and self._try(self.world.module.clear, pid):
            self.cleared.add(pid)

    @precondition(lambda self: bool(self.proposals))
    @rule(i=pids, kinds=kinds)
    def amend(self, i, kinds):
        pid = self._pid(i)
        if pid is None:
            return
        w = self.world
        actions = self._actions(kinds)
        who = w.people["erin"] if self.proposals[pid]["cell"] == "council" else w.people["alice"]
        boa.env.time_travel(seconds=1)
        try:
            with boa.env.prank(who):
                new = w.module.amend(pid, actions, "amended")
        except boa.BoaError:
            return
        self.proposals[new] = {"actions": actions, "cell": self.proposals[pid]["cell"]}

    @precondition(lambda self: bool(self.proposals))
    @rule(i=pids, forged=st.sampled_from([False, False, False, True]), catch_up=st.sampled_from([True, True, False]))
    def execute(self, i, forged, catch_up):
        pid = self._pid(i)
        if catch_up:
            self._until_closed(pid)
        w = self.world
        m = w.module
        before = m.proposal(pid)
        actions = self.proposals[pid]["actions"]
        if forged:
            actions = actions + [w.poke(1)]
        supplier = w.people["mallory"]
        paid_before = w.token.balanceOf(supplier)
        if not self._try(m.execute, pid, actions, sender=w.people["mallory"]):
            return
        paid = w.token.balanceOf(supplier) - paid_before
        # executed only from PASSED: window closed, no standing objection, in time
        assert before.state == PASSED, before
        assert before.objections == 0
        assert not forged
        # never twice
        assert pid not in self.executed
        self.executed.add(pid)
        if pid in self.approved:
            return
        # inside the holding cell's domain
        holder = "council" if before.holder == w.council else "ops"
        for target, _, data in actions:
            assert target != self.other.address
            if holder == "council":
                assert target == w.token.address
        self.ledger.append((holder, boa.env.timestamp, paid))

    @rule(seconds=st.sampled_from([HOUR, DAY, DAY, 3 * DAY, 31 * DAY]))
    def wait(self, seconds):
        boa.env.time_travel(seconds=seconds)

    # -- invariants -----------------------------------------------------------

    @invariant()
    def spending_within_limits(self):
        w = self.world
        for name, cell in self.cells.items():
            assert w.module.spent(cell, w.token.address) <= LIMITS[name]
            per_period = {}
            for holder, t, amount in self.ledger:
                if holder == name:
                    k = (t - self.start[name]) // PERIOD
                    per_period[k] = per_period.get(k, 0) + amount
            assert all(total <= LIMITS[name] for total in per_period.values()), per_period

    @invariant()
    def live_counts_match(self):
        w = self.world
        for name, cell in self.cells.items():
            live = [
                pid for pid, p in self.proposals.items()
                if p["cell"] == name and pid not in self.cleared and w.module.state(pid) not in FINAL
            ]
            assert w.module.cell(cell).active == len(live)

    @invariant()
    def executed_ones_stay_executed(self):
        for pid in self.executed:
            assert self.world.module.state(pid) == EXECUTED


def test_consent_invariants(world):
    world.as_safe("set_cell", world.ops, world.ops_proposer, 3 * DAY, 7 * DAY, world.council, 4)
    ConsentMachine.world = world
    ConsentMachine.other = deploy(MOCKS / "ConsentTarget.vy")
    ConsentMachine.stats = {}
    run_state_machine_as_test(
        ConsentMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # the run exercised the paths the invariants are about
    stats = ConsentMachine.stats
    print(stats)
    for name in ("execute", "object", "escalate"):
        assert stats.get(name, 0) > 0, (name, stats)
