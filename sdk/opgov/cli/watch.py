"""`opgov watch`: notify people of what needs them, and (opt-in) execute what passed."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from opgov.cli._common import connected, say


@click.command()
@click.argument("path", default="org.yaml", type=click.Path(dir_okay=False))
@click.option("--execute-from", "execute_from", default=None, metavar="ALIAS",
              help="also execute passed proposals, clear expired ones and remove signers without the signer "
                   "hat, from this ape account (it must be the person org.yaml names in notify.execute_from).")
@click.option("--txs", type=click.Path(file_okay=False), default=None,
              help="folder of pending Safe transaction files (default: .opgov/safe-txs).")
@click.option("--index", "index_path", type=click.Path(dir_okay=False), default=None,
              help="the index's SQLite file, which also remembers what was sent (default: one per network "
                   "under .opgov/index/).")
@click.option("--interval", default=2.0, show_default=True, help="seconds between looks at the chain.")
@click.option("--once", is_flag=True, help="one round, then exit (e.g. from cron).")
@connected
def watch(path: str, execute_from: str | None, txs: str | None, index_path: str | None, interval: float,
          once: bool) -> None:
    """Tell people what needs them now, through the routes in PATH's notify: section.

    A Silverback bot: new proposals to the cell's objectors, objections to the
    proposer, windows closing within 24 hours, Safe transactions to the signers
    who have not signed, budgets running out or insolvent. Nobody is told the
    same thing twice, across restarts. Stop with Ctrl-C.
    """
    from ape import networks

    from opgov.chain import load_account
    from opgov.deploy import load_state
    from opgov.deployments import EPHEMERAL_PROVIDERS
    from opgov.errors import DeploymentError, UsageError
    from opgov.indexer import Indexer
    from opgov.safe_tx import TxFolder
    from opgov.spec import load_spec
    from opgov.watch import Keeper, LocalRunner, Watcher, create_bot

    if interval <= 0:
        raise UsageError(f"--interval {interval} is not a number of seconds", "pass a positive number, e.g. 2")
    spec = load_spec(path)
    provider = networks.provider
    try:
        state = load_state()
    except DeploymentError as err:
        if provider.name in EPHEMERAL_PROVIDERS:
            raise DeploymentError(
                "the embedded chain starts empty on every command, so there is no org to watch",
                "deploy on a node (`opgov deploy --network ethereum:local:foundry`) and watch that",
            ) from err
        raise
    executor = load_account(execute_from) if execute_from else None
    if index_path is None and provider.name in EPHEMERAL_PROVIDERS:
        index_path = str(Path(tempfile.mkdtemp(prefix="opgov-watch-")) / "index.sqlite")
    contracts = {"Hats": state.hats, "BudgetStreams": state.streams, "ConsentModule": state.consent}
    if state.gate:
        contracts["SignerGate"] = state.gate
    indexer = Indexer(index_path, contracts=contracts)
    watcher = Watcher(spec, state, indexer, txs=TxFolder(txs), executor=executor, report=say)
    routes = watcher.notifier.routes
    doing = f"executing from {executor.address}" if executor else "notifying only (no --execute-from)"
    say(f"watching {spec.name} on {provider.network.ecosystem.name}:{provider.network.name}: "
        f"{len(routes)} notification route(s), {doing}")
    if not routes:
        say("warning: org.yaml has no notify: routes, so nobody will be told anything")
    keeper = Keeper(watcher, say)
    if once:
        keeper.round()
        return
    bot = create_bot(keeper)
    import asyncio

    asyncio.run(LocalRunner(bot, keeper, interval=interval).run())
    say("watch stopped")
