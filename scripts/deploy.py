"""`ape run deploy --network ...`: deploy or update an org from its spec (default org.yaml).

    ape run deploy --network ethereum:sepolia:node   # asks which account to use

Set OPGOV_SPEC to use another spec file, and OPGOV_ACCOUNT to pick the ape
account without being asked. Safe to run again: it finishes what is missing
and deploys nothing twice.
"""

import os

import click
from ape.cli import ConnectedProviderCommand, account_option

from opgov.deploy import OrgDeployer
from opgov.spec import load_spec


@click.command(cls=ConnectedProviderCommand)
@account_option()
def cli(account):
    spec = load_spec(os.environ.get("OPGOV_SPEC", "org.yaml"))
    state = OrgDeployer(spec, account, say=lambda line: click.echo(f"→ {line}")).deploy()
    click.echo(f"{spec.name}: Safe {state.safe}, Hats {state.hats}, consent module {state.consent}")
