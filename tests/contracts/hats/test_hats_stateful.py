"""Stateful property tests of Hats.vy against a small Python model.

Invariants: only admins create and mint (every call succeeds exactly when
the model says the caller is an admin and the other conditions hold);
supply never exceeds maxSupply and equals the number of holders; balances
are 0 or 1 and match the model; an inactive hat has no wearers; linked
trees stay acyclic.
"""

import boa
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from hats_helpers import ELIGIBILITY_EOA, TOGGLE_EOA

ACTORS = 4
CONTEXT = {}


def domain(hat_id):
    return hat_id >> 224


def local_level(hat_id):
    low = hat_id & (2**224 - 1)
    if low == 0:
        return 0
    level = 14
    while low & 0xFFFF == 0:
        low >>= 16
        level -= 1
    return level


def admin_at(hat_id, level):
    return hat_id & (((1 << 256) - 1) << (16 * (14 - level)))


class HatsMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        self.hats = CONTEXT["hats"]
        self.module = CONTEXT["module"]
        self.actors = CONTEXT["actors"]
        self.anchor = boa.env.anchor()
        self.anchor.__enter__()
        self.ids = []  # created hats, in order
        self.max = {}
        self.holders = {}
        self.moduled = set()
        self.inactive = set()  # moduled hats the module switched off
        self.ineligible = set()  # (hat, actor) pairs the module rules out
        self.links = {}  # domain -> admin hat

    def teardown(self):
        if hasattr(self, "anchor"):
            self.anchor.__exit__(None, None, None)

    # model

    def wears(self, user, hat):
        return (user in self.holders.get(hat, set()) and hat not in self.inactive
                and (hat, user) not in self.ineligible)

    def is_admin(self, user, hat):
        if local_level(hat) == 0:
            linked = self.links.get(domain(hat), 0)
            if linked == 0:
                return self.wears(user, hat)
            hat, levels = linked, local_level(linked) + 1
        else:
            levels = local_level(hat)
        while True:
            if any(self.wears(user, admin_at(hat, lv)) for lv in range(levels)):
                return True
            linked = self.links.get(domain(hat), 0)
            if linked == 0:
                return False
            hat, levels = linked, local_level(linked) + 1

    def reaches(self, start_domain, target_domain):
        current, seen = start_domain, set()
        while current not in seen:
            if current == target_domain:
                return True
            seen.add(current)
            linked = self.links.get(current, 0)
            if linked == 0:
                return False
            current = domain(linked)
        raise AssertionError("cycle in the model")

    # rules

    @rule(actor=st.integers(0, ACTORS - 1))
    def mint_top_hat(self, actor):
        hat = self.hats.mintTopHat(self.actors[actor], "t", "")
        self.ids.append(hat)
        self.max[hat] = 1
        self.holders[hat] = {self.actors[actor]}

    @rule(sender=st.integers(0, ACTORS - 1), pick=st.integers(0, 50), max_supply=st.integers(0, 3),
          moduled=st.booleans())
    def create_hat(self, sender, pick, max_supply, moduled):
        if not self.ids:
            return
        admin = self.ids[pick % len(self.ids)]
        if local_level(admin) >= 3:
            return
        new_id = self.hats.getNextId(admin)
        elig = self.module.address if moduled else ELIGIBILITY_EOA
        tog = self.module.address if moduled else TOGGLE_EOA
        expected = self.is_admin(self.actors[sender], new_id)
        if expected:
            got = self.hats.createHat(admin, "h", max_supply, elig, tog, True, "", sender=self.actors[sender])
            assert got == new_id
            self.ids.append(new_id)
            self.max[new_id] = max_supply
            self.holders[new_id] = set()
            if moduled:
                self.moduled.add(new_id)
        else:
            with boa.reverts("hats: caller is not an admin of the hat"):
                self.hats.createHat(admin, "h", max_supply, elig, tog, True, "", sender=self.actors[sender])

    @rule(sender=st.integers(0, ACTORS - 1), pick=st.integers(0, 50), wearer=st.integers(0, ACTORS - 1))
    def mint_hat(self, sender, pick, wearer):
        if not self.ids:
            return
        hat = self.ids[pick % len(self.ids)]
        user = self.actors[wearer]
        ok = ((hat, user) not in self.ineligible and hat not in self.inactive
              and self.is_admin(self.actors[sender], hat) and len(self.holders[hat]) < self.max[hat]
              and user not in self.holders[hat])
        if ok:
            self.hats.mintHat(hat, user, sender=self.actors[sender])
            self.holders[hat].add(user)
        else:
            with boa.reverts():
                self.hats.mintHat(hat, user, sender=self.actors[sender])

    @rule(pick=st.integers(0, 50), active=st.booleans())
    def toggle(self, pick, active):
        if not self.moduled:
            return
        hat = sorted(self.moduled)[pick % len(self.moduled)]
        self.module.set_hat_status(hat, active)
        (self.inactive.discard if active else self.inactive.add)(hat)

    @rule(pick=st.integers(0, 50), actor=st.integers(0, ACTORS - 1), eligible=st.booleans())
    def rule_on_wearer(self, pick, actor, eligible):
        if not self.moduled:
            return
        hat = sorted(self.moduled)[pick % len(self.moduled)]
        self.module.set_wearer_status(self.actors[actor], hat, eligible, True)
        (self.ineligible.discard if eligible else self.ineligible.add)((hat, self.actors[actor]))

    @rule(pick=st.integers(0, 50), actor=st.integers(0, ACTORS - 1))
    def check_wearer(self, pick, actor):
        if not self.moduled:
            return
        hat = sorted(self.moduled)[pick % len(self.moduled)]
        user = self.actors[actor]
        self.hats.checkHatWearerStatus(hat, user)
        if (hat, user) in self.ineligible:
            self.holders[hat].discard(user)

    @rule(pick=st.integers(0, 50), actor=st.integers(0, ACTORS - 1))
    def renounce(self, pick, actor):
        if not self.ids:
            return
        hat = self.ids[pick % len(self.ids)]
        user = self.actors[actor]
        if user in self.holders[hat]:
            self.hats.renounceHat(hat, sender=user)
            self.holders[hat].discard(user)
        else:
            with boa.reverts("hats: caller does not wear the hat"):
                self.hats.renounceHat(hat, sender=user)

    @rule(top_pick=st.integers(0, 50), admin_pick=st.integers(0, 50), approver=st.integers(0, ACTORS - 1))
    def link(self, top_pick, admin_pick, approver):
        tops = [h for h in self.ids if local_level(h) == 0 and self.links.get(domain(h), 0) == 0]
        if not tops or not self.ids:
            return
        top = tops[top_pick % len(tops)]
        admin = self.ids[admin_pick % len(self.ids)]
        requesters = [a for a in self.actors if self.is_admin(a, top)]
        if not requesters:
            return
        self.hats.requestLinkTopHatToTree(domain(top), admin, sender=requesters[0])
        child = admin | (1 << (16 * (13 - local_level(admin))))
        approving = self.is_admin(self.actors[approver], child)
        circular = self.reaches(domain(admin), domain(top))
        args = (domain(top), admin, "0x" + "00" * 20, "0x" + "00" * 20, "", "")
        if approving and not circular:
            try:
                self.hats.approveLinkTopHatToTree(*args, sender=self.actors[approver])
            except boa.BoaError as error:  # only the documented depth bound may refuse
                assert "nest too deep" in str(error)
                return
            self.links[domain(top)] = admin
        else:
            with boa.reverts():
                self.hats.approveLinkTopHatToTree(*args, sender=self.actors[approver])

    # invariants

    @invariant()
    def supply_and_balances(self):
        if not hasattr(self, "ids"):
            return
        for hat in self.ids:
            supply = self.hats.hatSupply(hat)
            assert supply == len(self.holders[hat]) <= self.max[hat]
            active = self.hats.isActive(hat)
            assert active == (hat not in self.inactive)
            for user in self.actors:
                balance = self.hats.balanceOf(user, hat)
                assert balance in (0, 1)
                assert balance == int(self.wears(user, hat))
                if not active:
                    assert balance == 0

    @invariant()
    def admins_match_the_model(self):
        if not hasattr(self, "ids"):
            return
        for hat in self.ids[-4:]:
            for user in self.actors:
                assert self.hats.isAdminOfHat(user, hat) == self.is_admin(user, hat)

    @invariant()
    def links_are_acyclic(self):
        if not hasattr(self, "ids"):
            return
        domains = {domain(h) for h in self.ids}
        for d in domains:
            current, steps = d, 0
            while (linked := self.hats.linkedTreeAdmins(current)) != 0:
                current = domain(linked)
                steps += 1
                assert steps <= len(domains), "cycle in linked trees"
            assert self.hats.getTippyTopHatDomain(d) == current


def test_hats_state_machine(hats, module, accounts):
    CONTEXT.update(hats=hats, module=module, actors=accounts[:ACTORS])
    HatsMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(HatsMachine, settings=HatsMachine.TestCase.settings)
