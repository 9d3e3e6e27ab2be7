"""`opgov dashboard`: serve the live web page of an org on this machine."""

from __future__ import annotations

import signal
import tempfile
import threading
import webbrowser
from pathlib import Path

import click

from opgov.cli._common import connected, say
from opgov.errors import DeploymentError, UsageError


@click.command()
@click.argument("path", default="org.yaml", type=click.Path(dir_okay=False))
@click.option("--port", default=8787, show_default=True, help="port on 127.0.0.1 (0: any free port).")
@click.option("--open/--no-open", "open_browser", default=False, show_default=True,
              help="open the page in the default web browser.")
@click.option("--demo", is_flag=True,
              help="first deploy the example org and run the demo story in this process "
                   "(needed on the embedded chain, which keeps nothing between commands).")
@click.option("--txs", type=click.Path(file_okay=False), default=None,
              help="folder of pending Safe transaction files (default: .opgov/safe-txs).")
@click.option("--index", "index_path", type=click.Path(dir_okay=False), default=None,
              help="the indexer's SQLite file (default: one per network under .opgov/index/).")
@click.option("--relayer", default=None, metavar="ALIAS",
              help="an ape account that relays members' signed objections and proposals from the page and pays their gas (without it, the page keeps them for a member to relay).")
@connected
def dashboard(path: str, port: int, open_browser: bool, demo: bool, txs: str | None, index_path: str | None,
              relayer: str | None) -> None:
    """Serve a live web page of the org in PATH: budgets, proposals, roles, the Safe, activity.

    On a node (e.g. --network ethereum:local:foundry) it shows the org that
    `opgov deploy` recorded. On the embedded chain, use --demo. Stop with Ctrl-C.
    """
    from ape import networks

    from opgov.dashboard import open_dashboard
    from opgov.deployments import EPHEMERAL_PROVIDERS
    from opgov.safe_tx import TxFolder

    if demo:
        name, state, names, folder = _run_demo(txs)
    else:
        from opgov.deploy import load_state, resolve_person
        from opgov.spec import load_spec

        spec = load_spec(path)
        try:
            state = load_state()
        except DeploymentError as err:
            if networks.provider.name in EPHEMERAL_PROVIDERS:
                raise DeploymentError(
                    "the embedded chain starts empty on every command, so there is no org to show",
                    "run `opgov dashboard --demo`, or deploy on a node (`opgov deploy --network "
                    "ethereum:local:foundry`) and show that",
                ) from err
            raise
        name = spec.name
        names = {resolve_person(who): person for person, who in spec.people.items()}
        names[state.safe] = "the Safe"
        folder = TxFolder(txs)
    relayer_account = None
    if relayer:
        from opgov.chain import load_account

        relayer_account = load_account(relayer)
    if not 0 <= port <= 65535:
        raise UsageError(f"{port} is not a port", "use a number from 1 to 65535 (0: any free port)")
    try:
        board = open_dashboard(name, state, names, folder, port=port, index_path=index_path, relayer=relayer_account)
    except OSError as err:
        raise UsageError(f"cannot listen on 127.0.0.1:{port} ({err.strerror})",
                         "pass another --port (0 picks a free one)") from err
    say("reading the chain for the first time…")
    url = board.start()
    say(f"{name}: dashboard at {url}  (Ctrl-C stops it)")
    if relayer_account is not None:
        say(f"members' signed objections are relayed from {relayer_account.address}, which pays their gas")
    if board.error:
        say(f"warning: {board.error}")
    if open_browser:
        webbrowser.open(url)
    # ape puts its own Ctrl-C handler in place (it exits at once); the dashboard's
    # threads need a clean stop, so Ctrl-C and SIGTERM just ask the loop to end
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop.wait(0.5):
            pass
        say("\nstopping…")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        board.stop()
    say("dashboard stopped")


def _run_demo(txs: str | None):
    """Deploy the example org and run the demo story; leave one Safe transaction waiting for a signer."""
    from ape import accounts

    from opgov.consent import pay
    from opgov.demo import run_demo
    from opgov.safe import Safe, sign
    from opgov.safe_tx import TxFolder
    from opgov.spec import load_spec

    workdir = Path(tempfile.mkdtemp(prefix="opgov-dashboard-demo-"))
    result = run_demo(lambda line: say(line), workdir)
    state = result.state
    spec = load_spec(workdir / "org.yaml")
    folder = TxFolder(txs or workdir / "safe-txs")
    # so the page has a pending Safe transaction to show: a top-up that alice has signed
    alice = accounts.test_accounts[int(spec.people["alice"].split("::")[1])]
    pending = Safe.at(state.safe).propose([pay(state.token, "500 USDC", state.streams)])
    pending.add(sign(pending.tx, alice))
    saved = folder.save(pending)
    say(f"\nA Safe transaction waits for a second signature: {saved} (signed by alice)")
    return spec.name, state, result.names, folder
