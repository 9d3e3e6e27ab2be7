"""opgov.hats on ape's embedded chain: the SDK and the `opgov hats` commands."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from opgov.cli.main import cli
from eth_abi import encode
from eth_utils import keccak

from opgov.errors import HatsError, HatsReverted, TransactionReverted, UsageError
from opgov.hats import (
    HATS_ERRORS,
    ZERO_ADDRESS,
    HatsClient,
    _send,
    describe_tree,
    hat_level,
    hat_path,
    hats_revert,
    parse_hat,
)


@pytest.fixture(scope="session")
def org(accounts):
    """A Hats contract with tree 1: 1.1 (max 2 wearers), 1.1.1, 1.2 immutable."""
    admin = accounts[0]
    hats = HatsClient.deploy(admin)
    top = hats.create_tree(admin.address, "Org", sender=admin)
    h11 = hats.create_hat(top, "Signers", sender=admin, max_supply=2)
    h111 = hats.create_hat(h11, "Deputy", sender=admin)
    h12 = hats.create_hat(top, "Auditor", sender=admin, mutable=False)
    return hats, top, h11, h111, h12


def test_hat_paths_round_trip():
    hat = parse_hat("1.2.3")
    assert hat == (1 << 224) | (2 << 208) | (3 << 192)
    assert hat_path(hat) == "1.2.3" and hat_level(hat) == 2
    assert parse_hat(hex(hat)) == hat and parse_hat(str(hat)) == hat
    assert hat_path(parse_hat("7")) == "7"


@pytest.mark.parametrize("text", ["x", "0.1", "1.70000", "1..2", "0xZZ", ".".join(["1"] * 16)])
def test_bad_hat_paths_are_refused(text):
    with pytest.raises(UsageError):
        parse_hat(text)


def test_create_mint_and_read_tree(org, accounts):
    hats, top, h11, h111, _ = org
    admin, a, b = accounts[0], accounts[1], accounts[2]
    assert hat_path(top) == "1" and hat_path(h11) == "1.1" and hat_path(h111) == "1.1.1"
    hats.mint(h11, a.address, sender=admin)
    hats.mint(h111, b.address, sender=admin)
    assert hats.is_wearer(a.address, h11) and hats.is_wearer(b.address, h111)
    tree = {h.path: h for h in hats.tree(top)}
    assert list(tree) == ["1", "1.1", "1.1.1", "1.2"]
    assert tree["1.1"].wearers == [a.address] and tree["1.1"].max_supply == 2
    assert tree["1.2"].mutable is False
    lines = describe_tree(hats.tree(top), {a.address: "alice"})
    assert any("Signers" in line and "alice" in line for line in lines)


def test_tree_reads_every_wearer_together_in_batches_hats_takes(org, accounts, monkeypatch):
    from opgov.reads import Reader

    hats, top, h11, h111, h12 = org
    admin = accounts[0]
    for hat, who in ((h11, 1), (h11, 2), (h111, 3), (h12, 4)):
        hats.mint(hat, accounts[who].address, sender=admin)
    batches = []
    real = Reader.call_many

    def spy(self, calls):
        batches.append(len(calls))
        return real(self, calls)

    monkeypatch.setattr(Reader, "call_many", spy)
    tree = hats.tree(top)
    assert batches == [1]  # one balanceOfBatch for every hat-wearer pair, whatever the number of hats
    assert sum(len(h.wearers) for h in tree) == 5

    # more pairs than a balanceOfBatch takes go 255 a call, every call in one go
    monkeypatch.setattr("opgov.hats.BALANCE_BATCH", 2)
    batches.clear()
    again = hats.tree(top)
    assert batches == [3] and again == tree


class _Proxy:
    def __init__(self, inner, **overrides):
        self._inner, self._overrides = inner, overrides

    def __getattr__(self, name):
        return self._overrides.get(name) or getattr(self._inner, name)


def test_transfer_and_renounce(org, accounts):
    hats, _, h11, _, h12 = org
    admin, a, b = accounts[0], accounts[1], accounts[2]
    hats.mint(h11, a.address, sender=admin)
    hats.transfer(h11, a.address, b.address, sender=admin)
    assert not hats.is_wearer(a.address, h11) and hats.is_wearer(b.address, h11)
    hats.renounce(h11, sender=b)
    assert not hats.is_wearer(b.address, h11)
    hats.mint(h12, a.address, sender=admin)
    with pytest.raises(HatsError, match="immutable"):
        hats.transfer(h12, a.address, b.address, sender=admin)


@pytest.mark.parametrize(
    "case, match",
    [
        ("not_admin", "is not an admin"),
        ("already", "already wears"),
        ("full", "is full"),
        ("ineligible", "not eligible"),
        ("zero", "zero address"),
        ("unknown", "does not exist"),
    ],
)
def test_mint_refusals_say_what_to_do(org, accounts, case, match):
    hats, _, h11, _, _ = org
    admin = accounts[0]
    if case == "not_admin":
        args = (h11, accounts[1].address, accounts[5])
    elif case == "already":
        hats.mint(h11, accounts[1].address, sender=admin)
        args = (h11, accounts[1].address, admin)
    elif case == "full":
        hats.mint(h11, accounts[1].address, sender=admin)
        hats.mint(h11, accounts[2].address, sender=admin)
        args = (h11, accounts[3].address, admin)
    elif case == "ineligible":
        # the admin is the hat's (humanistic) eligibility module by default; as in
        # Hats Protocol, an account module marks someone ineligible by bad standing
        hats.contract.setHatWearerStatus(h11, accounts[3].address, False, False, sender=admin)
        args = (h11, accounts[3].address, admin)
    elif case == "zero":
        args = (h11, "0x0000000000000000000000000000000000000000", admin)
    else:
        args = (parse_hat("1.9"), accounts[1].address, admin)
    with pytest.raises(HatsError, match=match):
        hats.mint(*args[:2], sender=args[2])


def test_other_refusals(org, accounts):
    hats, top, h11, _, _ = org
    with pytest.raises(HatsError, match="cannot create hats"):
        hats.create_hat(top, "x", sender=accounts[5])
    with pytest.raises(HatsError, match="does not wear"):
        hats.renounce(h11, sender=accounts[5])
    with pytest.raises(HatsError, match="max supply"):
        hats.create_hat(top, "x", sender=accounts[0], max_supply=0)
    with pytest.raises(HatsError, match="no tree 9"):
        hats.tree(parse_hat("9"))
    with pytest.raises(HatsError, match="7,001 bytes, above the 7,000"):
        hats.create_hat(top, "x" * 7001, sender=accounts[0])
    with pytest.raises(HatsError, match="image URI is 8,000 bytes"):
        hats.create_tree(accounts[0].address, "Org 2", sender=accounts[0], image_uri="u" * 8000)
    # bytes of UTF-8 count, not characters: 3,501 two-byte characters are 7,002 bytes
    with pytest.raises(HatsError, match="details is 7,002 bytes"):
        hats.create_hat(top, "é" * 3501, sender=accounts[0])


def test_texts_of_7000_bytes_are_written_and_read_whole(org, accounts):
    hats, top, _, _, _ = org
    details = "é" * 3499 + "ok"  # 7,000 bytes in 3,501 characters
    image = "ipfs://" + "b" * 6993  # 7,000 bytes
    assert len(details.encode()) == len(image.encode()) == 7000
    hat = hats.create_hat(top, details, sender=accounts[0], image_uri=image)
    view = hats.view(hat)
    assert view.details == details and view.image_uri == image
    # hatTexts gives a hat's own texts whole, beside viewHat
    assert tuple(hats.contract.hatTexts(hat)) == (details, image)
    (shown,) = [h for h in hats.tree(top) if h.id == hat]
    assert shown.details == details and shown.image_uri == image
    assert details in describe_tree([shown])[0]


def test_reverts_come_back_in_plain_words(org, accounts):
    hats, top, h11, _, _ = org
    # the SDK checks first; a revert it did not foresee is still told in plain words
    with pytest.raises(HatsReverted, match="a module cannot be the zero address") as info:
        hats.create_hat(top, "x", sender=accounts[0], eligibility=ZERO_ADDRESS)
    assert info.value.error == "ZeroAddress"
    with pytest.raises(HatsReverted, match=f"{accounts[6].address} is not an admin of hat 1.1; send from") as info:
        _send(hats.contract.mintHat, h11, accounts[1].address, sender=accounts[6])
    assert info.value.error_args == (accounts[6].address, h11)
    # reverts that are not Hats Protocol's errors pass through unchanged
    with pytest.raises(TransactionReverted) as plain:
        _send(hats.contract.setApprovalForAll, accounts[1].address, True, sender=accounts[6])
    assert not isinstance(plain.value, HatsReverted)


def _error(sig: str, *args) -> bytes:
    types = sig[sig.index("(") + 1:-1].split(",") if "()" not in sig else []
    return keccak(text=sig)[:4] + encode(types, list(args))


@pytest.mark.parametrize("sig", sorted(HATS_ERRORS))
def test_every_hats_error_has_plain_words(sig):
    types = sig[sig.index("(") + 1:-1].split(",") if "()" not in sig else []
    args = [{"address": "0x00000000000000000000000000000000000000aa", "uint256": (1 << 224) | (2 << 208)}[t]
            for t in types]
    if sig == "Panic(uint256)":
        args = [0x11]
    err = hats_revert("0x" + _error(sig, *args).hex())
    assert isinstance(err, HatsReverted) and err.error == sig[: sig.index("(")]
    assert "{" not in err.message and "0x" not in err.message.replace("0x00000000000000000000000000000000000000AA", "")
    if "uint256" in types and sig != "Panic(uint256)":
        assert "hat 1.2" in err.message


def test_other_revert_data_is_not_a_hats_error():
    assert hats_revert("0x") is None and hats_revert(b"\x08\xc3\x79\xa0") is None
    assert hats_revert("execution reverted") is None
    assert hats_revert(_error("NotAdmin(address,uint256)", ZERO_ADDRESS, 1)[:20]) is None  # cut short


def test_sdk_refuses_the_zero_address_as_wearer(org, accounts):
    hats, _, h11, _, _ = org
    with pytest.raises(HatsError, match="zero address"):
        hats.create_tree(ZERO_ADDRESS, "Org 3", sender=accounts[0])
    hats.mint(h11, accounts[1].address, sender=accounts[0])
    with pytest.raises(HatsError, match="zero address"):
        hats.transfer(h11, accounts[1].address, ZERO_ADDRESS, sender=accounts[0])


# ---------------------------------------------------------------- the CLI


def run(*args):
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_cli_hats_story(provider, accounts):
    code, out = run("hats", "deploy")
    assert code == 0, out
    assert "→ deploy a Hats contract" in out
    code, out = run("hats", "create", "--top-hat", "--details", "Org")
    assert code == 0 and "created hat 1 " in out, out
    code, out = run("hats", "create", "--admin", "1", "--details", "Signers", "--max-supply", "3")
    assert code == 0 and "created hat 1.1 " in out, out
    alice, bob = accounts[1].address, accounts[2].address
    code, out = run("hats", "mint", "1.1", alice)
    assert code == 0 and f"{alice} now wears Signers (hat 1.1)" in out, out
    code, out = run("hats", "transfer", "1.1", alice, bob)
    assert code == 0, out
    code, out = run("hats", "tree", "1")
    assert code == 0 and "Signers" in out and bob in out and alice not in out, out
    code, out = run("hats", "wearer", "1.1", bob)
    assert code == 0 and "wears hat 1.1" in out and "eligible: yes" in out, out
    code, out = run("hats", "renounce", "1.1", "--account", "TEST::2")
    assert code == 0 and "no longer wears" in out, out


@pytest.mark.parametrize(
    "args, message",
    [
        (("hats", "mint", "1.x", "0x0000000000000000000000000000000000000001"), "is not a hat"),
        (("hats", "mint", "1.1", "0x0000000000000000000000000000000000000001", "--account", "TEST::5"),
         "is not an admin"),
        (("hats", "mint", "1.1", "0x0000000000000000000000000000000000000001", "--account", "TEST::99"),
         "no test account"),
        (("hats", "create", "--details", "x"), "--admin"),
        (("hats", "tree", "4"), "no tree 4"),
        (("hats", "tree", "1", "--network", "ethereum:nowhere:none"), "cannot connect"),
    ],
)
def test_cli_bad_input_is_one_line_and_non_zero(provider, accounts, args, message):
    assert run("hats", "deploy")[0] == 0
    assert run("hats", "create", "--top-hat", "--details", "Org")[0] == 0
    assert run("hats", "create", "--admin", "1", "--details", "Signers")[0] == 0
    code, out = run(*args)
    assert code != 0
    assert message in out
    assert "Traceback" not in out
    assert len([line for line in out.splitlines() if line.startswith("error:")]) <= 1


def test_cli_long_details_whole_and_too_long_refused_in_one_line(provider, accounts):
    assert run("hats", "deploy")[0] == 0
    assert run("hats", "create", "--top-hat", "--details", "Org")[0] == 0
    details = "d" * 7000
    code, out = run("hats", "create", "--admin", "1", "--details", details)
    assert code == 0 and "created hat 1.1 " in out, out[:300]
    code, out = run("hats", "tree", "1")
    assert code == 0 and details in out, out[:300]
    code, out = run("hats", "create", "--admin", "1", "--details", details + "d")
    assert code == 1, out[:300]
    (error,) = [line for line in out.splitlines() if line.startswith("error:")]
    assert "7,001 bytes, above the 7,000 a hat can hold" in error and "Traceback" not in out
    assert details not in out  # refused before the plan is said, and long texts are never echoed whole


def test_cli_without_a_hats_contract_says_how_to_get_one(provider):
    from opgov.deployments import Deployments

    Deployments.for_connected_network().records.pop("Hats", None)
    code, out = run("hats", "tree", "1")
    assert code == 1 and "opgov hats deploy" in out
