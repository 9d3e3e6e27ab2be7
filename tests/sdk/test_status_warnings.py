"""`opgov status` warns about a pending request to link the org's tree under another
hat: approved, it would make that hat's wearers admins of the whole org."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from opgov.cli.main import cli
from opgov.deploy import OrgDeployer
from opgov.deployments import Deployments
from opgov.hats import HatsClient, hat_path
from opgov.safe import Safe, contract_call
from opgov.spec import load_spec, write_example
from opgov.status import link_request_warning, org_status, status_lines

HATS = "0x" + "ab" * 20


def test_no_request_no_warning():
    assert link_request_warning(1 << 224, 0, HATS, True) == []


@pytest.mark.parametrize("safe_wears_top", [True, False])
def test_the_warning_says_what_it_means_and_what_to_do(safe_wears_top):
    requested = (5 << 224) | (1 << 208)
    lines = link_request_warning(3 << 224, requested, HATS, safe_wears_top)
    assert lines[0].startswith("warning: a request to link this org's role tree (top hat 3) under hat 5.1")
    assert "admins of every hat of this org" in lines[1]
    assert "withdraw the request" in lines[2]
    if safe_wears_top:
        assert f"opgov safe propose --call {HATS} 'requestLinkTopHatToTree(uint32,uint256)' '3,0'" in lines[2]
    else:
        assert f"requestLinkTopHatToTree(3, 0) on the Hats contract {HATS}" in lines[2]


def test_status_warns_about_a_pending_link_request(provider, accounts, tmp_path):
    record = Deployments.for_connected_network()
    for part in (record.records, record.pending, record.org):
        part.clear()
    path = write_example(tmp_path / "org.yaml")
    spec = load_spec(path)
    state = OrgDeployer(spec, accounts[8]).deploy()
    assert org_status(spec.name, state).warnings == []

    # the Safe's signers are led to ask for a link under a hat of someone else's tree
    hats = HatsClient.at(state.hats)
    outsider = accounts[9]
    elsewhere = hats.create_hat(hats.create_tree(outsider.address, "elsewhere", sender=outsider), "admins",
                                sender=outsider)
    domain = state.top_hat >> 224
    signers = [accounts[int(spec.people[name].split("::")[1])] for name in spec.safe.signers[:2]]
    safe = Safe.at(state.safe)
    safe.execute_calls([contract_call(hats.contract, "requestLinkTopHatToTree", domain, elsewhere)], signers,
                       signers[0])
    assert hats.link_request(state.top_hat) == elsewhere

    status = org_status(spec.name, state)
    assert len(status.warnings) == 3 and hat_path(elsewhere) in status.warnings[0]
    lines = status_lines(status)
    assert lines.index(status.warnings[0]) < lines.index("Cells")
    out = CliRunner().invoke(cli, ["status", str(path)])
    assert out.exit_code == 0, out.output
    assert "warning: a request to link this org's role tree" in out.output
    assert f"'{domain},0'" in out.output

    # withdrawn the way the warning says (the same call `opgov safe propose --call` builds): no more warning
    safe.execute_calls([contract_call(state.hats, "requestLinkTopHatToTree(uint32,uint256)", str(domain), "0")],
                       signers, signers[0])
    assert hats.link_request(state.top_hat) == 0
    assert org_status(spec.name, state).warnings == []
