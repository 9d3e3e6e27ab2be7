"""org.yaml's notify: section (line-numbered errors, secrets only from the environment)
and the apprise notifier against real receivers (SMTP and a webhook)."""

from __future__ import annotations

import pytest

from notify_receivers import Mailbox, Webhook
from opgov.errors import SpecError
from opgov.notify import Notice, Notifier, resolve_routes
from opgov.spec import EXAMPLE, load_spec


def _spec(tmp_path, notify: str):
    path = tmp_path / "org.yaml"
    path.write_text(EXAMPLE + notify)
    return path


def test_routes_expand_people_cells_and_roles(tmp_path):
    spec = load_spec(_spec(tmp_path, """
notify:
  runway_below: 10 days
  execute_from: heidi
  routes:
    - to: [repair-cafe, signer]
      url: env:OPGOV_CAFE_URL
      events: [proposal, runway]
    - to: erin
      url: ntfy://ntfy.sh/riverside-erin
"""))
    routes = resolve_routes(spec, {"OPGOV_CAFE_URL": "slack://T1/B2/token"})
    assert routes[0].people == {"erin", "frank", "grace", "alice", "bob", "carol", "dave"}
    assert routes[0].events == {"proposal", "runway"} and routes[0].url == "slack://T1/B2/token"
    assert "token" not in routes[0].label and routes[0].label == "route 1 (repair-cafe, signer, slack)"
    assert routes[1].people == {"erin"} and "objection" in routes[1].events
    assert spec.objectors_of("workshops") == {"heidi", "bob", "grace"}
    with pytest.raises(SpecError, match=r"OPGOV_CAFE_URL, which is not set; export OPGOV_CAFE_URL="):
        resolve_routes(spec, {})


@pytest.mark.parametrize("url, says", [
    ("slack://T1/B2/abcdef", "a slack:// URL carries the service's token"),
    ("mailto://alice:hunter2@example.org", "this mailto:// URL carries a password"),
    ("json://hooks.example.org/x?token=abc", "carries a password or token in its query"),
    ("env:lower case", "write env:NAME"),
    ("hooks.example.org", "is not a notification URL"),
])
def test_secrets_in_the_file_are_refused_with_the_line(tmp_path, url, says):
    path = _spec(tmp_path, f"\nnotify:\n  routes:\n    - to: erin\n      url: \"{url}\"\n")
    line = len((EXAMPLE + "\nnotify:\n  routes:\n    - to: erin\n").splitlines()) + 1
    with pytest.raises(SpecError) as err:
        load_spec(path)
    text = str(err.value)
    assert f"org.yaml:{line}: notify.routes[0].url: " in text and says in text, text
    assert "hunter2" not in text and "abcdef" not in text  # the secret is never repeated
    if "carries" in says:
        assert "write `url: env:OPGOV_NOTIFY_URL`" in text


def test_unknown_people_events_and_executor_are_named(tmp_path):
    path = _spec(tmp_path, """
notify:
  execute_from: mallory
  routes:
    - to: [erin, nobody]
      url: ntfy://ntfy.sh/x
""")
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert "notify.routes[0].to[1]: 'nobody' is neither a person, a cell id nor a role id" in str(err.value)
    assert "notify.execute_from: 'mallory' is not under people:" in str(err.value)
    path = _spec(tmp_path, "\nnotify:\n  routes:\n    - to: erin\n      url: ntfy://ntfy.sh/x\n      events: [gossip]\n")
    with pytest.raises(SpecError, match="'gossip' is not an event opgov notifies; use proposal, objection"):
        load_spec(path)


def test_delivery_to_a_real_smtp_server_and_a_webhook(tmp_path):
    mailbox, hook = Mailbox(), Webhook()
    try:
        spec = load_spec(_spec(tmp_path, f"""
notify:
  routes:
    - to: erin
      url: env:OPGOV_ERIN_MAIL
    - to: thing-library
      url: {hook.url("library")}
"""))
        routes = resolve_routes(spec, {"OPGOV_ERIN_MAIL": mailbox.url("erin@riverside.example")})
        notifier = Notifier(routes)
        notice = Notice("k1", "objection", "frank objected to your proposal #1", "“not now”", frozenset({"erin"}))
        assert [r.index for r in notifier.routes_for(notice)] == [0, 1]  # erin is in the Thing Library too
        for route in notifier.routes_for(notice):
            assert notifier.deliver(notice, route)
        (rcpt, subject, body), = mailbox.texts()
        assert rcpt == ["erin@riverside.example"] and subject == notice.title and "“not now”" in body
        assert hook.at("library")[0]["title"] == notice.title
        hook.status = 500
        assert not notifier.deliver(notice, routes[1])
        assert notifier.last_error.startswith("route 2 (thing-library, json): ")
    finally:
        mailbox.stop()
        hook.stop()
