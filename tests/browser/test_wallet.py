"""Members act from the page, on a real node: the example org deployed once on anvil, and a
test wallet announced by EIP-6963 and driven through EIP-1193 whose every call goes to
anvil's JSON-RPC (anvil's unlocked accounts sign eth_signTypedData_v4 and send
eth_sendTransaction, as a wallet would). The wallet can claim another chain or decline.

Connect, object with a reason (gasless, relayed by the dashboard), propose (gasless, kept
by the dashboard and relayed by another member from her page), execute a passed proposal,
pay a supplier from the cell's budget, sign a Safe transaction (into the CLI's file) and
execute it; a wallet on the wrong chain; a member without the hat; declined signatures
that leave nothing half-done. Screenshots of each state go to test-artifacts/screenshots/."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import pytest
from screenshots import SHOTS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from tests_support import anvil_binary, free_port  # noqa: E402

pytestmark = pytest.mark.browser

LIVE_TIMEOUT = 20_000
REASON = "a second quote first: the café next door paid half"
NETWORK = "ethereum:local:foundry"

# The injected wallet: announces itself (EIP-6963) and hands every request to the test's
# Python side (window.opgovTestWallet), which passes it to anvil.
WALLET_JS = """
(() => {
  const listeners = {};
  const provider = {
    async request({ method, params }) {
      const answer = JSON.parse(await window.opgovTestWallet(method, JSON.stringify(params || [])));
      if (answer.error) { const e = new Error(answer.error.message); e.code = answer.error.code; throw e; }
      return answer.result;
    },
    on(name, fn) { (listeners[name] = listeners[name] || []).push(fn); },
    removeListener() {},
  };
  const info = { uuid: "0b7e4c2a-test-wallet", name: "Test Wallet", icon: "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>", rdns: "org.opgov.testwallet" };
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
})();
"""


def _rpc(url: str, method: str, params: list) -> dict:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    """anvil on a free port, with ape pointed at it; stopped at the end of the module."""
    from ape import config

    import opgov.deployments

    opgov.deployments.use_org(tmp_path_factory.mktemp("anvil-org"))
    port = free_port()
    process = subprocess.Popen([anvil_binary(), "--host", "127.0.0.1", "--port", str(port), "--silent"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            _rpc(url, "eth_chainId", [])
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"anvil did not start on port {port}")
            time.sleep(0.1)
    config.get_config("foundry").host = url
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def story(node, tmp_path_factory):
    """The demo story's first part on anvil (proposal #1 objected by grace, a Safe transaction
    signed by alice), then #2 proposed and left to pass, then #3 proposed and open."""
    warnings.filterwarnings("ignore")
    from ape.logging import logger

    from opgov.chain import connect
    from opgov.consent import ConsentClient, pay
    from opgov.units import DAY
    from story import advance, run_story

    logger.set_level("ERROR")
    with connect(NETWORK):
        story = run_story(tmp_path_factory.mktemp("story"))
        consent = ConsentClient.at(story.state.consent)
        cafe = story.state.cells["repair-cafe"]
        erin = story.people["erin"]
        story.proposals["passed"] = consent.propose(
            cafe, [pay(story.state.token, "150 USDC", story.supplier.address)], "Spare fuses and cables", sender=erin)
        advance(4 * DAY)
        story.proposals["open"] = consent.propose(
            cafe, [pay(story.state.token, "400 USDC", story.supplier.address)],
            "Buy a soldering station for the repair sessions", sender=erin)
        yield story


@pytest.fixture(scope="module")
def dashboard(story, tmp_path_factory):
    """The story's dashboard, relaying signed requests from the deployer's account."""
    from ape import accounts

    from opgov.dashboard import open_dashboard
    from story import DEPLOYER

    board = open_dashboard(story.spec.name, story.state, story.names, story.txs, interval=0.5,
                           index_path=tmp_path_factory.mktemp("index") / "index.sqlite",
                           relayer=accounts.test_accounts[DEPLOYER])
    board.start()
    assert board.error is None, board.error
    yield board
    board.stop()


@pytest.fixture
def wallet_page(browser_context, dashboard, story, node):
    """Open the page with a test wallet for `person`; `chain_id` and `reject` bend the wallet."""
    tabs = []

    def open_as(person: str, chain_id: int | None = None, reject: bool = False):
        account = story.people[person]
        calls: list[str] = []

        def answer(method: str, params: str) -> str:
            calls.append(method)
            args = json.loads(params)
            if method in ("eth_requestAccounts", "eth_accounts"):
                return json.dumps({"result": [account.address]})
            if method == "eth_chainId" and chain_id is not None:
                return json.dumps({"result": hex(chain_id)})
            if reject and method in ("eth_signTypedData_v4", "eth_sendTransaction"):
                return json.dumps({"error": {"code": 4001, "message": "User rejected the request."}})
            if method == "eth_signTypedData_v4":
                assert args[0].lower() == account.address.lower()
            if method == "eth_sendTransaction":
                assert args[0]["from"].lower() == account.address.lower()
            reply = _rpc(node, method, args)
            return json.dumps({"error": reply["error"]} if "error" in reply else {"result": reply["result"]})

        tab = browser_context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda err: errors.append(str(err)))
        tab.expose_function("opgovTestWallet", answer)
        tab.add_init_script(WALLET_JS)
        tab.goto(dashboard.url)
        tab.wait_for_selector("body[data-ready='true']", timeout=LIVE_TIMEOUT)
        tab.get_by_role("button", name="Connect Test Wallet").click()
        tabs.append((tab, errors))
        return tab, calls

    yield open_as
    for tab, errors in tabs:
        tab.close()
        assert not errors, f"the page raised: {errors}"


def _confirm(tab, form, button: str) -> str:
    """Press the form's button and wait for the words shown before signing or sending."""
    form.get_by_role("button", name=button).click()
    tab.wait_for_selector("#wallet-confirm h3, #wallet-message[data-kind='error']", timeout=LIVE_TIMEOUT)
    assert tab.locator("#wallet-confirm h3").count() == 1, tab.locator("#wallet-message").inner_text()
    return tab.locator("#wallet-confirm").inner_text()


def _done(tab) -> str:
    tab.wait_for_selector("#wallet-message[data-kind='done'], #wallet-message[data-kind='kept'], "
                          "#wallet-message[data-kind='error']", timeout=LIVE_TIMEOUT)
    text = tab.locator("#wallet-message").inner_text()
    assert tab.locator("#wallet-message[data-kind='error']").count() == 0, text
    return text


def _proposal(dashboard, story, key: str):
    from opgov.consent import ConsentClient

    with dashboard.chain_lock:
        return ConsentClient.at(story.state.consent).proposal(story.proposals[key])


def _safe_file(story) -> Path:
    (path,) = list(Path(story.txs.root).glob("0x*/*.json"))
    return path


def _usdc(dashboard, story, address: str) -> int:
    from ape import Contract

    with dashboard.chain_lock:
        return int(Contract(story.state.token).balanceOf(address))


def test_a_wallet_on_the_wrong_chain_is_told_to_switch(wallet_page):
    tab, _ = wallet_page("frank", chain_id=5)
    tab.wait_for_selector("body[data-wallet='wrong-chain']", timeout=LIVE_TIMEOUT)
    assert "Switch your wallet to chain" in tab.locator("#wallet-message").inner_text()
    assert tab.locator("#wallet-actions button").count() == 0
    tab.screenshot(path=str(SHOTS / "wallet-wrong-chain.png"), full_page=True)


def test_a_member_without_the_hat_sees_no_action_buttons(wallet_page):
    tab, _ = wallet_page("alice")  # a Safe signer who has signed the one pending transaction, in no cell
    tab.wait_for_selector("body[data-wallet='connected']", timeout=LIVE_TIMEOUT)
    assert "alice" in tab.locator("#wallet-who").inner_text()
    assert tab.locator("#wallet-actions button").count() == 0
    assert "nothing to do" in tab.locator("#wallet-actions").inner_text()
    tab.screenshot(path=str(SHOTS / "wallet-no-hat.png"), full_page=True)


def test_declined_signatures_leave_nothing_half_done(wallet_page, dashboard, story):
    file = _safe_file(story)
    before = file.read_bytes()
    # an objection declined in the wallet: nothing reaches the chain
    tab, calls = wallet_page("frank", reject=True)
    form = tab.locator("form.wallet-action[data-verb='object'][data-ref='#3']")
    form.wait_for(timeout=LIVE_TIMEOUT)
    form.locator("textarea").fill(REASON)
    assert "This will object to proposal #3 as frank" in _confirm(tab, form, "Object…")
    tab.get_by_role("button", name="Sign in my wallet").click()
    tab.wait_for_selector("#wallet-message[data-kind='error']", timeout=LIVE_TIMEOUT)
    assert tab.locator("#wallet-message").inner_text() == "You declined to sign; nothing was sent."
    assert "eth_signTypedData_v4" in calls
    assert _proposal(dashboard, story, "open").objections == []
    tab.screenshot(path=str(SHOTS / "wallet-declined.png"), full_page=True)
    # a Safe signature declined: the transaction file is as it was
    tab, calls = wallet_page("carol", reject=True)
    form = tab.locator("form.wallet-action[data-verb='safe-sign']")
    form.wait_for(timeout=LIVE_TIMEOUT)
    assert "sign Safe transaction nonce" in _confirm(tab, form, "Sign…")
    tab.get_by_role("button", name="Sign in my wallet").click()
    tab.wait_for_selector("#wallet-message[data-kind='error']", timeout=LIVE_TIMEOUT)
    assert "declined" in tab.locator("#wallet-message").inner_text()
    assert file.read_bytes() == before
    assert [p.name for p in Path(story.txs.root).glob("0x*/*.json")] == [file.name]


def test_connect_and_object_with_a_reason_without_gas(wallet_page, dashboard, story):
    from ape import accounts

    frank = story.people["frank"]
    with dashboard.chain_lock:
        balance = accounts.test_accounts[5].balance
    tab, _ = wallet_page("frank")
    tab.wait_for_selector("body[data-wallet='connected']", timeout=LIVE_TIMEOUT)
    assert frank.address in tab.locator("#wallet-who").inner_text()
    tab.screenshot(path=str(SHOTS / "wallet-connected.png"), full_page=True)
    form = tab.locator("form.wallet-action[data-verb='object'][data-ref='#3']")
    form.locator("textarea").fill(REASON)
    confirm = _confirm(tab, form, "Object…")
    # the same words as `opgov object`, and the proposal in token units
    assert f"This will object to proposal #3 as frank ({frank.address})" in confirm
    assert f"because: {REASON}" in confirm
    assert "transfer 400.00 USDC" in confirm
    assert "signing costs you nothing" in confirm
    tab.screenshot(path=str(SHOTS / "wallet-before-signing.png"), full_page=True)
    tab.get_by_role("button", name="Sign in my wallet").click()
    _done(tab)
    # the page shows the new objection once the relayed transaction is mined and indexed
    tab.locator("#proposals article[data-ref='#3']", has_text=REASON).wait_for(timeout=LIVE_TIMEOUT)
    assert [o.objector for o in _proposal(dashboard, story, "open").standing] == [frank.address]
    with dashboard.chain_lock:
        assert accounts.test_accounts[5].balance == balance  # frank paid no gas
    tab.locator("form.wallet-action[data-verb='withdraw'][data-ref='#3']").wait_for(timeout=LIVE_TIMEOUT)
    tab.screenshot(path=str(SHOTS / "wallet-objected.png"), full_page=True)


def test_propose_gasless_and_another_member_relays_it(wallet_page, dashboard, story):
    dashboard.wallet.relayer = None  # no relayer: the dashboard keeps the signed request
    try:
        tab, _ = wallet_page("erin")
        form = tab.locator("form.wallet-action[data-verb='propose']")
        form.wait_for(timeout=LIVE_TIMEOUT)
        form.get_by_label("Cell").select_option("repair-cafe")
        form.get_by_label("Amount (USDC)").fill("120")
        form.get_by_label("To (name or address)").fill("the hardware shop")
        form.get_by_label("Why (the rationale)").fill("Two new multimeters")
        form.get_by_label("How it is sent").select_option("gasless")
        confirm = _confirm(tab, form, "Propose…")
        assert "This will propose for cell" in confirm and "(Repair Café), from erin" in confirm
        assert "objections may be raised for 3 days" in confirm
        assert f"transfer 120.00 USDC to the hardware shop ({story.supplier.address[:6]}" in confirm
        tab.screenshot(path=str(SHOTS / "wallet-propose.png"), full_page=True)
        tab.get_by_role("button", name="Sign in my wallet").click()
        assert "keeps it until a member relays it" in _done(tab)
        # grace sees the kept request and relays it from her own wallet
        other, calls = wallet_page("grace")
        relay = other.locator("form.wallet-action[data-verb='relay']")
        relay.wait_for(timeout=LIVE_TIMEOUT)
        assert "Relay erin" in relay.inner_text() and "transfer 120.00 USDC" in relay.inner_text()
        assert "Your wallet sends it and you pay its gas" in _confirm(other, relay, "Relay…")
        other.screenshot(path=str(SHOTS / "wallet-relay.png"), full_page=True)
        other.get_by_role("button", name="Send from my wallet").click()
        assert "Mined in block" in _done(other)
        assert "eth_sendTransaction" in calls
        other.locator("#proposals article", has_text="Two new multimeters").wait_for(timeout=LIVE_TIMEOUT)
        # the page asks again what grace may do once the receipt is in; the relayed request is gone then
        other.locator("form.wallet-action[data-verb='relay']").wait_for(state="detached", timeout=LIVE_TIMEOUT)
    finally:
        from ape import accounts

        from story import DEPLOYER

        dashboard.wallet.relayer = accounts.test_accounts[DEPLOYER]


def test_execute_a_passed_proposal_and_pay_a_supplier_from_the_budget(wallet_page, dashboard, story):
    shop = story.supplier.address
    before = _usdc(dashboard, story, shop)
    tab, _ = wallet_page("erin")
    form = tab.locator("form.wallet-action[data-verb='execute'][data-ref='#2']")
    form.wait_for(timeout=LIVE_TIMEOUT)
    confirm = _confirm(tab, form, "Execute…")
    assert f"This will execute proposal #2 through the Safe {story.state.safe}:" in confirm
    assert "transfer 150.00 USDC" in confirm
    tab.get_by_role("button", name="Send from my wallet").click()
    assert "Mined in block" in _done(tab)
    assert _proposal(dashboard, story, "passed").state_name == "executed"
    tab.locator("#proposals article[data-ref='#2'] .badge", has_text="executed").wait_for(state="attached", timeout=LIVE_TIMEOUT)
    # frank pays the shop 50 USDC from Repair Café's budget stream
    tab, _ = wallet_page("frank")
    form = tab.locator("form.wallet-action[data-verb='spend'][data-stream='repair-cafe']")
    form.wait_for(timeout=LIVE_TIMEOUT)
    form.get_by_label("Amount (USDC)").fill("50")
    form.get_by_label("To (name or address)").fill("the hardware shop")
    confirm = _confirm(tab, form, "Pay…")
    assert "This will withdraw 50.00 USDC from stream" in confirm
    assert f"and pay it to the hardware shop ({shop})" in confirm
    tab.get_by_role("button", name="Send from my wallet").click()
    assert "Mined in block" in _done(tab)
    assert _usdc(dashboard, story, shop) == before + 200 * 10**6
    tab.screenshot(path=str(SHOTS / "wallet-paid.png"), full_page=True)


def test_sign_a_safe_transaction_then_execute_it(wallet_page, dashboard, story):
    from opgov.safe import Safe
    from opgov.safe_tx import PendingTx

    file = _safe_file(story)
    with dashboard.chain_lock:
        nonce = Safe.at(story.state.safe).nonce()
    tab, calls = wallet_page("bob")
    form = tab.locator("form.wallet-action[data-verb='safe-sign']")
    form.wait_for(timeout=LIVE_TIMEOUT)
    confirm = _confirm(tab, form, "Sign…")
    assert f"This will sign Safe transaction nonce {nonce} as bob" in confirm
    assert "transfer 300.00 USDC" in confirm
    tab.screenshot(path=str(SHOTS / "wallet-safe-sign.png"), full_page=True)
    tab.get_by_role("button", name="Sign in my wallet").click()
    assert "2 of 2 needed" in _done(tab)
    assert "eth_signTypedData_v4" in calls
    # the signature is in the CLI's transaction file, checked against bob
    signed = PendingTx.read(file)
    assert story.people["bob"].address in signed.confirmations
    for confirmation in signed.confirmations.values():
        confirmation.verify(signed.hash)
    tab.locator("#safe", has_text="ready to execute").wait_for(timeout=LIVE_TIMEOUT)
    form = tab.locator("form.wallet-action[data-verb='safe-execute']")
    form.wait_for(timeout=LIVE_TIMEOUT)
    assert f"This will execute Safe transaction nonce {nonce} from bob" in _confirm(tab, form, "Execute…")
    tab.get_by_role("button", name="Send from my wallet").click()
    assert "Mined in block" in _done(tab)
    with dashboard.chain_lock:
        assert Safe.at(story.state.safe).nonce() == nonce + 1
    tab.locator("#safe", has_text="No pending transactions").wait_for(timeout=LIVE_TIMEOUT)
    tab.screenshot(path=str(SHOTS / "wallet-safe-executed.png"), full_page=True)



def test_amend_a_proposal_with_a_new_payment(wallet_page, dashboard, story):
    """erin amends #1 (objected by grace) with a smaller payment from her own wallet: #1 is
    superseded, and the amendment is a new proposal with its own consent window."""
    tab, calls = wallet_page("erin")
    form = tab.locator("form.wallet-action[data-verb='amend'][data-ref='#1']")
    form.wait_for(timeout=LIVE_TIMEOUT)
    why = form.get_by_label("Why (the rationale)")
    assert why.input_value() == "Buy a soldering station for the repair sessions"  # the proposal's, to edit
    form.get_by_label("Amount (USDC)").fill("250")
    form.get_by_label("To (name or address)").fill("the hardware shop")
    why.fill("A second-hand soldering station instead")
    confirm = _confirm(tab, form, "Amend…")
    assert "amend proposal #1 (it becomes superseded; a new window opens)" in confirm
    assert f"transfer 250.00 USDC to the hardware shop ({story.supplier.address[:6]}" in confirm
    assert "A second-hand soldering station instead" in confirm
    tab.screenshot(path=str(SHOTS / "wallet-amend.png"), full_page=True)
    tab.get_by_role("button", name="Send from my wallet").click()
    assert "Mined in block" in _done(tab)
    assert "eth_sendTransaction" in calls
    assert _proposal(dashboard, story, "objected").state_name == "superseded"
    tab.locator("#proposals article", has_text="A second-hand soldering station instead").wait_for(timeout=LIVE_TIMEOUT)
    # #1 is no longer offered for amending once the page has asked again
    tab.locator("form.wallet-action[data-verb='amend'][data-ref='#1']").wait_for(state="detached", timeout=LIVE_TIMEOUT)
