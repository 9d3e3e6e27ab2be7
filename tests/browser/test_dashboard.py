"""The dashboard in a real browser: it loads and shows the org, proposals and objections
appear live, the keyboard works and a phone can read it."""

from __future__ import annotations

import json
import urllib.request

import pytest
from screenshots import SHOTS
from story import OBJECTION

pytestmark = pytest.mark.browser

LIVE_TIMEOUT = 20_000  # ms for a transaction to reach the page (index, snapshot, poll)


def api(dashboard, path: str) -> dict:
    with urllib.request.urlopen(dashboard.url + path.lstrip("/"), timeout=10) as response:
        return json.loads(response.read())


def test_page_shows_the_demo_orgs_cells(page, dashboard, story):
    from opgov.streams import StreamsClient

    cells = page.locator("#cells article")
    assert cells.count() == 3
    for name in ("Repair Café", "Thing Library", "Community Workshops"):
        assert page.get_by_role("heading", name=name, exact=True).is_visible()
    with dashboard.chain_lock:
        view = StreamsClient.at(story.state.streams).stream(story.state.streams_of["repair-cafe"])
    cafe = page.locator("#cells article[data-cell='repair-cafe']")
    assert cafe.locator("dd[data-figure='Withdrawn']").inner_text() == view.amount(view.withdrawn) == "200.00 USDC"
    assert cafe.locator("dd[data-figure='Streamed']").inner_text() == view.amount(view.streamed)
    assert cafe.locator("dd[data-figure='Runway']").inner_text().startswith("49 days")
    assert "Remaining" in cafe.inner_text() and "Runs out" in cafe.inner_text()
    # the burn-down: the past from events, the projection labelled
    chart = cafe.locator("svg.chart")
    assert chart.locator("path.past").count() == 1 and chart.locator("path.future").count() == 1
    assert "projected" in chart.text_content()
    # the proposal with its objection, the Safe's pending transaction, the hats
    first = page.locator("#proposals article[data-ref='#1']")
    assert "objected" in first.inner_text() and OBJECTION in first.inner_text()
    assert "transfer 400.00 USDC" in first.inner_text()
    assert "left" in first.locator(".countdown").inner_text()
    tx = page.locator("#safe article").first
    assert "1 of 2 signatures" in tx.inner_text() and "Signed: alice" in tx.inner_text()
    assert "worn by erin" in page.locator("#hats").inner_text()
    assert page.locator("#feed li").count() > 0
    page.screenshot(path=str(SHOTS / "desktop.png"), full_page=True)


def test_burndown_agrees_with_the_chain(dashboard, story):
    """The last point drawn from events is the stream's refundable amount read from the chain."""
    from opgov.streams import StreamsClient

    data = api(dashboard, "/api/org")
    with dashboard.chain_lock:
        streams = StreamsClient.at(story.state.streams)
        for cell in data["cells"]:
            view = streams.stream(story.state.streams_of[cell["id"]])
            when, remaining = cell["chart"]["past"][-1]
            at = view.refundable + (view.rate_per_second * (view.now - when)) // view.scale
            assert abs(int(remaining) - at) <= 1, cell["id"]  # the same moment, to the unit
            assert cell["chart"]["projected"][-1] == [view.depletion_time, "0"]


def test_a_new_proposal_appears_live(page, dashboard, story):
    from opgov.consent import ConsentClient, pay

    page.evaluate("window.notReloaded = true")
    with dashboard.chain_lock:
        consent = ConsentClient.at(story.state.consent)
        consent.propose(story.state.cells["thing-library"],
                              [pay(story.state.token, "120 USDC", story.supplier.address)],
                              "Replace the worn drill bits", sender=story.people["frank"])
    card = page.locator("#proposals article", has_text="Replace the worn drill bits")
    card.wait_for(timeout=LIVE_TIMEOUT)
    assert "open" in card.inner_text() and "transfer 120.00 USDC" in card.inner_text()
    page.locator("#feed li", has_text="frank proposed").wait_for(timeout=LIVE_TIMEOUT)
    assert page.evaluate("window.notReloaded") is True
    # the countdown ticks in the page
    countdown = card.locator("[data-closes]")
    before = countdown.inner_text()
    page.wait_for_timeout(1500)
    assert countdown.inner_text() != before
    page.screenshot(path=str(SHOTS / "live-proposal.png"), full_page=True)


def test_an_objection_appears_with_its_reason(page, dashboard, story):
    from opgov.consent import ConsentClient, pay

    reason = "The library already has a spare set; let us check the cupboard first"
    with dashboard.chain_lock:
        consent = ConsentClient.at(story.state.consent)
        pid = consent.propose(story.state.cells["thing-library"],
                              [pay(story.state.token, "80 USDC", story.supplier.address)],
                              "Replace the worn saw blades", sender=story.people["frank"])
    card = page.locator("#proposals article", has_text="Replace the worn saw blades")
    card.wait_for(timeout=LIVE_TIMEOUT)
    page.evaluate("window.notReloaded = true")
    with dashboard.chain_lock:
        consent.object(pid, reason, sender=story.people["heidi"])
    card.locator(".objection", has_text=reason).wait_for(timeout=LIVE_TIMEOUT)
    assert "heidi" in card.locator(".objection").inner_text()
    page.locator("#feed li", has_text="heidi objected to").wait_for(timeout=LIVE_TIMEOUT)
    card.locator(".badge", has_text="objected").wait_for(timeout=LIVE_TIMEOUT)
    assert page.evaluate("window.notReloaded") is True
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "objection.png"))


def test_keyboard_focus_is_visible_and_skips_to_the_content(page):
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to the dashboard"
    style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert style != "none"
    page.screenshot(path=str(SHOTS / "keyboard-focus.png"))
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # the next stop after the main content is the feed, scrollable from the keyboard
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "feed"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    # landmarks and the live feed for screen readers
    assert page.locator("header[role='banner'], main, nav, aside, footer").count() == 5
    assert page.locator("#feed").get_attribute("aria-live") == "polite"


def test_a_phone_can_read_the_cells(browser_context, dashboard):
    tab = browser_context.new_page()
    tab.set_viewport_size({"width": 390, "height": 844})
    tab.goto(dashboard.url)
    tab.wait_for_selector("body[data-ready='true']", timeout=20_000)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    card = tab.locator("#cells article").first
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    size = float(tab.evaluate("parseFloat(getComputedStyle(document.querySelector('#cells dd')).fontSize)"))
    assert size >= 14
    assert card.locator("dd[data-figure='Remaining']").is_visible()
    tab.screenshot(path=str(SHOTS / "phone.png"), full_page=True)
    tab.close()
