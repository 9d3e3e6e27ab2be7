"""Stateful property tests of Hats.vy against a small Python model.

Invariants: only admins create and mint (every call succeeds exactly when
the model says the caller is an admin and the other conditions hold);
supply never exceeds maxSupply and equals the number of holders; balances
are 0 or 1 and match the model; an inactive hat has no wearers; linked
trees stay acyclic; a link is refused as too deep exactly when it would make
a chain of more than 16 trees, and every tree's stored height (its counts of
the trees linked directly below it) matches the links, through links,
unlinks and moves.
"""

import boa
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from hats_helpers import ELIGIBILITY_EOA, TOGGLE_EOA, height_of, reverts_with, stored_link_counts

ACTORS = 4
CONTEXT = {}
MAX_TREE_CHAIN = 16
ZERO = "0x" + "00" * 20


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


def model_depth(links, d):
    """Trees from `d` up to its tippy top tree, both included."""
    n = 1
    while (linked := links.get(d, 0)) != 0:
        d, n = domain(linked), n + 1
    return n


def model_height(links, d):
    """Trees in the longest chain of trees linked below `d`."""
    below = [c for c, admin in links.items() if admin != 0 and domain(admin) == d]
    return max((1 + model_height(links, c) for c in below), default=0)


def check_heights(hats, domains, links):
    """Each tree's stored counts of the trees linked directly below it, by
    height, are those of the links (and so is its height)."""
    stored = stored_link_counts(hats)
    for d in domains:
        assert hats.linkedTreeAdmins(d) == links.get(d, 0)
        below = [c for c, admin in links.items() if admin != 0 and domain(admin) == d]
        expected = [sum(1 for c in below if model_height(links, c) == h) for h in range(15)]
        assert stored.get(d, [0] * 15) == expected
        assert height_of(expected) == model_height(links, d)


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

    def depth(self, d):
        return model_depth(self.links, d)

    def height(self, d):
        return model_height(self.links, d)

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
            with reverts_with("NotAdmin", self.actors[sender], self.hats.getNextId(admin)):
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
            with reverts_with("NotHatWearer"):
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
        args = (domain(top), admin, ZERO, ZERO, "", "")
        if approving and not circular:
            if self.depth(domain(admin)) + 1 + self.height(domain(top)) > MAX_TREE_CHAIN:
                with boa.reverts("hats: linked trees would nest too deep"):
                    self.hats.approveLinkTopHatToTree(*args, sender=self.actors[approver])
                return
            self.hats.approveLinkTopHatToTree(*args, sender=self.actors[approver])
            self.links[domain(top)] = admin
        else:
            with boa.reverts():
                self.hats.approveLinkTopHatToTree(*args, sender=self.actors[approver])

    @rule(pick=st.integers(0, 50), sender=st.integers(0, ACTORS - 1))
    def unlink(self, pick, sender):
        linked = sorted(d for d, admin in self.links.items() if admin != 0)
        if not linked:
            return
        d = linked[pick % len(linked)]
        top = d << 224
        wearers = [a for a in self.actors if self.wears(a, top)]
        if wearers and self.is_admin(self.actors[sender], top):
            self.hats.unlinkTopHatFromTree(d, wearers[0], sender=self.actors[sender])
            self.links[d] = 0
        else:
            with boa.reverts():
                self.hats.unlinkTopHatFromTree(d, wearers[0] if wearers else self.actors[0],
                                               sender=self.actors[sender])

    @rule(pick=st.integers(0, 50), admin_pick=st.integers(0, 50), sender=st.integers(0, ACTORS - 1))
    def relink(self, pick, admin_pick, sender):
        # who may move a tree where is not modelled: a move either happens or
        # reverts, and the model follows what the contract did
        linked = sorted(d for d, admin in self.links.items() if admin != 0)
        if not linked:
            return
        d = linked[pick % len(linked)]
        admin = self.ids[admin_pick % len(self.ids)]
        try:
            self.hats.relinkTopHatWithinTree(d, admin, ZERO, ZERO, "", "", sender=self.actors[sender])
        except boa.BoaError:
            return
        assert not self.reaches(domain(admin), d)
        assert self.depth(domain(admin)) + 1 + self.height(d) <= MAX_TREE_CHAIN
        self.links[d] = admin

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
    def heights_match_the_links(self):
        if not hasattr(self, "ids"):
            return
        check_heights(self.hats, {domain(h) for h in self.ids}, self.links)

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


class LinkMachine(RuleBasedStateMachine):
    """Trees linked, unlinked and moved at random, every one worn by one actor
    (so every link may be approved and every move made), with a rule that
    grows the deepest chain so that the 16-tree bound is reached: each link
    and move succeeds exactly when it makes no circle and no chain of more than
    16 trees, and each tree's stored counts follow the links."""

    TREES = 20

    @initialize()
    def setup(self):
        self.hats = CONTEXT["hats"]
        self.who = CONTEXT["actors"][0]
        self.anchor = boa.env.anchor()
        self.anchor.__enter__()
        self.tops = [self.hats.mintTopHat(self.who, "t", "") for _ in range(self.TREES)]
        self.links = {}

    def teardown(self):
        if hasattr(self, "anchor"):
            self.anchor.__exit__(None, None, None)

    def tippy(self, d):
        while (linked := self.links.get(d, 0)) != 0:
            d = domain(linked)
        return d

    def circular(self, d, admin):
        current = domain(admin)
        while current != d:
            linked = self.links.get(current, 0)
            if linked == 0:
                return False
            current = domain(linked)
        return True

    def too_deep(self, d, admin):
        return model_depth(self.links, domain(admin)) + 1 + model_height(self.links, d) > MAX_TREE_CHAIN

    def _link(self, d, admin):
        self.hats.requestLinkTopHatToTree(d, admin, sender=self.who)
        args = (d, admin, ZERO, ZERO, "", "")
        if self.circular(d, admin):
            with reverts_with("CircularLinkage"):
                self.hats.approveLinkTopHatToTree(*args, sender=self.who)
        elif self.too_deep(d, admin):
            with boa.reverts("hats: linked trees would nest too deep"):
                self.hats.approveLinkTopHatToTree(*args, sender=self.who)
        else:
            self.hats.approveLinkTopHatToTree(*args, sender=self.who)
            self.links[d] = admin

    @rule(pick=st.integers(0, TREES - 1), admin_pick=st.integers(0, TREES - 1))
    def link(self, pick, admin_pick):
        d = domain(self.tops[pick])
        if self.links.get(d, 0) == 0:
            self._link(d, self.tops[admin_pick])

    @rule(pick=st.integers(0, TREES - 1))
    def link_under_the_deepest(self, pick):
        d = domain(self.tops[pick])
        if self.links.get(d, 0) == 0:
            deepest = max(self.tops, key=lambda t: model_depth(self.links, domain(t)))
            self._link(d, deepest)

    @rule(pick=st.integers(0, TREES - 1))
    def unlink(self, pick):
        d = domain(self.tops[pick])
        if self.links.get(d, 0) != 0:
            self.hats.unlinkTopHatFromTree(d, self.who, sender=self.who)
            self.links[d] = 0

    @rule(pick=st.integers(0, TREES - 1), admin_pick=st.integers(0, TREES - 1))
    def relink(self, pick, admin_pick):
        d, admin = domain(self.tops[pick]), self.tops[admin_pick]
        if self.links.get(d, 0) == 0:
            return
        args = (d, admin, ZERO, ZERO, "", "")
        if self.circular(d, admin):
            with reverts_with("CircularLinkage"):
                self.hats.relinkTopHatWithinTree(*args, sender=self.who)
        elif self.tippy(d) != self.tippy(domain(admin)):
            with reverts_with("CrossTreeLinkage"):
                self.hats.relinkTopHatWithinTree(*args, sender=self.who)
        elif self.too_deep(d, admin):
            with boa.reverts("hats: linked trees would nest too deep"):
                self.hats.relinkTopHatWithinTree(*args, sender=self.who)
        else:
            self.hats.relinkTopHatWithinTree(*args, sender=self.who)
            self.links[d] = admin

    @rule(pick=st.integers(0, TREES - 1), admin_pick=st.integers(0, 50))
    def relink_within_the_tree_of_trees(self, pick, admin_pick):
        d = domain(self.tops[pick])
        if self.links.get(d, 0) == 0:
            return
        same = [t for t in self.tops if self.tippy(domain(t)) == self.tippy(d)]
        self.relink(pick, self.tops.index(same[admin_pick % len(same)]))

    @invariant()
    def heights_match_the_links(self):
        if hasattr(self, "tops"):
            check_heights(self.hats, {domain(t) for t in self.tops}, self.links)


def test_link_state_machine(hats, accounts):
    CONTEXT.update(hats=hats, actors=accounts[:ACTORS])
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(LinkMachine, settings=settings(max_examples=20, stateful_step_count=60,
                                                             deadline=None))
