"""`opgov watch` against a real anvil node: notices delivered by email to a real SMTP server
and by webhook to a local HTTP receiver, nothing told twice (also after a restart), passed
proposals executed, expired ones cleared and signer seats reconciled from the named account,
a node that goes away and comes back, and the command itself run as a process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sdk"))

from notify_receivers import Mailbox, Webhook  # noqa: E402
from tests_support import Node, free_port  # noqa: E402

pytestmark = [pytest.mark.anvil, pytest.mark.xdist_group("anvil")]

OPGOV = [sys.executable, "-c", "from opgov.cli.main import cli; cli()"]
DAY = 86_400
NOTIFY = """
notify:
  runway_below: 90 days
  execute_from: keeper
  routes:
    - to: repair-cafe
      url: {hook}
      events: [proposal, window-closing, executed]
    - to: erin
      url: env:OPGOV_TEST_ERIN_MAIL
      events: [objection]
    - to: signer
      url: {signers}
      events: [safe-tx, runway, insolvent, executed]
"""


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    """A node of its own (it is stopped and started again), the example org deployed on it."""
    from ape import accounts, config

    from opgov.chain import connect
    from opgov.deploy import OrgDeployer
    from opgov.spec import EXAMPLE, load_spec

    tmp = tmp_path_factory.mktemp("watch")
    node = Node.start(free_port(), tmp / "anvil-state.json")
    hook, mailbox = Webhook(), Mailbox()
    foundry = config.get_config("foundry")
    previous_host = foundry.host
    foundry.host = node.url
    saved_env = dict(os.environ)
    os.environ["OPGOV_DEPLOYMENTS"] = str(tmp / "deployments")
    os.environ["OPGOV_TEST_ERIN_MAIL"] = mailbox.url("erin@riverside.example")
    text = EXAMPLE.replace("  heidi: TEST::7\n", "  heidi: TEST::7\n  keeper: TEST::9\n")
    text += NOTIFY.format(hook=hook.url("cafe"), signers=hook.url("signers"))
    (tmp / "org.yaml").write_text(text)
    spec = load_spec(tmp / "org.yaml")
    org = type("Org", (), dict(node=node, tmp=tmp, spec=spec, hook=hook, mailbox=mailbox))
    try:
        with connect("ethereum:local:foundry"):
            org.state = OrgDeployer(spec, accounts.test_accounts[8]).deploy()
            yield org
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        foundry.host = previous_host
        org.node.stop()  # the one running now: a test restarts it
        hook.stop()
        mailbox.stop()


def _people(spec):
    from ape import accounts

    return {name: accounts.test_accounts[int(who.split("::")[1])] for name, who in spec.people.items()}


def _advance(node: Node, seconds: int) -> None:
    node.rpc("evm_increaseTime", [seconds])
    node.rpc("evm_mine", [])


def _watcher(org, executor=None, report=None):
    from opgov.indexer import Indexer
    from opgov.safe_tx import TxFolder
    from opgov.watch import Watcher

    s = org.state
    indexer = Indexer(org.tmp / "index.sqlite", contracts={
        "Hats": s.hats, "BudgetStreams": s.streams, "ConsentModule": s.consent, "SignerGate": s.gate})
    return Watcher(org.spec, s, indexer, txs=TxFolder(org.tmp / "txs"), executor=executor, report=report)


def test_notices_are_delivered_once_even_across_a_restart(org):
    from opgov.consent import ConsentClient, pay
    from opgov.safe import Safe, sign
    from opgov.safe_tx import TxFolder

    people = _people(org.spec)
    consent = ConsentClient.at(org.state.consent)
    cafe = org.state.cells["repair-cafe"]
    supplier = "0x000000000000000000000000000000000000dEaD"
    first = consent.propose(cafe, [pay(org.state.token, "120 USDC", supplier)], "Soldering irons", people["erin"])
    consent.propose(cafe, [pay(org.state.token, "80 USDC", supplier)], "Spare fuses", people["erin"])
    consent.object(first, "We have two irons already; borrow from the library", people["frank"])
    pending = Safe.at(org.state.safe).propose([pay(org.state.token, "500 USDC", org.state.streams)])
    pending.add(sign(pending.tx, people["alice"]))
    TxFolder(org.tmp / "txs").save(pending)

    watcher = _watcher(org)
    lines = watcher.tick()
    cafe_posts = org.hook.at("cafe")
    assert sorted(p["title"] for p in cafe_posts) == [
        "Repair Café: proposal #1 by erin needs your consent",
        "Repair Café: proposal #2 by erin needs your consent",
    ], cafe_posts
    assert "Soldering irons" in cafe_posts[0]["message"] + cafe_posts[1]["message"]
    mails = org.mailbox.texts()
    assert len(mails) == 1, mails
    rcpt, subject, body = mails[0]
    assert rcpt == ["erin@riverside.example"]
    assert subject == "frank objected to your proposal #1 in Repair Café"
    assert "We have two irons already" in body
    signers = [p["title"] for p in org.hook.at("signers")]
    assert sum("waits for your signature: 1 of 2 signatures" in t for t in signers) == 1, signers
    runway = sorted(t.split("'s budget runs out in ")[0] for t in signers if "budget runs out in 5" in t
                    or "budget runs out in 60 days" in t)
    assert runway == ["Community Workshops", "Repair Café", "Thing Library"], signers
    assert len(lines) == 2 + 1 + 4 and all(line.startswith("told route ") for line in lines), lines

    assert watcher.tick() == []  # nothing new: nobody is told again
    watcher.indexer.close()
    restarted = _watcher(org)  # a new process on the same index file
    assert restarted.tick() == []
    assert len(org.hook.posts) == 6 and len(org.mailbox.messages) == 1
    restarted.indexer.close()


def test_window_closing_execution_clearing_and_signer_seats(org):
    from opgov.consent import ConsentClient
    from opgov.contracts import container
    from opgov.errors import ConsentError, UsageError
    from opgov.safe import Safe, sign

    people = _people(org.spec)
    with pytest.raises(UsageError, match="not keeper, the account org.yaml names"):
        _watcher(org, executor=people["alice"])
    _advance(org.node, 2 * DAY + 12 * 3600)
    watcher = _watcher(org, executor=people["keeper"])
    lines = watcher.tick()
    closing = sorted(p["title"].split(" closes in ")[0] for p in org.hook.at("cafe") if " closes in 1" in p["title"])
    assert closing == ["Repair Café: the consent window of #1", "Repair Café: the consent window of #2"], closing

    _advance(org.node, DAY)  # #2 passed; #1's objection stood
    # while #2 cannot run, the bot tries each round but says so once, not every block
    def cannot_run(*args, **kwargs):
        raise ConsentError("the Safe holds too little USDC")

    watcher.consent.execute = cannot_run
    failing = [watcher.tick(), watcher.tick()]
    del watcher.consent.execute
    assert [line for line in failing[0] if "#2" in line] == [
        line for line in failing[0] if line.startswith("→ executing proposal #2")
    ] + ["could not execute #2: the Safe holds too little USDC (trying again each round)"], failing[0]
    assert not any("#2" in line for line in failing[1]), failing[1]
    token = container("TestToken").at(org.state.token)
    before = int(token.balanceOf("0x000000000000000000000000000000000000dEaD"))
    lines = watcher.tick()
    assert any(line.startswith("→ executing proposal #2 of Repair Café: ") for line in lines), lines
    assert int(token.balanceOf("0x000000000000000000000000000000000000dEaD")) - before == 80 * 10**6
    consent = ConsentClient.at(org.state.consent)
    assert consent.proposal(2).state_name == "executed"
    assert "Repair Café: proposal #2 was executed" in [p["title"] for p in org.hook.at("cafe")]

    _advance(org.node, 8 * DAY)  # #1's execution window is over
    lines = watcher.tick()
    assert any("clearing expired proposal #1" in line for line in lines), lines
    assert consent.proposal(1).cleared

    # dave loses the signer hat; the bot takes his seat away (anyone may)
    hats = container("Hats").at(org.state.hats)
    safe = Safe.at(org.state.safe)
    revoke = safe.propose([_call(hats.setHatWearerStatus, org.state.roles["signer"], people["dave"].address,
                                 False, False)])
    for signer in ("alice", "bob"):
        revoke.add(sign(revoke.tx, people[signer]))
    safe.execute(revoke, sender=people["alice"])
    lines = watcher.tick()
    assert "→ removing dave from the Safe's signers: they no longer wear the signer hat" in lines, lines
    assert people["dave"].address not in safe.owners()
    assert watcher.tick() == []
    watcher.indexer.close()


def _call(method, *args):
    from opgov.safe_tx import Call

    return Call(str(method.contract.address), 0, bytes(method.encode_input(*args)))


def test_a_node_that_goes_away_and_comes_back(org):
    from opgov.consent import ConsentClient, pay
    from opgov.watch import Keeper

    said: list[str] = []
    watcher = _watcher(org)
    keeper = Keeper(watcher, said.append)
    keeper.round()
    port = org.node.port
    org.node.stop()
    assert keeper.round() == [] and keeper.round() == []
    assert len(said) == 1 and said[0].startswith("lost the node ("), said
    org.node = Node.start(port, org.tmp / "anvil-state.json")
    people = _people(org.spec)
    consent = ConsentClient.at(org.state.consent)
    consent.propose(org.state.cells["repair-cafe"], [pay(org.state.token, "30 USDC", people["grace"].address)],
                    "Tea for the volunteers", people["erin"])
    lines = keeper.round()
    assert said[1].startswith("the node answers again; carried on from block "), said
    assert any("proposal #3 by erin needs your consent" in line for line in lines), lines
    watcher.indexer.close()


def test_calendar_and_activity_feeds_from_the_dashboard(org):
    import urllib.error
    import urllib.request
    import xml.etree.ElementTree as ET

    from icalendar import Calendar

    from opgov.dashboard import open_dashboard
    from opgov.deploy import resolve_person

    names = {resolve_person(who): name for name, who in org.spec.people.items()}
    board = open_dashboard(org.spec.name, org.state, names, port=0, index_path=org.tmp / "dash.sqlite")
    url = board.start()
    try:
        def get(path):
            with urllib.request.urlopen(url + path, timeout=30) as response:
                return response.headers["Content-Type"], response.read()

        kind, body = get("feeds/cell/repair-cafe.ics")
        assert kind.startswith("text/calendar")
        events = {str(e["summary"]): e for e in Calendar.from_ical(body).walk("VEVENT")}
        assert set(events) == {"Repair Café: consent window of #3 closes", "Repair Café: last moment to execute #3",
                               "Repair Café: budget runs out"}, set(events)
        window = events["Repair Café: consent window of #3 closes"]
        snap = board.snapshot_bytes()
        import json

        p3 = next(p for p in json.loads(snap)["proposals"] if p["ref"] == "#3")
        assert int(window.decoded("dtstart").timestamp()) == p3["closes_at"]
        assert "Tea for the volunteers" in str(window["description"])

        _, body = get("feeds/person/erin.ics")  # erin leads Repair Café and is a member of Thing Library
        summaries = {str(e["summary"]) for e in Calendar.from_ical(body).walk("VEVENT")}
        assert {"Repair Café: budget runs out", "Thing Library: budget runs out",
                "Repair Café: consent window of #3 closes"} <= summaries, summaries
        assert not any(s.startswith("Community Workshops") for s in summaries)

        kind, body = get("feeds/activity.atom")
        assert kind.startswith("application/atom+xml")
        ns = {"a": "http://www.w3.org/2005/Atom"}
        root = ET.fromstring(body)
        titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
        assert root.findtext("a:title", namespaces=ns) == "Riverside Commons: activity"
        assert "erin proposed #3 in Repair Café: Tea for the volunteers" in titles, titles
        assert "keeper executed #2 through the Safe" in titles, titles

        for missing in ("feeds/cell/nowhere.ics", "feeds/person/mallory.ics", "feeds/other"):
            with pytest.raises(urllib.error.HTTPError) as err:
                get(missing)
            assert err.value.code == 404
    finally:
        board.stop()
        board.indexer.close()


def test_opgov_watch_runs_as_a_silverback_bot(org):
    from opgov.consent import ConsentClient, pay

    (org.tmp / "ape-config.yaml").write_text(f"foundry:\n  host: {org.node.url}\n")
    env = dict(os.environ, APE_DATA_FOLDER=str(org.tmp / "ape"))
    proc = subprocess.Popen(
        [*OPGOV, "watch", "org.yaml", "--network", "ethereum:local:foundry", "--index", "index.sqlite",
         "--txs", "txs", "--interval", "0.3"],
        cwd=org.tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("watching Riverside Commons on ethereum:local: 3 notification route(s)"), first
        time.sleep(3)
        people = _people(org.spec)
        ConsentClient.at(org.state.consent).propose(
            org.state.cells["repair-cafe"], [pay(org.state.token, "45 USDC", people["grace"].address)],
            "Coffee machine descaler", people["erin"])
        deadline = time.monotonic() + 60
        while not any("#4" in p["title"] for p in org.hook.at("cafe")):
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert "told route 1 (repair-cafe, json): Repair Café: proposal #4 by erin needs your consent" in out, out + err
    assert "Traceback" not in err, err
    assert sum("#4 by erin" in p["title"] for p in org.hook.at("cafe")) == 1


def test_the_bot_file_runs_under_silverback_run(org):
    """The bot file of docs/developers.md under `silverback run` (Silverback's own runner and its
    default in-memory broker), executing from the account org.yaml names: a new proposal is told once."""
    from opgov.consent import ConsentClient, pay

    (org.tmp / "ape-config.yaml").write_text(f"foundry:\n  host: {org.node.url}\n")
    (org.tmp / "bot.py").write_text("from opgov.watch import bot_from_environment\n\nbot = bot_from_environment()\n")
    env = dict(os.environ, APE_DATA_FOLDER=str(org.tmp / "ape"), OPGOV_ORG="org.yaml", OPGOV_TXS="txs",
               OPGOV_INDEX="silverback-index.sqlite", SILVERBACK_SIGNER_ALIAS="TEST::9")
    silverback = str(Path(sys.executable).with_name("silverback"))
    proc = subprocess.Popen([silverback, "run", "bot:bot", "--network", "ethereum:local:foundry"],
                            cwd=org.tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = ""
    try:
        deadline = time.monotonic() + 60
        while "Startup complete" not in out:
            line = proc.stdout.readline()
            assert line and time.monotonic() < deadline, out
            out += line
        people = _people(org.spec)
        ConsentClient.at(org.state.consent).propose(
            org.state.cells["repair-cafe"], [pay(org.state.token, "15 USDC", people["grace"].address)],
            "Replacement bulbs", people["erin"])
        deadline = time.monotonic() + 60
        while not any("Replacement bulbs" in p["message"] for p in org.hook.at("cafe")):
            assert proc.poll() is None and time.monotonic() < deadline, out
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
        out += rest
    assert f"SIGNER=<TestAccount_9 {people['keeper'].address}>" in out, out
    told = [p["title"] for p in org.hook.at("cafe") if "Replacement bulbs" in p["message"]]
    assert len(told) == 1 and told[0].startswith("Repair Café: proposal #"), told
    assert f"told route 1 (repair-cafe, json): {told[0]}" in out, out
    assert "Traceback" not in out and proc.returncode == 0, out


def test_what_the_bot_did_is_told_once_even_if_it_stopped_before_telling(org):
    from opgov.contracts import container
    from opgov.notify import Notifier, Route
    from opgov.safe import Safe, sign

    people = _people(org.spec)
    hats = container("Hats").at(org.state.hats)
    safe = Safe.at(org.state.safe)
    revoke = safe.propose([_call(hats.setHatWearerStatus, org.state.roles["signer"], people["carol"].address,
                                 False, False)])
    for signer in ("alice", "bob"):
        revoke.add(sign(revoke.tx, people[signer]))
    safe.execute(revoke, sender=people["alice"])

    class Stopped(Exception):
        pass

    def stop(*args):
        raise Stopped  # the process ends after the transaction, before any notice

    watcher = _watcher(org, executor=people["keeper"])
    watcher._deliver = stop
    with pytest.raises(Stopped):
        watcher.tick()
    assert people["carol"].address not in safe.owners()
    watcher.indexer.close()
    told = [p["title"] for p in org.hook.at("signers") if p["title"] == "carol was removed from the Safe's signers"]
    assert told == []
    for _ in range(2):  # started again, twice
        restarted = _watcher(org, executor=people["keeper"])
        restarted.tick()
        restarted.indexer.close()
    told = [p["title"] for p in org.hook.at("signers") if p["title"] == "carol was removed from the Safe's signers"]
    assert told == ["carol was removed from the Safe's signers"]

    # a new index file knows nothing was told, yet does not retell what the bot did before it
    from opgov.indexer import Indexer
    from opgov.watch import Watcher

    spare = type(org.hook)()
    try:
        url = spare.url("all")
        signers = frozenset(org.spec.safe.signers) | {"erin"}
        notifier = Notifier([Route(0, ("signer",), url, url, signers, frozenset({"executed"}))])
        s = org.state
        fresh = Watcher(org.spec, s, Indexer(org.tmp / "fresh.sqlite", contracts={
            "Hats": s.hats, "BudgetStreams": s.streams, "ConsentModule": s.consent, "SignerGate": s.gate}),
            notifier=notifier, executor=people["keeper"])
        assert fresh.tick() == [] and spare.posts == []
        fresh.indexer.close()
    finally:
        spare.stop()


def test_two_processes_on_one_index_file_tell_once(org):
    import threading

    from opgov.consent import ConsentClient, pay

    people = _people(org.spec)
    ConsentClient.at(org.state.consent).propose(
        org.state.cells["repair-cafe"], [pay(org.state.token, "12 USDC", people["grace"].address)],
        "Cable ties", people["erin"])
    first, second = _watcher(org), _watcher(org)  # as two of Silverback's workers would
    first.indexer.sync()
    second.indexer.sync()  # both know the proposal: only the record of what was sent stands between them
    errors: list[BaseException] = []

    def tick(watcher):
        try:
            watcher.tick()
        except BaseException as err:  # noqa: BLE001 (reported by the assertion below)
            errors.append(err)

    org.hook.delay = 0.5  # a slow service widens the window in which both could send
    try:
        threads = [threading.Thread(target=tick, args=(w,)) for w in (first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        org.hook.delay = 0
        first.indexer.close()
        second.indexer.close()
    assert errors == []
    assert sum("Cable ties" in p["message"] for p in org.hook.at("cafe")) == 1


def test_an_objection_mined_again_after_a_reorganisation_is_not_told_again(org):
    from opgov.consent import ConsentClient, pay

    people = _people(org.spec)
    consent = ConsentClient.at(org.state.consent)
    pid = consent.propose(org.state.cells["repair-cafe"], [pay(org.state.token, "9 USDC", people["grace"].address)],
                          "A new kettle", people["erin"])
    watcher = _watcher(org)
    watcher.tick()
    fork = org.node.rpc("evm_snapshot")
    consent.object(pid, "The old kettle works", people["frank"])
    watcher.tick()
    mails = [m for m in org.mailbox.texts() if "The old kettle works" in m[2]]
    assert len(mails) == 1, mails
    # the chain drops the objection's block; on the new branch frank's objection comes in
    # another transaction (he sent one before it), another block
    assert org.node.rpc("evm_revert", [fork])
    people["frank"].transfer(people["frank"], 0)
    consent.object(pid, "The old kettle works", people["frank"])
    lines = watcher.tick()
    assert watcher.indexer.state().reorgs >= 1
    mails = [m for m in org.mailbox.texts() if "The old kettle works" in m[2]]
    assert len(mails) == 1 and lines == [], (mails, lines)
    watcher.indexer.close()
