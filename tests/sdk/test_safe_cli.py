"""`opgov safe ...` end to end on the embedded chain (one connection for the
whole test process, so state carries from command to command)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from safe_support import deploy_token, make_safe

from opgov.cli.main import cli


@pytest.fixture(scope="module")
def safe(provider, accounts):
    return make_safe(accounts, accounts[1:4], 2)


def run(*args, ok=True):
    result = CliRunner().invoke(cli, ["safe", *args])
    if ok:
        assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def height():
    from ape import chain

    return chain.blocks.height


def test_create_and_signers(provider, accounts):
    out = run("create", "--owner", accounts[1].address, "--owner", accounts[2].address, "--threshold", "2").output
    assert out.startswith("→ create a Safe with 2 owners, 2 of them needed to act")
    out = run("signers").output  # the created Safe is the recorded default
    assert "2 of 2 owners must confirm; next nonce 0" in out
    assert accounts[2].address in out and "guard: none" in out


def test_the_signers_workflow(safe, accounts, tmp_path):
    folder = str(tmp_path / "kept")
    token = deploy_token(accounts[0], safe.address, 5_000 * 10**6, symbol="USDC")
    out = run("propose", "--safe", safe.address, "--folder", folder,
              "--send-eth", accounts[5].address, "0.5",
              "--transfer", token.address, accounts[6].address, "1500",
              "--sign", "--account", "TEST::1").output
    assert "a batch of 2 calls" in out and f"transfer 1,500.00 USDC to {accounts[6].address}" in out
    assert f"signed by {accounts[1].address}" in out
    kept = next((tmp_path / "kept" / safe.address).glob("0-*.json"))
    tx_hash = kept.stem.split("-", 1)[1]

    out = run("pending", "--safe", safe.address, "--folder", folder).output
    assert f"nonce 0  {tx_hash[:12]}  [1 of 2]" in out

    # a second signer signs a copy offline and sends the file back
    copy = tmp_path / "for-carol.json"
    run("export", tx_hash[:10], "--safe", safe.address, "--folder", folder, "--out", str(copy))
    out = run("sign", str(copy), "--offline", "--account", "TEST::3").output
    assert "1500000000 base units of token" in out and f"signed by {accounts[3].address}" in out
    assert len(json.loads(copy.read_text())["confirmations"]) == 2
    run("import", str(copy), "--folder", folder)

    out = run("show", tx_hash, "--folder", folder).output
    assert "confirmations: 2 of 2 needed — ready to execute" in out
    assert f"{accounts[2].address}  waiting" in out

    out = run("execute", tx_hash, "--folder", folder, "--account", "TEST::9").output
    assert out.startswith("→ execute Safe transaction nonce 0 from")
    assert "the Safe is now at nonce 1" in out
    assert token.balanceOf(accounts[6].address) == 1500 * 10**6
    assert "no pending transactions" in run("pending", "--safe", safe.address, "--folder", folder).output
    assert "[used]" in run("pending", "--safe", safe.address, "--folder", folder, "--all").output


def test_approve_on_chain_then_execute_as_owner(safe, accounts, tmp_path):
    folder = str(tmp_path)
    run("propose", "--safe", safe.address, "--folder", folder, "--send-eth", accounts[5].address, "0.1")
    ref = next((tmp_path / safe.address).glob("*.json")).stem.split("-", 1)[1]
    out = run("approve", ref, "--folder", folder, "--account", "TEST::2").output
    assert out.startswith(f"→ approve Safe transaction {ref} (nonce 0) on-chain as owner {accounts[2].address}")
    assert f"{accounts[2].address}  approved on-chain" in run("show", ref, "--folder", folder).output
    run("execute", ref, "--folder", folder, "--account", "TEST::1")  # the sender's own approval counts
    assert safe.nonce() == 1


def test_bad_input_is_one_line_and_sends_nothing(safe, accounts, tmp_path):
    folder = str(tmp_path)
    run("propose", "--safe", safe.address, "--folder", folder, "--send-eth", accounts[5].address, "0.1",
        "--sign", "--account", "TEST::1")
    path = next((tmp_path / safe.address).glob("*.json"))
    before = height()

    result = run("execute", str(path), "--account", "TEST::9", ok=False)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [result.output.strip()]
    assert result.output.startswith("error: too few signatures: 1 of the 2 needed")

    body = json.loads(path.read_text())
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(dict(body, to=accounts[7].address)))
    for command in (["execute", str(tampered), "--account", "TEST::9"], ["import", str(tampered)],
                    ["sign", str(tampered), "--account", "TEST::2"]):
        result = run(*command, ok=False)
        assert result.exit_code == 1 and result.output.startswith("error: tampered file:"), result.output

    result = run("sign", str(path), "--account", "TEST::7", ok=False)
    assert result.output.startswith(f"error: {accounts[7].address} is not an owner of the Safe")
    result = run("sign", str(path), "--offline", ok=False)
    assert result.output.startswith("error: --offline needs --account")
    result = run("propose", "--safe", safe.address, "--folder", folder, ok=False)
    assert result.output.startswith("error: nothing to propose")
    assert height() == before
    assert len(json.loads(path.read_text())["confirmations"]) == 1  # nothing lost
