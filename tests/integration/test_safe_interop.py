"""Interop on a real node (anvil): opgov's SafeTx hash and signatures equal
safe-eth-py's and ape-safe's for the same transaction, and a transaction
signed with safe-eth-py executes through opgov."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from opgov.cli.main import cli
from opgov.safe import create_safe, eth_transfer, safe_contracts, sign
from opgov.safe_tx import PendingTx, SafeTx, encode_signatures, hex0x, split_signatures

pytestmark = [pytest.mark.anvil, pytest.mark.xdist_group("anvil")]


@pytest.fixture(scope="module")
def setup(anvil):
    from ape import accounts

    test = accounts.test_accounts
    owners = [test[1], test[2], test[3]]
    safe_contracts(test[0])
    safe = create_safe([o.address for o in owners], 2, sender=test[0])
    test[0].transfer(safe.address, 3 * 10**18)
    return safe, owners, test


@pytest.fixture(scope="module")
def eth_client(anvil):
    from safe_eth.eth import EthereumClient

    return EthereumClient(anvil.url)


def safe_eth_tx(eth_client, tx: SafeTx, signatures: bytes = b""):
    from safe_eth.safe import SafeTx as SafeEthTx

    return SafeEthTx(
        eth_client, tx.safe, tx.to, tx.value, tx.data, tx.operation, tx.safe_tx_gas, tx.base_gas,
        tx.gas_price, tx.gas_token, tx.refund_receiver, signatures=signatures, safe_nonce=tx.nonce,
        safe_version="1.4.1", chain_id=tx.chain_id,
    )


def test_the_anvil_fixture_serves_the_cli(setup):
    safe, _owners, _test = setup
    result = CliRunner().invoke(cli, ["safe", "signers", "--safe", safe.address, "--network", "ethereum:local:foundry"])
    assert result.exit_code == 0, result.output
    assert "on chain 31337" in result.output and "2 of 3 owners" in result.output


def test_hash_and_signatures_equal_safe_eth_py(setup, eth_client):
    safe, owners, test = setup
    pending = safe.propose([eth_transfer(test[5].address, "0.3"), eth_transfer(test[6].address, "0.2")])
    theirs = safe_eth_tx(eth_client, pending.tx)
    assert bytes(theirs.safe_tx_hash) == pending.hash
    for owner in reversed(owners):  # safe-eth-py keeps every signature it makes, sorted by owner
        assert theirs.sign(owner.private_key) == sign(pending.tx, owner).signature
        pending.add(sign(pending.tx, owner))
    assert bytes(theirs.signatures) == encode_signatures(pending.confirmations.values())
    assert theirs.sorted_signers == [c.owner for c in sorted(pending.confirmations.values(), key=lambda c: int(c.owner, 16))]


def test_hash_and_signatures_equal_ape_safe(setup):
    from ape_safe.utils import encode_signatures as ape_safe_encode
    from ape_safe.utils import get_safe_tx_hash
    from eip712.common import create_safe_tx_def

    safe, owners, test = setup
    tx = safe.propose([eth_transfer(test[5].address, "0.1")]).tx
    ape_safe_tx = create_safe_tx_def(version="1.4.1", contract_address=tx.safe, chain_id=tx.chain_id)(
        to=tx.to, value=tx.value, data=tx.data, operation=tx.operation, safeTxGas=0, baseGas=0,
        gasPrice=0, gasToken=tx.gas_token, refundReceiver=tx.refund_receiver, nonce=tx.nonce,
    )
    assert get_safe_tx_hash(ape_safe_tx) == hex0x(tx.hash)
    # ape-safe signs with `signer.sign_message(safe_tx)` and orders by owner
    theirs = {o.address: o.sign_message(ape_safe_tx) for o in owners}
    ours = [sign(tx, o) for o in reversed(owners)]
    assert bytes(ape_safe_encode(theirs)) == encode_signatures(ours)


def test_a_transaction_signed_with_safe_eth_py_executes_through_opgov(setup, eth_client):
    safe, owners, test = setup
    tx = safe.propose([eth_transfer(test[7].address, "0.5")]).tx
    theirs = safe_eth_tx(eth_client, tx)
    for owner in owners[1:]:
        theirs.sign(owner.private_key)
    # as a Safe Transaction Service file, without chainId (the service's files have none)
    body = {
        "safe": theirs.safe_address, "to": theirs.to, "value": str(theirs.value), "data": None,
        "operation": int(theirs.operation), "safeTxGas": "0", "baseGas": "0", "gasPrice": "0",
        "gasToken": theirs.gas_token, "refundReceiver": theirs.refund_receiver,
        "nonce": str(theirs.safe_nonce), "contractTransactionHash": hex0x(theirs.safe_tx_hash),
        "confirmations": [
            {"owner": c.owner, "signature": hex0x(c.signature), "signatureType": "EOA"}
            for c in split_signatures(bytes(theirs.signatures), bytes(theirs.safe_tx_hash))
        ],
    }
    pending = PendingTx.from_json(body, chain_id=safe.chain_id)
    before = test[7].balance
    safe.execute(pending, test[0])
    assert test[7].balance - before == 5 * 10**17
    assert safe.nonce() == tx.nonce + 1
