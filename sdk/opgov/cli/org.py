"""`opgov init | check`: the org spec."""

from __future__ import annotations

import click

from opgov.cli._common import say
from opgov.spec import load_spec, write_example


@click.command()
@click.argument("path", default="org.yaml", type=click.Path(dir_okay=False))
def init(path: str) -> None:
    """Write a commented example org spec to PATH (default org.yaml)."""
    write_example(path)
    say(f"wrote {path}: the example community organisation (Repair Café, Thing Library,")
    say("Community Workshops; four signers, two needed). Edit it, then `opgov check` it.")


@click.command()
@click.argument("path", default="org.yaml", type=click.Path(dir_okay=False))
def check(path: str) -> None:
    """Validate the org spec at PATH and summarise it."""
    spec = load_spec(path)
    rule = (f"{spec.safe.threshold} of {len(spec.safe.signers)} signers" if spec.safe.threshold
            else f"signer role, threshold {spec.safe.signer_hat.min} to {spec.safe.signer_hat.target}")
    say(f"{path} is valid: {spec.name}, {len(spec.people)} people, {len(spec.roles)} roles, "
        f"{len(spec.cells)} cells; the Safe needs {rule}")
