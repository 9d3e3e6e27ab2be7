"""What people type, read one way by every command: addresses (checksum, length, org.yaml
names, ENS), cells, roles and streams by their org.yaml ids, --account by a person's name;
and wrong input of every kind ends in one line, never a Python exception (embedded chain)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from opgov.addresses import NO_ENS, check_hex, parse_address
from opgov.cli.main import cli
from opgov.errors import UsageError
from opgov.spec import EXAMPLE, load_spec
from safe_support import deployed_org

SHOP = 9  # the test account that plays the hardware shop
ERIN = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"  # TEST::4, Repair Café's lead
LOWER = ERIN.lower()
MISTYPED = ERIN[:-1] + "4"  # one digit changed: the mixed case no longer matches the checksum
PYTHON_ERRORS = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception|OutOfBounds|Operation)\b|\bKeyError\b")


@pytest.fixture(scope="module")
def org(provider, accounts, tmp_path_factory):
    """The example org with a supplier, deployed on the embedded chain's record; undone afterwards."""
    workdir = tmp_path_factory.mktemp("org")
    with deployed_org(workdir, with_shop(accounts), accounts[8]) as (_spec, state):
        yield workdir, state


@pytest.fixture
def in_org(org, monkeypatch):
    """Commands run in the org's folder (its org.yaml gives the names)."""
    monkeypatch.chdir(org[0])
    return org


def run(*args, ok=True):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def one_line_error(result, start: str = "") -> str:
    text = result.output.strip()
    assert result.exit_code != 0, text
    assert text.splitlines() == [text], text
    assert text.startswith(f"error: {start}"), text
    assert not PYTHON_ERRORS.search(text), text
    return text


# ---------------------------------------------------------------- the parser alone


def test_addresses_are_checked_by_form():
    assert check_hex(LOWER) == ERIN
    assert check_hex("0x" + ERIN[2:].upper()) == ERIN
    assert check_hex(ERIN) == ERIN
    for text, says in ((MISTYPED, "has a wrong checksum"), ("0x1234", "it has 4 hex digits, not 40"),
                       (ERIN + "0", "it has 41 hex digits"), ("0x" + "g" * 40, "not hex digits")):
        with pytest.raises(UsageError, match=says):
            check_hex(text, "--to")


def test_names_come_from_org_yaml_and_the_record(accounts):
    spec = load_spec_with_shop(accounts)
    assert parse_address("hardware-shop", spec=spec) == accounts[SHOP].address
    assert parse_address("erin", spec=spec) == ERIN
    assert parse_address("usdc", contracts={"USDC": LOWER}) == ERIN
    with pytest.raises(UsageError, match="'nobody' is not an address, nor a name opgov knows; .*hardware-shop"):
        parse_address("nobody", "--to", spec=spec)
    with pytest.raises(UsageError) as err:
        parse_address("shop.eth", "--to", network="local")
    assert str(err.value) == f"--to 'shop.eth': {NO_ENS}"


def load_spec_with_shop(accounts):
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp())
    (folder / "org.yaml").write_text(with_shop(accounts))
    return load_spec(folder / "org.yaml")


def with_shop(accounts) -> str:
    """The example org.yaml with the hardware shop (the test account SHOP) as a supplier."""
    return EXAMPLE.replace("# suppliers:\n#   hardware-shop: 0x...", f"suppliers:\n  hardware-shop: {accounts[SHOP].address}")


# ---------------------------------------------------------------- names in commands


def test_cells_people_suppliers_and_streams_by_name(in_org, accounts):
    workdir, state = in_org
    out = run("propose", "--cell", "repair-cafe", "--pay", "250 USDC", "--to", "hardware-shop",
              "--account", "erin").output
    assert "transfer 250.00 USDC to hardware-shop (0xa0Ee…9720)" in out and "from erin (0x15d3…6A65)" in out
    out = run("propose", "--cell", "Repair Café", "--rate", "1", "1600 USDC/month", "--account", "erin").output
    assert "set stream #1 (Repair Café's budget) to 1,600.00 USDC/month (now 1,500.00 USDC/month)" in out
    out = run("proposals", "--cell", "repair-cafe").output
    assert "2 of 5 live proposals" in out
    assert "1 stream for Repair Café (hat 1.2)" in run("stream", "list", "--hat", "repair-cafe").output
    assert "rate: 900.00 USDC/month" in run("stream", "show", "thing-library").output
    assert "erin (0x15d3…6A65) wears hat 1.2 (Repair Café)" in run("hats", "wearer", "repair-cafe", "erin").output
    assert "erin (0x15d3…6A65) does not wear hat 1.1 (Treasury signer)" in run("hats", "wearer", "signer", LOWER).output


FULL_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{40}\b")


def test_output_says_people_cells_suppliers_and_streams_by_their_org_yaml_names(in_org):
    """What the commands print names things as org.yaml and the record do, as Safe transactions are described."""
    run("propose", "--cell", "repair-cafe", "--pay", "250 USDC", "--to", "hardware-shop", "--account", "erin",
        "--rationale", "soldering irons")
    run("propose", "--cell", "repair-cafe", "--rate", "1", "1600 USDC/month", "--account", "erin")
    out = run("object", "1", "--reason", "we have irons", "--account", "frank").output
    assert "→ object to proposal #1 as frank (0x9965…A4dc) with Repair Café (hat 1.2)" in out
    proposals = run("proposals").output
    for says in ("(cell Repair Café (hat 1.2), proposed by erin (0x15d3…6A65))",
                 "1. transfer 250.00 USDC to hardware-shop (0xa0Ee…9720)",
                 "objection by frank (0x9965…A4dc) (hat 1.2, stands): we have irons",
                 "1. set stream #1 (Repair Café's budget) to 1,600.00 USDC/month (now 1,500.00 USDC/month)"):
        assert says in proposals, proposals
    show = run("stream", "show", "repair-cafe").output
    assert show.startswith("stream #1 (Repair Café's budget)\n"), show
    # the Safe's address depends on what the embedded chain deployed before this test
    assert re.search(r"from the Safe \(0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}\) to erin \(0x15d3…6A65\); "
                     r"wearers of Repair Café \(hat 1\.2\) may", show), show
    listed = run("stream", "list", "--hat", "thing-library").output
    assert "1 stream for Thing Library (hat 1.3):\n  stream #2 (Thing Library's budget): 900.00 USDC/month" in listed
    tree = run("hats", "tree", "1").output
    assert "Riverside Commons — worn by the Safe, 1 of 1" in tree
    assert "Treasury signer — worn by alice, bob, carol, dave, 4 of 5" in tree
    assert "Repair Café lead — worn by erin, 1 of 1" in tree
    status = run("status").output
    assert "signers: dave, carol, bob, alice" in status and "#1  Repair Café  objected" in status
    run("safe", "propose", "--send-eth", "hardware-shop", "0.1")
    pending = run("safe", "pending").output
    assert "send 0.1000 ETH to hardware-shop (0xa0Ee…9720)" in pending
    signers = run("safe", "signers").output
    assert "owner alice (0xf39F…2266)" in signers and "modules: the signer gate (" in signers
    for out in (proposals, show, listed, tree, pending):
        assert not FULL_ADDRESS.search(out), out  # every address here has a name


def test_the_test_token_is_recorded_under_its_symbol(in_org):
    from opgov.deployments import Deployments

    workdir, state = in_org
    assert Deployments.for_connected_network().get("USDC") == state.token
    out = run("propose", "--cell", "thing-library", "--pay", "650 USDC", "--to", "hardware-shop",
              "--account", "frank").output  # no --token: the symbol names it
    assert "transfer 650.00 USDC to" in out


def test_a_mistyped_checksum_pays_no_one(in_org):
    from ape import chain

    before = chain.blocks.height
    one_line_error(run("stream", "withdraw", "1", "5 USDC", "--to", MISTYPED, "--account", "erin", ok=False),
                   f"--to '{MISTYPED}' has a wrong checksum")
    assert chain.blocks.height == before
    run("stream", "withdraw", "1", "max", "--to", LOWER, "--account", "erin")  # all lower case: no checksum to fail


# ---------------------------------------------------------------- wrong input, one line each

BAD = [
    (["propose", "--cell", "repair-cafe", "--pay", "250 USDC", "--to", "shop.eth", "--account", "erin"],
     f"--to 'shop.eth': {NO_ENS}"),
    (["propose", "--cell", "repair-cafe", "--pay", "250 USDC", "--to", "0x1234", "--account", "erin"],
     "--to '0x1234' is not an address"),
    (["propose", "--cell", "repair-cafe", "--pay", "nan USDC", "--to", "hardware-shop", "--account", "erin"],
     "cannot read 'nan USDC' as an amount"),
    (["propose", "--cell", "no-such-cell", "--pay", "1 USDC", "--to", "erin"], "--cell 'no-such-cell' is not a hat"),
    (["propose", "--cell", "repair-cafe", "--rate", "99", "1 USDC/month", "--account", "erin"], "there is no stream 99"),
    (["propose", "--cell", "repair-cafe", "--rate", "x", "1 USDC/month", "--account", "erin"], "--rate 'x' is not a stream"),
    (["execute", "--", "-1"], "'-1' is not a proposal"),
    (["execute", str(2**256)], f"'{2**256}' is not a proposal"),
    (["execute", "-1"], "no such option: -1"),
    (["object", "#0", "--reason", "no"], "'0' is not a proposal"),
    (["hats", "wearer", "1", "x.eth"], f"ADDRESS 'x.eth': {NO_ENS}"),
    (["hats", "wearer", "1.99999", ERIN], "'1.99999' is not a hat"),
    (["hats", "mint", "repair-cafe", "0x12"], "WEARER '0x12' is not an address"),
    (["hats", "tree", "1", "--hats", ERIN], f"there is no contract at {ERIN}"),
    (["stream", "withdraw", "1", "nan", "--account", "erin"], "cannot read 'nan' as an amount"),
    (["stream", "withdraw", "1", "inf USDC", "--account", "erin"], "cannot read 'inf USDC' as an amount"),
    (["stream", "show", str(2**256)], f"'{2**256}' is not a stream"),
    (["stream", "show", "-5"], "no such option: -5"),
    (["stream", "create", "nobody", "1 USDC/month"], "RECIPIENT 'nobody' is not an address"),
    (["safe", "propose", "--send-eth", "x.eth", "1"], f"--send-eth 'x.eth': {NO_ENS}"),
    (["safe", "propose", "--send-eth", "0x1234", "1"], "--send-eth '0x1234' is not an address"),
    (["safe", "propose", "--transfer", "USDC", "erin", "1e30"], "1e30 USDC is more than all the USDC there is"),
    (["safe", "propose", "--transfer", "USDC", MISTYPED, "1"], f"--transfer '{MISTYPED}' has a wrong checksum"),
    (["safe", "remove-signer", "dave.eth"], f"SIGNER 'dave.eth': {NO_ENS}"),
    (["safe", "create", "--owner", "0xabc", "--threshold", "1"], "--owner '0xabc' is not an address"),
    (["safe", "propose", "--nonce", "-1", "--send-eth", "erin", "1"], "invalid value for '--nonce'"),
    (["consent", "approve", "#-3"], "'-3' is not a proposal"),
    (["propose", "--cell", "repair-cafe", "--pay", "1 USDC", "--to", "erin", "--account", "nobody"],
     "there is no ape account called 'nobody'"),
]


@pytest.mark.parametrize("args, start", BAD, ids=[" ".join(a)[:60] for a, _ in BAD])
def test_wrong_input_is_one_line_with_no_python_error(in_org, args, start):
    one_line_error(run(*args, ok=False), start)


def test_many_wrong_inputs_never_show_a_python_exception(in_org):
    """Every wrong value in every place that takes one: whatever the message, no traceback, no type name."""
    places = [
        ["propose", "--cell", "repair-cafe", "--pay", "1 USDC", "--to", "{}", "--account", "erin"],
        ["propose", "--cell", "{}", "--pay", "1 USDC", "--to", "erin", "--account", "erin"],
        ["propose", "--cell", "repair-cafe", "--pay", "{} USDC", "--to", "erin", "--account", "erin"],
        ["execute", "{}"], ["stream", "show", "{}"], ["hats", "wearer", "{}", "erin"], ["hats", "wearer", "1", "{}"],
        ["stream", "withdraw", "1", "{}", "--account", "erin"], ["safe", "propose", "--send-eth", "erin", "{}"],
    ]
    values = ["", " ", "x.eth", "0x", "0x1234", MISTYPED, "0x" + "f" * 64, "-0", "2**256", str(2**256), "nan",
              "-inf", "1e999999", "1.5.6", "☃", "#", "0x-1", "1_000_000_000_000_000_000_000_000_000_000_000_000"]
    for place in places:
        for value in values:
            args = [a.replace("{}", value) for a in place]
            result = run(*args, ok=False)
            text = result.output.strip()
            assert not PYTHON_ERRORS.search(text), f"opgov {' '.join(args)}: {text}"
            if result.exit_code != 0:
                assert text.splitlines()[-1].startswith("error: "), f"opgov {' '.join(args)}: {text}"


# ---------------------------------------------------------------- Safe transactions never share a nonce quietly


def test_veto_takes_the_next_free_nonce_or_replaces(in_org, tmp_path):
    workdir, state = in_org
    run("propose", "--cell", "repair-cafe", "--pay", "10 USDC", "--to", "hardware-shop", "--account", "erin")
    folder = tmp_path / "txs"
    run("consent", "veto", "1", "--reason", "not now", "--folder", folder)
    out = run("consent", "veto", "1", "--reason", "not this way", "--folder", folder).output
    nonce = int(re.search(r"note: nonce (\d+) is taken by the pending transaction", out).group(1))
    assert f"this one gets nonce {nonce + 1} and can run only after it" in out
    again = run("consent", "veto", "1", "--reason", "not now", "--folder", folder).output
    assert "note:" not in again  # the same transaction again: merged into its file, no third nonce
    out = run("consent", "veto", "1", "--reason", "never", "--folder", folder, "--replace").output
    assert "replaces" in out and "set aside in" in out
    kept = sorted(p.name.split("-")[0] for p in folder.rglob("*.json") if "replaced" not in p.parts)
    assert kept == [str(nonce), str(nonce + 1)]


def test_deploy_after_hand_over_takes_the_next_free_nonce_or_replaces(in_org, tmp_path):
    """`opgov deploy` writing the signers' transaction never reuses a pending one's nonce quietly."""
    workdir, state = in_org
    spec = workdir / "org.yaml"
    before = spec.read_text()
    spec.write_text(before.replace("members: [frank, grace]", "members: [frank, grace, heidi]", 1))
    folder = tmp_path / "txs"
    try:
        run("safe", "propose", "--send-eth", "erin", "0.1", "--folder", folder)
        out = run("deploy", spec, "--folder", folder, "--account", "TEST::8").output
        nonce = int(re.search(r"note: nonce (\d+) is taken by the pending transaction \w+ \(send 0.1000 ETH to erin",
                              out).group(1))
        assert f"this one gets nonce {nonce + 1} and can run only after it (pass --replace" in out, out
        assert "1 change(s) wait for the signers" in out, out
        again = run("deploy", spec, "--folder", folder, "--account", "TEST::8").output
        assert "note:" not in again, again  # the same change again: merged into its file
        out = run("deploy", spec, "--folder", folder, "--account", "TEST::8", "--replace").output
        assert "replaces" in out and f"(nonce {nonce}), set aside in" in out, out
        kept = sorted(p.name.split("-")[0] for p in folder.rglob("*.json") if "replaced" not in p.parts)
        assert kept == [str(nonce), str(nonce + 1)]  # the change at the Safe's nonce, and its earlier copy
    finally:
        spec.write_text(before)


# ---------------------------------------------------------------- the org's files live with the org


def test_the_orgs_folder_is_found_from_anywhere_inside_it(tmp_path, monkeypatch):
    from opgov.deployments import deployments_folder, index_folder, org_folder, use_org
    from opgov.safe_tx import TxFolder

    (tmp_path / "org.yaml").write_text(EXAMPLE)
    (tmp_path / "notes" / "deep").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "notes" / "deep")
    monkeypatch.delenv("OPGOV_DEPLOYMENTS", raising=False)
    monkeypatch.delenv("OPGOV_ORG", raising=False)
    assert org_folder() == tmp_path
    assert deployments_folder() == tmp_path / "deployments" and index_folder() == tmp_path / ".opgov" / "index"
    assert TxFolder().root == tmp_path / "safe-txs"
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    try:
        use_org(elsewhere / "org.yaml")  # what a command given a spec does
        assert TxFolder().root == elsewhere / "safe-txs"
    finally:
        use_org(None)


def test_safe_files_where_older_opgov_kept_them_are_still_read(in_org, accounts, monkeypatch, tmp_path):
    import opgov.deployments

    workdir, state = in_org
    old = workdir / ".opgov" / "safe-txs"
    run("safe", "propose", "--send-eth", "erin", "0.1", "--folder", old)
    monkeypatch.setattr(opgov.deployments, "_NOTICED", set())
    result = CliRunner(mix_stderr=False).invoke(cli, ["safe", "pending"])
    assert result.exit_code == 0, result.output
    assert "send 0.1000 ETH to erin" in result.stdout, result.stdout
    assert result.stderr.startswith("note: read 1 Safe transaction file(s) from .opgov/safe-txs"), result.stderr
    (path,) = old.rglob("*.json")  # read there, never moved without a word
    assert not (workdir / "safe-txs" / path.relative_to(old)).exists()


def test_check_reports_every_problem_in_one_run(tmp_path):
    """A bad field no longer hides the checks across the spec (a signer who is nobody, a budget in another token)."""
    bad = (EXAMPLE.replace("  heidi: TEST::7", "  heidi: 0x1234")
           .replace("signers: [alice, bob, carol, dave]", "signers: [alice, bob, carol, zed]")
           .replace("budget: 900 USDC/month", "budget: 900 EUR/month"))
    (tmp_path / "org.yaml").write_text(bad)
    result = run("check", tmp_path / "org.yaml", ok=False)
    assert "has 3 problem(s)" in result.output
    for says in ("heidi: '0x1234' is not an address", "safe.signers[3]: 'zed' is not under people:",
                 "cells[1].budget: budgets are in the treasury token USDC, not EUR"):
        assert says in result.output, result.output


def test_hats_errors_say_people_by_their_org_yaml_names(in_org):
    """A refused hats command names the sender as org.yaml does, not by a bare address."""
    result = run("hats", "mint", "repair-cafe", "grace", "--account", "erin", ok=False)
    assert result.exit_code != 0
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "erin (0x15d3…6A65) is not an admin of hat 1.2" in errors[0], result.output
