"""`opgov demo`: the whole story on the embedded chain."""

from __future__ import annotations

import time

import click

from opgov.cli._common import connected, say
from opgov.demo import run_demo


@click.command()
@click.option("--workdir", type=click.Path(file_okay=False), default=None,
              help="where to keep the example spec and the signers' files (default: a temporary folder).")
@connected
def demo(workdir) -> None:
    """Run the example organisation's story end to end (default: the embedded chain, no node needed)."""
    started = time.monotonic()
    run_demo(say, workdir)
    say(f"\nDemo finished in {time.monotonic() - started:.1f} s.")
