"""Tree linking: request, approve, unlink, relink; circular and cross-tree links refused."""

import boa
import pytest
from hats_helpers import ZERO, create, mint, reverts_with, stored_height


@pytest.fixture
def trees(hats, top, top_wearer, accounts):
    """Tree A (top, worn by top_wearer) with hat a1 worn by accounts[1]; trees B and C."""
    a1 = create(hats, top_wearer, top)
    mint(hats, top_wearer, a1, accounts[1])
    b = hats.mintTopHat(accounts[2], "tree b", "")
    c = hats.mintTopHat(accounts[3], "tree c", "")
    return a1, b, c


def domain(hat_id):
    return hat_id >> 224


def link(hats, child_top, admin_hat, child_wearer, approver):
    hats.requestLinkTopHatToTree(domain(child_top), admin_hat, sender=child_wearer)
    hats.approveLinkTopHatToTree(domain(child_top), admin_hat, ZERO, ZERO, "", "", sender=approver)


def test_request_and_approve_link(hats, top, top_wearer, trees, accounts, module):
    a1, b, c = trees
    hats.requestLinkTopHatToTree(domain(b), a1, sender=accounts[2])
    (log,) = hats.get_logs()
    assert (log.domain, log.newAdmin) == (domain(b), a1)
    assert hats.linkedTreeRequests(domain(b)) == a1
    hats.approveLinkTopHatToTree(domain(b), a1, module.address, module.address, "linked b", "ipfs://b",
                                 sender=accounts[1])
    assert [type(e).__name__ for e in hats.get_logs()] == [
        "HatEligibilityChanged", "HatToggleChanged", "HatDetailsChanged", "HatImageURIChanged", "TopHatLinked"
    ]
    assert hats.linkedTreeAdmins(domain(b)) == a1
    assert hats.linkedTreeRequests(domain(b)) == 0
    assert not hats.isTopHat(b) and hats.isLocalTopHat(b)
    assert hats.getHatLevel(b) == 2
    assert hats.getTippyTopHatDomain(domain(b)) == domain(top)
    assert hats.viewHat(b)[0] == "linked b" and hats.getImageURIForHat(b) == "ipfs://b"
    assert hats.getHatEligibilityModule(b) == module.address
    # admins of a1 and a1's wearer now administer tree b; b's wearer does not
    b1 = create(hats, accounts[1], b)
    assert hats.isAdminOfHat(top_wearer, b1) and hats.isAdminOfHat(accounts[1], b)
    assert hats.isAdminOfHat(accounts[2], b1)  # the local top hat's wearer administers its tree
    assert not hats.isAdminOfHat(accounts[2], b)
    assert hats.getAdminAtLevel(b1, 0) == top and hats.getAdminAtLevel(b1, 1) == a1
    assert hats.getAdminAtLevel(b1, 2) == b and hats.getAdminAtLevel(b1, 3) == b1
    assert hats.getHatLevel(b1) == 3


def test_linked_top_hat_wearer_cannot_request(hats, trees, accounts):
    a1, b, c = trees
    link(hats, b, a1, accounts[2], accounts[1])
    with reverts_with("NotAdmin", accounts[2], domain(b) << 224):
        hats.requestLinkTopHatToTree(domain(b), a1, sender=accounts[2])


def test_link_reverts(hats, top, top_wearer, trees, accounts):
    a1, b, c = trees
    with reverts_with("NotAdmin", accounts[1], domain(b) << 224):
        hats.requestLinkTopHatToTree(domain(b), a1, sender=accounts[1])
    with reverts_with("LinkageNotRequested"):
        hats.approveLinkTopHatToTree(domain(b), a1, ZERO, ZERO, "", "", sender=accounts[1])
    hats.requestLinkTopHatToTree(domain(b), a1, sender=accounts[2])
    with reverts_with("NotAdmin", accounts[3], hats.buildHatId(a1, 1)):
        hats.approveLinkTopHatToTree(domain(b), a1, ZERO, ZERO, "", "", sender=accounts[3])


def test_circular_link_refused(hats, top, top_wearer, trees, accounts):
    a1, b, c = trees
    link(hats, b, a1, accounts[2], accounts[1])
    # tree A under tree B's top hat would make a circle
    assert not hats.noCircularLinkage(domain(top), b)
    assert not hats.noCircularLinkage(domain(top), a1)
    assert hats.noCircularLinkage(domain(top), c) and hats.noCircularLinkage(domain(top), 0)
    hats.requestLinkTopHatToTree(domain(top), b, sender=top_wearer)
    with reverts_with("CircularLinkage"):
        hats.approveLinkTopHatToTree(domain(top), b, ZERO, ZERO, "", "", sender=accounts[2])


def test_unlink(hats, top, top_wearer, trees, accounts, module):
    a1, b, c = trees
    hats.requestLinkTopHatToTree(domain(b), a1, sender=accounts[2])
    hats.approveLinkTopHatToTree(domain(b), a1, module.address, module.address, "", "", sender=accounts[1])
    with reverts_with("InvalidUnlink"):
        hats.unlinkTopHatFromTree(domain(b), accounts[5], sender=accounts[1])
    with reverts_with("InvalidUnlink"):
        hats.unlinkTopHatFromTree(domain(b), ZERO, sender=accounts[1])
    with reverts_with("NotAdmin", accounts[2], domain(b) << 224):
        hats.unlinkTopHatFromTree(domain(b), accounts[2], sender=accounts[2])
    hats.unlinkTopHatFromTree(domain(b), accounts[2], sender=accounts[1])
    (log,) = hats.get_logs()
    assert (log.domain, log.newAdmin) == (domain(b), 0)
    assert hats.isTopHat(b) and hats.linkedTreeAdmins(domain(b)) == 0
    assert hats.getHatEligibilityModule(b) == ZERO and hats.getHatToggleModule(b) == ZERO
    assert hats.isAdminOfHat(accounts[2], b)


def test_relink_within_tree(hats, top, top_wearer, trees, accounts):
    a1, b, c = trees
    a2 = create(hats, top_wearer, top)
    link(hats, b, a1, accounts[2], accounts[1])
    hats.relinkTopHatWithinTree(domain(b), a2, ZERO, ZERO, "moved", "", sender=top_wearer)
    assert [type(e).__name__ for e in hats.get_logs()] == ["HatDetailsChanged", "TopHatLinked"]
    assert hats.linkedTreeAdmins(domain(b)) == a2
    assert hats.viewHat(b)[0] == "moved"
    # the wearer of the old admin hat is no longer an admin of b, so cannot relink
    with reverts_with("NotAdmin", accounts[1], domain(b) << 224):
        hats.relinkTopHatWithinTree(domain(b), a1, ZERO, ZERO, "", "", sender=accounts[1])


def test_cross_tree_relink_refused(hats, top, top_wearer, trees, accounts):
    a1, b, c = trees
    # tree C is linked under a1 too; a1's wearer (not the tippy top wearer)
    # may move B only within A's tree; C is another tree
    link(hats, b, a1, accounts[2], accounts[1])
    c1 = create(hats, accounts[3], c)
    mint(hats, accounts[3], c1, accounts[1])
    with reverts_with("CrossTreeLinkage"):
        hats.relinkTopHatWithinTree(domain(b), c1, ZERO, ZERO, "", "", sender=accounts[1])
    # even the tippy top hat's wearer cannot move B into an unrelated tree
    mint(hats, accounts[3], c1, top_wearer)
    assert not hats.sameTippyTopHatDomain(domain(b), c1)
    with reverts_with("CrossTreeLinkage"):
        hats.relinkTopHatWithinTree(domain(b), c1, ZERO, ZERO, "", "", sender=top_wearer)
    # but within the same tree of trees it may
    link(hats, c, a1, accounts[3], accounts[1])
    assert hats.sameTippyTopHatDomain(domain(b), c1)
    hats.relinkTopHatWithinTree(domain(b), c1, ZERO, ZERO, "", "", sender=top_wearer)
    assert hats.getTippyTopHatDomain(domain(b)) == domain(top)
    assert hats.getHatLevel(b) == 4


def test_link_under_a_last_level_hat(hats, top, top_wearer, accounts):
    hat = top
    for _ in range(14):
        hat = create(hats, top_wearer, hat)
    mint(hats, top_wearer, hat, accounts[4])
    other = hats.mintTopHat(accounts[5], "", "")
    hats.requestLinkTopHatToTree(domain(other), hat, sender=accounts[5])
    with reverts_with("NotAdminOrWearer"):
        hats.approveLinkTopHatToTree(domain(other), hat, ZERO, ZERO, "", "", sender=accounts[6])
    hats.approveLinkTopHatToTree(domain(other), hat, ZERO, ZERO, "", "", sender=accounts[4])
    assert hats.getHatLevel(other) == 15
    assert hats.isAdminOfHat(top_wearer, other)


def test_chain_depth_is_bounded(hats, accounts):
    # a chain of linked trees holds at most 16 trees
    tops = [hats.mintTopHat(accounts[1], "", "") for _ in range(17)]
    for parent, child in zip(tops[:15], tops[1:16]):
        link(hats, child, parent, accounts[1], accounts[1])
    assert hats.getTippyTopHatDomain(domain(tops[15])) == domain(tops[0])
    assert hats.getHatLevel(tops[15]) == 15
    hats.requestLinkTopHatToTree(domain(tops[16]), tops[15], sender=accounts[1])
    with boa.reverts("hats: linked trees would nest too deep"):
        hats.approveLinkTopHatToTree(domain(tops[16]), tops[15], ZERO, ZERO, "", "", sender=accounts[1])
    # and a tree with trees below it counts them too
    extra = hats.mintTopHat(accounts[1], "", "")
    link(hats, tops[16], extra, accounts[1], accounts[1])
    hats.requestLinkTopHatToTree(domain(extra), tops[14], sender=accounts[1])
    with boa.reverts("hats: linked trees would nest too deep"):
        hats.approveLinkTopHatToTree(domain(extra), tops[14], ZERO, ZERO, "", "", sender=accounts[1])


def test_attack_stale_link_request_approved_after_top_hat_handover(hats, accounts):
    """The deployer files a link request for the org's tree under a hat of its
    own tree, hands the top hat to the Safe, then approves its own request:
    it would become admin of the whole tree. The hand-over withdraws it."""
    deployer, safe, member = accounts[6], accounts[7], accounts[8]
    org = hats.mintTopHat(deployer, "org", "")
    org_role = create(hats, deployer, org)
    mint(hats, deployer, org_role, member)
    own = hats.mintTopHat(deployer, "the deployer's own tree", "")
    own_hat = create(hats, deployer, own)
    mint(hats, deployer, own_hat, deployer)
    hats.requestLinkTopHatToTree(domain(org), own_hat, sender=deployer)
    assert hats.linkedTreeRequests(domain(org)) == own_hat

    hats.transferHat(org, deployer, safe, sender=deployer)  # the hand-over
    transfer, withdrawn = hats.get_logs()
    assert type(transfer).__name__ == "TransferSingle" and transfer.receiver == safe
    assert type(withdrawn).__name__ == "TopHatLinkRequested"
    assert (withdrawn.domain, withdrawn.newAdmin) == (domain(org), 0)
    assert hats.linkedTreeRequests(domain(org)) == 0

    with reverts_with("LinkageNotRequested"):
        hats.approveLinkTopHatToTree(domain(org), own_hat, ZERO, ZERO, "", "", sender=deployer)
    assert hats.linkedTreeAdmins(domain(org)) == 0 and hats.isTopHat(org)
    assert not hats.isAdminOfHat(deployer, org) and not hats.isAdminOfHat(deployer, org_role)
    assert hats.isAdminOfHat(safe, org_role)
    # the new wearer may still ask for a link of its own
    hats.requestLinkTopHatToTree(domain(org), own_hat, sender=safe)
    hats.approveLinkTopHatToTree(domain(org), own_hat, ZERO, ZERO, "", "", sender=deployer)
    assert hats.linkedTreeAdmins(domain(org)) == own_hat


def test_top_hat_transfer_without_a_request_logs_no_withdrawal(hats, top, top_wearer, accounts):
    hats.transferHat(top, top_wearer, accounts[3], sender=top_wearer)
    assert [type(e).__name__ for e in hats.get_logs()] == ["TransferSingle"]
    # a request for admin 0 withdraws one, as in Hats Protocol
    hats.requestLinkTopHatToTree(domain(top), top | (1 << 208), sender=accounts[3])
    hats.requestLinkTopHatToTree(domain(top), 0, sender=accounts[3])
    assert hats.linkedTreeRequests(domain(top)) == 0


def chain_below(hats, admin_hat, n, who):
    """Link `n` new trees worn by `who` one below the other, the first under
    `admin_hat` (which `who` must wear); returns their top hats."""
    tops = []
    for _ in range(n):
        tops.append(hats.mintTopHat(who, "throw-away", ""))
        link(hats, tops[-1], admin_hat, who, who)
        admin_hat = tops[-1]
    return tops


def test_attack_throwaway_chain_blocks_linking_forever(hats, top, top_wearer, accounts):
    """A member links a throw-away chain of 15 trees below their hat, the
    longest a chain may be, and unlinks it at once: the tree's height used
    to stay 15, so it could never again be linked under anything."""
    member = accounts[4]
    role = create(hats, top_wearer, top)
    mint(hats, top_wearer, role, member)
    throwaway = chain_below(hats, role, 15, member)
    assert hats.getHatLevel(throwaway[-1]) == 16 and stored_height(hats, domain(top)) == 15
    hats.unlinkTopHatFromTree(domain(throwaway[0]), member, sender=member)
    assert stored_height(hats, domain(top)) == 0

    parent_org = hats.mintTopHat(accounts[5], "parent org", "")
    link(hats, top, parent_org, top_wearer, accounts[5])  # refused before the fix: nest too deep
    assert hats.linkedTreeAdmins(domain(top)) == parent_org
    assert hats.isAdminOfHat(accounts[5], role)
    # the unlinked chain still counts its own 14 trees below it
    assert stored_height(hats, domain(throwaway[0])) == 14 and stored_height(hats, domain(parent_org)) == 1
    hats.requestLinkTopHatToTree(domain(throwaway[0]), top, sender=member)
    with boa.reverts("hats: linked trees would nest too deep"):
        hats.approveLinkTopHatToTree(domain(throwaway[0]), top, ZERO, ZERO, "", "", sender=top_wearer)


def test_unlinking_the_longest_chain_leaves_the_next_longest(hats, top, top_wearer, accounts):
    member = accounts[4]
    roles = [create(hats, top_wearer, top) for _ in range(3)]
    for role in roles:
        mint(hats, top_wearer, role, member)
    short = chain_below(hats, roles[0], 5, member)
    also_short = chain_below(hats, roles[1], 5, member)
    long = chain_below(hats, roles[2], 10, member)
    assert stored_height(hats, domain(top)) == 10
    hats.unlinkTopHatFromTree(domain(long[0]), member, sender=member)
    assert stored_height(hats, domain(top)) == 5  # two chains of 5 are left
    hats.unlinkTopHatFromTree(domain(short[0]), member, sender=member)
    assert stored_height(hats, domain(top)) == 5
    # cutting a chain in the middle lowers every tree above the cut
    hats.unlinkTopHatFromTree(domain(also_short[2]), member, sender=member)
    assert [stored_height(hats, domain(t)) for t in [top, *also_short]] == [2, 1, 0, 2, 1, 0]
    # exactly at the bound: 13 trees down to the new admin, tree A, and its 2 below
    root = hats.mintTopHat(member, "root", "")
    above = chain_below(hats, root, 12, member)
    hats.requestLinkTopHatToTree(domain(top), above[-1], sender=top_wearer)
    hats.approveLinkTopHatToTree(domain(top), above[-1], ZERO, ZERO, "", "", sender=member)
    assert hats.getHatLevel(also_short[1]) == 16 and stored_height(hats, domain(root)) == 15


def test_moving_a_chain_lowers_the_tree_it_leaves(hats, top, top_wearer, accounts):
    member = accounts[4]
    p = hats.mintTopHat(member, "tree p", "")
    q = hats.mintTopHat(member, "tree q", "")
    role = create(hats, top_wearer, top)
    mint(hats, top_wearer, role, member)
    link(hats, p, role, member, member)
    link(hats, q, role, member, member)
    chain = chain_below(hats, p, 6, member)
    assert [stored_height(hats, domain(t)) for t in (top, p, q)] == [7, 6, 0]
    hats.relinkTopHatWithinTree(domain(chain[0]), q, ZERO, ZERO, "", "", sender=top_wearer)
    assert [stored_height(hats, domain(t)) for t in (top, p, q)] == [7, 0, 6]
    hats.relinkTopHatWithinTree(domain(chain[0]), role, ZERO, ZERO, "", "", sender=top_wearer)
    assert [stored_height(hats, domain(t)) for t in (top, p, q)] == [6, 0, 0]
    # a move within one tree changes no height
    other_role = create(hats, top_wearer, top)
    hats.relinkTopHatWithinTree(domain(chain[0]), other_role, ZERO, ZERO, "", "", sender=top_wearer)
    assert [stored_height(hats, domain(t)) for t in (top, chain[0])] == [6, 5]
