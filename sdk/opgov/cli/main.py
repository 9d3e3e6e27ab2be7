"""`opgov`: operational governance on-chain."""

from __future__ import annotations

import click

from opgov.cli._common import Group
from opgov.cli.consent import COMMANDS as CONSENT_COMMANDS
from opgov.cli.dashboard import dashboard
from opgov.cli.demo import demo
from opgov.cli.hats import hats
from opgov.cli.org import check, deploy, init, plan, status
from opgov.cli.safe import safe
from opgov.cli.stream import stream
from opgov.cli.watch import watch


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="opgov")
def cli() -> None:
    """opgov: role hats, streamed cell budgets and consent decisions, executed by a Safe.

    Start with `opgov demo`: the whole story on an embedded chain, no node needed.
    """


cli.add_command(hats)
cli.add_command(safe)
cli.add_command(stream)
cli.add_command(demo)
cli.add_command(dashboard)
cli.add_command(init)
cli.add_command(check)
cli.add_command(plan)
cli.add_command(deploy)
cli.add_command(status)
cli.add_command(watch)
for command in CONSENT_COMMANDS:
    cli.add_command(command)
