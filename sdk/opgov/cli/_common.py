"""What every command shares: network and account options, one-line errors, contract lookup."""

from __future__ import annotations

import functools
import logging
import os
import sys
import warnings
from typing import TYPE_CHECKING, Any, Callable

import click

from opgov.chain import EMBEDDED, connect, first_line
from opgov.errors import DeploymentError, OpgovError

if TYPE_CHECKING:
    from opgov.describe import Names

DEBUG = bool(os.environ.get("OPGOV_DEBUG"))
_LOOKUP: "Lookup | None" = None  # the running command's (see `connected`)


class Group(click.Group):
    """A click group whose commands end in one line on stderr, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        import opgov.deployments

        opgov.deployments.NOTICE = lambda text: click.echo(f"note: {text}", err=True)
        try:
            return super().invoke(ctx)
        except OpgovError as err:
            if DEBUG:
                raise
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)
        except click.UsageError as err:
            # click's own three-line usage message, in opgov's one line
            if DEBUG:
                raise
            where = err.ctx.command_path if err.ctx is not None else "opgov"
            click.echo(f"error: {_sentence(err.format_message())}; see `{where} --help`", err=True)
            sys.exit(2)
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
                f"error: opgov did not expect this: {first_line(err)} "
                "(a fault in opgov; rerun with OPGOV_DEBUG=1 for details and report it)",
                err=True,
            )
            sys.exit(1)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


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
        help="who sends: an ape account alias, a person of org.yaml, or TEST::N "
             "(default on local networks: TEST::0).",
    )(f)


def connected(f: Callable) -> Callable:
    """Connect to --network around the command, read what needs the chain, and load --account.

    A command given an org spec (`path` or `--spec`) works in that spec's folder (its
    deployments record and Safe transaction files); names typed for addresses, hats,
    streams and accounts are read here, after connecting.
    """

    @functools.wraps(f)
    def wrapper(*args: Any, network: str, **kwargs: Any) -> Any:
        import opgov.deployments as where

        quiet_libraries()
        spec_path = kwargs.get("spec_path") or kwargs.get("path")
        before = where.ORG_FOLDER
        if spec_path:
            where.use_org(spec_path)
        global _LOOKUP
        try:
            with connect(network):
                lookup = _LOOKUP = Lookup(spec_path)
                kwargs = {k: lookup.read(v) for k, v in kwargs.items()}
                if "account" in kwargs:
                    kwargs["account"] = lookup.account(kwargs["account"])
                return f(*args, **kwargs)
        finally:
            where.ORG_FOLDER = before
            _LOOKUP = None

    return network_option(wrapper)


# ---------------------------------------------------------------- what people type


class Typed(str):
    """A name typed where an address, hat or stream goes: read once connected (see `Lookup`)."""

    kind = ""
    what = ""

    @classmethod
    def of(cls, text: str, kind: str, what: str) -> "Typed":
        typed = cls(text)
        typed.kind, typed.what = kind, what
        return typed


def _what(param: click.Parameter | None) -> str:
    if param is None:
        return "the address"
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return (param.metavar or param.name or "the address").upper()


class _ReadLater(click.ParamType):
    """A value written as itself (checked now), or as a name read once connected (see `Lookup`,
    whose method of the type's `name` reads it)."""

    keeps: tuple[type, ...] = (Typed,)  # values already read

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, self.keeps):
            return value
        text = self.tidy(str(value).strip())
        if self.written_as_itself(text):
            return self.read(text, _what(param))
        return Typed.of(text, self.name, _what(param))

    def tidy(self, text: str) -> str:
        return text

    def written_as_itself(self, text: str) -> bool:
        return text[:1].isdigit()

    def read(self, text: str, what: str) -> Any:
        raise NotImplementedError


class AddressParam(_ReadLater):
    """An address: 0x and 40 hex digits (checked now), or a name read after connecting."""

    name = "address"

    def written_as_itself(self, text: str) -> bool:
        from opgov.addresses import is_hex_like

        return is_hex_like(text)

    def read(self, text: str, what: str) -> str:
        from opgov.addresses import check_hex

        return check_hex(text, what)


class HatParam(_ReadLater):
    """A hat: a path (1.2), an id (0x…) or a cell's or role's id or name in org.yaml."""

    name = "hat"
    keeps = (int, Typed)

    def read(self, text: str, what: str) -> int:
        from opgov.hats import parse_hat

        return parse_hat(text)


class StreamParam(_ReadLater):
    """A stream: its short number (2), its full id, or the cell whose budget it is."""

    name = "stream"
    keeps = (int, Typed)

    def tidy(self, text: str) -> str:
        return text.lstrip("#")

    def read(self, text: str, what: str) -> int:
        return _number(text, "stream", "give the stream's number (e.g. 2), or the cell whose budget it is")


class ProposalParam(click.ParamType):
    """A proposal: #3, 3 or its full id (checked to be a number the module can hold)."""

    name = "proposal"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip()
        _number(text.lstrip("#"), "proposal", "write it as #3 (its number) or as its full 0x id")
        return text


def _number(text: str, kind: str, hint: str) -> int:
    from opgov.errors import UsageError

    try:
        value = int(text, 16) if text.lower().startswith("0x") else int(text)
    except ValueError:
        raise UsageError(f"{text!r} is not a {kind}", hint) from None
    if not 0 < value < 2**256:
        raise UsageError(f"{text!r} is not a {kind}: {kind}s are numbered from 1", hint)
    return value


ADDRESS = AddressParam()
HAT = HatParam()
STREAM = StreamParam()
PROPOSAL = ProposalParam()


def org_names(safe: str | None = None) -> "Names":
    """How the running command names things in what it prints: the `Names` Safe transactions are
    described with (org.yaml's people, suppliers, cells and roles, the record's contracts, hats and
    streams, the chain's token symbols), for `safe` (default: the recorded Safe).

    Read once per command; outside a connected command, from the default org.yaml and record.
    """
    return (_LOOKUP or Lookup()).names(safe)


class Lookup:
    """Reads names typed in a command, once connected: from org.yaml, the deployments record and ENS.

    Args:
        spec_path: the spec the command was given (default: org.yaml of the org's folder).
    """

    def __init__(self, spec_path: str | None = None):
        self.spec_path = spec_path
        self._spec: Any = False
        self._record: Any = None
        self._names: Any = None

    @property
    def spec(self):
        if self._spec is False:
            from opgov.naming import load_org_spec

            self._spec = load_org_spec(self.spec_path)
        return self._spec

    @property
    def record(self):
        if self._record is None:
            from opgov.deployments import Deployments

            self._record = Deployments.for_connected_network()
        return self._record

    def names(self, safe: str | None = None):
        """The org's `Names` (see `org_names`), kept for the command."""
        from opgov.naming import online_names
        from opgov.safe_tx import checksum

        safe = safe or self.record.org.get("safe") or self.record.get("Safe")
        safe = checksum(safe) if safe else None
        if self._names is None or self._names.safe != safe:
            self._names = online_names(safe, self.spec)
        return self._names

    def read(self, value: Any) -> Any:
        if isinstance(value, Typed):
            return getattr(self, value.kind)(value, value.what)
        if isinstance(value, tuple):
            return tuple(self.read(v) for v in value)
        return value

    def address(self, text: str, what: str) -> str:
        from ape import networks

        from opgov.addresses import parse_address

        contracts = {name: r.address for name, r in self.record.records.items()}
        if self.record.org.get("safe"):
            contracts["Safe"] = self.record.org["safe"]
        return parse_address(text, what, spec=self.spec, contracts=contracts,
                             network=networks.provider.network.name)

    def hat(self, text: str, what: str) -> int:
        from opgov.errors import UsageError

        hats = self.hat_names()
        found = hats.get(text.lower())
        if found is None:
            known = ", ".join(sorted(k for k in hats if " " not in k and k.isascii())[:12])
            raise UsageError(
                f"{what} {text!r} is not a hat, nor a cell or role of the deployed org",
                "write a hat as 1.2 (see `opgov hats tree 1`)" + (f", or name one of: {known}" if known else ""),
            )
        return found

    def hat_names(self) -> dict[str, int]:
        """Hats by the names people use: cells' and roles' ids and names, '<cell> lead', 'top'."""
        org = self.record.org
        names: dict[str, int] = {}
        spec = self.spec
        cells = {c.id: c.name for c in spec.cells} if spec else {}
        roles = {r.id: r.name for r in spec.roles} if spec else {}
        if org.get("top_hat"):
            names["top"] = int(org["top_hat"], 16)
            if spec:
                names[spec.name.lower()] = names["top"]
        for key, hat in org.get("roles", {}).items():
            names[key] = int(hat, 16)
            names[roles.get(key, key).lower()] = int(hat, 16)
        for key, hat in org.get("cells", {}).items():
            names[key] = int(hat, 16)
            names[cells.get(key, key).lower()] = int(hat, 16)
        for key, hat in org.get("leads", {}).items():
            for name in (key, cells.get(key, key).lower()):
                names[f"{name} lead"] = names[f"{name}-lead"] = int(hat, 16)
        return names

    def stream(self, text: str, what: str) -> int:
        from opgov.errors import UsageError

        spec = self.spec
        by_name = {c.name.lower(): c.id for c in spec.cells} if spec else {}
        cell = by_name.get(text.lower(), text)
        found = self.record.org.get("streams", {}).get(cell)
        if found is None:
            raise UsageError(f"{what} {text!r} is not a stream, nor a cell with a budget stream",
                             "give the stream's number (see `opgov stream list --hat CELL`)")
        return int(found)

    def account(self, alias: str | None):
        """The account to send from: an ape alias, TEST::N, or a person of org.yaml."""
        from opgov.chain import load_account

        spec = self.spec
        if alias and spec is not None and alias in spec.people:
            who = spec.people[alias]
            if who.lower().startswith("0x"):
                return _account_at(alias, who)
            return load_account(who)
        return load_account(alias)


def _account_at(name: str, address: str):
    """The ape account (test or imported) with this address."""
    from ape import accounts

    from opgov.errors import AccountError

    for account in list(accounts.test_accounts)[:10]:
        if account.address.lower() == address.lower():
            return account
    for account in accounts:
        if account.address.lower() == address.lower():
            return account
    raise AccountError(f"org.yaml gives {name} as the address {address}, and no ape account here has it",
                       "import their key (`ape accounts import`), or pass --account with their alias")


# how to get each contract onto a network that has none
HOW_TO_DEPLOY = {
    "Hats": "`opgov hats deploy`",
    "BudgetStreams": "`opgov stream deploy`",
    "ConsentModule": "`opgov consent deploy`",
}


def deployed(name: str, given: str | None) -> str:
    """The address of opgov's `name` contract: as given, or from the deployments record."""
    from opgov.deployments import Deployments

    if given:
        from opgov.safe import has_code

        if not has_code(given):
            raise DeploymentError(f"there is no contract at {given} on this network",
                                  f"check the address, and --network (the {name} contract's address)")
        return given

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


def replace_option(f: Callable) -> Callable:
    return click.option(
        "--replace", is_flag=True,
        help="replace the pending Safe transactions at the Safe's next nonce (their files are set aside in "
             "replaced/) instead of writing this one after them.",
    )(f)


def write_safe_tx(safe, calls: list, folder, replace: bool = False, names=None):
    """Write a Safe transaction for `calls` without clashing with a pending one, and say where it goes.

    The same transaction already kept is merged with (its signatures stay); another one
    at the Safe's next nonce is never reused silently: this one is written at the next
    free nonce (it can run only after those), or takes their place with `replace`.

    Returns:
        the pending transaction and the path of its file.
    """
    current = safe.nonce()
    tx = safe.build(calls, current)
    taken = [(p, e) for p, e in folder.at_nonce(safe.address, current) if e.hash != tx.hash]
    nonce = current
    if taken and replace:
        for path, other in taken:
            aside = folder.set_aside(path)
            say(f"replaces {other.hash_hex[:12]} (nonce {current}), set aside in {aside}; it can still run "
                "if enough owners signed it and someone executes it first")
    elif taken:
        same = [e for _, e in folder.entries(safe.address)
                if not isinstance(e, Exception) and e.tx.nonce >= current
                and safe.build(calls, e.tx.nonce).hash == e.hash]
        nonce = same[0].tx.nonce if same else folder.free_nonce(safe.address, current)
        if not same:
            what = (taken[0][1].description or ["(no description)"])[0].strip()
            say(f"note: nonce {current} is taken by the pending transaction {taken[0][1].hash_hex[:12]} ({what}); "
                f"this one gets nonce {nonce} and can run only after it (pass --replace to take its place)")
    pending = safe.propose(calls, nonce, names=names)
    return pending, folder.save(pending)


def say(text: str = "") -> None:
    click.echo(text)


def about_to(text: str) -> None:
    """Tell the user, in plain words, what the transaction about to be sent will do."""
    click.echo(f"→ {text}")
