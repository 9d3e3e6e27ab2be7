"""Gasless participation through the SDK, on ape's embedded chain: a member signs
a proposal or an objection (EIP-712), another account relays it through the
ConsentForwarder, and the module acts for the signer. The organisation is the
one of test_consent.py (its module trusts a forwarder)."""

from __future__ import annotations

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from test_consent import Org, travel

from opgov import consent
from opgov.errors import ConsentError
from opgov.forwarder import ConsentRequest

USDC = 10**6


@pytest.fixture(scope="module")
def org(accounts):
    return Org(accounts)


def test_signed_objection_relayed_by_someone_without_hats(org, accounts):
    c = org.client
    pid = c.propose(org.workshop, [consent.pay(org.usdc.address, "90 USDC", accounts[9].address)], "a new drill",
                    sender=org.alice)
    req = c.object_request(pid, "we can borrow one", signer=org.bob.address)
    typed = c.typed_data(req)
    assert typed["primaryType"] == "ConsentRequest" and typed["domain"]["verifyingContract"] == org.forwarder.address
    sig = c.sign_request(req, org.bob)
    assert Account.recover_message(encode_typed_data(full_message=typed), signature=sig) == org.bob.address
    c.relay(req, sig, sender=org.eve)  # eve wears no hat and pays the gas
    p = c.proposal(pid)
    assert p.state == consent.OBJECTED and p.standing[0].objector == org.bob.address
    assert p.standing[0].reason == "we can borrow one"

    with pytest.raises(ConsentError, match="already relayed"):
        c.relay(req, sig, sender=org.eve)

    wd = c.withdraw_request(pid, signer=org.bob.address)
    c.relay(wd, c.sign_request(wd, org.bob), sender=org.eve)
    assert c.proposal(pid).state == consent.OPEN


def test_signed_proposal_is_the_signers(org, accounts):
    c = org.client
    req = c.propose_request(org.workshop, [consent.pay(org.usdc.address, "12 USDC", accounts[9].address)],
                            "glue", signer=org.alice.address)
    receipt = c.relay(req, c.sign_request(req, org.alice), sender=org.eve)
    created = receipt.decode_logs(c.contract.ProposalCreated)[0]
    assert created.proposer == org.alice.address
    assert c.proposal(int(created.proposal_id)).rationale == "glue"


def test_relay_refusals_say_what_to_do(org, accounts):
    c = org.client
    pid = c.propose(org.workshop, [consent.pay(org.usdc.address, "5 USDC", accounts[9].address)], "tape",
                    sender=org.alice)
    # the SDK checks before signing: eve wears no objector hat
    with pytest.raises(ConsentError, match="objector hat"):
        c.object_request(pid, "no", signer=org.eve.address)
    req = c.object_request(pid, "later", signer=org.bob.address, valid_for=3600)
    with pytest.raises(ConsentError, match="to sign, not"):
        c.sign_request(req, org.alice)
    with pytest.raises(ConsentError, match="is not .*'s"):
        c.relay(req, c.sign_request(ConsentRequest(org.alice.address, req.module, req.data, 0, req.deadline),
                                    org.alice), sender=org.eve)
    elsewhere = ConsentRequest(req.signer, org.usdc.address, req.data, req.nonce, req.deadline)
    with pytest.raises(ConsentError, match="for the module at"):
        c.relay(elsewhere, c.sign_request(req, org.bob), sender=org.eve)
    sig = c.sign_request(req, org.bob)
    travel(3601)
    with pytest.raises(ConsentError, match="expired"):
        c.relay(req, sig, sender=org.eve)
