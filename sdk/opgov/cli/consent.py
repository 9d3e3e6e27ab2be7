"""Deciding by consent: `opgov propose | object | withdraw-objection | amend | cancel |
escalate | execute | proposals`, and `opgov consent deploy | approve | veto | clear`.

Proposals are named by their number (`#3`, or just `3`) or their full id.
"""

from __future__ import annotations

import click

from opgov.cli._common import (
    ADDRESS,
    HAT,
    PROPOSAL,
    STREAM,
    Group,
    about_to,
    account_option,
    connected,
    deployed,
    org_names,
    replace_option,
    say,
    write_safe_tx,
)
from opgov.reads import reading
from opgov.errors import ConsentError

INTENTS_HELP = """
Actions, from plain intents (several make one all-or-nothing proposal, in the
order pay, rate, call; at most 8):

\b
  --pay "250 USDC" --to hardware-shop  an ERC-20 transfer from the Safe, to
                                       an address or a name in org.yaml
                                       (repeat both, paired in order);
                                       "0.5 ETH" sends ether
  --token 0xADDRESS                    the token(s) paid (default: a token
                                       recorded in deployments/ under its symbol)
  --rate 2 "1800 USDC/month"           set budget stream 2's rate (its
                                       number, or the cell's id in org.yaml)
  --call 0xTARGET "setFee(uint256)" 42 call any function; arguments
                                       comma-separated ('' for none)
"""

consent_option = click.option(
    "--consent", "consent_address", default=None, metavar="ADDRESS", type=ADDRESS,
    help="the ConsentModule (default: the one recorded in deployments/).",
)


def _intents(f):
    for option in reversed((
        click.option("--pay", "pays", multiple=True, metavar="AMOUNT", help='pay AMOUNT, e.g. "250 USDC" (with --to).'),
        click.option("--to", "tos", multiple=True, metavar="ADDRESS", type=ADDRESS,
                     help="who --pay pays (one per --pay): an address, or a person or supplier of org.yaml."),
        click.option("--token", "tokens", multiple=True, metavar="ADDRESS", type=ADDRESS,
                     help="a token --pay pays in (an address, or its symbol in the deployments record)."),
        click.option("--rate", "rates", nargs=2, multiple=True, metavar="STREAM RATE", type=(STREAM, str),
                     help='set a budget stream\'s rate, e.g. --rate 7 "1800 USDC/month".'),
        click.option("--streams", "streams_address", default=None, metavar="ADDRESS", type=ADDRESS,
                     help="the BudgetStreams contract (default: the one recorded in deployments/)."),
        click.option("--call", "calls", nargs=3, multiple=True, metavar="TARGET SIGNATURE ARGS", type=(ADDRESS, str, str),
                     help="call SIGNATURE on TARGET with comma-separated ARGS ('' for none)."),
    )):
        f = option(f)
    return f


def _client(consent_address: str | None):
    """The module, saying things with the org's names (org.yaml's, the record's, the chain's)."""
    from opgov.consent import ConsentClient

    client = ConsentClient.at(deployed("ConsentModule", consent_address))
    client.use_names(org_names(client.safe))
    return client


def _token_for(symbol: str | None, tokens: tuple[str, ...]) -> str:
    """The token a `--pay` amount names: among --token by symbol, the only --token, or the deployments record."""
    from opgov.consent import token_info
    from opgov.deployments import Deployments

    if symbol:
        for token in tokens:
            if token_info(token).symbol.upper() == symbol.upper():
                return token
        recorded = Deployments.for_connected_network().get(symbol) or Deployments.for_connected_network().get(symbol.upper())
        if recorded:
            return recorded
        if len(tokens) == 1:
            return tokens[0]  # opgov.consent.pay says that the symbol does not match
        raise ConsentError(f"which token is {symbol}?", f"pass its address with --token (none of the --token given is {symbol})")
    if len(tokens) == 1:
        return tokens[0]
    raise ConsentError("the amount names no token", 'write it like "250 USDC" (or "0.5 ETH"), and pass --token ADDRESS')


def build_actions(client, pays, tos, tokens, rates, streams_address, calls) -> list:
    """The actions the intent options describe."""
    from opgov import consent
    from opgov.units import Amount

    if len(pays) != len(tos):
        raise ConsentError(
            f"{len(pays)} --pay but {len(tos)} --to", "give one --to (the recipient) for each --pay, in the same order"
        )
    actions = []
    for amount, to in zip(pays, tos):
        symbol = Amount.parse(amount).symbol
        if symbol and symbol.upper() == "ETH":
            actions.append(consent.pay(None, amount, to))
        else:
            actions.append(consent.pay(_token_for(symbol, tokens), amount, to))
    if rates:
        from opgov.streams import StreamsClient

        streams = StreamsClient.at(deployed("BudgetStreams", streams_address))
        for stream, rate in rates:
            # a short number (2) is found among the streams; a full id is taken as it is
            actions.append(consent.adjust_rate(streams.contract, streams.resolve(stream), rate, payer=client.safe))
    for target, signature, args in calls:
        actions.append(consent.call(target, signature, *[a for a in args.split(",") if a != ""]))
    if not actions:
        raise ConsentError("nothing to propose", "say what it does with --pay/--to, --rate or --call (see --help)")
    return actions


def _say_actions(client, actions) -> None:
    from opgov.consent import describe_action

    for i, a in enumerate(actions, 1):
        say(f"    {i}. {describe_action(a, names=client.names)}")


# ---------------------------------------------------------------- the cell's verbs


@click.command(epilog=INTENTS_HELP)
@click.option("--cell", required=True, metavar="CELL", type=HAT,
              help="the cell proposing: its id or name in org.yaml (repair-cafe), or its hat (1.2).")
@click.option("--rationale", default="", help="why, in plain words.")
@_intents
@consent_option
@connected
@account_option
def propose(cell, rationale, pays, tos, tokens, rates, streams_address, calls, consent_address, account) -> None:
    """Propose actions for a cell: they pass unless someone objects, with a reason, in time.

    Example: opgov propose --cell 1.2 --pay "250 USDC" --to 0x... --rationale "new soldering irons"
    """
    from opgov.units import format_duration

    client = _client(consent_address)
    cell_id = cell
    actions = build_actions(client, pays, tos, tokens, rates, streams_address, calls)
    c = client.check_propose(cell_id, actions, rationale, account.address)
    about_to(f"propose for {c.label}, from {client.names.who(account.address)}; "
             f"objections may be raised for {format_duration(c.consent_window)}; executing will:")
    _say_actions(client, actions)
    problems = client.domain_problems(cell_id, actions)
    if problems:
        say(f"  note: outside the cell's domain as things stand, so it will need escalation: {'; '.join(problems)}")
    pid = client.propose(cell_id, actions, rationale, sender=account)
    p = client.proposal(pid)
    say(f"proposed {p.ref} (id {hex(pid)}); {p.countdown()}")


@click.command(name="object")
@click.argument("proposal", type=PROPOSAL)
@click.option("--reason", required=True, help="why: a principled objection says what harm it does or what it misses.")
@click.option("--hat", default=None, metavar="HAT", type=HAT,
              help="the objector hat you object with (default: the one you wear).")
@consent_option
@connected
@account_option
def object_(proposal, reason, hat, consent_address, account) -> None:
    """Object to PROPOSAL, with a reason, while its consent window is open."""
    client = _client(consent_address)
    p, hat_id = client.check_object(proposal, reason, account.address, hat or None)
    about_to(f"object to proposal {p.ref} as {client.names.who(account.address)} with {client.names.hat(hat_id)}, "
             f"because: {reason}")
    client.object(p.id, reason, sender=account, hat=hat_id)
    say(f"objection raised: proposal {p.ref} cannot execute while it stands "
        "(withdraw it with `opgov withdraw-objection` once the proposal is amended or your concern is met)")


@click.command(name="withdraw-objection")
@click.argument("proposal", type=PROPOSAL)
@consent_option
@connected
@account_option
def withdraw_objection(proposal, consent_address, account) -> None:
    """Withdraw your standing objection to PROPOSAL, while its window is open."""
    client = _client(consent_address)
    p = client.check_withdraw(proposal, account.address)
    about_to(f"withdraw {client.names.who(account.address)}'s objection to proposal {p.ref}")
    client.withdraw_objection(p.id, sender=account)
    say(f"objection withdrawn from proposal {p.ref}")


@click.command(epilog=INTENTS_HELP)
@click.argument("proposal", type=PROPOSAL)
@click.option("--rationale", default="", help="why, in plain words (what changed).")
@_intents
@consent_option
@connected
@account_option
def amend(proposal, rationale, pays, tos, tokens, rates, streams_address, calls, consent_address, account) -> None:
    """Replace PROPOSAL with amended actions: a new proposal with a fresh consent window."""
    client = _client(consent_address)
    actions = build_actions(client, pays, tos, tokens, rates, streams_address, calls)
    p = client.check_amend(proposal, actions, rationale, account.address)
    about_to(f"amend proposal {p.ref} (it becomes superseded; a new window opens); executing will:")
    _say_actions(client, actions)
    new = client.amend(p.id, actions, rationale, sender=account)
    q = client.proposal(new)
    say(f"proposed {q.ref}, amending {p.ref}; {q.countdown()}")


@click.command()
@click.argument("proposal", type=PROPOSAL)
@consent_option
@connected
@account_option
def cancel(proposal, consent_address, account) -> None:
    """Cancel PROPOSAL (its proposer only; the Safe's signers use `opgov consent veto`)."""
    client = _client(consent_address)
    p = client.check_cancel(proposal, account.address)
    about_to(f"cancel proposal {p.ref}")
    client.cancel(p.id, sender=account)
    say(f"proposal {p.ref} cancelled")


@click.command()
@click.argument("proposal", type=PROPOSAL)
@consent_option
@connected
@account_option
def escalate(proposal, consent_address, account) -> None:
    """Escalate PROPOSAL once its window closed: to the parent cell, or at the root to the Safe's signers.

    Do this when an objection stood at the end of the window, or when the
    proposal lies outside the cell's domain.
    """
    from opgov.units import format_duration

    client = _client(consent_address)
    p, parent = client.check_escalate(proposal, account.address)
    if parent:
        window = client.cell(parent).consent_window
        about_to(f"escalate proposal {p.ref} to the parent cell {client.names.hat(parent)}: "
                 f"its objectors get {format_duration(window)} to object, and its domain applies")
    else:
        about_to(f"escalate proposal {p.ref} to the Safe's signers, who approve it with a Safe transaction")
    client.escalate(p.id, sender=account)
    if parent:
        say(f"proposal {p.ref} escalated to cell {client.names.hat(parent)}; {client.proposal(p.id).countdown()}")
    else:
        say(f"proposal {p.ref} waits for the Safe's signers: `opgov consent approve {p.ref}` writes their transaction")


@click.command()
@click.argument("proposal", type=PROPOSAL)
@consent_option
@connected
@account_option
def execute(proposal, consent_address, account) -> None:
    """Execute PROPOSAL through the Safe (anyone, once it passed); its actions are read from the chain."""
    client = _client(consent_address)
    p, actions = client.check_execute(proposal)
    about_to(f"execute proposal {p.ref} through {client.names.who(client.safe)}:")
    _say_actions(client, actions)
    client.execute(p.id, sender=account, actions=actions)
    say(f"proposal {p.ref} executed")


@click.command()
@click.option("--cell", default=None, metavar="CELL", type=HAT,
              help="only this cell's proposals (made or held): its id in org.yaml, or its hat.")
@click.option("--live", is_flag=True, help="only live proposals (open, objected, passed, escalated, pending).")
@consent_option
@connected
@reading
def proposals(cell, live, consent_address) -> None:
    """List proposals with their state, countdown, objections and what executing will do."""
    from opgov.consent import describe

    client = _client(consent_address)
    cell_id = cell or None
    if cell_id is not None:
        c = client.cell(cell_id)
        say(f"{c.label}: {c.active} of {c.max_active} live proposals")
    found = client.proposals(cell_id, live_only=live)
    if not found:
        say("no proposals" + (" for this cell" if cell_id is not None else "") + " yet: make one with `opgov propose`")
    for p in found:
        for line in describe(p, client.names):
            say(line)


# ---------------------------------------------------------------- `opgov consent ...`


@click.group(cls=Group)
def consent() -> None:
    """The consent module itself: deploy it, and the Safe's part (approve, veto), clear."""


@consent.command()
@click.option("--safe", "safe_address", default=None, metavar="ADDRESS", type=ADDRESS,
              help="the Safe it serves (default: recorded 'Safe').")
@click.option("--hats", "hats_address", default=None, metavar="ADDRESS", type=ADDRESS,
              help="the Hats contract (default: recorded 'Hats').")
@click.option("--streams", "streams_address", default=None, metavar="ADDRESS", type=ADDRESS,
              help="the org's BudgetStreams, out of every cell's reach (default: recorded 'BudgetStreams', if any).")
@click.option("--gate", "gate_address", default=None, metavar="ADDRESS", type=ADDRESS,
              help="the Safe's SignerGate, out of every proposal's reach (default: recorded 'SignerGate', if any).")
@connected
@account_option
def deploy(safe_address, hats_address, streams_address, gate_address, account) -> None:
    """Deploy a ConsentModule for a Safe and record it; the Safe's signers must then enable it.

    The org's budget streams and signer gate are fixed in the module, so no cell's domain
    can reach them: deploy them first.
    """
    from opgov.consent import ConsentClient
    from opgov.deployments import Deployments

    safe = deployed("Safe", safe_address)
    hats = deployed("Hats", hats_address)
    record = Deployments.for_connected_network()
    streams = streams_address or record.get("BudgetStreams")
    gate = gate_address or record.get("SignerGate")
    forwarder = record.get("ConsentForwarder")
    guarded = "".join(f", {what} {a} out of every cell's reach" for what, a in (("the budget streams", streams),
                                                                                ("the signer gate", gate)) if a)
    if forwarder:
        guarded += f", relaying members' signed requests through the ConsentForwarder {forwarder}"
    about_to(f"deploy a ConsentModule serving the Safe {safe}, with roles from the Hats contract {hats}{guarded}")
    client = ConsentClient.deploy(safe, hats, sender=account, streams=streams, gate=gate, forwarder=forwarder)
    Deployments.for_connected_network().record_instance("ConsentModule", client.contract)
    say(f"ConsentModule deployed at {client.address}; "
        f"the Safe's signers enable it with a Safe transaction (enableModule({client.address}))")


def _safe_tx(client, call, folder, replace=False):
    from opgov.safe import Safe, explain
    from opgov.safe_tx import TxFolder

    safe = Safe.at(client.safe)
    pending, path = write_safe_tx(safe, [call], TxFolder(folder), replace, names=client.names)
    for line in explain(pending.tx, names=client.names):
        say(line)
    say(f"written to {path}; signers sign it with `opgov safe sign {pending.hash_hex[:10]}`, "
        f"then anyone runs `opgov safe execute {pending.hash_hex[:10]}`")


folder_option = click.option("--folder", default=None, metavar="DIR",
                             help="where Safe transaction files are kept (default: safe-txs/ beside org.yaml).")


@consent.command()
@click.argument("proposal", type=PROPOSAL)
@consent_option
@folder_option
@replace_option
@connected
def approve(proposal, consent_address, folder, replace) -> None:
    """Write the Safe transaction that approves PROPOSAL (escalated to the Safe), for the signers to sign."""
    client = _client(consent_address)
    call = client.approve_call(proposal)
    p = client.proposal(proposal)
    say(f"approving proposal {p.ref} lets anyone execute it, outside any cell's domain; it will:")
    for i, d in enumerate(p.descriptions, 1):
        say(f"    {i}. {d}")
    _safe_tx(client, call, folder, replace)


@consent.command()
@click.argument("proposal", type=PROPOSAL)
@click.option("--reason", required=True, help="why the Safe stops it.")
@consent_option
@folder_option
@replace_option
@connected
def veto(proposal, reason, consent_address, folder, replace) -> None:
    """Write the Safe transaction that vetoes PROPOSAL with a reason, for the signers to sign."""
    client = _client(consent_address)
    _safe_tx(client, client.veto_call(proposal, reason), folder, replace)


@consent.command()
@click.argument("proposal", type=PROPOSAL)
@consent_option
@connected
@account_option
def clear(proposal, consent_address, account) -> None:
    """Free the cell's slot held by an expired PROPOSAL (anyone)."""
    client = _client(consent_address)
    p = client.check_clear(proposal)
    about_to(f"clear expired proposal {p.ref}, freeing a live-proposal slot of cell {client.names.hat(p.cell)}")
    client.clear(p.id, sender=account)
    say(f"proposal {p.ref} cleared")


COMMANDS = (propose, object_, withdraw_objection, amend, cancel, escalate, execute, proposals, consent)
