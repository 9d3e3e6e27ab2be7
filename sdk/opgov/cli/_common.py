"""What every command shares: network and account options, one-line errors, contract lookup."""

from __future__ import annotations

import functools
import logging
import os
import sys
import warnings
from typing import Any, Callable

import click

from opgov.chain import EMBEDDED, connect, first_line, load_account
from opgov.errors import DeploymentError, OpgovError

DEBUG = bool(os.environ.get("OPGOV_DEBUG"))


class Group(click.Group):
    """A click group whose commands end in one line on stderr, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OpgovError as err:
            if DEBUG:
                raise
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("stopped: nothing more was sent", err=True)
            sys.exit(130)
        except Exception as err:  # an error opgov did not expect: still one line
            if DEBUG:
                raise
            if _lost_node(err):
                click.echo(
                    f"error: lost the connection to the node ({first_line(err)}); start it again and run "
                    "the same command: it picks up where it stopped",
                    err=True,
                )
                sys.exit(1)
            click.echo(
                f"error: {type(err).__name__}: {first_line(err)} "
                "(this is a fault in opgov; rerun with OPGOV_DEBUG=1 for details and report it)",
                err=True,
            )
            sys.exit(1)


def _lost_node(err: BaseException) -> bool:
    """Whether an error (or its cause) is the node going away mid-command."""
    import requests

    seen = 0
    while err is not None and seen < 10:
        if isinstance(err, (requests.exceptions.ConnectionError, ConnectionError)):
            return True
        err, seen = err.__cause__ or err.__context__, seen + 1
    return False


def quiet_libraries() -> None:
    """Keep ape's INFO logs and library warnings out of the commands' output."""
    warnings.filterwarnings("ignore")
    from ape.logging import logger

    # ape logs reverts at ERROR level; opgov reports them itself, in one line
    logger.set_level(logging.CRITICAL)


def network_option(f: Callable) -> Callable:
    return click.option(
        "--network",
        default=EMBEDDED,
        show_default=True,
        metavar="ECOSYSTEM:NETWORK:PROVIDER",
        help="ape network, e.g. ethereum:local:foundry (a local anvil) or ethereum:sepolia:node.",
    )(f)


def account_option(f: Callable) -> Callable:
    return click.option(
        "--account",
        default=None,
        metavar="ALIAS",
        help="ape account alias to send from (TEST::N for test accounts; default on local networks: TEST::0).",
    )(f)


def connected(f: Callable) -> Callable:
    """Connect to --network around the command, and load --account if it takes one."""

    @functools.wraps(f)
    def wrapper(*args: Any, network: str, **kwargs: Any) -> Any:
        quiet_libraries()
        with connect(network):
            if "account" in kwargs:
                kwargs["account"] = load_account(kwargs["account"])
            return f(*args, **kwargs)

    return network_option(wrapper)


# how to get each contract onto a network that has none
HOW_TO_DEPLOY = {
    "Hats": "`opgov hats deploy`",
    "BudgetStreams": "`opgov stream deploy`",
    "ConsentModule": "`opgov consent deploy`",
}


def deployed(name: str, given: str | None) -> str:
    """The address of opgov's `name` contract: as given, or from the deployments record."""
    if given:
        return given
    from opgov.deployments import Deployments

    record = Deployments.for_connected_network()
    record.check_chain()
    address = record.get(name)
    if address is None:
        how = HOW_TO_DEPLOY.get(name, "`opgov deploy org.yaml`")
        raise DeploymentError(
            f"no {name} contract is recorded on this network",
            f"deploy one first ({how}), or pass its address; "
            "the embedded chain keeps nothing between commands, so use a node "
            "(--network ethereum:local:foundry) for step-by-step work",
        )
    return address


def say(text: str = "") -> None:
    click.echo(text)


def about_to(text: str) -> None:
    """Tell the user, in plain words, what the transaction about to be sent will do."""
    click.echo(f"→ {text}")
