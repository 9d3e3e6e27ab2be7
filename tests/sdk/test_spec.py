"""The org spec: the example validates, and every field's bad values are refused
with the file, line and field."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from opgov.cli.main import cli
from opgov.errors import SpecError
from opgov.spec import EXAMPLE, load_spec, write_example


def test_example_is_valid(tmp_path):
    spec = load_spec(write_example(tmp_path / "org.yaml"))
    assert spec.name == "Riverside Commons"
    assert [c.id for c in spec.cells] == ["repair-cafe", "thing-library", "workshops"]
    assert spec.safe.signer_hat.min == 2 and len(spec.safe.signers) == 4
    assert spec.cells[2].parent == "repair-cafe"


def test_init_refuses_to_overwrite(tmp_path):
    write_example(tmp_path / "org.yaml")
    with pytest.raises(SpecError, match="already exists"):
        write_example(tmp_path / "org.yaml")


def _line_of(text: str, needle: str) -> int:
    """The line of `needle`; of its last occurrence if it is there twice (a duplicate)."""
    return text[: text.rindex(needle)].count("\n") + 1


# (replace this, with this, the field named in the error, what the error says[, the line it names])
BAD = [
    ("name: Riverside Commons", "name: ''", "name", "at least 1 character"),
    ("  symbol: USDC", "  symbol: ''", "token.symbol", "at least 1 character"),
    ("  decimals: 6", "  decimals: 24", "token.decimals", "less than or equal to 18"),
    ("  # address: 0x...", "  address: 0x1234", "token.address", "hex digits, not 40"),
    ("  alice: TEST::0", "  Alice!: TEST::0", "people", "lower case"),
    ("  bob: TEST::1", "  bob: 'not an alias!'", "people", "not an address"),
    ("  signers: [alice, bob, carol, dave]", "  signers: []", "safe.signers", "at least 1 item"),
    ("  signers: [alice, bob, carol, dave]", "  signers: [alice, bob, carol, zed]", "safe.signers[3]", "not under people"),
    ("  signer_hat: {min: 2, target: 2}", "  threshold: 0", "safe.threshold", "greater than or equal to 1"),
    ("  signer_hat: {min: 2, target: 2}", "  threshold: 5", "safe.threshold", "more than the 4 signers"),
    ("  signer_hat: {min: 2, target: 2}", "  signer_hat: {min: 3, target: 2}", "safe.signer_hat",
     "min must not be larger"),
    ("  signer_hat: {min: 2, target: 2}", "  signer_hat: {min: 2, target: 2}\n  threshold: 2", "safe",
     "either threshold or signer_hat", "safe:"),
    ("  - id: signer\n", "  - id: signers\n", "safe.signer_hat", "needs a role with id 'signer'",
     "signer_hat:"),
    ("  - id: signer", "  - id: Signer", "roles[0].id", "lower case"),
    ("    wearers: [alice, bob, carol, dave]", "    wearers: [alice, zed]", "roles[0].wearers[1]", "not under people"),
    ("    max_supply: 5", "    max_supply: 2", "roles[0].max_supply", "fewer than the wearers"),
    ("    max_supply: 5", "    max_supply: 0", "roles[0].max_supply", "greater than or equal to 1"),
    ("  - id: repair-cafe", "  - id: repair cafe", "cells[0].id", "lower case"),
    ("  - id: thing-library", "  - id: repair-cafe", "cells[1].id", "used twice"),
    ("    lead: erin", "    lead: zed", "cells[0].lead", "not under people"),
    ("    members: [frank, grace]", "    members: [frank, zed]", "cells[0].members[1]", "not under people"),
    ("    budget: 1500 USDC/month", "    budget: 1500 USDC", "cells[0].budget", "cannot read"),
    ("    budget: 1500 USDC/month", "    budget: 1500 USDC/fortnight", "cells[0].budget", "not a unit of time"),
    ("    budget: 1500 USDC/month", "    budget: 1500 DAI/month", "cells[0].budget", "treasury token"),
    ("    consent_window: 3 days\n    execution_window", "    consent_window: soon\n    execution_window",
     "cells[0].consent_window", "cannot read"),
    ("    execution_window: 7 days", "    execution_window: 0 days", "cells[0].execution_window", "longer than zero"),
    ("      - {amount: 1000 USDC, period: 30 days}", "      - {amount: 1000, period: 30 days}",
     "cells[0].spending_limits[0].amount", "with its token"),
    ("      - {amount: 1000 USDC, period: 30 days}", "      - {amount: 1000 DAI, period: 30 days}",
     "cells[0].spending_limits[0].amount", "neither the treasury token"),
    ("      - {amount: 1000 USDC, period: 30 days}", "      - {amount: 1000 USDC, period: often}",
     "cells[0].spending_limits[0].period", "cannot read"),
    ("    allowed_calls: [USDC.transfer]\n    objectors: [members]\n\n  - id: thing",
     "    allowed_calls: [transfer]\n    objectors: [members]\n\n  - id: thing",
     "cells[0].allowed_calls", "Contract.function"),
    # the org's own machinery is out of every cell's reach (security review, finding 1)
    ("    allowed_calls: [USDC.transfer]\n    objectors: [members]\n\n  - id: thing",
     "    allowed_calls: [USDC.transfer, Hats.changeHatToggle]\n    objectors: [members]\n\n  - id: thing",
     "cells[0].allowed_calls", "only mint or transfer hats below its own hat"),
    ("    allowed_calls: [USDC.transfer]\n    objectors: [members]\n\n  - id: thing",
     "    allowed_calls: [BudgetStreams.adjust_rate]\n    objectors: [members]\n\n  - id: thing",
     "cells[0].allowed_calls", "signers' decision"),
    ("    allowed_calls: [USDC.transfer]\n    objectors: [members]\n\n  - id: thing",
     "    allowed_calls: [Safe.addOwnerWithThreshold]\n    objectors: [members]\n\n  - id: thing",
     "cells[0].allowed_calls", "no cell's domain may call the Safe contract"),
    ("    allowed_calls: [USDC.transfer]\n    objectors: [members]\n\n  - id: thing",
     "    allowed_calls: [SignerGate.claim_signer]\n    objectors: [members]\n\n  - id: thing",
     "cells[0].allowed_calls", "the SignerGate contract"),
    ("    allowed_calls: [USDC.transfer]\n    objectors: [members]\n\n  - id: thing",
     "    allowed_calls: [ConsentModule.allow_call]\n    objectors: [members]\n\n  - id: thing",
     "cells[0].allowed_calls", "the ConsentModule contract"),
    ("    parent: repair-cafe", "    parent: nowhere", "cells[2].parent", "not a cell id"),
    ("    parent: repair-cafe", "    parent: workshops", "cells[2].parent", "own parent"),
    ("    objectors: [members, lead]", "    objectors: [everyone]", "cells[2].objectors[0]", "expected 'members'"),
    ("    purpose: Monthly", "    colour: red\n    purpose: Monthly", "cells[0].colour", "not a field opgov knows"),
    # what deploy would stop on half-way: `opgov check` catches it first
    ("    budget: 1500 USDC/month", "    budget: 1500 USDC/month\n    budget: 15 USDC/month", "cells[0].budget",
     "is given twice (first on line", "budget: 15 USDC/month"),
    ("  bob: TEST::1", "  bob: 0x1234", "people", "it has 4 hex digits, not 40"),
    ("  bob: TEST::1", "  bob: 0x70997970C51812dc3A010C7d01b50e0d17dc79c8", "people", "wrong checksum"),
    ("  bob: TEST::1", "  bob: '0x0000000000000000000000000000000000000000'", "people", "the zero address"),
    ("  bob: TEST::1", "  bob: TEST::0", "people", "alice and bob are the same account"),
    ("  # address: 0x...", "  address: 0xa0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "token.address", "wrong checksum"),
    ("  signer_hat: {min: 2, target: 2}", "  signer_hat: {min: 2, target: 2}\n  address: 0xabc", "safe.address",
     "hex digits, not 40", "address: 0xabc"),
    ("    allowed_calls: [USDC.transfer]\n    objectors: [members]\n\n  - id: thing",
     "    allowed_calls: [EURC.steal]\n    objectors: [members]\n\n  - id: thing",
     "cells[0].allowed_calls[0]", "'EURC' is not a contract opgov knows"),
    ("    allowed_calls: [USDC.transfer]\n    objectors: [members]\n\n  - id: thing",
     "    allowed_calls: [USDC.steal]\n    objectors: [members]\n\n  - id: thing",
     "cells[0].allowed_calls[0]", "USDC has no function 'steal'"),
    ("    budget: 1500 USDC/month", "    budget: 1000000000000000000000000000000000 USDC/month", "cells[0].budget",
     "faster than a stream can pay"),
    ("    budget: 1500 USDC/month", "    budget: 0.0000001 USDC/month", "cells[0].budget", "too small to fund"),
    ("    consent_window: 3 days\n    execution_window", "    consent_window: 500 years\n    execution_window",
     "cells[0].consent_window", "longer than the consent module can keep"),
    ("    execution_window: 7 days", "    execution_window: 500 years", "cells[0].execution_window",
     "longer than the consent module can keep"),
    ("      - {amount: 1000 USDC, period: 30 days}", "      - {amount: 1000000000000000000000000000000000 USDC, period: 30 days}",
     "cells[0].spending_limits[0].amount", "more than the consent module can keep"),
    ("      - {amount: 1000 USDC, period: 30 days}", "      - {amount: 1000.1234567 USDC, period: 30 days}",
     "cells[0].spending_limits[0].amount", "more decimal places than USDC's 6"),
    ("      - {amount: 1000 USDC, period: 30 days}", "      - {amount: 1000 USDC, period: 500 years}",
     "cells[0].spending_limits[0].period", "longer than the consent module can keep"),
    ("      - {amount: 1000 USDC, period: 30 days}",
     "      - {amount: 1000 USDC, period: 30 days}\n      - {amount: 10 USDC, period: 1 day}",
     "cells[0].spending_limits[1].amount", "a second limit for USDC", "{amount: 10 USDC, period: 1 day}"),
    ("    wearers: [alice, bob, carol, dave]", "    wearers: [alice, bob, carol]", "safe.signers[3]",
     "does not wear the 'signer' role", "signers: [alice, bob, carol, dave]"),
    ("  signer_hat: {min: 2, target: 2}", "  signer_hat: {min: 5, target: 5}", "safe.signer_hat",
     "min 5 is more than the 4 signers"),
    ("    name: Repair Café", "    name: Treasury signer", "cells[0].name", "the name of another role or cell"),
]


@pytest.mark.parametrize("case", BAD, ids=[b[2] + ":" + b[3][:14] for b in BAD])
def test_bad_values_name_file_line_and_field(tmp_path, case):
    # the error's line is the changed line's, or that of the text given fifth
    old, new, field, message = case[:4]
    assert old in EXAMPLE
    text = EXAMPLE.replace(old, new, 1)
    path = tmp_path / "org.yaml"
    path.write_text(text)
    with pytest.raises(SpecError) as err:
        load_spec(path)
    text_err = str(err.value)
    hit = [line for line in text_err.splitlines() if f": {field}:" in line and message in line]
    assert hit, text_err
    line_no = int(re.match(rf"{re.escape(str(path))}:(\d+):", hit[0]).group(1))
    first_new_line = case[4] if len(case) > 4 else new.splitlines()[0].strip()
    assert line_no == _line_of(text, first_new_line) or field.endswith(("people", "signers")), text_err


def test_parent_loop_is_refused(tmp_path):
    text = EXAMPLE.replace("    objectors: [members]\n\n  - id: thing-library",
                           "    parent: workshops\n    objectors: [members]\n\n  - id: thing-library")
    (tmp_path / "org.yaml").write_text(text)
    with pytest.raises(SpecError, match="loop"):
        load_spec(tmp_path / "org.yaml")


@pytest.mark.parametrize("text, message", [
    ("name: [unclosed", "not valid YAML"),
    ("- just\n- a list\n", "expected a mapping"),
])
def test_not_a_spec_at_all(tmp_path, text, message):
    (tmp_path / "org.yaml").write_text(text)
    with pytest.raises(SpecError, match=message):
        load_spec(tmp_path / "org.yaml")


def test_missing_file_says_how_to_start(tmp_path):
    with pytest.raises(SpecError, match="opgov init"):
        load_spec(tmp_path / "nope.yaml")


def test_cli_init_and_check(tmp_path):
    runner = CliRunner()
    path = tmp_path / "org.yaml"
    result = runner.invoke(cli, ["init", str(path)])
    assert result.exit_code == 0 and path.exists(), result.output
    result = runner.invoke(cli, ["check", str(path)])
    assert result.exit_code == 0 and "3 cells" in result.output, result.output
    path.write_text(EXAMPLE.replace("lead: erin", "lead: zed"))
    result = runner.invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    assert "cells[0].lead: 'zed' is not under people" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(cli, ["init", str(path)])
    assert result.exit_code == 1 and "already exists" in result.output


def test_cell_may_be_allowed_to_mint_and_transfer_its_own_hats(tmp_path):
    text = EXAMPLE.replace("    allowed_calls: [USDC.transfer]\n", "    allowed_calls: [USDC.transfer, Hats.mintHat, Hats.transferHat]\n", 1)
    (tmp_path / "org.yaml").write_text(text)
    spec = load_spec(tmp_path / "org.yaml")
    assert spec.cells[0].allowed_calls == ["USDC.transfer", "Hats.mintHat", "Hats.transferHat"]


def test_a_weekly_budget_funds_its_stream_to_the_token_unit():
    from opgov.spec import stream_deposit

    # 2 months of 1000 USDC/week is 8571.428571428... USDC: rounded down, never refused half-way
    assert stream_deposit("1000 USDC/week", 6) == 8_571_428_571


def test_cli_check_refuses_what_deploy_would_stop_on(tmp_path):
    path = tmp_path / "org.yaml"
    path.write_text(EXAMPLE.replace("allowed_calls: [USDC.transfer]", "allowed_calls: [EURC.steal]", 1)
                    .replace("budget: 1200 USDC/month", "budget: 1000000000000000000000000000000000 USDC/month"))
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1 and "has 2 problem(s)" in result.output, result.output
    assert "cells[0].allowed_calls[0]: 'EURC.steal'" in result.output
    assert "cells[2].budget: '1000000000000000000000000000000000 USDC/month' is faster" in result.output
    assert "Traceback" not in result.output
