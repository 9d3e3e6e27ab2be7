"""Calendar and news feeds of the dashboard, for the calendar and reader people already use.

- `/feeds/cell/<id>.ics`: a cell's consent-window deadlines, execution deadlines
  and its budget's depletion date (iCalendar, RFC 5545);
- `/feeds/person/<name>.ics`: the same for every cell whose hats the person
  wears (by their name in the dashboard), and the proposals they made;
- `/feeds/activity.atom`: the activity feed (Atom, RFC 4287).

Everything is built from what the dashboard's refresher last published (its
snapshot and feed): a request never touches the chain or SQLite. Events keep
stable UIDs (the proposal id and what the date is), so a calendar that polls
updates them instead of adding copies.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opgov.dashboard.server import Dashboard

ICS = "text/calendar; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _when(ts: int) -> datetime:
    return datetime.fromtimestamp(int(ts), tz=timezone.utc)


def _deadlines(snap: dict[str, Any], cells: set[str], proposer: str | None = None) -> list[dict[str, Any]]:
    """(uid, summary, description, when) of every date that matters to these cells (by name)."""
    org = snap["org"]["name"]
    out = []
    for p in snap["proposals"]:
        where = p["holder"] or p["cell"]
        if where not in cells and p["cell"] not in cells and p["proposer"] != proposer:
            continue
        summary = p["rationale"].splitlines()[0][:80] if p["rationale"] else "(no rationale)"
        if p["state"] in ("open", "escalated", "objected") and p["closes_at"]:
            out.append({"uid": f"window-{p['id']}-{p['closes_at']}", "when": int(p["closes_at"]),
                        "summary": f"{where}: consent window of {p['ref']} closes",
                        "description": f"{summary}\n{p['countdown']}"})
        if p["state"] in ("open", "escalated", "objected", "passed") and p["deadline"]:
            out.append({"uid": f"execute-{p['id']}-{p['deadline']}", "when": int(p["deadline"]),
                        "summary": f"{where}: last moment to execute {p['ref']}",
                        "description": f"{summary}\nAfter this the proposal expires."})
    for c in snap["cells"]:
        if c["name"] in cells and c.get("depletion_time") and "voided" not in c.get("status", ""):
            out.append({"uid": f"depletes-{c['id']}", "when": int(c["depletion_time"]),
                        "summary": f"{c['name']}: budget runs out",
                        "description": f"{c['rate']}, {c['remaining']} left ({c['status']})"})
    for x in out:
        x["uid"] = f"{x['uid']}@opgov.{re.sub(r'[^a-z0-9]+', '-', org.lower()).strip('-')}"
    return out


def calendar(snap: dict[str, Any], title: str, cells: set[str], proposer: str | None = None) -> bytes:
    """An iCalendar of the dates that matter to these cells (and this proposer)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//opgov//deadlines//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", title)
    stamp = _when(snap["now"])
    for d in _deadlines(snap, cells, proposer):
        ev = Event()
        ev.add("uid", d["uid"])
        ev.add("dtstamp", stamp)
        ev.add("dtstart", _when(d["when"]))
        ev.add("dtend", _when(d["when"]) + timedelta(minutes=30))
        ev.add("summary", d["summary"])
        ev.add("description", d["description"])
        cal.add_component(ev)
    return cal.to_ical()


def atom(snap: dict[str, Any], items: list[dict[str, Any]], url: str) -> bytes:
    """An Atom feed of the activity, newest first."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.id(f"{url}feeds/activity.atom")
    fg.title(f"{snap['org']['name']}: activity")
    fg.link(href=url, rel="alternate")
    fg.link(href=f"{url}feeds/activity.atom", rel="self")
    fg.updated(_when(items[-1]["time"] if items else snap["now"]))
    for item in items:  # feedgen puts the last added first
        entry = fg.add_entry()
        entry.id(f"{url}#event-{item['tx']}-{item['id']}")
        entry.title(item["text"])
        entry.updated(_when(item["time"]))
        entry.content(f"{item['text']} (block {item['block']}, {item['time_text']})")
    return fg.atom_str(pretty=True)


def cells_of(snap: dict[str, Any], person: str) -> set[str]:
    """The cells (by name) whose hat or lead hat the person wears, by the hats tree's wearers."""
    names = {c["name"] for c in snap["cells"]}
    worn = {h["details"] for h in snap["hats"] if any(w.get("name") == person for w in h["wearers"])}
    return {n for n in names if n in worn or f"{n} lead" in worn}


def serve(dashboard: "Dashboard", path: str) -> tuple[int, bytes, str]:
    """(HTTP status, body, content type) for a /feeds/ path."""
    raw = dashboard.snapshot_bytes()
    if raw is None:
        return 503, b"the first snapshot is still being read", "text/plain; charset=utf-8"
    snap = json.loads(raw)
    if path == "/feeds/activity.atom":
        return 200, atom(snap, dashboard.feed_since(0)["items"], dashboard.url), ATOM
    match = re.match(r"^/feeds/(cell|person)/(.+)\.ics$", path)
    if match is None or not _NAME.match(match.group(2)):
        return 404, b"feeds: /feeds/cell/<id>.ics, /feeds/person/<name>.ics, /feeds/activity.atom", \
            "text/plain; charset=utf-8"
    kind, name = match.groups()
    if kind == "cell":
        cell = next((c for c in snap["cells"] if c["id"] == name), None)
        if cell is None:
            return 404, f"there is no cell {name!r}".encode(), "text/plain; charset=utf-8"
        return 200, calendar(snap, f"{snap['org']['name']}: {cell['name']}", {cell["name"]}), ICS
    known = {w.get("name") for h in snap["hats"] for w in h["wearers"]} | {
        p["proposer"] for p in snap["proposals"]}
    if name not in known:
        return 404, f"nobody called {name!r} wears a hat or made a proposal".encode(), "text/plain; charset=utf-8"
    return 200, calendar(snap, f"{snap['org']['name']}: {name}", cells_of(snap, name), proposer=name), ICS
