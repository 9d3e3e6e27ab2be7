"""The demo story runs end to end on the embedded chain, and does what it says."""

from click.testing import CliRunner

from opgov.cli.main import cli
from opgov.consent import ConsentClient
from opgov.contracts import container
from opgov.demo import run_demo


def test_demo_story(provider, tmp_path):
    lines: list[str] = []
    result = run_demo(lines.append, tmp_path)
    text = "\n".join(lines)
    state = result.state
    # 3. and 4. and 5.: the shop got 200 from the stream, 220 and 1,500 from the Safe
    token = container("TestToken").at(state.token)
    shop = [a for a, n in result.names.items() if n == "the hardware shop"][0]
    assert int(token.balanceOf(shop)) == 1_920 * 10**6
    consent = ConsentClient.at(state.consent)
    assert consent.proposal(result.proposals["amended"]).state_name == "executed"
    assert consent.proposal(result.proposals["escalated"]).state_name == "executed"
    # the offline files are there, and two signatures were merged
    assert (tmp_path / "approve-van-alice.json").exists() and (tmp_path / "approve-van-carol.json").exists()
    # 6.: dave no longer signs; three signers, two needed
    status = result.status
    assert sorted(status.owners) == ["alice", "bob", "carol"] and status.threshold == 2
    assert [c.name for c in status.cells] == ["Repair Café", "Thing Library", "Community Workshops"]
    for needle in ("grace objects:", "escalates it", "removes dave", "Where things stand", "runway"):
        assert needle in text


def test_demo_command(provider):
    out = CliRunner().invoke(cli, ["demo"])
    assert out.exit_code == 0, out.output
    assert "Demo finished in" in out.output
    assert "The hardware shop received 1,920.00 USDC in all." in out.output


def test_demo_twice_on_the_same_chain(provider, tmp_path):
    """A node that already holds a demo org (a persistent anvil) tells the story again."""
    run_demo(lambda _: None, tmp_path / "first")
    again = run_demo(lambda _: None, tmp_path / "second")
    assert sorted(again.status.owners) == ["alice", "bob", "carol"]
