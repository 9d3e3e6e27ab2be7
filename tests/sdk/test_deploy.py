"""opgov plan / deploy / status on the embedded chain: a first deployment, idempotence,
a run cut off anywhere and resumed, and a changed spec turned into a Safe transaction."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from deploy_support import deployer, fresh_record, spec  # noqa: F401 (fixtures)

from opgov.cli.main import cli
from opgov.contracts import container
from opgov.deploy import OrgDeployer, load_state
from opgov.deployments import Deployments
from opgov.errors import DeploymentError
from opgov.safe import Safe, sign
from opgov.spec import EXAMPLE, load_spec, write_example


def _people(spec, accounts):
    return {name: accounts[int(who.split("::")[1])] for name, who in spec.people.items()}


def _check_org(spec, state, accounts, deployer):
    """The chain matches the example spec, and everything exists once."""
    from ape import chain

    safe = Safe.at(state.safe)
    people = _people(spec, accounts)
    assert sorted(safe.owners()) == sorted(people[n].address for n in spec.safe.signers)
    assert safe.threshold() == 2 and safe.guard() == state.gate
    assert deployer.address not in safe.owners()
    hats = container("Hats").at(state.hats)
    assert hats.isWearerOfHat(state.safe, state.top_hat)
    assert hats.isQuietModule(state.safe)  # declared before any hat it runs: wearer checks skip it
    names = [log.details for log in hats.HatCreated.range(0, chain.blocks.height + 1)]
    assert sorted(names) == sorted(set(names)), "a hat was created twice"
    assert len(names) == 1 + len(spec.roles) + 2 * len(spec.cells)
    streams = container("BudgetStreams").at(state.streams)
    assert len(list(streams.StreamCreated.range(0, chain.blocks.height + 1))) == 3
    consent = container("ConsentModule").at(state.consent)
    for cell in spec.cells:
        assert consent.cell(state.cells[cell.id]).configured
        assert hats.isWearerOfHat(people[cell.lead].address, state.leads[cell.id])


def test_plan_sends_nothing_and_lists_the_first_deployment(provider, spec, deployer):
    from ape import chain

    fresh_record(provider)
    height = chain.blocks.height
    steps = OrgDeployer(spec, deployer).plan()
    assert chain.blocks.height == height
    texts = [s.text for s in steps]
    assert "deploy the Hats contract" in texts and "deploy the SignerGate contract" in texts
    assert any("stream 1500 USDC/month to Repair Café" in t for t in texts)


def _todo(steps) -> list[str]:
    return [s.text for s in steps if not s.done]


def test_deploy_then_nothing_more_to_do(provider, spec, deployer, accounts):
    fresh_record(provider)
    planned = _todo(OrgDeployer(spec, deployer).plan())
    first = OrgDeployer(spec, deployer)
    state = first.deploy()
    assert planned == _todo(first.steps)  # the plan lists every step the run takes
    _check_org(spec, state, accounts, deployer)
    again = OrgDeployer(spec, deployer)
    again.deploy()
    assert [s.text for s in again.steps if not s.done] == []
    assert [s for s in OrgDeployer(spec, deployer).plan() if not s.done] == []
    assert load_state().safe == state.safe


class Cut(Exception):
    """The run is cut off here."""


@pytest.mark.parametrize("after", [2, 6, 20, 45])
def test_a_run_cut_off_before_a_step_resumes(provider, spec, deployer, accounts, after):
    fresh_record(provider)
    said = []

    def say(text):
        said.append(text)
        if len(said) == after:
            raise Cut

    with pytest.raises(Cut):
        OrgDeployer(spec, deployer, say=say).deploy()
    planned = _todo(OrgDeployer(spec, deployer).plan())
    rerun = OrgDeployer(spec, deployer)
    state = rerun.deploy()
    assert planned == _todo(rerun.steps)  # the plan lists every step the rerun takes
    _check_org(spec, state, accounts, deployer)


@pytest.mark.parametrize("contract", ["Hats", "ConsentModule", "SignerGate"])
def test_a_deployment_mined_but_not_recorded_is_found_not_repeated(
    provider, spec, deployer, accounts, monkeypatch, contract
):
    record = fresh_record(provider)
    real = Deployments.record_instance

    def cut_after_sending(self, name, instance, args=""):
        if name == contract:
            raise Cut  # the contract is on chain; the record only has the write-ahead entry
        return real(self, name, instance, args)

    monkeypatch.setattr(Deployments, "record_instance", cut_after_sending)
    with pytest.raises(Cut):
        OrgDeployer(spec, deployer).deploy()
    monkeypatch.setattr(Deployments, "record_instance", real)
    first = record.pending[contract]["address"]
    state = OrgDeployer(spec, deployer).deploy()
    assert record.get(contract) == first
    _check_org(spec, state, accounts, deployer)


def test_a_changed_spec_becomes_one_safe_transaction(provider, spec, deployer, accounts, tmp_path):
    fresh_record(provider)
    state = OrgDeployer(spec, deployer).deploy()
    changed = EXAMPLE.replace("budget: 900 USDC/month", "budget: 1000 USDC/month").replace(
        "    members: [frank, grace]", "    members: [frank, heidi]")
    (tmp_path / "org2.yaml").write_text(changed)
    spec2 = load_spec(tmp_path / "org2.yaml")
    change = OrgDeployer(spec2, deployer)
    change.deploy()
    texts = [t for t, _ in change.safe_calls]
    assert texts == [
        "take hat 1.2 from grace",
        "give hat 1.2 to heidi",
        "change Thing Library's budget to 1000 USDC/month",
    ]
    pending = change.pending_change()
    people = _people(spec, accounts)
    for name in ("alice", "bob"):
        pending.add(sign(pending.tx, people[name]))
    Safe.at(state.safe).execute(pending, sender=people["alice"])
    hats = container("Hats").at(state.hats)
    assert hats.isWearerOfHat(people["heidi"].address, state.cells["repair-cafe"])
    assert not hats.isWearerOfHat(people["grace"].address, state.cells["repair-cafe"])
    streams = container("BudgetStreams").at(state.streams)
    from opgov.units import Rate

    assert streams.get_stream(state.streams_of["thing-library"]).rate_per_second == Rate.parse(
        "1000 USDC/month").per_second()
    after = OrgDeployer(spec2, deployer)
    after.deploy()
    assert after.safe_calls == [] and [s for s in after.steps if not s.done] == []


def test_the_deployer_cannot_change_the_tree_after_hand_over(provider, spec, deployer):
    fresh_record(provider)
    state = OrgDeployer(spec, deployer).deploy()
    from opgov.hats import HatsClient

    with pytest.raises(DeploymentError, match="handed to the Safe"):
        OrgDeployer(spec, deployer)._top_admin(HatsClient.at(state.hats))


def test_cli_plan_deploy_status(provider, tmp_path):
    fresh_record(provider)
    path = str(write_example(tmp_path / "org.yaml"))
    runner = CliRunner()
    out = runner.invoke(cli, ["plan", path, "--account", "TEST::8"])
    assert out.exit_code == 0 and "deploy would take" in out.output, out.output
    # which steps share a transaction: each marked, and counted at the end
    assert "  - create hat 'Repair Café' under 1  [batchCreateHats]" in out.output
    assert "  - give hat 1.2.1 to erin  [batchMintHats]" in out.output
    assert "  - allow Repair Café to call USDC.transfer  [MultiSendCallOnly]" in out.output
    assert "  - hand the top hat to the Safe\n" in out.output  # a transaction of its own
    assert ("sent together: 7 hat(s) to create go in batchCreateHats transactions (up to 255 hats each); "
            "16 hat(s) to give out go in batchMintHats transactions (up to 255 each); 21 of the Safe's calls "
            "go in MultiSendCallOnly Safe transactions, signed by the deployer\n") in out.output
    out = runner.invoke(cli, ["deploy", path, "--account", "TEST::8"])
    assert out.exit_code == 0 and "is deployed" in out.output, out.output
    assert "→ deploy the Hats contract" in out.output
    out = runner.invoke(cli, ["plan", path, "--account", "TEST::8"])
    assert "nothing to do" in out.output, out.output
    # without --account (TEST::0) opgov would make a second Safe and repoint the record: it refuses
    safe = load_state().safe
    for command in ("plan", "deploy"):
        out = runner.invoke(cli, [command, path])
        assert out.exit_code == 1, out.output
        assert out.output.count("\n") == 1 and "Traceback" not in out.output, out.output
        assert "Riverside Commons was deployed from TEST::8, and this is TEST::0" in out.output, out.output
        assert "--account TEST::8" in out.output and "--new-deployer" in out.output
    assert load_state().safe == safe
    out = runner.invoke(cli, ["plan", path, "--new-deployer"])
    assert out.exit_code == 0 and "create the treasury Safe" in out.output, out.output
    out = runner.invoke(cli, ["status", path])
    assert out.exit_code == 0, out.output
    assert "Repair Café" in out.output and "2 of 4 signers needed" in out.output
    (tmp_path / "org2.yaml").write_text(EXAMPLE.replace("budget: 900 USDC/month", "budget: 950 USDC/month"))
    out = runner.invoke(cli, ["deploy", str(tmp_path / "org2.yaml"), "--account", "TEST::8",
                              "--folder", str(tmp_path / "txs")])
    assert out.exit_code == 0 and "wait for the signers" in out.output, out.output
    assert list((tmp_path / "txs").rglob("*.json"))


def test_a_record_of_another_chain_is_reported_not_trusted(provider, spec, deployer, tmp_path):
    """A local node restarted without its state: the record's block hashes tell."""
    import json

    record = Deployments(tmp_path / "local.json")
    token = deployer.deploy(container("TestToken"), "Test USDC", "USDC", 6)
    record.record_instance("TestToken", token)
    Deployments.read(record.path).check_chain()  # the same chain: nothing to say
    data = json.loads(record.path.read_text())
    data["contracts"]["TestToken"]["block_hash"] = "0x" + "11" * 32
    record.path.write_text(json.dumps(data))
    loaded = Deployments.read(record.path)
    with pytest.raises(DeploymentError, match=r"records another chain .*has another hash.*mv "):
        OrgDeployer(spec, deployer, record=loaded).plan()
    with pytest.raises(DeploymentError, match="records another chain"):
        load_state(loaded)


def test_cli_status_without_an_org(provider, tmp_path):
    fresh_record(provider)
    path = str(write_example(tmp_path / "org.yaml"))
    out = CliRunner().invoke(cli, ["status", path])
    assert out.exit_code == 1 and "opgov deploy" in out.output and "Traceback" not in out.output


def test_plan_after_a_run_cut_off_before_the_signer_gate(provider, spec, deployer):
    fresh_record(provider)
    said = []

    def say(text):
        if text == "deploy the SignerGate contract":
            raise Cut
        said.append(text)

    with pytest.raises(Cut):
        OrgDeployer(spec, deployer, say=say).deploy()
    texts = _todo(OrgDeployer(spec, deployer).plan())
    assert texts.count("deploy the SignerGate contract") == 1
    assert "hand the top hat to the Safe" in texts and "alice claims a signer seat" in texts
    assert not any("create hat" in t for t in texts)  # the tree is already there
    rerun = OrgDeployer(spec, deployer)
    rerun.deploy()
    assert texts == _todo(rerun.steps)


def test_what_check_lets_through_deploy_can_encode(provider):
    """The token functions `opgov check` allows in allowed_calls are the ones deploy finds in the ABI."""
    from opgov.spec import TOKEN_FUNCTIONS

    names = {getattr(a, "name", None) for a in container("TestToken").contract_type.abi}
    assert set(TOKEN_FUNCTIONS) <= names


def test_a_child_cell_listed_before_its_parent_is_set_after_it(tmp_path):
    """The module refuses a cell whose parent is not set yet, so deploy sets parents first."""
    from opgov.deploy import _parents_first

    text = EXAMPLE.replace("    parent: repair-cafe\n", "").replace(
        "    objectors: [members]\n\n  - id: thing-library", "    parent: workshops\n    objectors: [members]\n\n"
        "  - id: thing-library")
    path = tmp_path / "org.yaml"
    path.write_text(text)
    cells = load_spec(path).cells
    assert [c.id for c in cells][0] == "repair-cafe" and cells[0].parent == "workshops"
    assert [c.id for c in _parents_first(cells)] == ["thing-library", "workshops", "repair-cafe"]


def test_a_live_token_with_other_decimals_is_refused_before_anything_is_sent(provider, deployer, tmp_path):
    from ape import chain

    token = deployer.deploy(container("TestToken"), "USD Coin", "USDC", 18)
    (tmp_path / "org.yaml").write_text(EXAMPLE.replace("  # address: 0x...", f"  address: {token.address}"))
    spec = load_spec(tmp_path / "org.yaml")
    fresh_record(provider)
    height = chain.blocks.height
    with pytest.raises(DeploymentError, match="has 18 decimals, and the spec says 6.*decimals: 18"):
        OrgDeployer(spec, deployer).deploy()
    assert chain.blocks.height == height
