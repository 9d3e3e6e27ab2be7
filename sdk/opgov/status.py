"""The org as it is on chain: the Safe, the cells' budgets and the proposals, in plain words.

`org_status` reads (it never sends); `status_lines` lays the result out as the
table `opgov status` and the demo print, any warnings right under the Safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from opgov.deploy import OrgState
from opgov.hats import DOMAIN_SHIFT, hat_path
from opgov.units import format_duration, format_time


@dataclass
class CellStatus:
    """One cell's budget, as its stream reports it."""

    name: str
    hat: int
    rate: str = "no budget"
    streamed: str = "-"
    withdrawn: str = "-"
    withdrawable: str = "-"
    remaining: str = "-"
    runway: str = "-"
    depletes: str = "-"
    status: str = "-"


@dataclass
class ProposalStatus:
    """One proposal in a line."""

    ref: str
    cell: str
    state: str
    summary: str
    objections: int


@dataclass
class OrgStatus:
    """Everything `opgov status` shows."""

    name: str
    safe: str
    owners: list[str]
    threshold: int
    valid_signers: int | None
    treasury: str
    cells: list[CellStatus] = field(default_factory=list)
    proposals: list[ProposalStatus] = field(default_factory=list)
    # lines about something that needs the signers' attention (none when all is well)
    warnings: list[str] = field(default_factory=list)


def org_status(name: str, state: OrgState, names: dict[str, str] | None = None) -> OrgStatus:
    """Read the org's state from the chain.

    Args:
        name: the org's name.
        state: where its parts live (`opgov.deploy.load_state` or a deploy's result).
        names: addresses to show as people's names.
    """
    from opgov.consent import ConsentClient
    from opgov.reads import Failed, session
    from opgov.streams import StreamsClient

    names = names or {}
    with session() as read:
        safe = read.instance("SafeSingleton", state.safe)
        hats = read.instance("Hats", state.hats) if state.hats else None
        streams = StreamsClient.at(state.streams)
        # everything but the streams and proposals in one Multicall3 call
        consent = ConsentClient.at(state.consent)
        calls: list = [(safe, "getOwners", ()), (safe, "getThreshold", ())] + consent.machinery_views()
        if state.gate:
            calls.append((read.instance("SignerGate", state.gate), "valid_signer_count", ()))
        if state.token:
            token_contract = read.instance("TestToken", state.token)
            calls += [(token_contract, "balanceOf", (state.safe,)), (token_contract, "symbol", ()),
                      (token_contract, "decimals", ())]
        if hats is not None:
            calls += [(hats, "linkedTreeRequests", (state.top_hat >> DOMAIN_SHIFT,)),
                      (hats, "isWearerOfHat", (state.safe, state.top_hat))]
            calls += [(hats, "viewHat", (hat,)) for hat in state.cells.values()]
        ids = {cid: state.streams_of[cid] for cid in state.cells if cid in state.streams_of}
        streams.ahead(ids.values())  # the cells' streams travel in the same Multicall3 call
        answers = iter(read.views(calls))
        owners, threshold = list(next(answers)), int(next(answers))
        consent.take_machinery([next(answers) for _ in consent.machinery_views()])
        valid = int(next(answers)) if state.gate else None
        balance = symbol = decimals = None
        if state.token:
            balance, symbol, decimals = int(next(answers)), next(answers), next(answers)
            if not isinstance(symbol, Failed) and not isinstance(decimals, Failed):  # else read as any token
                read.tokens[state.token] = (str(symbol), int(decimals))
        token = streams.token(state.token) if state.token else None
        out = OrgStatus(
            name=name, safe=state.safe, owners=[names.get(str(o), str(o)) for o in owners],
            threshold=threshold, valid_signers=valid, treasury=token.amount(balance) if token else "-",
        )
        details: dict[int, str] = {}
        if hats is not None:
            requested, safe_wears_top = int(next(answers)), bool(next(answers))
            if requested:
                out.warnings += link_request_warning(state.top_hat, requested, state.hats, safe_wears_top)
            details = {hat: str(next(answers)[0]) for hat in state.cells.values()}
        views = dict(zip(ids, streams.streams(list(ids.values())))) if ids else {}
        cell_names = {}
        for cell_id, hat in state.cells.items():
            label = details.get(hat) or cell_id
            cell_names[hat] = label
            row = CellStatus(label, hat)
            v = views.get(cell_id)
            if v is not None:
                row.rate = v.rate_text
                row.streamed = v.amount(v.streamed)
                row.withdrawn = v.amount(v.withdrawn)
                row.withdrawable = v.amount(v.withdrawable)
                row.remaining = v.amount(v.refundable)
                row.runway = format_duration(v.runway) if v.runway is not None else "no end"
                row.depletes = format_time(v.depletion_time) if v.depletion_time else "-"
                row.status = v.status_text
            out.cells.append(row)
        for p in consent.proposals():
            out.proposals.append(ProposalStatus(
                ref=p.ref, cell=cell_names.get(p.cell, hat_path(p.cell)),
                state="passed, outside the domain: escalate" if p.outside else p.state_name,
                summary=p.rationale.splitlines()[0][:60] if p.rationale else "", objections=len(p.standing),
            ))
    return out


def link_request_warning(top_hat: int, requested: int, hats: str, safe_wears_top: bool) -> list[str]:
    """What a pending request to link the org's tree under another hat means, and what to do.

    Args:
        top_hat: the org's top hat.
        requested: the hat the tree asked to be linked under (0: no request).
        hats: the Hats contract's address.
        safe_wears_top: whether the Safe wears the top hat (it does once deployed).

    Returns:
        the warning's lines; none if no request is pending.
    """
    if not requested:
        return []
    domain = top_hat >> DOMAIN_SHIFT
    where = hat_path(requested)
    if safe_wears_top:
        how = (f"`opgov safe propose --call {hats} 'requestLinkTopHatToTree(uint32,uint256)' '{domain},0' "
               "--sign --account ALIAS`, then the signers sign and execute it")
    else:
        how = f"the top hat's wearer calls requestLinkTopHatToTree({domain}, 0) on the Hats contract {hats}"
    return [
        f"warning: a request to link this org's role tree (top hat {hat_path(top_hat)}) under hat {where} "
        "is pending",
        f"  what it means: any admin of hat {where} can approve it, and from then on the wearers of {where} "
        "and of its admin hats are admins of every hat of this org: they could give any role, the signer "
        "hat too, to anyone",
        f"  what to do: unless the signers asked for this link, withdraw the request: {how}",
    ]


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return out


def status_lines(status: OrgStatus) -> list[str]:
    """The status as a few tables of plain text."""
    gate = f", {status.valid_signers} wear the signer hat" if status.valid_signers is not None else ""
    lines = [
        f"{status.name}",
        f"Safe {status.safe}: {status.threshold} of {len(status.owners)} signers needed{gate}",
        f"  signers: {', '.join(status.owners)}",
        f"  treasury: {status.treasury}",
    ]
    if status.warnings:
        lines += ["", *status.warnings]
    lines += ["", "Cells"]
    lines += ["  " + x for x in _table(
        ["cell", "budget", "streamed", "withdrawn", "withdrawable", "remaining", "runway", "depletes"],
        [[c.name, c.rate, c.streamed, c.withdrawn, c.withdrawable, c.remaining, c.runway, c.depletes]
         for c in status.cells],
    )]
    lines += ["", "Proposals"]
    if status.proposals:
        lines += ["  " + x for x in _table(
            ["#", "cell", "state", "objections", "rationale"],
            [[p.ref, p.cell, p.state, str(p.objections), p.summary] for p in status.proposals],
        )]
    else:
        lines.append("  none yet")
    return lines
