"""Signers read what they sign: `opgov safe show | pending | sign | propose` on a deployed
org (embedded chain), with the names of org.yaml, token units, the EIP-712 hashes, and
the refusals that keep a signer from doing the wrong thing quietly."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from opgov.cli.main import cli
from opgov.spec import EXAMPLE
from safe_support import deployed_org

SHOP_INDEX = 9  # the test account that plays the hardware shop


@pytest.fixture(scope="module")
def org(provider, accounts, tmp_path_factory):
    """The example org, deployed with the network's record (as `opgov deploy` does); undone afterwards."""
    workdir = tmp_path_factory.mktemp("org")
    spec_text = EXAMPLE.replace("  heidi: TEST::7\n", f"  heidi: TEST::7\n  hardware-shop: {accounts[SHOP_INDEX].address}\n")
    with deployed_org(workdir, spec_text, accounts[8]) as (spec, state):
        yield workdir, spec, state


def run(*args, ok=True):
    result = CliRunner().invoke(cli, list(args))
    if ok:
        assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def one_line_error(result, start: str) -> None:
    assert result.exit_code != 0
    text = result.output.strip()
    assert text.splitlines() == [text], text
    assert text.startswith(f"error: {start}"), text
    assert "Traceback" not in text


def kept(folder) -> list:
    return sorted(p for p in folder.rglob("*.json") if "replaced" not in p.parts)


def test_a_spec_change_reads_in_the_orgs_words(org, accounts, tmp_path):
    workdir, spec, state = org
    changed = EXAMPLE.replace("budget: 900 USDC/month", "budget: 1000 USDC/month").replace(
        "    members: [frank, grace]", "    members: [frank, heidi]")
    (tmp_path / "org.yaml").write_text(changed)
    folder = tmp_path / "txs"
    run("deploy", str(tmp_path / "org.yaml"), "--folder", str(folder), "--account", "TEST::8")
    (path,) = kept(folder)
    spec_arg = ["--spec", str(tmp_path / "org.yaml")]

    out = run("safe", "show", str(path), *spec_arg).output
    assert "unknown function" not in out and "warning" not in out
    heidi, grace = accounts[7].address, accounts[6].address
    assert "a batch of 3 calls" in out
    assert f"1. take Repair Café (hat {_path(state.cells['repair-cafe'])}) from grace ({grace[:6]}…{grace[-4:]}) and put them in bad standing" in out
    assert f"2. give Repair Café (hat {_path(state.cells['repair-cafe'])}) to heidi ({heidi[:6]}…{heidi[-4:]})" in out
    assert "3. set stream #2 (Thing Library's budget) to 1,000.00 USDC/month" in out
    assert f"alice ({accounts[0].address[:6]}…{accounts[0].address[-4:]})  waiting" in out

    out = run("safe", "pending", "--folder", str(folder), *spec_arg).output
    assert "[0 of 2]  a batch of 3 calls" in out and "give Repair Café" in out

    out = run("safe", "sign", str(path), "--account", "TEST::0", *spec_arg).output
    assert "take Repair Café" in out and f"signed by {accounts[0].address}" in out
    stored = json.loads(path.read_text())["description"]
    assert stored[0].startswith("a batch of 3 calls") and any("to heidi" in line for line in stored)


def test_approving_an_escalated_proposal_names_what_it_pays(org, accounts, tmp_path):
    from ape import chain

    from opgov.consent import ConsentClient
    from opgov.safe_tx import Call

    workdir, spec, state = org
    consent = ConsentClient.at(state.consent)
    shop = accounts[SHOP_INDEX].address
    pay = Call(state.token, 0, _transfer(shop, 1500 * 10**6))
    big = consent.propose(state.cells["repair-cafe"], [pay], "Rent a van", sender=accounts[4])
    chain.pending_timestamp += 3 * 86_400 + 60
    consent.escalate(big, sender=accounts[4])
    ref = consent.proposal(big).ref

    folder = str(tmp_path / "txs")
    spec_arg = ["--spec", str(workdir / "org.yaml")]
    out = run("safe", "propose", "--call", state.consent, "approve(uint256)", str(big), "--folder", folder,
              *spec_arg).output
    expected = f"approve proposal {ref} of Repair Café: transfer 1,500.00 USDC to hardware-shop ({shop[:6]}…{shop[-4:]})"
    assert expected in out
    (path,) = kept(tmp_path / "txs")
    assert json.loads(path.read_text())["description"] == [expected]
    assert expected in run("safe", "show", str(path), *spec_arg).output
    # without the spec, the record and the chain still name the cell and the token
    assert f"approve proposal {ref} of Repair Café: transfer 1,500.00 USDC to {shop}" in run("safe", "show", str(path)).output


def test_an_undecodable_call_is_said_so_with_a_warning(org, accounts, tmp_path):
    workdir, spec, state = org
    folder = str(tmp_path / "txs")
    out = run("safe", "propose", "--call", accounts[SHOP_INDEX].address, "frobnicate(uint256)", "7",
              "--send-eth", accounts[5].address, "0.25", "--folder", folder, "--spec", str(workdir / "org.yaml")).output
    assert "2. call unknown function 0x" in out and "on hardware-shop" in out, out
    assert "1. send 0.2500 ETH to frank" in out
    assert "warning: call 2: a call to hardware-shop" in out and "could not be decoded" in out
    (path,) = kept(tmp_path / "txs")
    assert any(line.startswith("warning: ") for line in json.loads(path.read_text())["description"])


def test_show_gives_the_hashes_a_hardware_wallet_shows(org, accounts, tmp_path):
    from opgov.safe_tx import PendingTx, hex0x

    folder = str(tmp_path / "txs")
    run("safe", "propose", "--send-eth", accounts[5].address, "0.1", "--folder", folder)
    (path,) = kept(tmp_path / "txs")
    tx = PendingTx.read(path).tx
    for command in (["safe", "show", str(path)], ["safe", "sign", str(path), "--account", "TEST::1"],
                    ["safe", "sign", str(path), "--offline", "--account", "TEST::2"]):
        out = run(*command).output
        assert f"safeTxHash   {hex0x(tx.hash)}" in out
        assert f"domain hash  {hex0x(tx.domain_separator)}" in out
        assert f"message hash {hex0x(tx.struct_hash)}" in out


def test_propose_refuses_a_nonce_a_pending_transaction_has(org, accounts, tmp_path):
    from opgov.safe import Safe

    workdir, spec, state = org
    n = Safe.at(state.safe).nonce()
    folder = tmp_path / "txs"
    common = ["--folder", str(folder), "--spec", str(workdir / "org.yaml")]
    run("safe", "propose", "--send-eth", accounts[5].address, "0.1", *common)
    (first,) = kept(folder)
    result = run("safe", "propose", "--send-eth", accounts[6].address, "0.2", *common, ok=False)
    one_line_error(result, f"nonce {n} is already taken by the pending transaction 0x")
    assert "(send 0.1000 ETH to frank" in result.output
    assert f"--nonce {n + 1}" in result.output and "--replace" in result.output
    assert kept(folder) == [first]

    run("safe", "propose", "--send-eth", accounts[6].address, "0.2", "--nonce", str(n + 1), *common)
    assert [p.name.split("-")[0] for p in kept(folder)] == [str(n), str(n + 1)]
    result = run("safe", "propose", "--send-eth", accounts[6].address, "0.3", "--nonce", str(n + 1), *common, ok=False)
    one_line_error(result, f"nonce {n + 1} is already taken")
    assert f"--nonce {n + 2}" in result.output

    out = run("safe", "propose", "--send-eth", accounts[7].address, "0.3", "--replace", *common).output
    assert "replaces 0x" in out and "set aside in" in out
    names = [p.name for p in kept(folder)]
    assert first.name not in names and len(names) == 2
    assert (first.parent / "replaced" / first.name).exists()  # its signatures are kept, not lost
    assert "send 0.3000 ETH to heidi" in run("safe", "pending", *common).output
    one_line_error(run("safe", "propose", "--send-eth", accounts[7].address, "0.3", "--nonce", str(n + 9), "--replace",
                       *common, ok=False), f"there is no pending transaction with nonce {n + 9} to replace")


@pytest.mark.parametrize("amount, message", [
    ("1e30", "1e30 USDC is more than all the USDC there is"),
    ("1e400", "1e400 is more than any token or chain can hold"),
    ("nan", "cannot read 'nan' as an amount"),
    ("-5", "the amount '-5' is negative"),
])
def test_absurd_amounts_are_one_line_errors(org, accounts, tmp_path, amount, message):
    workdir, spec, state = org
    result = run("safe", "propose", "--transfer", state.token, accounts[5].address, amount,
                 "--folder", str(tmp_path), ok=False)
    one_line_error(result, message)
    assert kept(tmp_path) == []


@pytest.mark.parametrize("amount, message", [
    ("1e30", "1e30 ETH is more ETH than there is"),
    ("inf", "cannot read 'inf' as an amount"),
])
def test_absurd_eth_amounts_are_one_line_errors(org, accounts, tmp_path, amount, message):
    result = run("safe", "propose", "--send-eth", accounts[5].address, amount, "--folder", str(tmp_path), ok=False)
    one_line_error(result, message)


def _path(hat: int) -> str:
    from opgov.hats import hat_path

    return hat_path(hat)


def _transfer(to: str, amount: int) -> bytes:
    from eth_abi import encode
    from eth_utils import keccak

    return keccak(text="transfer(address,uint256)")[:4] + encode(["address", "uint256"], [to, amount])
