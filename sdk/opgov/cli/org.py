"""`opgov init | check`: the org spec."""

from __future__ import annotations

import click

from opgov.cli._common import about_to, account_option, connected, org_names, replace_option, say, write_safe_tx
from opgov.reads import reading
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


def new_deployer_option(f):
    return click.option(
        "--new-deployer", is_flag=True,
        help="deploy a second copy of an org already recorded from another account (a new Safe).",
    )(f)


@click.command()
@click.argument("path", default="org.yaml", type=click.Path(dir_okay=False))
@new_deployer_option
@connected
@account_option
@reading
def plan(path: str, new_deployer: bool, account) -> None:
    """Show what `opgov deploy` would do to make the chain match the spec."""
    from opgov.deploy import OrgDeployer, sent_together

    spec = load_spec(path)
    steps = OrgDeployer(spec, account, new_deployer=new_deployer).plan()
    todo = [s for s in steps if not s.done]
    if not todo:
        say(f"the chain already matches {path}: nothing to do")
        return
    say(f"deploy would take {len(todo)} step(s) for {spec.name}:")
    for step in todo:
        say(f"  - {step.text}" + (f"  [{step.sent_with}]" if step.sent_with else ""))
    together = sent_together(todo)
    if together:
        # the sizes come from the node's gas estimates as deploy sends them (`opgov.batches`)
        say("sent together: " + "; ".join(together))
        say("  each of those transactions takes as many as fit half a block's gas (deploy says how many "
            "before it sends one); every other step is a transaction of its own")
    if any("for the signers" in s.text for s in todo):
        say("`opgov deploy` writes the Safe transaction for these; the signers sign and execute it")


@click.command()
@click.argument("path", default="org.yaml", type=click.Path(dir_okay=False))
@click.option("--folder", default=None, help="where Safe transaction files are kept (default: safe-txs/ beside org.yaml).")
@new_deployer_option
@replace_option
@connected
@account_option
def deploy(path: str, folder: str | None, new_deployer: bool, replace: bool, account) -> None:
    """Deploy or update the org so the chain matches the spec (safe to run again)."""
    from opgov.deploy import OrgDeployer
    from opgov.safe_tx import TxFolder

    spec = load_spec(path)
    deployer = OrgDeployer(spec, account, say=lambda text: about_to(text), new_deployer=new_deployer)
    state = deployer.deploy()
    if deployer.safe_calls:
        from opgov.safe import Safe

        calls = [call for _, call in deployer.safe_calls]
        _pending, saved = write_safe_tx(Safe.at(state.safe), calls, TxFolder(folder), replace)
        say(f"the Safe has been handed over, so {len(deployer.safe_calls)} change(s) wait for the signers in "
            f"one Safe transaction: {saved}")
        say(f"each signer: `opgov safe sign {saved} --account ALIAS`; then `opgov safe execute {saved}`")
        return
    done = [s for s in deployer.steps if not s.done]
    say(f"{spec.name} is deployed ({len(done)} step(s) taken): Safe {state.safe}, Hats {state.hats}")
    if deployer.record.path:
        say(f"addresses recorded in {deployer.record.path}")


@click.command()
@click.argument("path", default="org.yaml", type=click.Path(dir_okay=False))
@connected
@reading
def status(path: str) -> None:
    """Show the org as it is on chain: the Safe, each cell's budget and runway, the proposals."""
    from opgov.deploy import load_state
    from opgov.status import org_status, status_lines

    spec = load_spec(path)
    state = load_state()
    names = org_names(state.safe).addresses
    for line in status_lines(org_status(spec.name, state, names)):
        say(line)
