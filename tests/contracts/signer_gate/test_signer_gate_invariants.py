"""Stateful property test: after any sequence of claims, removals, hat grants and
revocations and reconciliations,

* right after the gate changes the Safe, its threshold is min(required, owner
  count), where required is clamp(valid signers, min, target), or, in recovery
  (the Safe had `min` valid signers once and has fewer now), max(valid, 1);
* the gate is armed exactly when a claim or a reconciliation has seen `min` valid
  signers;
* a payment executes exactly when the Safe's first `threshold` signatures hold at
  least max(required, min) current wearers, so none ever executes with fewer than
  the minimum.
"""

from __future__ import annotations

import boa
from eth_account import Account
from helpers import Sig, attach, deploy_gate, execute
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

POOL = 5  # accounts: index 0 is the deployer, the Safe's initial owner without the hat


class SignerGateMachine(RuleBasedStateMachine):
    safe_contracts = None
    roles = None

    def __init__(self):
        super().__init__()
        self._anchor = boa.env.anchor()
        self._anchor.__enter__()
        self.accounts = [Account.create() for _ in range(POOL)]
        self.recipient = Account.create().address
        self.armed = False

    def teardown(self):
        self._anchor.__exit__(None, None, None)

    @initialize(lo=st.integers(1, 3), extra=st.integers(0, 2), seated=st.integers(0, 2 ** (POOL - 1) - 1), drop_deployer=st.booleans())
    def deploy(self, lo, extra, seated, drop_deployer):
        self.min, self.target = lo, lo + extra
        deployer = self.accounts[0]
        self.safe = self.safe_contracts.new_safe([deployer.address], 1)
        self.gate = deploy_gate(self.safe_contracts, self.safe, self.roles, self.min, self.target)
        attach(self.safe, self.gate, Sig(deployer.address, "ecdsa", deployer))
        boa.env.set_balance(self.safe.address, 10**18)
        for k, account in enumerate(self.accounts[1:]):
            if seated >> k & 1:
                self.roles.grant(account.address)
                with boa.env.prank(account.address):
                    self.gate.claim_signer()
                self._arm()
        if seated and drop_deployer:
            self.gate.remove_signer(deployer.address)
        self._assert_threshold_follows_rule()

    # ------------------------------------------------------------ model

    def _wears(self, address: str) -> bool:
        return self.roles.wears(address)

    def _owners(self) -> list[str]:
        return list(self.safe.getOwners())

    def _valid(self) -> int:
        return sum(self._wears(o) for o in self._owners())

    def _arm(self) -> None:
        self.armed = self.armed or self._valid() >= self.min

    def _required(self) -> int:
        valid = self._valid()
        if self.armed and valid < self.min:
            return max(valid, 1)
        return min(max(valid, self.min), self.target)

    def _assert_threshold_follows_rule(self):
        assert self.safe.getThreshold() == min(self._required(), len(self._owners()))

    # ------------------------------------------------------------ rules

    @rule(i=st.integers(0, POOL - 1))
    def grant(self, i):
        if not self._wears(self.accounts[i].address):
            self.roles.grant(self.accounts[i].address)

    @rule(i=st.integers(0, POOL - 1))
    def revoke(self, i):
        if self._wears(self.accounts[i].address):
            self.roles.revoke(self.accounts[i].address)

    @rule(i=st.integers(0, POOL - 1))
    def claim(self, i):
        who = self.accounts[i].address
        if self._wears(who) and who not in self._owners():
            with boa.env.prank(who):
                self.gate.claim_signer()
            self._arm()
            assert who in self._owners()
            self._assert_threshold_follows_rule()
        else:
            with boa.env.prank(who), boa.reverts():
                self.gate.claim_signer()

    @rule(i=st.integers(0, POOL - 1))
    def remove(self, i):
        who = self.accounts[i].address
        owners = self._owners()
        if who in owners and not self._wears(who) and len(owners) > 1:
            self.gate.remove_signer(who)
            assert who not in self._owners()
            self._assert_threshold_follows_rule()
        else:
            with boa.reverts():
                self.gate.remove_signer(who)

    @rule()
    def reconcile(self):
        self.gate.reconcile_threshold()
        self._arm()
        self._assert_threshold_follows_rule()

    @rule(mask=st.integers(1, 2**POOL - 1), eth_sign=st.booleans())
    def execute(self, mask, eth_sign):
        owners = self._owners()
        signers = [a for k, a in enumerate(self.accounts) if mask >> k & 1 and a.address in owners]
        if not signers:
            return
        signers.sort(key=lambda a: int(a.address, 16))
        threshold = self.safe.getThreshold()
        verified = signers[:threshold]  # the signatures the Safe checks
        counted = sum(self._wears(a.address) for a in verified)
        # in recovery a payment never executes: only calls to the Hats contract do
        expected = len(signers) >= threshold and counted >= self._required() and counted >= self.min
        kind = "eth_sign" if eth_sign else "ecdsa"
        sigs = [Sig(a.address, kind, a) for a in signers]
        before = boa.env.get_balance(self.recipient)
        try:
            execute(self.safe, sigs, self.recipient, 1, sender=signers[0].address)
            done = True
        except boa.BoaError:
            done = False
        assert done == expected, (done, expected, counted, self._required(), threshold, len(signers))
        assert boa.env.get_balance(self.recipient) == before + done

    @invariant()
    def armed_as_modelled(self):
        if hasattr(self, "safe"):
            assert self.gate.armed() == self.armed

    @invariant()
    def safe_threshold_within_owner_count(self):
        if hasattr(self, "safe"):
            assert 1 <= self.safe.getThreshold() <= len(self._owners())


def test_signer_gate_state_machine(safe_contracts, roles):
    SignerGateMachine.safe_contracts = safe_contracts
    SignerGateMachine.roles = roles
    run_state_machine_as_test(
        SignerGateMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
