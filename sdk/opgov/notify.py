"""Notifications: who hears about what, delivered through apprise.

org.yaml's `notify:` section lists routes: each names the people, cells or roles
it speaks for (`to:`), where it delivers (an apprise URL, or `env:NAME` for a
URL with a secret in it) and which events it wants. A `Notice` is addressed to
people by name; every route whose people it reaches, and which wants its kind,
gets it once. `Notifier.deliver` sends one notice to one route and says whether
it arrived; remembering what was sent (so that nothing is sent twice) is the
watch bot's job, in the index's SQLite file.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping

from opgov.errors import SpecError

if TYPE_CHECKING:
    from opgov.spec import OrgSpec

__all__ = ["Notice", "Notifier", "Route", "resolve_routes"]


@dataclass(frozen=True)
class Notice:
    """Something that needs people now.

    Args:
        key: names the event once and for all (e.g. "proposal:0x…"): a route never
            gets two notices with the same key.
        kind: one of `opgov.spec.NOTIFY_EVENTS`.
        title: one line.
        body: the details, in plain words.
        people: who it is for, by their names in org.yaml.
    """

    key: str
    kind: str
    title: str
    body: str
    people: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Route:
    """A destination from org.yaml, its URL read from the environment where the file says so.

    `ref` identifies the route across restarts (it hashes `to:` and the URL as
    written, not the secret), so the record of what was sent survives a change
    of token.
    """

    index: int
    to: tuple[str, ...]
    url: str = field(repr=False)
    written: str
    people: frozenset[str]
    events: frozenset[str]

    @property
    def ref(self) -> str:
        text = json.dumps([list(self.to), self.written])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        """How the route is named in messages: never its URL, which may hold a secret."""
        scheme = self.url.split("://", 1)[0]
        return f"route {self.index + 1} ({', '.join(self.to)}, {scheme})"

    def wants(self, notice: Notice) -> bool:
        return notice.kind in self.events and bool(self.people & notice.people)


def resolve_routes(spec: "OrgSpec", environ: Mapping[str, str] | None = None) -> list[Route]:
    """The routes of org.yaml's `notify:` section, with `env:NAME` URLs read from the environment.

    Raises:
        SpecError: if a variable a route names is not set or does not hold a URL apprise can use.
    """
    import apprise

    environ = os.environ if environ is None else environ
    if spec.notify is None:
        return []
    routes = []
    for i, r in enumerate(spec.notify.routes):
        url = r.url
        if url.startswith("env:"):
            name = url[4:]
            url = environ.get(name, "").strip()
            if not url:
                raise SpecError(
                    f"notify.routes[{i}] takes its URL from the environment variable {name}, which is not set",
                    f"export {name}='scheme://...' (the service's apprise URL) before starting the bot",
                )
            if not apprise.Apprise().add(url):
                raise SpecError(
                    f"the environment variable {name} (notify.routes[{i}]) does not hold a URL apprise can use",
                    "check it against apprise's list of services",
                )
        people: set[str] = set()
        for target in r.to:
            people |= spec.audience(target)
        routes.append(Route(i, tuple(r.to), url, r.url, frozenset(people), frozenset(r.events)))
    return routes


class Notifier:
    """Delivers notices to routes through apprise.

    Args:
        routes: where notices go (`resolve_routes`).
        app_name: the sender's name where the service shows one.
    """

    def __init__(self, routes: list[Route], app_name: str = "opgov"):
        self.routes = list(routes)
        self.app_name = app_name
        self.last_error: str | None = None  # why the last failed delivery failed, in one line

    def routes_for(self, notice: Notice) -> list[Route]:
        """The routes that get this notice."""
        return [r for r in self.routes if r.wants(notice)]

    def deliver(self, notice: Notice, route: Route) -> bool:
        """Send one notice to one route. Returns whether the service took it (see `last_error` if not)."""
        import apprise

        asset = apprise.AppriseAsset(app_id=self.app_name, app_desc=self.app_name)
        app = apprise.Apprise(asset=asset)
        app.add(route.url)
        with apprise.LogCapture(level=apprise.logging.WARNING) as log:
            ok = bool(app.notify(title=notice.title, body=notice.body))
            captured = log.getvalue().strip().splitlines()
        self.last_error = None if ok else (
            f"{route.label}: " + (captured[-1].split(" - ", 2)[-1] if captured else "the service refused it")
        )
        return ok
