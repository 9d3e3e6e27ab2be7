"""`opgov safe ...`: the signer's workflow for the Safe.

Transactions are kept as files in `safe-txs/<safe>/` beside org.yaml (Safe
Transaction Service JSON), so signers on other machines sign offline and the files merge.
"""

from __future__ import annotations

from pathlib import Path

import click

from opgov.cli._common import (
    ADDRESS,
    Group,
    about_to,
    account_option,
    connected,
    deployed,
    network_option,
    org_names,
    quiet_libraries,
    say,
)
from opgov.errors import AccountError, SafeError

folder_option = click.option(
    "--folder", default=None, metavar="DIR",
    help="where transaction files are kept (default: safe-txs/ beside org.yaml).",
)
spec_option = click.option(
    "--spec", "spec_path", default=None, type=click.Path(dir_okay=False, exists=True), metavar="ORG.YAML",
    help="the org spec, for the names of people, cells and roles (default: ./org.yaml if there is one).",
)
safe_option = click.option(
    "--safe", "safe_address", default=None, metavar="ADDRESS", type=ADDRESS,
    help="the Safe (default: the org's, from its deployments record).",
)


def _safe(address: str | None):
    from opgov.deployments import Deployments
    from opgov.safe import Safe

    if address is None:
        address = Deployments.for_connected_network().get("Safe")
        if address is None:
            raise SafeError(
                "no Safe is recorded on this network",
                "pass --safe ADDRESS (or create one on a local chain with `opgov safe create`)",
            )
    return Safe.at(address)


def _folder(folder: str | None):
    from opgov.safe_tx import TxFolder

    return TxFolder(folder)


def _read(ref: str, folder: str | None, safe_address: str | None = None, chain_id: int | None = None):
    from opgov.safe_tx import PendingTx

    path = _folder(folder).find(ref, safe_address)
    return path, PendingTx.read(path, chain_id)


def _spec(path: str | None):
    from opgov.naming import load_org_spec

    return load_org_spec(path)


def _status_lines(safe, pending, names=None) -> list[str]:
    status = safe.status(pending)
    who = names.who if names is not None else str
    lines = [f"confirmations: {status.count} of {status.threshold} needed"
             + (" — ready to execute" if status.ready else "")]
    for owner in status.owners:
        if owner in status.signed:
            state = "signed"
        elif owner in status.approved_on_chain:
            state = "approved on-chain"
        else:
            state = "waiting"
        lines.append(f"  {who(owner)}  {state}")
    for other in status.not_owners:
        lines.append(f"  {who(other)}  signed, but is NOT an owner (does not count)")
    return lines


@click.group(cls=Group)
def safe() -> None:
    """The Safe: see, sign, approve and execute its transactions."""


@safe.command()
@click.option("--owner", "owners", multiple=True, required=True, metavar="ADDRESS", type=ADDRESS,
              help="an owner: an address or a person of org.yaml (repeat).")
@click.option("--threshold", type=int, required=True, help="signatures needed.")
@connected
@account_option
def create(owners, threshold, account) -> None:
    """Create a Safe v1.4.1 (deploying Safe's contracts first on a local chain) and record it as 'Safe'."""
    from opgov.deployments import Deployments
    from opgov.safe import create_safe

    about_to(f"create a Safe with {len(owners)} owners, {threshold} of them needed to act, from {account.address}")
    created = create_safe(owners, threshold, sender=account)
    Deployments.for_connected_network().record("Safe", created.address)
    say(f"Safe created at {created.address}")


@safe.command()
@safe_option
@connected
def signers(safe_address) -> None:
    """Show the Safe's owners, threshold, nonce, modules and guard."""
    from opgov.units import format_amount

    s = _safe(safe_address)
    owners = s.owners()
    say(f"Safe {s.address} (v1.4.1) on chain {s.chain_id}")
    say(f"  {s.threshold()} of {len(owners)} owners must confirm; next nonce {s.nonce()}")
    names = org_names(s.address)
    for o in owners:
        say(f"  owner {names.who(o)}")
    say(f"  modules: {', '.join(names.who(m) for m in s.modules()) or 'none'}")
    guard = s.guard()
    say(f"  guard: {names.who(guard) if int(guard, 16) else 'none'}")
    say(f"  balance: {format_amount(s.balance(), 18, 'ETH', places=4)}")


@safe.command()
@click.option("--send-eth", "eth", nargs=2, multiple=True, metavar="TO AMOUNT", type=(ADDRESS, str),
              help="send AMOUNT ETH to TO (an address, or a name in org.yaml).")
@click.option("--transfer", "tokens", nargs=3, multiple=True, metavar="TOKEN TO AMOUNT", type=(ADDRESS, ADDRESS, str),
              help="transfer AMOUNT (in token units) of TOKEN to TO.")
@click.option("--call", "calls", nargs=3, multiple=True, metavar="TARGET SIGNATURE ARGS", type=(ADDRESS, str, str),
              help="call SIGNATURE, e.g. 'setFee(uint256)', on TARGET with comma-separated ARGS ('' for none).")
@click.option("--nonce", type=click.IntRange(0, 2**256 - 1), default=None,
              help="the Safe nonce (default: the next one).")
@click.option("--replace", is_flag=True,
              help="replace the pending transaction that has this nonce (its file is set aside in replaced/).")
@click.option("--sign", "sign_it", is_flag=True, help="sign it at once with --account.")
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="also write the file here.")
@safe_option
@folder_option
@spec_option
@connected
@account_option
def propose(eth, tokens, calls, nonce, replace, sign_it, out, safe_address, folder, spec_path, account) -> None:
    """Write a new Safe transaction from plain intents (several make one all-or-none batch)."""
    from opgov.safe import contract_call, eth_transfer, explain, sign, token_transfer, transaction_names

    intents = [eth_transfer(to, amount) for to, amount in eth]
    intents += [token_transfer(token, to, amount) for token, to, amount in tokens]
    intents += [contract_call(target, sig, *[a for a in args.split(",") if a != ""]) for target, sig, args in calls]
    if not intents:
        raise SafeError("nothing to propose", "say what it does with --send-eth, --transfer or --call")
    s = _safe(safe_address)
    kept = _folder(folder)
    chosen = s.nonce() if nonce is None else nonce
    tx = s.build(intents, chosen)
    taken = [(p, e) for p, e in kept.at_nonce(s.address, chosen) if e.hash != tx.hash]
    if taken and not replace:
        path, other = taken[0]
        what = (other.description or ["(no description)"])[0].strip()
        free = kept.free_nonce(s.address, s.nonce())
        raise SafeError(
            f"nonce {chosen} is already taken by the pending transaction {other.hash_hex[:12]} ({what}), "
            "and only one transaction per nonce can ever run",
            f"propose at the next free nonce with --nonce {free}, or replace that one with --replace",
        )
    if replace and not taken:
        raise SafeError(f"there is no pending transaction with nonce {chosen} to replace",
                        "leave out --replace (or give the nonce to replace with --nonce)")
    names = transaction_names(tx, spec=_spec(spec_path))
    pending = s.propose(intents, chosen, names=names)
    for line in explain(pending.tx, names=names, hashes=True):
        say(line)
    for path, other in taken:
        aside = kept.set_aside(path)
        say(f"replaces {other.hash_hex[:12]} (nonce {chosen}), set aside in {aside}; "
            "it can still run if enough owners signed it and someone executes it first")
    if sign_it:
        pending.add(sign(pending.tx, account))
        say(f"signed by {account.address}")
    path = kept.save(pending)
    say(f"written to {path}")
    if out:
        pending.write(Path(out))
        say(f"and to {out}")


@safe.command()
@click.option("--all", "show_all", is_flag=True, help="also show files whose nonce is already used.")
@safe_option
@folder_option
@spec_option
@connected
def pending(show_all, safe_address, folder, spec_path) -> None:
    """List the Safe's pending transactions, what each does, and who has confirmed them."""
    from opgov.safe import explain, transaction_names

    s = _safe(safe_address)
    spec = _spec(spec_path)
    names = None
    current, threshold = s.nonce(), s.threshold()
    shown = 0
    for path, entry in _folder(folder).entries(s.address):
        if isinstance(entry, SafeError):
            say(f"{path.name}: damaged, not used ({entry})")
            continue
        if entry.tx.nonce < current and not show_all:
            continue
        status = s.status(entry)
        done = "used" if entry.tx.nonce < current else f"{status.count} of {threshold}"
        names = names or transaction_names(entry.tx, spec=spec)
        who = ", ".join(names.who(o) for o in [*status.signed, *status.approved_on_chain]) or "nobody yet"
        what = explain(entry.tx, names=names)[2:]
        say(f"nonce {entry.tx.nonce}  {entry.hash_hex[:12]}  [{done}]  {what[0].strip()}")
        for line in what[1:]:
            say(f"    {line.strip()}" if line.startswith("warning:") else f"  {line}")
        say(f"    confirmed by {who}")
        shown += 1
    if not shown:
        say(f"no pending transactions for {s.address} in {_folder(folder).root}")


@safe.command()
@click.argument("ref")
@safe_option
@folder_option
@spec_option
@connected
def show(ref, safe_address, folder, spec_path) -> None:
    """Explain a transaction (file path or safeTxHash prefix), its hashes, and who has confirmed it."""
    from opgov.safe import explain

    from opgov.safe import transaction_names

    path, entry = _read(ref, folder, safe_address, _chain_id())
    s = _safe(safe_address or entry.tx.safe)
    names = transaction_names(entry.tx, spec=_spec(spec_path))
    say(f"file {path}")
    for line in explain(entry.tx, names=names, hashes=True) + _status_lines(s, entry, names):
        say(line)


def _chain_id() -> int:
    from opgov.safe import connected_chain_id

    return connected_chain_id()


@safe.command()
@click.argument("ref")
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="write the signed file here instead.")
@click.option("--offline", is_flag=True, help="do not connect: check and sign the file alone (needs --account).")
@network_option
@account_option
@folder_option
@spec_option
def sign(ref, out, offline, network, account, folder, spec_path) -> None:
    """Sign a transaction file with --account (a keystore, hardware wallet plugin or TEST::N) and write it back."""
    from opgov.chain import connect, load_account
    from opgov.safe import explain, sign as sign_tx

    quiet_libraries()
    spec = _spec(spec_path)
    if offline:
        if account is None:
            raise AccountError("--offline needs --account", "name the account to sign with")
        path, entry = _read(ref, folder)
        signer = load_account(account)
        lines = explain(entry.tx, online=False, spec=spec, hashes=True)
    else:
        with connect(network):
            path, entry = _read(ref, folder, chain_id=_chain_id())
            signer = load_account(account)
            s = _safe(entry.tx.safe)
            s.check_fits(entry)
            if signer.address not in s.owners():
                raise SafeError(
                    f"{signer.address} is not an owner of the Safe {s.address}",
                    "sign with an owner's account (see `opgov safe signers`)",
                )
            lines = explain(entry.tx, spec=spec, hashes=True)
            entry.description = [line[2:] if line.startswith("  ") else line for line in lines[4:]]
    for line in lines:
        say(line)
    entry.add(sign_tx(entry.tx, signer))
    target = Path(out) if out else path
    if out and target.exists():
        from opgov.safe_tx import PendingTx

        kept = PendingTx.read(target)
        kept.merge(entry)
        entry = kept
    entry.write(target)
    say(f"signed by {signer.address}; written to {target} ({len(entry.confirmations)} confirmation(s) in the file)")


@safe.command()
@click.argument("ref")
@safe_option
@folder_option
@connected
@account_option
def approve(ref, safe_address, folder, account) -> None:
    """Approve a transaction on-chain (approveHash) from --account, an owner."""
    path, entry = _read(ref, folder, safe_address, _chain_id())
    s = _safe(safe_address or entry.tx.safe)
    about_to(f"approve Safe transaction {entry.hash_hex} (nonce {entry.tx.nonce}) on-chain as owner {account.address}")
    s.approve(entry, account)
    say(f"{account.address} approved {entry.hash_hex} on-chain")


@safe.command()
@click.argument("ref")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="the file to write.")
@safe_option
@folder_option
@connected
def export(ref, out, safe_address, folder) -> None:
    """Write a kept transaction, with its signatures and on-chain approvals, to a file for other signers."""
    from opgov.safe_tx import Confirmation, approved_hash_signature

    _path, entry = _read(ref, folder, safe_address, _chain_id())
    s = _safe(safe_address or entry.tx.safe)
    s.check_fits(entry)
    for owner in s.approvals_on_chain(entry.hash):
        entry.confirmations.setdefault(owner, Confirmation(owner, approved_hash_signature(owner)))
    entry.confirmations_required = s.threshold()
    entry.write(Path(out))
    say(f"written {entry.hash_hex} (nonce {entry.tx.nonce}, {len(entry.confirmations)} confirmation(s)) to {out}")


@safe.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@safe_option
@folder_option
@connected
def import_(files, safe_address, folder) -> None:
    """Check transaction files and merge their confirmations into the kept ones."""
    from opgov.safe_tx import PendingTx

    chain_id = _chain_id()
    for name in files:
        entry = PendingTx.read(Path(name), chain_id)
        s = _safe(safe_address or entry.tx.safe)
        s.check_fits(entry)
        status = s.status(entry)
        if status.not_owners:
            raise SafeError(
                f"{name}: signature from a non-owner: {', '.join(status.not_owners)} "
                f"is not an owner of the Safe {s.address}",
                "nothing was imported from it; ask for a file signed by owners",
            )
        path = _folder(folder).save(entry)
        say(f"imported {name}: nonce {entry.tx.nonce}, {len(entry.confirmations)} confirmation(s), kept in {path}")


@safe.command()
@click.argument("ref")
@click.option("--raw", is_flag=True, help="send the file's `signatures` bytes exactly as given.")
@safe_option
@folder_option
@connected
@account_option
def execute(ref, raw, safe_address, folder, account) -> None:
    """Execute a transaction once enough owners have confirmed it."""
    from opgov.safe import explain

    _path, entry = _read(ref, folder, safe_address, _chain_id())
    s = _safe(safe_address or entry.tx.safe)
    s.check(entry, account.address, raw=raw)
    lines = explain(entry.tx)
    about_to(f"execute Safe transaction nonce {entry.tx.nonce} from {account.address}, which will:")
    for line in lines[2:]:
        say(line)
    receipt = s.execute(entry, account, raw=raw)
    say(f"executed in transaction {receipt.txn_hash}; the Safe is now at nonce {s.nonce()}")


gate_option = click.option("--gate", "gate_address", default=None, metavar="ADDRESS", type=ADDRESS,
                           help="the signer gate (default: the one recorded in deployments/).")


@safe.command()
@gate_option
@connected
@account_option
def claim(gate_address, account) -> None:
    """Take a signer seat on the Safe: for a wearer of the signer hat."""
    from opgov.safe import SignerSeats

    seats = SignerSeats(deployed("SignerGate", gate_address))
    names = org_names(seats.safe.address)
    about_to(f"make {names.who(account.address)} a signer of the Safe {seats.safe.address} (it wears the signer hat)")
    seats.claim(account)
    say(f"{names.who(account.address)} is now a signer: {seats.safe.threshold()} of {len(seats.safe.owners())} needed")


@safe.command(name="remove-signer")
@click.argument("signer", type=ADDRESS)
@gate_option
@connected
@account_option
def remove_signer(signer, gate_address, account) -> None:
    """Remove SIGNER from the Safe's owners once they no longer wear the signer hat (anyone may)."""
    from opgov.safe import SignerSeats

    seats = SignerSeats(deployed("SignerGate", gate_address))
    names = org_names(seats.safe.address)
    about_to(f"remove {names.who(signer)} from the Safe {seats.safe.address}'s signers "
             "(they no longer wear the signer hat)")
    receipt = seats.remove(signer, account)
    owners = seats.safe.owners()
    if signer in owners:  # said only once the chain agrees
        raise SafeError(f"the transaction {receipt.txn_hash} went through, yet {signer} is still an owner of the Safe",
                        "check the signer gate (`opgov safe signers`) before relying on it")
    say(f"{names.who(signer)} is no longer a signer (checked on-chain): "
        f"{seats.safe.threshold()} of {len(owners)} needed")
