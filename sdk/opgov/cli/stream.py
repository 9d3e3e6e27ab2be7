"""`opgov stream ...`: budgets streamed to cells, and how cells draw them down."""

from __future__ import annotations

import click

from opgov.cli._common import ADDRESS, HAT, Group, about_to, account_option, connected, deployed, org_names, say
from opgov.cli._common import STREAM as STREAM_TYPE
from opgov.reads import reading
from opgov.errors import DeploymentError
from opgov.streams import StreamsClient, StreamView, deploy_test_token

streams_option = click.option("--streams", "streams_address", default=None, metavar="ADDRESS", type=ADDRESS,
                              help="the BudgetStreams contract (default: the one recorded in deployments/).")
STREAM = click.argument("stream", metavar="STREAM", type=STREAM_TYPE)


def _client(streams_address: str | None) -> StreamsClient:
    """The streams contract, saying people, cells and streams with the org's names."""
    try:
        client = StreamsClient.at(deployed("BudgetStreams", streams_address))
    except DeploymentError as err:
        raise DeploymentError(
            "no BudgetStreams contract is recorded on this network",
            "deploy one first (`opgov stream deploy`), or pass --streams ADDRESS",
        ) from err
    client.names = org_names()
    return client


def _recorded(name: str, given: str | None, how: str) -> str:
    try:
        return deployed(name, given)
    except DeploymentError as err:
        raise DeploymentError(f"no {name} contract is recorded on this network", how) from err


@click.group(cls=Group)
def stream() -> None:
    """Budgets streamed per second from the treasury to cells (a month is 30 days)."""


@stream.command()
@click.option("--hats", "hats_address", default=None, metavar="ADDRESS", type=ADDRESS,
              help="the Hats contract that says who wears spender hats (default: the recorded one).")
@connected
@account_option
def deploy(hats_address, account) -> None:
    """Deploy a BudgetStreams contract and record it in deployments/."""
    from opgov.deployments import Deployments

    hats = _recorded("Hats", hats_address, "deploy one first (`opgov hats deploy`), or pass --hats ADDRESS")
    about_to(f"deploy a BudgetStreams contract from {account.address}, checking spender hats in {hats}")
    client = StreamsClient.deploy(account, hats)
    Deployments.for_connected_network().record_instance("BudgetStreams", client.contract)
    say(f"BudgetStreams deployed at {client.address}")


@stream.command("test-token")
@click.option("--symbol", default="USDC", show_default=True)
@click.option("--decimals", type=int, default=6, show_default=True)
@click.option("--mint", "mint_amount", default="0", help="tokens to mint to the sender, e.g. 100000.")
@connected
@account_option
def test_token(symbol, decimals, mint_amount, account) -> None:
    """Deploy an open-mint test token (local chains and demos only), recorded as TestToken and as its symbol."""
    from ape import networks

    from opgov.deployments import Deployments
    from opgov.errors import UsageError
    from opgov.streams import Token

    if networks.provider.network.name != "local":
        raise UsageError("test tokens are for local chains only: anyone can mint them",
                         "stream a real token on this network")
    about_to(f"deploy a test token {symbol} ({decimals} decimals) that anyone can mint, from {account.address}")
    token = deploy_test_token(account, symbol, decimals)
    record = Deployments.for_connected_network()
    record.record_instance("TestToken", token)
    record.alias(symbol, "TestToken")  # amounts name it by its symbol (`--pay "650 USDC"`)
    base = Token(str(token.address), symbol, decimals).base_units(mint_amount)
    if base:
        about_to(f"mint {Token(str(token.address), symbol, decimals).amount(base)} to {account.address}")
        token.mint(account.address, base, sender=account)
    say(f"test token {symbol} deployed at {token.address}")


@stream.command()
@click.argument("recipient", type=ADDRESS)
@click.argument("rate")
@click.option("--token", default=None, metavar="ADDRESS", type=ADDRESS,
              help="the ERC-20 to stream (default: the recorded TestToken).")
@click.option("--spender-hat", default=None, metavar="HAT", type=HAT,
              help="wearers of this hat (e.g. 1.2, or a cell of org.yaml) may also withdraw.")
@click.option("--deposit", default=None, metavar="AMOUNT", help="fund the stream at once, e.g. '3000 USDC'.")
@streams_option
@connected
@account_option
def create(recipient, rate, token, spender_hat, deposit, streams_address, account) -> None:
    """Stream RATE (e.g. '1500 USDC/month') from the sender to RECIPIENT (a cell)."""
    client = _client(streams_address)
    token = _recorded("TestToken", token, "pass the token to stream with --token ADDRESS")
    hat = spender_hat or 0
    sid = client.create(recipient, token, rate, sender=account, spender_hat=hat, deposit=deposit, announce=about_to)
    say(f"created {client.names.stream_name(sid)}")


@stream.command()
@STREAM
@click.argument("amount")
@streams_option
@connected
@account_option
def deposit(stream, amount, streams_address, account) -> None:
    """Top STREAM up with AMOUNT (e.g. '3000 USDC'); anyone may."""
    client = _client(streams_address)
    sid = client.resolve(stream)
    client.deposit(sid, amount, sender=account, announce=about_to)
    _summary(client, client.stream(sid))


@stream.command()
@STREAM
@click.argument("amount")
@click.option("--to", default=None, metavar="ADDRESS", type=ADDRESS,
              help="who is paid (default: the sender); e.g. a supplier named in org.yaml.")
@streams_option
@connected
@account_option
def withdraw(stream, amount, to, streams_address, account) -> None:
    """Withdraw AMOUNT (e.g. '250 USDC', or 'max') from STREAM, as its recipient or a spender-hat wearer."""
    client = _client(streams_address)
    sid = client.resolve(stream)
    paid = client.withdraw(sid, amount, sender=account, to=to, announce=about_to)
    view = client.stream(sid)
    say(f"paid {view.amount(paid)} to {client.names.who(to or account.address)}")
    _summary(client, view)


@stream.command()
@STREAM
@streams_option
@connected
@account_option
def pause(stream, streams_address, account) -> None:
    """Stop STREAM accruing until it is restarted (payer only)."""
    client = _client(streams_address)
    sid = client.resolve(stream)
    client.pause(sid, sender=account, announce=about_to)
    _summary(client, client.stream(sid))


@stream.command()
@STREAM
@click.argument("rate")
@streams_option
@connected
@account_option
def restart(stream, rate, streams_address, account) -> None:
    """Resume a paused STREAM at RATE (e.g. '1500 USDC/month'; payer only)."""
    client = _client(streams_address)
    sid = client.resolve(stream)
    client.restart(sid, rate, sender=account, announce=about_to)
    _summary(client, client.stream(sid))


@stream.command()
@STREAM
@click.argument("rate")
@streams_option
@connected
@account_option
def adjust(stream, rate, streams_address, account) -> None:
    """Change STREAM's rate to RATE from now on (payer only)."""
    client = _client(streams_address)
    sid = client.resolve(stream)
    client.adjust(sid, rate, sender=account, announce=about_to)
    _summary(client, client.stream(sid))


@stream.command()
@STREAM
@streams_option
@connected
@account_option
def void(stream, streams_address, account) -> None:
    """Stop STREAM for good (payer or recipient); what was covered stays withdrawable."""
    client = _client(streams_address)
    sid = client.resolve(stream)
    written_off = client.void(sid, sender=account, announce=about_to)
    view = client.stream(sid)
    say(f"{client.names.stream_name(sid)} is voided; {view.amount(written_off)} of uncovered debt was written off")
    _summary(client, view)


@stream.command()
@STREAM
@click.argument("amount")
@streams_option
@connected
@account_option
def refund(stream, amount, streams_address, account) -> None:
    """Take back AMOUNT (or 'max') of STREAM's balance that is not owed (payer only)."""
    client = _client(streams_address)
    sid = client.resolve(stream)
    refunded = client.refund(sid, amount, sender=account, announce=about_to)
    view = client.stream(sid)
    say(f"refunded {view.amount(refunded)} to {client.names.who(view.payer)}")
    _summary(client, view)


@stream.command("set-recipient")
@STREAM
@click.argument("recipient", type=ADDRESS)
@streams_option
@connected
@account_option
def set_recipient(stream, recipient, streams_address, account) -> None:
    """Send STREAM's budget to RECIPIENT from now on (its recipient or a spender-hat wearer, not the payer)."""
    client = _client(streams_address)
    sid = client.resolve(stream)
    client.set_recipient(sid, recipient, sender=account, announce=about_to)
    say(f"{client.names.stream_name(sid)} now pays {client.names.who(recipient)}")


@stream.command()
@STREAM
@streams_option
@connected
def show(stream, streams_address) -> None:
    """Show STREAM in plain words: rate, balance, withdrawable, debt, status and runway."""
    client = _client(streams_address)
    for line in client.stream(client.resolve(stream)).describe(client.names):
        say(line)


@stream.command("list")
@click.option("--recipient", default=None, metavar="ADDRESS", type=ADDRESS, help="the cell's address.")
@click.option("--hat", default=None, metavar="HAT", type=HAT,
              help="the cell's spender hat (e.g. 1.2, or the cell's id in org.yaml).")
@streams_option
@connected
@reading
def list_(recipient, hat, streams_address) -> None:
    """A cell's streams together: those paying --recipient, or spendable by wearers of --hat."""
    if not recipient and not hat:
        raise click.UsageError("say whose streams to list with --recipient ADDRESS or --hat HAT")
    client = _client(streams_address)
    hat_id = hat or None
    views = client.streams_of(recipient=recipient, hat=hat_id)
    from opgov.naming import stream_known_as

    for v in views:  # named from what was just read in one batch, not asked again one by one
        client.names.streams.setdefault(v.id, stream_known_as(client.names, v.number, v.spender_hat, v.recipient,
                                                              v.token.address))
    who = client.names.who(recipient) if recipient else client.names.hat(hat_id)
    if not views:
        say(f"no streams for {who}")
        return
    say(f"{len(views)} stream{'s' if len(views) != 1 else ''} for {who}:")
    for v in views:
        runway = "not accruing" if v.runway is None else ("run out" if v.runway == 0 else _days(v.runway))
        say(f"  {client.names.stream_name(v.id)}: {v.rate_text}, withdrawable {v.amount(v.withdrawable)}, "
            f"balance {v.amount(v.balance)}, runway {runway} — {v.status_text}")
    by_token: dict[str, list[StreamView]] = {}
    for v in views:
        by_token.setdefault(v.token.address, []).append(v)
    for group in by_token.values():
        t = group[0].token
        say(f"  in all ({t.symbol or t.address}): withdrawable {t.amount(sum(v.withdrawable for v in group))}, "
            f"balance {t.amount(sum(v.balance for v in group))}")


def _days(seconds: int) -> str:
    from opgov.units import format_duration

    return format_duration(seconds)


def _summary(client: StreamsClient, view: StreamView) -> None:
    runway = view.runway
    tail = "" if runway is None else ("; the balance has run out" if runway == 0 else f"; runway {_days(runway)}")
    say(f"{client.names.stream_name(view.id)}: {view.status_text}; balance {view.amount(view.balance)}, "
        f"withdrawable {view.amount(view.withdrawable)}{tail}")
