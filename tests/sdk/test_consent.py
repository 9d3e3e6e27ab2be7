"""opgov.consent on ape's embedded chain, through a real Safe v1.4.1 with the
ConsentModule enabled: the SDK and the `opgov propose | object | ...` commands.

The organisation (one per session, every test rolled back):
  hats   1 Org; 1.1 Circle (carol); 1.1.1 Workshop (alice, bob); 1.2 Garden (dave)
  Safe   2 of 3: accounts 1, 2, 3
  cells  Circle 1.1 (parent: the Safe), Workshop 1.1.1 (parent: Circle), Garden 1.2 (parent: the Safe)
         each cell's own hat proposes and objects; 3-day consent windows, 7-day execution windows
  domain Workshop may transfer USDC (1,000 USDC per 30 days) and adjust budget streams;
         Circle may transfer USDC (5,000 USDC per 30 days) and send ETH (1 ETH per 30 days)
  money  the Safe holds 100,000 USDC and 5 ETH, and streams 1,500 USDC/month to the Workshop
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from safe_support import make_safe

from opgov import consent
from opgov.cli.main import cli
from opgov.consent import ConsentClient, describe, describe_action
from opgov.errors import ConsentError
from opgov.hats import HatsClient, parse_hat
from opgov.safe_tx import Call
from opgov.units import DAY, MONTH, Rate

USDC = 10**6
ETH = 10**18


def travel(seconds: int) -> None:
    from ape import chain

    chain.pending_timestamp += seconds
    chain.mine()


class Org:
    """Handles on everything the tests need."""

    def __init__(self, accounts):
        from opgov.contracts import container
        from opgov.deployments import Deployments

        self.deployer = accounts[0]
        self.owners = accounts[1:4]
        self.alice, self.bob, self.carol, self.dave, self.eve = accounts[4:9]
        self.safe = make_safe(accounts, self.owners, 2)
        hats = HatsClient.deploy(self.deployer)
        self.hats = hats
        top = hats.create_tree(self.deployer.address, "Org", sender=self.deployer)
        self.circle = hats.create_hat(top, "Circle", sender=self.deployer)
        self.workshop = hats.create_hat(self.circle, "Workshop", sender=self.deployer)
        self.garden = hats.create_hat(top, "Garden", sender=self.deployer)
        for hat, who in ((self.circle, self.carol), (self.workshop, self.alice), (self.workshop, self.bob),
                         (self.garden, self.dave)):
            hats.mint(hat, who.address, sender=self.deployer)
        self.usdc = self.deployer.deploy(container("TestToken"), "USD Coin", "USDC", 6)
        self.usdc.mint(self.safe.address, 100_000 * USDC, sender=self.deployer)
        self.streams = self.deployer.deploy(container("BudgetStreams"), hats.address)
        self.forwarder = self.deployer.deploy(container("ConsentForwarder"))
        self.client = ConsentClient.deploy(self.safe.address, hats.address, sender=self.deployer,
                                           streams=self.streams.address, forwarder=self.forwarder.address)
        module = self.client
        rate = Rate.parse("1500 USDC/month").per_second()
        self.stream_id = int(self.streams.next_stream_id(self.safe.address))
        self.safe.enable_module(module.address, self.owners[:2], self.deployer)
        c = module.safe_call
        transfer, adjust = consent.TRANSFER, consent.ADJUST_RATE
        self.safe.execute_calls([
            Call(self.streams.address, 0, self.streams.create.encode_input(self.alice.address, self.usdc.address, rate, self.workshop)),
            c("set_cell", self.circle, self.circle, 3 * DAY, 7 * DAY, 0, 5),
            c("set_cell", self.workshop, self.workshop, 3 * DAY, 7 * DAY, self.circle, 2),
            c("set_cell", self.garden, self.garden, 3 * DAY, 7 * DAY, 0, 5),
            c("set_objector_hat", self.circle, self.circle, True),
            c("set_objector_hat", self.workshop, self.workshop, True),
            c("set_objector_hat", self.garden, self.garden, True),
            c("allow_call", self.workshop, self.usdc.address, transfer, True),
            c("allow_call", self.workshop, self.streams.address, adjust, True),
            c("set_spend_limit", self.workshop, self.usdc.address, 1_000 * USDC, MONTH),
            c("allow_call", self.circle, self.usdc.address, transfer, True),
            c("set_spend_limit", self.circle, self.usdc.address, 5_000 * USDC, MONTH),
        ], self.owners[:2], self.deployer)
        record = Deployments.for_connected_network()
        record.record_instance("ConsentModule", module.contract)
        record.record("Safe", self.safe.address)
        record.record("Hats", hats.address)
        record.record_instance("BudgetStreams", self.streams)
        record.record("USDC", self.usdc.address)

    def approve_by_safe(self, call: Call) -> None:
        self.safe.execute_calls([call], self.owners[1:3], self.deployer)


@pytest.fixture(scope="session")
def org(accounts):
    return Org(accounts)


def test_pay_object_amend_consent_execute(org, accounts):
    c = org.client
    supplier = accounts[9].address
    pay = consent.pay(org.usdc.address, "250 USDC", supplier)
    assert describe_action(pay, org.safe.address) == f"transfer 250.00 USDC to {supplier}"
    pid = c.propose(org.workshop, [pay], "new soldering irons", sender=org.alice)
    p = c.proposal("#1")
    assert p.id == pid and p.ref == "#1"
    assert p.state == consent.OPEN and p.actions == [pay] and p.rationale == "new soldering irons"
    assert ConsentClient.at(c.address).actions_of(hex(pid)) == ([pay], "new soldering irons")  # from the event
    assert "left to object" in p.countdown() and "2 days 23 hours" in p.countdown()
    c.object(pid, "the irons we have work; buy tips instead", sender=org.bob)
    p = c.proposal(pid)
    assert p.state == consent.OBJECTED and p.standing[0].reason.startswith("the irons")
    text = "\n".join(describe(p))
    assert "objection by" in text and "stands" in text and "transfer 250.00 USDC" in text
    cheaper = consent.pay(org.usdc.address, "40 USDC", supplier)
    new = c.amend(pid, [cheaper], "tips only", sender=org.alice)
    assert c.proposal(pid).state == consent.SUPERSEDED and c.proposal(new).amended_from == "#1"
    travel(3 * DAY + 1)
    assert c.proposal(new).state == consent.PASSED
    c.execute(new, sender=accounts[9])
    assert org.usdc.balanceOf(supplier) == 40 * USDC
    assert c.proposal(new).state == consent.EXECUTED


def test_escalation_to_the_parent_cell_applies_its_domain(org, accounts):
    c = org.client
    supplier = accounts[9].address
    big = consent.pay(org.usdc.address, "1500 USDC", supplier)
    pid = c.propose(org.workshop, [big], "a laser cutter", sender=org.alice)
    problems = c.domain_problems(org.workshop, [big])
    assert len(problems) == 1 and "may spend only 1,000.00 USDC more this period" in problems[0]
    with pytest.raises(ConsentError, match="too early.*execute it from"):
        c.check_execute(pid)
    with pytest.raises(ConsentError, match="still open"):
        c.escalate(pid, sender=org.alice)
    travel(3 * DAY + 1)
    with pytest.raises(ConsentError, match="outside cell 1.1.1's domain.*needs escalation: `opgov escalate #1`"):
        c.execute(pid, sender=org.alice)
    # what `opgov proposals` shows agrees with execute: not "anyone can execute it"
    code, out = run("proposals")
    assert code == 0 and "proposal #1 — passed, outside the domain: escalate it (`opgov escalate #1`)" in out, out
    assert "may spend only 1,000.00 USDC more" in out and "anyone can execute" not in out, out
    assert c.escalate(pid, sender=org.bob) == org.circle  # any wearer of the proposer hat
    p = c.proposal(pid)
    assert p.state == consent.ESCALATED and p.holder == org.circle
    assert "left to object among cell 1.1's objectors" in p.countdown()
    with pytest.raises(ConsentError, match="wears no objector hat of cell 1.1"):
        c.object(pid, "too dear", sender=org.bob)  # the parent's objectors decide now
    c.object(pid, "do we need it this year?", sender=org.carol)
    c.withdraw_objection(pid, sender=org.carol)
    travel(3 * DAY + 1)
    c.execute(pid, sender=accounts[9])
    assert org.usdc.balanceOf(supplier) == 1500 * USDC
    assert org.client.contract.spent(org.circle, org.usdc.address) == 1500 * USDC
    objection = c.proposal(pid).objections[0]
    assert objection.objector == org.carol.address and objection.note == "withdrawn"


def test_escalation_to_the_safe_is_approved_by_its_signers(org, accounts):
    c = org.client
    pay_eth = consent.send_eth(accounts[9].address, "0.5")
    pid = c.propose(org.garden, [pay_eth], "seeds", sender=org.dave)
    c.object(pid, "we agreed to wait for spring", sender=org.dave)
    travel(3 * DAY + 1)
    with pytest.raises(ConsentError, match="an objection stands.*we agreed.*escalate it"):
        c.check_execute(pid)
    with pytest.raises(ConsentError, match="too late to object"):
        c.object(pid, "late", sender=org.dave)
    assert c.escalate(pid, sender=org.dave) == 0
    assert c.proposal(pid).state == consent.PENDING
    with pytest.raises(ConsentError, match="waits for the Safe's signers"):
        c.check_execute(pid)
    before = accounts[9].balance
    org.approve_by_safe(c.approve_call(pid))
    p = c.proposal(pid)
    assert p.state == consent.PASSED and p.approved
    c.execute(pid, sender=org.dave)  # outside the domain, but the Safe approved it
    assert accounts[9].balance - before == ETH // 2


def test_rate_and_generic_calls_in_plain_words(org, accounts):
    c = org.client
    raise_rate = consent.adjust_rate(org.streams, org.stream_id, "1800 USDC/month", payer=org.safe.address)
    text = describe_action(raise_rate, names=c.names)  # the client knows its module's streams contract
    assert text == (f"set stream #{org.stream_id & (2**96 - 1)} (Workshop's budget) to 1,800.00 USDC/month "
                    "(now 1,500.00 USDC/month)")
    with pytest.raises(ConsentError, match="streams USDC, not DAI"):
        consent.adjust_rate(org.streams, org.stream_id, "1800 DAI/month")
    with pytest.raises(ConsentError, match="no budget stream 99"):
        consent.adjust_rate(org.streams, 99, "1800 USDC/month")
    with pytest.raises(ConsentError, match="is paid by"):
        consent.adjust_rate(org.streams, org.stream_id, "1800 USDC/month", payer=accounts[0].address)
    approve = consent.call(org.usdc, "approve", accounts[9].address, 5 * USDC)
    assert describe_action(approve) == f"allow {accounts[9].address} to spend 5.00 USDC"
    abi = [{"type": "function", "name": "transfer", "stateMutability": "nonpayable", "outputs": [],
            "inputs": [{"name": "to", "type": "address"}, {"name": "amount", "type": "uint256"}]}]
    by_abi = consent.call(org.usdc.address, "transfer", accounts[9].address, "7000000", abi=abi)
    assert by_abi == consent.pay(org.usdc.address, "7 USDC", accounts[9].address)
    with pytest.raises(ConsentError, match="has no function 'burn'"):
        consent.call(org.usdc.address, "burn", 1, abi=abi)
    with pytest.raises(ConsentError, match="no token address for '5 DAI'"):
        consent.pay(None, "5 DAI", accounts[9].address)
    with pytest.raises(ConsentError, match="is ether but a token was given"):
        consent.pay(org.usdc.address, "5 ETH", accounts[9].address)
    with pytest.raises(ConsentError, match="is USDC, not DAI"):
        consent.pay(org.usdc.address, "5 DAI", accounts[9].address)
    # a cell's budget is the signers' decision: no domain reaches the streams (even though
    # the workshop's domain lists adjust_rate), so it escalates to the circle, then the Safe
    pid = c.propose(org.workshop, [raise_rate], "two more hours a week", sender=org.alice)
    travel(3 * DAY + 1)
    with pytest.raises(ConsentError, match="no cell's domain may call the budget streams"):
        c.execute(pid, sender=org.bob)
    c.escalate(pid, sender=org.alice)
    travel(3 * DAY + 1)
    c.escalate(pid, sender=org.alice)
    org.approve_by_safe(c.approve_call(pid))
    c.execute(pid, sender=org.bob)
    assert org.streams.get_stream(org.stream_id).rate_per_second == Rate.parse("1800 USDC/month").per_second()


def test_hashing_matches_the_module(org, accounts):
    actions = [consent.pay(org.usdc.address, "1 USDC", accounts[9].address), consent.send_eth(accounts[8].address, "1")]
    structs = [(a.to, a.value, a.data) for a in actions]
    index = org.client.index_of(org.workshop)
    assert org.client.contract.proposal_id_of(org.workshop, 7, structs) == consent.proposal_id_of(7, index, actions)
    assert consent.matches(consent.proposal_id_of(7, index, actions), index, actions)
    # another cell, another id for the same actions
    assert consent.proposal_id_of(7, org.client.index_of(org.garden), actions) != consent.proposal_id_of(7, index, actions)


def test_sdk_refusals_say_what_to_do(org, accounts):
    c = org.client
    pay = consent.pay(org.usdc.address, "10 USDC", accounts[9].address)
    with pytest.raises(ConsentError, match="cell 1.5 is not set up"):
        c.propose(parse_hat("1.5"), [pay], "", sender=org.alice)
    with pytest.raises(ConsentError, match="does not wear cell 1.1.1 \\(Workshop\\)'s proposer hat"):
        c.propose(org.workshop, [pay], "", sender=org.dave)
    with pytest.raises(ConsentError, match="at least one action"):
        c.propose(org.workshop, [], "", sender=org.alice)
    with pytest.raises(ConsentError, match="more than the 8"):
        c.propose(org.workshop, [pay] * 9, "", sender=org.alice)
    first = c.propose(org.workshop, [pay], "", sender=org.alice)
    c.propose(org.workshop, [pay], "", sender=org.alice)
    with pytest.raises(ConsentError, match="already has 2 live proposals, its cap of 2"):
        c.propose(org.workshop, [pay], "", sender=org.alice)
    with pytest.raises(ConsentError, match="needs a reason"):
        c.object(first, "  ", sender=org.bob)
    with pytest.raises(ConsentError, match="no proposal #9"):
        c.object("#9", "why", sender=org.bob)
    with pytest.raises(ConsentError, match="has no standing objection"):
        c.withdraw_objection(first, sender=org.bob)
    c.object(first, "why now?", sender=org.bob)
    with pytest.raises(ConsentError, match="already objects"):
        c.object(first, "again", sender=org.bob)
    with pytest.raises(ConsentError, match="do not match"):
        c.check_execute(first, [consent.pay(org.usdc.address, "11 USDC", accounts[9].address)])
    with pytest.raises(ConsentError, match="only its proposer"):
        c.cancel(first, sender=org.bob)
    with pytest.raises(ConsentError, match="cannot amend"):
        c.amend(first, [pay], "", sender=org.dave)
    travel(10 * DAY + 1)
    with pytest.raises(ConsentError, match="too late: proposal #1's execution window ended"):
        c.check_execute(first)
    with pytest.raises(ConsentError, match="#3 is open, not expired"):
        c.clear(c.propose(org.garden, [pay], "", sender=org.dave), sender=org.dave)
    c.clear(first, sender=org.dave)
    with pytest.raises(ConsentError, match="already cleared"):
        c.clear(first, sender=org.dave)
    org.approve_by_safe(c.veto_call("#2", "the budget is frozen"))
    with pytest.raises(ConsentError, match="was vetoed: the budget is frozen"):
        c.check_execute("#2")
    assert "vetoed: vetoed by the Safe: the budget is frozen" in describe(c.proposal("#2"))[0]


# ---------------------------------------------------------------- the CLI


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


def test_cli_full_loop(org, accounts, tmp_path):
    supplier = accounts[9].address
    code, out = run("propose", "--cell", "1.1.1", "--pay", "250 USDC", "--to", supplier,
                    "--rationale", "new soldering irons", "--account", "TEST::4")
    assert code == 0, out
    assert "→ propose for cell 1.1.1 (Workshop)" in out and "objections may be raised for 3 days" in out
    assert f"1. transfer 250.00 USDC to {supplier}" in out and "proposed #1" in out
    code, out = run("object", "#1", "--reason", "the old irons work; buy new tips", "--account", "TEST::5")
    assert code == 0 and "→ object to proposal #1" in out and "because: the old irons work" in out, out
    code, out = run("proposals", "--cell", "1.1.1")
    assert code == 0 and "proposal #1 — objected" in out and "the old irons work; buy new tips" in out, out
    assert "left in the window" in out and "1 of 2 live proposals" in out
    code, out = run("amend", "1", "--pay", "40 USDC", "--to", supplier, "--rationale", "tips only",
                    "--account", "TEST::4")
    assert code == 0 and "proposed #2, amending #1" in out and "transfer 40.00 USDC" in out, out
    code, out = run("execute", "2", "--account", "TEST::9")
    assert code != 0 and "too early" in out, out
    travel(3 * DAY + 1)
    code, out = run("proposals", "--live")
    assert code == 0 and "proposal #2 — passed" in out and "can be executed for 6 days" in out, out
    assert "proposal #1 —" not in out and "amends proposal #1" in out
    code, out = run("execute", "2", "--account", "TEST::9")
    assert code == 0 and "→ execute proposal #2 through the Safe" in out and "executed" in out, out
    assert org.usdc.balanceOf(supplier) == 40 * USDC
    code, out = run("proposals")
    assert "proposal #1 — superseded" in out and "amended: see proposal #2" in out and "it did:" in out, out


def test_cli_escalation_to_the_safe_signed_by_two_owners(org, accounts, tmp_path):
    folder = str(tmp_path)
    code, out = run("propose", "--cell", "1.2", "--pay", "0.5 ETH", "--to", accounts[9].address,
                    "--rationale", "seeds", "--account", "TEST::7")
    assert code == 0 and "send 0.5000 ETH" in out and "it will need escalation" in out, out
    travel(3 * DAY + 1)
    code, out = run("escalate", "1", "--account", "TEST::7")
    assert code == 0 and "→ escalate proposal #1 to the Safe's signers" in out, out
    code, out = run("consent", "approve", "1", "--folder", folder)
    assert code == 0 and "approve proposal #1 of Garden: send 0.5000 ETH" in out and "opgov safe sign" in out, out
    ref = out.split("opgov safe sign ")[1].split("`")[0]
    for owner in ("TEST::2", "TEST::3"):
        code, out = run("safe", "sign", ref, "--folder", folder, "--account", owner)
        assert code == 0, out
    code, out = run("safe", "execute", ref, "--folder", folder, "--account", "TEST::1")
    assert code == 0, out
    before = accounts[9].balance
    code, out = run("execute", "1", "--account", "TEST::7")
    assert code == 0, out
    assert accounts[9].balance - before == ETH // 2


@pytest.mark.parametrize(
    "setup, args, message",
    [
        (None, ("propose", "--cell", "1.5", "--pay", "1 USDC", "--to", "{supplier}"), "cell 1.5 is not set up"),
        (None, ("propose", "--cell", "1.1.1", "--pay", "1 USDC", "--to", "{supplier}", "--account", "TEST::7"),
         "does not wear cell 1.1.1"),
        (None, ("propose", "--cell", "1.1.1", "--pay", "1 DAI", "--to", "{supplier}", "--account", "TEST::4"),
         "which token is DAI"),
        (None, ("propose", "--cell", "1.1.1", "--pay", "1 USDC", "--account", "TEST::4"), "1 --pay but 0 --to"),
        (None, ("propose", "--cell", "1.1.1", "--account", "TEST::4"), "nothing to propose"),
        (None, ("object", "7", "--reason", "x"), "there is no proposal #7"),
        ("one", ("object", "1", "--reason", "x", "--account", "TEST::7"), "wears no objector hat of cell 1.1.1"),
        ("one", ("object", "1", "--reason", " ", "--account", "TEST::5"), "needs a reason"),
        ("late", ("object", "1", "--reason", "x", "--account", "TEST::5"), "too late to object"),
        ("one", ("execute", "1"), "too early"),
        ("expired", ("execute", "1"), "too late"),
        ("big", ("execute", "1"), "needs escalation"),
        ("two", ("propose", "--cell", "1.1.1", "--pay", "1 USDC", "--to", "{supplier}", "--account", "TEST::4"),
         "its cap of 2"),
        ("one", ("withdraw-objection", "1", "--account", "TEST::5"), "no standing objection"),
        ("one", ("escalate", "1", "--account", "TEST::4"), "still open"),
        ("one", ("consent", "approve", "1"), "not waiting for the Safe's approval"),
    ],
)
def test_cli_bad_input_is_one_line_and_non_zero(org, accounts, setup, args, message):
    supplier = accounts[9].address
    c = org.client
    pay = consent.pay(org.usdc.address, "1500 USDC" if setup == "big" else "10 USDC", supplier)
    if setup:
        c.propose(org.workshop, [pay], "", sender=org.alice)
    if setup == "two":
        c.propose(org.workshop, [pay], "", sender=org.alice)
    if setup in ("late", "big"):
        travel(3 * DAY + 1)
    if setup == "expired":
        travel(10 * DAY + 1)
    code, out = run(*[a.format(supplier=supplier) for a in args])
    assert code != 0
    assert message in out, out
    assert "Traceback" not in out
    assert len(out.strip().splitlines()) == 1 and out.startswith("error: ")


def test_cli_rate_call_withdraw_cancel_veto_clear_and_deploy(org, accounts, tmp_path):
    spender = accounts[9].address
    code, out = run("propose", "--cell", "1.1.1", "--rate", org.stream_id, "1800 USDC/month",
                    "--call", org.usdc.address, "approve(address,uint256)", f"{spender},5000000",
                    "--account", "TEST::4")
    assert code == 0, out
    assert f"1. set stream #{org.stream_id & (2**96 - 1)} (Workshop's budget) to 1,800.00 USDC/month" in out
    assert f"2. allow {spender} to spend 5.00 USDC" in out and "will need escalation" in out
    code, out = run("object", "1", "--reason", "wait for the quarterly review", "--hat", "1.1.1", "--account", "TEST::5")
    assert code == 0, out
    code, out = run("withdraw-objection", "1", "--account", "TEST::5")
    assert code == 0 and "objection withdrawn" in out, out
    code, out = run("cancel", "1", "--account", "TEST::5")
    assert code != 0 and "only its proposer" in out, out
    code, out = run("cancel", "1", "--account", "TEST::4")
    assert code == 0 and "proposal #1 cancelled" in out, out
    code, out = run("propose", "--cell", "1.2", "--pay", "3 USDC", "--to", spender, "--account", "TEST::7")
    assert code == 0 and "proposed #2" in out, out
    code, out = run("consent", "veto", "2", "--reason", "", "--folder", str(tmp_path))
    assert code != 0 and "needs a reason" in out, out
    code, out = run("consent", "veto", "2", "--reason", "not this season", "--folder", str(tmp_path))
    assert code == 0 and "veto proposal #2 of Garden because: 'not this season'" in out, out
    assert "opgov safe sign" in out, out
    code, out = run("propose", "--cell", "1.2", "--pay", "4 USDC", "--to", spender, "--account", "TEST::7")
    assert code == 0, out
    travel(10 * DAY + 1)
    code, out = run("consent", "clear", "3", "--account", "TEST::9")
    assert code == 0 and "→ clear expired proposal #3" in out and "cleared" in out, out
    code, out = run("proposals", "--cell", "1.2")
    assert "proposal #3 — expired" in out and "cleared, so it no longer takes" in out, out
    assert "1 of 5 live proposals" in out  # #2 still counts: its veto was only written, not executed
    code, out = run("consent", "deploy")
    assert code == 0 and "ConsentModule deployed at" in out and "enableModule" in out, out
