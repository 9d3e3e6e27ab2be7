"""`opgov hats ...`: the role tree."""

from __future__ import annotations

import click

from opgov.cli._common import ADDRESS, HAT, Group, about_to, account_option, connected, deployed, org_names, say
from opgov.reads import reading
from opgov.hats import MAX_SUPPLY, HatsClient, check_texts, describe_tree, hat_path, parse_hat

hats_option = click.option("--hats", "hats_address", default=None, metavar="ADDRESS", type=ADDRESS,
                           help="the Hats contract (default: the one recorded in deployments/).")


def _client(hats_address: str | None) -> HatsClient:
    client = HatsClient.at(deployed("Hats", hats_address))
    client.names = org_names()  # errors say people by their org.yaml names
    return client


@click.group(cls=Group)
def hats() -> None:
    """Role hats: who holds which role, and who may grant it."""


@hats.command()
@connected
@account_option
def deploy(account) -> None:
    """Deploy a Hats contract and record it in deployments/."""
    from opgov.deployments import Deployments

    about_to(f"deploy a Hats contract from {account.address}")
    client = HatsClient.deploy(account)
    Deployments.for_connected_network().record_instance("Hats", client.contract)
    say(f"Hats deployed at {client.address}")


@hats.command()
@click.argument("top_hat", type=HAT)
@hats_option
@connected
@reading
def tree(top_hat: str, hats_address: str | None) -> None:
    """Show the tree under TOP_HAT (e.g. 1) with its wearers."""
    client = _client(hats_address)
    for line in describe_tree(client.tree(parse_hat(top_hat)), org_names().addresses):
        say(line)


@hats.command()
@click.option("--admin", default=None, type=HAT, help="the hat to create the new hat under (e.g. 1.2, or a cell's id).")
@click.option("--top-hat", is_flag=True, help="create a new tree (a top hat) instead.")
@click.option("--details", required=True, help="what the role is, in plain words.")
@click.option("--wearer", default=None, type=ADDRESS, help="with --top-hat: who wears it (default: the sender).")
@click.option("--max-supply", type=int, default=MAX_SUPPLY, show_default=True, help="most wearers at once.")
@click.option("--eligibility", default=None, type=ADDRESS, help="eligibility module (an address; default: the sender).")
@click.option("--toggle", default=None, type=ADDRESS, help="toggle module (an address; default: the sender).")
@click.option("--immutable", is_flag=True, help="the hat can never be changed or transferred.")
@click.option("--image-uri", default="", help="an image for the hat.")
@hats_option
@connected
@account_option
def create(admin, top_hat, details, wearer, max_supply, eligibility, toggle, immutable, image_uri,
           hats_address, account) -> None:
    """Create a hat under --admin, or a new tree with --top-hat."""
    client = _client(hats_address)
    check_texts(details, image_uri)  # refused before anything is said or sent
    shown = details if len(details) <= 80 else details[:77] + "..."
    if top_hat:
        who = wearer or account.address
        about_to(f"create a new tree whose top hat ({shown!r}) is worn by {org_names().who(who)}")
        hat = client.create_tree(who, details, sender=account, image_uri=image_uri)
    else:
        if admin is None:
            raise click.UsageError("say where the hat goes with --admin HAT, or pass --top-hat")
        admin_id = parse_hat(admin)
        about_to(f"create hat {shown!r} under {org_names().hat(admin_id)}"
                 + ("" if max_supply == MAX_SUPPLY else f", at most {max_supply} wearers"))
        hat = client.create_hat(admin_id, details, sender=account, max_supply=max_supply,
                                eligibility=eligibility, toggle=toggle, mutable=not immutable,
                                image_uri=image_uri)
    say(f"created hat {hat_path(hat)} (id {hex(hat)})")


@hats.command()
@click.argument("hat", type=HAT)
@click.argument("wearer", type=ADDRESS)
@hats_option
@connected
@account_option
def mint(hat, wearer, hats_address, account) -> None:
    """Give HAT to WEARER."""
    client = _client(hats_address)
    hat_id = parse_hat(hat)
    names = org_names()
    about_to(f"give {names.hat(hat_id)} to {names.who(wearer)}")
    client.mint(hat_id, wearer, sender=account)
    say(f"{names.who(wearer)} now wears {names.hat(hat_id)}")


@hats.command()
@click.argument("hat", type=HAT)
@click.argument("from_", metavar="FROM", type=ADDRESS)
@click.argument("to", type=ADDRESS)
@hats_option
@connected
@account_option
def transfer(hat, from_, to, hats_address, account) -> None:
    """Move HAT from one wearer to another (mutable hats, by an admin)."""
    client = _client(hats_address)
    hat_id = parse_hat(hat)
    names = org_names()
    about_to(f"move {names.hat(hat_id)} from {names.who(from_)} to {names.who(to)}")
    client.transfer(hat_id, from_, to, sender=account)
    say(f"{names.who(to)} now wears {names.hat(hat_id)} instead of {names.who(from_)}")


@hats.command()
@click.argument("hat", type=HAT)
@hats_option
@connected
@account_option
def renounce(hat, hats_address, account) -> None:
    """Take off a HAT you wear."""
    client = _client(hats_address)
    hat_id = parse_hat(hat)
    names = org_names()
    about_to(f"take off {names.hat(hat_id)} worn by {names.who(account.address)}")
    client.renounce(hat_id, sender=account)
    say(f"{names.who(account.address)} no longer wears {names.hat(hat_id)}")


@hats.command()
@click.argument("hat", type=HAT)
@click.argument("address", type=ADDRESS)
@hats_option
@connected
def wearer(hat, address, hats_address) -> None:
    """Say whether ADDRESS wears HAT, and why not if it does not."""
    client = _client(hats_address)
    hat_id = parse_hat(hat)
    view = client.view(hat_id)
    wears = client.is_wearer(address, hat_id)
    c = client.contract
    names = org_names()
    say(f"{names.who(address)} {'wears' if wears else 'does not wear'} hat {hat_path(hat_id)} ({view.details})")
    say(f"  hat active: {'yes' if view.active else 'no'}")
    say(f"  eligible: {'yes' if c.isEligible(address, hat_id) else 'no'}")
    say(f"  in good standing: {'yes' if c.isInGoodStanding(address, hat_id) else 'no'}")
    say(f"  admin of the hat: {'yes' if client.is_admin(address, hat_id) else 'no'}")
