"""`ape run demo --network ...`: the demo story (on the embedded chain by default, or a local anvil)."""

import click
from ape.cli import ConnectedProviderCommand

from opgov.demo import run_demo


@click.command(cls=ConnectedProviderCommand)
def cli():
    run_demo(click.echo)
