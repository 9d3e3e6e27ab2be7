"""The signer's workflow on real Safe v1.4.1 bytecode (embedded chain): building,
explaining, signing (ape accounts, a keystore, eth-account keys), files that
merge, approveHash, execution, and every bad input refused before sending."""

from __future__ import annotations

import json

import pytest
from eth_account import Account
from safe_support import GUARD_INTERFACE_ID, deploy_guard, deploy_token, make_safe

from opgov.errors import SafeError
from opgov.safe import (
    Safe,
    contract_call,
    eth_transfer,
    explain,
    safe_contracts,
    sign,
    token_transfer,
)
from opgov.safe_tx import (
    Call,
    Confirmation,
    PendingTx,
    SafeTx,
    TxFolder,
    approved_hash_signature,
    decode_multisend,
    encode_signatures,
)

ETH = 10**18


@pytest.fixture(scope="module")
def safe23(provider, accounts):
    """2 of 3: owners accounts[1..3]."""
    return make_safe(accounts, accounts[1:4], 2)


@pytest.fixture(scope="module")
def token(provider, accounts, safe23):
    return deploy_token(accounts[0], safe23.address, 1_000_000 * 10**6)


def block_height():
    from ape import chain

    return chain.blocks.height


# ---------------------------------------------------------------- hashes and building


def test_hash_and_domain_equal_the_safe(safe23, accounts, token):
    single = safe23.propose([eth_transfer(accounts[5].address, "0.5")])
    batch = safe23.propose([eth_transfer(accounts[5].address, "1"), token_transfer(token.address, accounts[6].address, "12.5")])
    for pending in (single, batch):
        tx = pending.tx
        assert bytes(safe23.contract.getTransactionHash(*tx.exec_args(), tx.nonce)) == tx.hash
        assert bytes(safe23.contract.domainSeparator()) == tx.domain_separator
    assert batch.tx.operation == 1 and batch.tx.to == safe_contracts().multisend.address
    assert [c.to for c in decode_multisend(batch.tx.data)] == [accounts[5].address, token.address]


def test_contract_contracts_are_deployed_once(safe23, accounts):
    first = safe_contracts()
    again = safe_contracts(accounts[0])
    assert first.singleton.address == again.singleton.address
    assert first.factory.address == again.factory.address


def test_explain_says_what_it_does_in_token_units(safe23, accounts, token):
    pending = safe23.propose([
        eth_transfer(accounts[5].address, "1.5"),
        token_transfer(token.address, accounts[6].address, "1500"),
        contract_call(token, "approve", accounts[7].address, 2_500_000),
        contract_call(safe23.address, "changeThreshold(uint256)", "3"),
    ])
    text = "\n".join(explain(pending.tx))
    assert "a batch of 4 calls" in text
    assert f"send 1.5000 ETH to {accounts[5].address}" in text
    assert f"transfer 1,500.00 TST to {accounts[6].address}" in text
    assert f"allow {accounts[7].address} to spend 2.50 TST" in text
    assert "change the Safe: set the threshold to 3" in text
    offline = "\n".join(explain(pending.tx, online=False))
    assert "1500000000 base units of token" in offline


def test_intents_refuse_bad_input(token, accounts):
    with pytest.raises(SafeError, match="is not an address"):
        eth_transfer("0x1234", "1")
    with pytest.raises(SafeError, match="takes 1 arguments, 2 given"):
        contract_call(token.address, "setFee(uint256)", "1", "2")
    with pytest.raises(SafeError, match="not a function signature"):
        contract_call(token.address, "setFee")
    with pytest.raises(SafeError, match="has no function 'mint'"):
        contract_call(token, "mint", 1)
    with pytest.raises(SafeError, match="not an ERC-20 token"):
        token_transfer(accounts[5].address, accounts[6].address, "1")


# ---------------------------------------------------------------- flows


def test_two_of_three_eth_transfer(safe23, accounts):
    pending = safe23.propose([eth_transfer(accounts[5].address, "0.25")])
    pending.add(sign(pending.tx, accounts[3]))
    pending.add(sign(pending.tx, accounts[1]))
    before = accounts[5].balance
    safe23.execute(pending, accounts[8])  # anyone may send once the threshold is met
    assert accounts[5].balance - before == ETH // 4
    assert safe23.nonce() == 1


def test_three_of_four_token_batch_with_mixed_signers(provider, accounts):
    key = Account.create()
    owners = [accounts[1].address, accounts[2].address, accounts[3].address, key.address]
    safe = make_safe(accounts, owners, 3)
    token = deploy_token(accounts[0], safe.address, 10_000 * 10**6)
    pending = safe.propose([
        token_transfer(token.address, accounts[6].address, "100"),
        token_transfer(token.address, accounts[7].address, "0.5"),
        eth_transfer(accounts[6].address, "1"),
    ])
    pending.add(sign(pending.tx, key))  # an eth-account key
    pending.add(sign(pending.tx, accounts[2]))
    with pytest.raises(SafeError, match="too few signatures: 2 of the 3 needed"):
        safe.execute(pending, accounts[9])
    pending.add(sign(pending.tx, accounts[1]))
    safe.execute(pending, accounts[9])
    assert token.balanceOf(accounts[6].address) == 100 * 10**6
    assert token.balanceOf(accounts[7].address) == 500_000


def test_keystore_account_signs_the_eip712_message(safe23, accounts):
    from ape_accounts import import_account_from_private_key

    key = Account.create()
    keyfile = import_account_from_private_key(f"opgov-safe-{key.address[2:10]}", "pass", key.key.to_0x_hex())
    keyfile.set_autosign(True, passphrase="pass")
    tx = safe23.propose([eth_transfer(accounts[5].address, "1")]).tx
    assert sign(tx, keyfile) == sign(tx, key)


def test_offline_signatures_merge_from_files(safe23, accounts, tmp_path):
    folder = TxFolder(tmp_path / "kept")
    pending = safe23.propose([eth_transfer(accounts[5].address, "0.1")])
    kept = folder.save(pending)
    # two signers on their own machines, each with a copy of the file
    for signer, copy in ((accounts[1], tmp_path / "alice.json"), (accounts[3], tmp_path / "carol.json")):
        mine = PendingTx.read(kept)
        mine.add(sign(mine.tx, signer))
        mine.write(copy)
    for copy in ("alice.json", "carol.json"):
        folder.save(PendingTx.read(tmp_path / copy))
    merged = PendingTx.read(kept)
    assert set(merged.confirmations) == {accounts[1].address, accounts[3].address}
    assert not [p for p in kept.parent.iterdir() if p.name.startswith(".")]  # no temporary files left
    body = json.loads(kept.read_text())
    assert body["contractTransactionHash"] == body["safeTxHash"] == merged.hash_hex
    assert {c["signatureType"] for c in body["confirmations"]} == {"EOA"}
    assert set(body) >= {"safe", "to", "value", "data", "operation", "safeTxGas", "baseGas", "gasPrice",
                         "gasToken", "refundReceiver", "nonce", "confirmations", "chainId"}
    entries = folder.entries(safe23.address)
    assert [p for p, _ in entries] == [kept]
    assert folder.find(merged.hash_hex[:10], safe23.address) == kept
    safe23.execute(merged, accounts[0])
    assert safe23.nonce() == 1


def test_approve_hash_and_the_senders_own_approval(safe23, accounts):
    pending = safe23.propose([eth_transfer(accounts[5].address, "0.1")])
    safe23.approve(pending, accounts[2])
    assert safe23.approvals_on_chain(pending.hash) == [accounts[2].address]
    with pytest.raises(SafeError, match="already approved"):
        safe23.approve(pending, accounts[2])
    with pytest.raises(SafeError, match="is not an owner"):
        safe23.approve(pending, accounts[7])
    status = safe23.status(pending)
    assert (status.count, status.ready, status.waiting_for) == (1, False, [accounts[1].address, accounts[3].address])
    # owner 3 sends it: the Safe counts the sender's own approval (v=1, r=owner)
    safe23.execute(pending, accounts[3])
    assert safe23.nonce() == 1


def test_module_and_guard_helpers(safe23, accounts):
    module = accounts[9].address
    safe23.enable_module(module, [accounts[1], accounts[2]], sender=accounts[0])
    assert safe23.modules() == [module]
    guard = deploy_guard(accounts[0])
    assert guard.supportsInterface(GUARD_INTERFACE_ID)
    safe23.set_guard(guard.address, [accounts[1], accounts[2]], sender=accounts[0])
    assert safe23.guard() == guard.address
    assert "set its guard" in explain(safe23.propose([Call(safe23.address, 0, safe23.contract.setGuard.encode_input(guard.address))]).tx)[2]


# ---------------------------------------------------------------- bad input: refused before sending


@pytest.fixture
def signed_once(safe23, accounts):
    pending = safe23.propose([eth_transfer(accounts[5].address, "0.1")])
    pending.add(sign(pending.tx, accounts[1]))
    return pending


def refused(safe, pending, sender, match, raw=False):
    height = block_height()
    with pytest.raises(SafeError, match=match) as err:
        safe.execute(pending, sender, raw=raw)
    assert block_height() == height, "nothing may be sent"
    assert "\n" not in str(err.value)
    return err.value


def test_refuses_too_few_signatures(safe23, signed_once, accounts):
    err = refused(safe23, signed_once, accounts[0], "too few signatures: 1 of the 2 needed")
    assert accounts[2].address in str(err) and accounts[3].address in str(err)


def test_refuses_a_signature_from_a_non_owner(safe23, signed_once, accounts):
    signed_once.add(sign(signed_once.tx, accounts[6]))
    refused(safe23, signed_once, accounts[0], f"signature from a non-owner: {accounts[6].address}")


def test_raw_signatures_in_the_wrong_order_are_refused_but_sorted_ones_run(safe23, signed_once, accounts):
    signed_once.add(sign(signed_once.tx, accounts[2]))
    ordered = encode_signatures(signed_once.confirmations.values())
    signed_once.raw_signatures = ordered[65:] + ordered[:65]
    refused(safe23, signed_once, accounts[0], "signatures in the wrong order", raw=True)
    signed_once.raw_signatures = ordered[:65] + ordered[:65]
    refused(safe23, signed_once, accounts[0], "signatures twice", raw=True)
    signed_once.raw_signatures = ordered
    safe23.execute(signed_once, accounts[0], raw=True)
    assert safe23.nonce() == 1


def test_refuses_a_file_for_another_safe(safe23, signed_once, accounts, provider):
    other = make_safe(accounts, accounts[1:4], 2, fund_eth=0)
    refused(other, signed_once, accounts[0], f"the file is for another Safe \\({safe23.address}\\)")


def test_refuses_a_file_for_another_chain(safe23, accounts):
    tx = safe23.propose([eth_transfer(accounts[5].address, "0.1")]).tx
    foreign = PendingTx(SafeTx(tx.safe, 5, tx.to, tx.value, tx.data, tx.operation, tx.nonce))
    refused(safe23, foreign, accounts[0], "the file is for chain 5, but this network is chain")


def test_refuses_stale_and_future_nonces(safe23, signed_once, accounts):
    later = safe23.propose([eth_transfer(accounts[5].address, "0.1")], nonce=1)
    later.add(sign(later.tx, accounts[1]))
    later.add(sign(later.tx, accounts[2]))
    refused(safe23, later, accounts[0], "nonce 1 is not next: the Safe is at nonce 0")
    signed_once.add(sign(signed_once.tx, accounts[2]))
    safe23.execute(signed_once, accounts[0])
    refused(safe23, signed_once, accounts[0], "stale file: nonce 0 was already used")
    with pytest.raises(SafeError, match="nonce 0 is already used"):
        safe23.build([eth_transfer(accounts[5].address, "1")], nonce=0)


def test_refuses_tampered_files(safe23, signed_once, accounts, tmp_path):
    body = signed_once.to_json()
    changed = dict(body, value=str(10 * ETH))
    with pytest.raises(SafeError, match="tampered file: .* fields hash to"):
        PendingTx.from_json(changed)
    forged = dict(body, confirmations=[dict(body["confirmations"][0], owner=accounts[2].address)])
    with pytest.raises(SafeError, match=f"tampered file: the signature listed for {accounts[2].address} was made by {accounts[1].address}"):
        PendingTx.from_json(forged)
    path = tmp_path / "t.json"
    path.write_text("{not json")
    with pytest.raises(SafeError, match="is not a JSON file"):
        PendingTx.read(path)
    with pytest.raises(SafeError, match="no 'nonce' field"):
        PendingTx.from_json({k: v for k, v in body.items() if k != "nonce"})


def test_refuses_an_approval_that_is_not_on_chain(safe23, signed_once, accounts):
    signed_once.add(Confirmation(accounts[2].address, approved_hash_signature(accounts[2].address)))
    refused(safe23, signed_once, accounts[0], "listed as approving on-chain, but has not called approveHash")


def test_merging_a_different_transaction_is_refused(safe23, signed_once, accounts):
    other = safe23.propose([eth_transfer(accounts[5].address, "0.2")])
    with pytest.raises(SafeError, match="the files are for different transactions"):
        signed_once.merge(other)
    assert len(signed_once.confirmations) == 1  # nothing lost


def test_attaching_to_something_that_is_not_a_safe(provider, accounts, token):
    with pytest.raises(SafeError, match="there is no contract at"):
        Safe.at(accounts[5].address)
    with pytest.raises(SafeError, match="is not a Safe"):
        Safe.at(token.address)
