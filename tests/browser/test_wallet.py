"""Members act from the page: a test wallet announced by EIP-6963 and driven through
EIP-1193, whose accounts are the embedded chain's test accounts (their keys sign, as a
wallet's would). Connect, object with a reason (gasless: the page signs an EIP-712
request, the dashboard checks and relays it), withdraw, a wallet on the wrong chain, a
member without the hat, a declined signature. Screenshots of each state go to
test-artifacts/screenshots/."""

from __future__ import annotations

import json

import pytest
from conftest import SHOTS

pytestmark = pytest.mark.browser

LIVE_TIMEOUT = 20_000
REASON = "a second quote first: the café next door paid half"

# The injected wallet: announces itself (EIP-6963) and sends every request to the test's
# Python side (window.opgovTestWallet), which answers as a wallet would.
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


@pytest.fixture(scope="module")
def dashboard(story):
    """The story's dashboard, relaying signed requests from the deployer's account."""
    from ape import accounts

    from opgov.dashboard import open_dashboard
    from story import DEPLOYER

    board = open_dashboard(story.spec.name, story.state, story.names, story.txs, interval=0.5,
                           relayer=accounts.test_accounts[DEPLOYER])
    board.start()
    assert board.error is None, board.error
    yield board
    board.stop()


@pytest.fixture
def wallet_page(browser_context, dashboard, story):
    """Open the page with a test wallet for `person`; `chain_id` and `reject` bend the wallet."""
    from ape import chain
    from eth_account import Account

    tabs = []

    def open_as(person: str, chain_id: int | None = None, reject: bool = False):
        account = story.people[person]
        wallet_chain = chain_id if chain_id is not None else int(chain.chain_id)
        calls: list[str] = []

        def answer(method: str, params: str) -> str:
            calls.append(method)
            args = json.loads(params)
            if method in ("eth_requestAccounts", "eth_accounts"):
                return json.dumps({"result": [account.address]})
            if method == "eth_chainId":
                return json.dumps({"result": hex(wallet_chain)})
            if method == "eth_signTypedData_v4":
                if reject:
                    return json.dumps({"error": {"code": 4001, "message": "User rejected the request."}})
                assert args[0].lower() == account.address.lower()
                typed = json.loads(args[1])
                signed = Account.sign_typed_data(account.private_key, full_message=typed)
                return json.dumps({"result": "0x" + bytes(signed.signature).hex()})
            return json.dumps({"error": {"code": 4200, "message": f"the test wallet does not do {method}"}})

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


def _wait_confirm(tab) -> None:
    """Wait for the words shown before signing (or fail with the page's message)."""
    tab.wait_for_selector("#wallet-confirm h3, #wallet-message[data-kind='error']", timeout=LIVE_TIMEOUT)
    assert tab.locator("#wallet-confirm h3").count() == 1, tab.locator("#wallet-message").inner_text()


def _objections(dashboard, story, who: str) -> list:
    from opgov.consent import ConsentClient

    with dashboard.chain_lock:
        p = ConsentClient.at(story.state.consent).proposal(story.proposals["objected"])
    return [o for o in p.standing if o.objector == story.people[who].address]


def test_a_wallet_on_the_wrong_chain_is_told_to_switch(wallet_page):
    tab, _ = wallet_page("frank", chain_id=5)
    tab.wait_for_selector("body[data-wallet='wrong-chain']", timeout=LIVE_TIMEOUT)
    assert "Switch your wallet to chain" in tab.locator("#wallet-message").inner_text()
    assert tab.locator("#wallet-actions button").count() == 0
    tab.screenshot(path=str(SHOTS / "wallet-wrong-chain.png"), full_page=True)


def test_a_member_without_the_hat_sees_no_action_buttons(wallet_page):
    tab, _ = wallet_page("alice")  # a Safe signer, in no cell
    tab.wait_for_selector("body[data-wallet='connected']", timeout=LIVE_TIMEOUT)
    assert "alice" in tab.locator("#wallet-who").inner_text()
    assert tab.locator("#wallet-actions button").count() == 0
    assert "nothing to do" in tab.locator("#wallet-actions").inner_text()
    tab.screenshot(path=str(SHOTS / "wallet-no-hat.png"), full_page=True)


def test_a_declined_signature_leaves_nothing_half_done(wallet_page, dashboard, story):
    tab, calls = wallet_page("frank", reject=True)
    form = tab.locator("form.wallet-action[data-verb='object'][data-ref='#1']")
    form.wait_for(timeout=LIVE_TIMEOUT)
    form.locator("textarea").fill(REASON)
    form.get_by_role("button", name="Object…").click()
    _wait_confirm(tab)
    assert "This will object to proposal #1 as frank" in tab.locator("#wallet-confirm").inner_text()
    tab.get_by_role("button", name="Sign in my wallet").click()
    tab.wait_for_selector("#wallet-message[data-kind='error']", timeout=LIVE_TIMEOUT)
    assert tab.locator("#wallet-message").inner_text() == "You declined to sign; nothing was sent."
    assert "eth_signTypedData_v4" in calls
    assert _objections(dashboard, story, "frank") == []
    tab.screenshot(path=str(SHOTS / "wallet-declined.png"), full_page=True)


def test_connect_and_object_with_a_reason_without_gas(wallet_page, dashboard, story):
    from ape import accounts

    frank = story.people["frank"]
    balance = accounts.test_accounts[int(story.spec.people["frank"].split("::")[1])].balance
    tab, _ = wallet_page("frank")
    tab.wait_for_selector("body[data-wallet='connected']", timeout=LIVE_TIMEOUT)
    assert frank.address in tab.locator("#wallet-who").inner_text()
    tab.screenshot(path=str(SHOTS / "wallet-connected.png"), full_page=True)
    form = tab.locator("form.wallet-action[data-verb='object'][data-ref='#1']")
    form.locator("textarea").fill(REASON)
    form.get_by_role("button", name="Object…").click()
    _wait_confirm(tab)
    confirm = tab.locator("#wallet-confirm")
    # the same words as `opgov object`, and the proposal in token units
    assert f"This will object to proposal #1 as frank ({frank.address})" in confirm.inner_text()
    assert f"because: {REASON}" in confirm.inner_text()
    assert "transfer 400.00 USDC" in confirm.inner_text()
    assert "signing costs you nothing" in confirm.inner_text()
    tab.screenshot(path=str(SHOTS / "wallet-before-signing.png"), full_page=True)
    tab.get_by_role("button", name="Sign in my wallet").click()
    tab.wait_for_selector("#wallet-message[data-kind='done']", timeout=LIVE_TIMEOUT)
    # the page shows the new objection once the relayed transaction is mined and indexed
    tab.locator("#proposals article[data-ref='#1']", has_text=REASON).wait_for(timeout=LIVE_TIMEOUT)
    assert len(_objections(dashboard, story, "frank")) == 1
    with dashboard.chain_lock:
        assert accounts.test_accounts[int(story.spec.people["frank"].split("::")[1])].balance == balance
    # now frank may withdraw it
    tab.locator("form.wallet-action[data-verb='withdraw'][data-ref='#1']").wait_for(timeout=LIVE_TIMEOUT)
    tab.screenshot(path=str(SHOTS / "wallet-objected.png"), full_page=True)
