"""ENS names in address arguments, resolved for real.

A local anvil whose chain id is 1 holds test-only ENS contracts (ens_mocks/):
a registry at ENS's registry address and a universal resolver at the address
web3 asks, both put there with anvil_setCode, and a resolver for `shop.eth`.
ape connects to the node as `ethereum:mainnet:<url>`, a network that has ENS,
so `--to shop.eth` goes the whole way: opgov's parser, ape-ens, web3's ENS,
the universal resolver, the registry and the resolver.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from tests_support import Node, free_port

pytestmark = pytest.mark.anvil

MOCKS = Path(__file__).parent / "ens_mocks"
REGISTRY = "0x00000000000C2E074eC69A0dFb2997BA6C7d2e1e"  # ENS's registry, on mainnet and sepolia
RESOLVER = to_checksum_address("0x" + keccak(text="opgov test resolver").hex()[-40:])
SHOP = to_checksum_address("0x" + keccak(text="the hardware shop").hex()[-40:])
USDC = 10**6


def _runtime(name: str) -> str:
    import vyper

    return "0x" + vyper.compile_code((MOCKS / f"{name}.vy").read_text(), output_formats=["bytecode_runtime"])[
        "bytecode_runtime"].removeprefix("0x")


def _call(node: Node, to: str, signature: str, types: list[str], args: list) -> None:
    data = keccak(text=signature)[:4] + encode(types, args)
    sender = node.rpc("eth_accounts")[0]  # anvil's own unlocked account: no key needed here
    tx = node.rpc("eth_sendTransaction", [{"from": sender, "to": to, "data": "0x" + data.hex()}])
    receipt = None
    for _ in range(100):  # mined at once, though the receipt can take a moment to be there
        receipt = node.rpc("eth_getTransactionReceipt", [tx])
        if receipt:
            break
        time.sleep(0.05)
    assert receipt and receipt["status"] == "0x1", receipt


@pytest.fixture(scope="module")
def mainnet(tmp_path_factory):
    """ape on a node that says it is mainnet, with `shop.eth` pointing at SHOP; undone afterwards."""
    from ape import config
    from ens.constants import UNIVERSAL_RESOLVER_ADDR
    from ens.utils import normal_name_to_hash

    import opgov.deployments
    from opgov.chain import connect

    folder = tmp_path_factory.mktemp("ens")
    node = Node.start(free_port(), folder / "state.json", "--chain-id", "1")
    for address, name in ((REGISTRY, "TestENSRegistry"), (UNIVERSAL_RESOLVER_ADDR, "TestUniversalResolver"),
                          (RESOLVER, "TestENSResolver")):
        node.rpc("anvil_setCode", [address, _runtime(name)])
    shop = normal_name_to_hash("shop.eth")
    _call(node, REGISTRY, "setResolver(bytes32,address)", ["bytes32", "address"], [shop, RESOLVER])
    _call(node, RESOLVER, "setAddr(bytes32,address)", ["bytes32", "address"], [shop, SHOP])
    # mainnet waits for 2 confirmations; this node mines only when sent a transaction
    settings = config.get_config("ethereum").mainnet
    confirmations, settings.required_confirmations = settings.required_confirmations, 0
    before = opgov.deployments.ORG_FOLDER
    opgov.deployments.use_org(folder)
    network = f"ethereum:mainnet:{node.url}"
    try:
        with connect(network):
            yield network, node
    finally:
        settings.required_confirmations = confirmations
        opgov.deployments.ORG_FOLDER = before
        node.stop()


def test_the_resolver_answers_what_web3_asks(mainnet):
    """The universal resolver hashes the DNS-encoded name as ENS does and asks the registry's resolver."""
    from ape import networks
    from ens import ENS as Web3ENS

    ens = Web3ENS.from_web3(networks.provider.web3)
    assert networks.provider.network.name == "mainnet" and networks.provider.chain_id == 1
    assert ens.address("shop.eth") == SHOP
    assert ens.address("Shop.ETH") == SHOP  # normalised before hashing
    assert ens.address("nobody.eth") is None  # no resolver: the universal resolver reverts, web3 says None


def test_resolve_ens_on_a_network_with_ens(mainnet):
    from opgov.addresses import parse_address, resolve_ens
    from opgov.errors import UsageError

    assert resolve_ens("shop.eth", "--to", "mainnet") == SHOP
    assert parse_address("shop.eth", "--to", network="mainnet") == SHOP
    with pytest.raises(UsageError) as err:
        resolve_ens("nobody.eth", "--to", "mainnet")
    assert str(err.value) == "--to 'nobody.eth' has no address in ENS; check the name, or give the 0x address"


def test_to_shop_eth_pays_the_address_ens_gives(mainnet):
    """`opgov stream withdraw ... --to shop.eth` pays the address the resolver holds; an unknown name pays no one."""
    from ape import accounts, chain

    from opgov.cli.main import cli
    from opgov.hats import HatsClient
    from opgov.streams import StreamsClient, deploy_test_token

    payer = accounts.test_accounts[0]
    hats = HatsClient.deploy(payer)
    streams = StreamsClient.deploy(payer, hats.address)
    token = deploy_test_token(payer, "USDC", 6)
    token.mint(payer.address, 1_000 * USDC, sender=payer)
    sid = streams.create(payer.address, str(token.address), "900 USDC/month", sender=payer, deposit="900 USDC")
    network, node = mainnet
    node.rpc("evm_increaseTime", [86_400])  # a day: 30 USDC streamed
    node.rpc("evm_mine")

    def opgov(*args: str):
        return CliRunner().invoke(cli, [*args, "--streams", streams.address, "--account", "TEST::0",
                                        "--network", network])

    result = opgov("stream", "withdraw", str(sid & (2**96 - 1)), "25 USDC", "--to", "shop.eth")
    assert result.exit_code == 0, result.output
    assert f"pay it to {SHOP}" in result.output, result.output
    assert int(token.balanceOf(SHOP)) == 25 * USDC
    height = chain.blocks.height
    result = opgov("stream", "withdraw", str(sid & (2**96 - 1)), "1 USDC", "--to", "nobody.eth")
    assert result.exit_code == 2, result.output
    assert result.output == ("error: --to 'nobody.eth' has no address in ENS; "
                             "check the name, or give the 0x address\n")
    assert chain.blocks.height == height and int(token.balanceOf(SHOP)) == 25 * USDC
