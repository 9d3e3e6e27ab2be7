"""ConsentForwarder: members sign, anyone relays, the module acts for the signer.

Every revert path of `execute`, replay (same chain, other chain id, other
module, other forwarder), expiry, wrong signer, malleable signatures, a real
Safe v1.4.1 as a member's EIP-1271 wallet, and the hat checked against the
signer, not the relayer."""

from __future__ import annotations

import boa
import pytest
from consent_world import CONTRACTS, DAY, OBJECTED, OPEN, deploy
from eth.exceptions import Revert
from eth_abi import encode
from eth_utils import keccak
from forwarder_support import malleable_twin, relay, request, safe_with_handler, signed
from opgov.forwarder import ConsentRequest, digest, relayable
from opgov.forwarder import sign as sign_request

from safe_boa import ZERO

EXPIRED = "forwarder: request has expired"
NO_SELECTOR = "forwarder: call has no function selector"
NOT_RELAYABLE = "forwarder: only propose, object and withdraw_objection can be relayed"
NOT_CONTRACT = "forwarder: module is not a contract"
WRONG_NONCE = "forwarder: wrong nonce, the request was used or is out of order"
BAD_SIGNATURE = "forwarder: signature is not the signer's"


def propose_data(world, cell=None, rationale="repaint the hall"):
    return world.module.propose.prepare_calldata(cell or world.ops, [world.pay(world.people["mallory"], 10**18)], rationale)


def object_data(world, pid, reason="the hall was painted last year", hat=None):
    return world.module.object.prepare_calldata(pid, hat or world.ops_objector, reason)


def logs(world, name):
    """Events of the last relayed call (the module's come with the forwarder's)."""
    return [e for e in world.forwarder.get_logs() if type(e).__name__ == name]


def a_proposal(world):
    return world.propose([world.poke(7)])


# -- success paths ---------------------------------------------------------------


def test_relayed_proposal_is_the_signers(world):
    req = request(world, "kim", propose_data(world))
    assert relay(world, req, signed(world, "kim", req)) is None  # execute returns nothing, as OpenZeppelin's
    created = logs(world, "ProposalCreated")  # the new id is in the module's log
    assert created and created[-1].proposer == world.people["kim"]
    p = world.module.proposal(created[-1].proposal_id)
    assert p.proposer == world.people["kim"] and p.state == OPEN
    executed = logs(world, "RequestExecuted")
    assert (executed[-1].signer, executed[-1].module, executed[-1].nonce, executed[-1].relayer) == (
        world.people["kim"], world.module.address, 0, world.people["mallory"])
    assert world.forwarder.nonces(world.people["kim"]) == 1


def test_relayed_objection_and_its_withdrawal_are_the_signers(world):
    pid = a_proposal(world)
    req = request(world, "olu", object_data(world, pid))
    relay(world, req, signed(world, "olu", req))
    reason_hash, stands = world.module.objection(pid, world.people["olu"])
    assert stands and reason_hash == keccak(text="the hall was painted last year")
    assert world.state(pid) == OBJECTED
    raised = logs(world, "ObjectionRaised")[-1]
    assert raised.objector == world.people["olu"] and raised.reason == "the hall was painted last year"

    req = request(world, "olu", world.module.withdraw_objection.prepare_calldata(pid))
    assert req.nonce == 1
    relay(world, req, signed(world, "olu", req), relayer="bob")
    assert not world.module.objection(pid, world.people["olu"])[1]
    assert world.state(pid) == OPEN
    withdrawn = logs(world, "ObjectionWithdrawn")[-1]
    assert withdrawn.objector == world.people["olu"]


def test_digest_and_domain_match_eip712(world):
    req = request(world, "kim", propose_data(world))
    assert world.forwarder.digest(req.as_tuple()) == digest(1, world.forwarder.address, req)
    fields, name, version, chain_id, verifying, salt, extensions = world.forwarder.eip712Domain()
    assert (fields, name, version, chain_id, verifying, salt, extensions) == (
        b"\x0f", "ConsentForwarder", "1", 1, world.forwarder.address, b"\x00" * 32, [])
    domain = keccak(encode(
        ["bytes32", "bytes32", "bytes32", "uint256", "address"],
        [keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
         keccak(text="ConsentForwarder"), keccak(text="1"), 1, world.forwarder.address]))
    assert world.forwarder.domain_separator() == domain


def test_relayable_selectors_agree_with_the_module(world):
    assert relayable(propose_data(world)) == "propose"
    assert relayable(object_data(world, 1)) == "object"
    assert relayable(world.module.withdraw_objection.prepare_calldata(1)) == "withdraw_objection"
    assert relayable(world.module.cancel.prepare_calldata(1)) is None


def test_deadline_is_inclusive(world):
    req = request(world, "kim", propose_data(world), deadline=boa.env.timestamp + 10)
    sig = signed(world, "kim", req)
    boa.env.time_travel(seconds=10)
    relay(world, req, sig)
    assert world.forwarder.nonces(world.people["kim"]) == 1


# -- revert paths ---------------------------------------------------------------


def test_expired_request_is_refused(world):
    req = request(world, "kim", propose_data(world), deadline=boa.env.timestamp + 10)
    sig = signed(world, "kim", req)
    boa.env.time_travel(seconds=11)
    with boa.reverts(EXPIRED):
        relay(world, req, sig)


@pytest.mark.parametrize("data", [b"", b"\xa7\x57\x91"])
def test_call_without_selector_is_refused(world, data):
    req = request(world, "kim", data)
    with boa.reverts(NO_SELECTOR):
        relay(world, req, signed(world, "kim", req))


@pytest.mark.parametrize("function", ["cancel", "escalate", "clear", "execute", "amend", "set_cell", "approve", "veto"])
def test_other_module_functions_are_refused(world, function):
    pid = world.propose([world.poke(1)], who=world.people["kim"])
    args = {
        "execute": (pid, [world.poke(1)]),
        "amend": (pid, [world.poke(2)], "x"),
        "set_cell": (world.ops, world.ops_proposer, DAY, DAY, 0, 1),
        "veto": (pid, "no"),
    }.get(function, (pid,))
    data = getattr(world.module, function).prepare_calldata(*args)
    req = request(world, "kim", data)
    with boa.reverts(NOT_RELAYABLE):
        relay(world, req, signed(world, "kim", req))


def test_calls_to_other_contracts_are_refused(world):
    data = world.token.transfer.prepare_calldata(world.people["mallory"], 1)
    req = request(world, "kim", data, module=world.token.address)
    with boa.reverts(NOT_RELAYABLE):
        relay(world, req, signed(world, "kim", req))


def test_module_that_is_not_a_contract_is_refused(world):
    req = request(world, "kim", propose_data(world), module=world.people["mallory"])
    with boa.reverts(NOT_CONTRACT):
        relay(world, req, signed(world, "kim", req))


def test_out_of_order_nonce_is_refused(world):
    req = request(world, "kim", propose_data(world), nonce=1)
    with boa.reverts(WRONG_NONCE):
        relay(world, req, signed(world, "kim", req))


def test_wrong_signer_is_refused(world):
    req = request(world, "kim", propose_data(world))
    with boa.reverts(BAD_SIGNATURE):
        relay(world, req, signed(world, "nia", req))


def test_request_claiming_another_signer_is_refused(world):
    """nia signs a request naming kim (the proposer) as signer."""
    req = request(world, "nia", propose_data(world), signer=world.people["kim"])
    with boa.reverts(BAD_SIGNATURE):
        relay(world, req, signed(world, "nia", req))


def test_malleable_twin_signature_is_refused(world):
    req = request(world, "kim", propose_data(world))
    sig = signed(world, "kim", req)
    twin = malleable_twin(sig)
    # the twin recovers to kim too: only the low-s rule tells them apart
    from eth_account import Account

    assert Account._recover_hash(world.forwarder.digest(req.as_tuple()), signature=twin) == world.people["kim"]
    with boa.reverts(BAD_SIGNATURE):
        relay(world, req, twin)
    relay(world, req, sig)


@pytest.mark.parametrize("mangle", [
    lambda s: s[:64],  # 64 bytes
    lambda s: s + b"\x00",  # 66 bytes
    lambda s: s[:64] + bytes([s[64] - 27]),  # v 0 or 1
    lambda s: b"\x00" * 65,  # recovers to nobody
    lambda s: b"",
])
def test_malformed_signatures_are_refused(world, mangle):
    req = request(world, "kim", propose_data(world))
    with boa.reverts(BAD_SIGNATURE):
        relay(world, req, mangle(signed(world, "kim", req)))


def test_module_refusal_passes_through_and_keeps_the_nonce(world):
    """A member without the objector hat signs an objection: the module's
    reason comes back, and the nonce is not used up."""
    pid = a_proposal(world)
    req = request(world, "nia", object_data(world, pid))
    with boa.reverts("consent: caller does not wear the hat"):
        relay(world, req, signed(world, "nia", req))
    assert world.forwarder.nonces(world.people["nia"]) == 0


# -- replay -----------------------------------------------------------------------


def test_replay_on_the_same_chain_is_refused(world):
    pid = a_proposal(world)
    req = request(world, "olu", object_data(world, pid))
    sig = signed(world, "olu", req)
    relay(world, req, sig)
    with boa.reverts(WRONG_NONCE):
        relay(world, req, sig, relayer="bob")


def test_replay_after_withdrawal_is_refused(world):
    """Object, withdraw, then replay the objection: the nonce is gone."""
    pid = a_proposal(world)
    obj = request(world, "olu", object_data(world, pid))
    obj_sig = signed(world, "olu", obj)
    relay(world, obj, obj_sig)
    wd = request(world, "olu", world.module.withdraw_objection.prepare_calldata(pid))
    relay(world, wd, signed(world, "olu", wd))
    with boa.reverts(WRONG_NONCE):
        relay(world, obj, obj_sig)
    assert world.state(pid) == OPEN


def test_replay_on_another_chain_is_refused(world):
    req = request(world, "kim", propose_data(world))
    sig = signed(world, "kim", req, chain_id=1)
    patch = boa.env.evm.patch
    before = patch.chain_id
    patch.chain_id = 10
    try:
        with boa.reverts(BAD_SIGNATURE):
            relay(world, req, sig)
        # signed for chain 10, it runs on chain 10
        relay(world, req, signed(world, "kim", req, chain_id=10))
    finally:
        patch.chain_id = before


def test_replay_on_another_module_is_refused(world):
    """A second module trusting the same forwarder: the signature names the first."""
    other = deploy(CONTRACTS / "ConsentModule.vy", world.safe.address, world.hats.address, ZERO, ZERO,
                   world.forwarder.address)
    req = request(world, "kim", propose_data(world))
    sig = signed(world, "kim", req)
    moved = ConsentRequest(req.signer, other.address, req.data, req.nonce, req.deadline)
    with boa.reverts(BAD_SIGNATURE):
        relay(world, moved, sig)


def test_replay_through_another_forwarder_is_refused(world):
    other = deploy(CONTRACTS / "ConsentForwarder.vy")
    req = request(world, "kim", propose_data(world))
    sig = signed(world, "kim", req)
    with boa.env.prank(world.people["mallory"]), boa.reverts(BAD_SIGNATURE):
        other.execute(req.as_tuple(), sig)


def test_use_nonce_cancels_a_signed_request(world):
    req = request(world, "kim", propose_data(world))
    sig = signed(world, "kim", req)
    with boa.env.prank(world.people["kim"]):
        world.forwarder.use_nonce()
    used = [e for e in world.forwarder.get_logs() if type(e).__name__ == "NonceUsed"][-1]
    assert (used.signer, used.nonce) == (world.people["kim"], 0)
    assert world.forwarder.nonces(world.people["kim"]) == 1
    with boa.reverts(WRONG_NONCE):
        relay(world, req, sig)


# -- whose hat counts --------------------------------------------------------------


def test_hat_is_checked_against_the_signer_not_the_relayer(world):
    """alice (a proposer) relays nia's request: nia wears nothing, so it fails;
    nia relays kim's: kim proposes."""
    req = request(world, "nia", propose_data(world))
    with boa.reverts("consent: caller does not wear the cell's proposer hat"):
        relay(world, req, signed(world, "nia", req), relayer="alice")
    req = request(world, "kim", propose_data(world))
    relay(world, req, signed(world, "kim", req), relayer="nia")
    assert world.module.proposal(logs(world, "ProposalCreated")[-1].proposal_id).proposer == world.people["kim"]


def test_module_without_a_forwarder_ignores_it(world):
    """A module that does not trust this forwarder sees the forwarder as the caller."""
    other = deploy(CONTRACTS / "ConsentModule.vy", world.safe.address, world.hats.address, ZERO, ZERO, ZERO)
    with boa.env.prank(world.safe.address):
        other.set_cell(world.ops, world.ops_proposer, DAY, DAY, 0, 3)
    req = request(world, "kim", propose_data(world), module=other.address)
    with boa.reverts("consent: caller does not wear the cell's proposer hat"):
        relay(world, req, signed(world, "kim", req))


def test_appended_address_from_another_caller_is_ignored(world):
    """Anyone but the forwarder who appends a member's address still acts as themselves."""
    pid = a_proposal(world)
    data = object_data(world, pid) + bytes.fromhex(world.people["olu"][2:])
    with boa.env.prank(world.people["mallory"]), pytest.raises(Revert) as refused:
        boa.env.raw_call(world.module.address, data=data)
    assert b"consent: caller does not wear the hat" in refused.value.args[0]


# -- a member's own Safe (EIP-1271) ------------------------------------------------


def test_a_members_safe_objects_by_its_owners_signature(world):
    owner = world.keys["nia"]
    wallet, handler = safe_with_handler(world, [owner.address], 1)
    world.give(world.ops_objector, wallet.address)
    pid = a_proposal(world)
    req = request(world, "nia", object_data(world, pid), signer=wallet.address)
    # the Safe signs an EIP-712 SafeMessage wrapping the forwarder's digest
    safe_message = handler.getMessageHashForSafe(wallet.address, world.forwarder.digest(req.as_tuple()))
    s = owner.unsafe_sign_hash(safe_message)
    sig = s.r.to_bytes(32, "big") + s.s.to_bytes(32, "big") + bytes([s.v])
    relay(world, req, sig)
    assert world.module.objection(pid, wallet.address)[1]
    assert world.forwarder.nonces(wallet.address) == 1


def test_a_safe_refuses_a_non_owners_signature(world):
    wallet, handler = safe_with_handler(world, [world.keys["kim"].address], 1)
    world.give(world.ops_objector, wallet.address)
    pid = a_proposal(world)
    req = request(world, "nia", object_data(world, pid), signer=wallet.address)
    safe_message = handler.getMessageHashForSafe(wallet.address, world.forwarder.digest(req.as_tuple()))
    s = world.keys["nia"].unsafe_sign_hash(safe_message)
    with boa.reverts(BAD_SIGNATURE):
        relay(world, req, s.r.to_bytes(32, "big") + s.s.to_bytes(32, "big") + bytes([s.v]))


def test_a_contract_without_eip1271_cannot_sign(world):
    """The org's Safe has no fallback handler: nothing it 'signs' is accepted."""
    req = request(world, "nia", propose_data(world), signer=world.safe.address)
    with boa.reverts(BAD_SIGNATURE):
        relay(world, req, sign_request(world.keys["nia"].key, 1, world.forwarder.address, req))
