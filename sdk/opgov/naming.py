"""What the org calls things: the `Names` a Safe transaction is described with.

Names come from three places, each optional:

- the org spec (org.yaml): people, cells, roles and the treasury token;
- the deployments record: the org's contracts, hats and streams;
- the chain, when connected: token symbols and decimals, hat details, streams
  and the proposals the consent module holds.

Offline (a signer's machine with no node), the record whose chain id and Safe
match the transaction is read from the deployments folder, if there is one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opgov.describe import Names, Proposal, Stream, Token
from opgov.safe_tx import checksum

if TYPE_CHECKING:
    from opgov.spec import OrgSpec

RECORDED_CONTRACTS = {
    "Hats": "Hats",
    "BudgetStreams": "BudgetStreams",
    "ConsentModule": "ConsentModule",
    "SignerGate": "SignerGate",
    "MultiSendCallOnly": "MultiSendCallOnly",
}
CONTRACT_NAMES = {
    "Hats": "the Hats contract",
    "BudgetStreams": "the budget streams",
    "ConsentModule": "the consent module",
    "SignerGate": "the signer gate",
    "MultiSendCallOnly": "MultiSendCallOnly",
}


def load_org_spec(path: str | Path | None) -> "OrgSpec | None":
    """The org spec at `path`; with no path, the org folder's org.yaml if it is there and valid (else None).

    Raises:
        SpecError: if a spec named explicitly is not valid.
    """
    from opgov.errors import SpecError
    from opgov.spec import load_spec

    from opgov.deployments import SPEC_FILE, org_folder

    if path is not None:
        return load_spec(path)
    default = org_folder() / SPEC_FILE
    if not default.is_file():
        return None
    try:
        return load_spec(default)
    except SpecError:  # a default spec that does not load only costs names; the command still works
        return None


def _people(spec: "OrgSpec") -> dict[str, str]:
    """address -> person's name, for the people whose address can be worked out here."""
    from opgov.deploy import resolve_person

    found = {}
    for name, who in spec.people.items():
        try:
            found[checksum(resolve_person(who))] = name
        except Exception:  # an ape alias not on this machine: that person stays an address
            continue
    return found


def from_record(names: Names, org: dict, contracts: dict[str, str], spec: "OrgSpec | None" = None) -> None:
    """Add what a deployments record knows (its contracts and org ids) to `names`, with the spec's words."""
    for key, kind in RECORDED_CONTRACTS.items():
        address = contracts.get(key)
        if address:
            names.contracts.setdefault(checksum(address), kind)
            names.addresses.setdefault(checksum(address), CONTRACT_NAMES[key])
    cells = {c.id: c.name for c in spec.cells} if spec else {}
    roles = {r.id: r.name for r in spec.roles} if spec else {}
    token = contracts.get("TestToken") or org.get("token")
    if token and spec is not None:
        names.tokens.setdefault(checksum(token), Token(spec.token.symbol, spec.token.decimals))
    if names.lookup is not None and spec is None:
        return  # the chain names hats by their details, which are the spec's names
    if org.get("top_hat"):
        names.hats.setdefault(int(org["top_hat"], 16), f"{spec.name} top hat" if spec else "the top hat")
    for key, hat in org.get("roles", {}).items():
        names.hats.setdefault(int(hat, 16), roles.get(key, key))
    for key, hat in org.get("cells", {}).items():
        names.hats.setdefault(int(hat, 16), cells.get(key, key))
    for key, hat in org.get("leads", {}).items():
        names.hats.setdefault(int(hat, 16), f"{cells.get(key, key)} lead")
    if names.lookup is not None:
        return  # the chain tells a stream's number, token and cell
    for key, stream_id in org.get("streams", {}).items():
        names.streams.setdefault(int(stream_id), Stream(f"the budget stream of {cells.get(key, key)}", token or None))


def from_spec(names: Names, spec: "OrgSpec") -> None:
    """Add the spec's people and suppliers, and its token (when it gives the token's address)."""
    for address, name in _people(spec).items():
        names.addresses.setdefault(address, name)
    for name, address in spec.suppliers.items():
        names.addresses.setdefault(checksum(address), name)
    if spec.token.address:
        names.tokens.setdefault(checksum(spec.token.address), Token(spec.token.symbol, spec.token.decimals))


def online_names(safe: str | None, spec: "OrgSpec | None" = None) -> Names:
    """The names for a Safe's transactions on the connected chain (with no Safe, the recorded org's)."""
    from opgov.deployments import Deployments

    names = Names(safe=safe, lookup=ChainLookup())
    names.lookup.names = names
    record = Deployments.for_connected_network()
    contracts = {key: record.get(key) for key in (*RECORDED_CONTRACTS, "TestToken")}
    if safe is None or record.org.get("safe") in (None, safe) or record.get("Safe") == safe:
        from_record(names, record.org, {k: v for k, v in contracts.items() if v}, spec)
    else:  # the record is another org's: its contracts are still opgov's
        from_record(names, {}, {k: v for k, v in contracts.items() if v and k in RECORDED_CONTRACTS})
    if spec is not None:
        from_spec(names, spec)
    return names


def offline_names(safe: str, chain_id: int, spec: "OrgSpec | None" = None, folder: Path | None = None) -> Names:
    """The names for a Safe's transactions with no node: the spec and the matching deployments record."""
    names = Names(safe=safe)
    record = _record_for(safe, chain_id, folder)
    if record is not None:
        contracts = {k: v["address"] for k, v in record.get("contracts", {}).items()}
        from_record(names, record.get("org", {}), contracts, spec)
    if spec is not None:
        from_spec(names, spec)
    return names


def _record_for(safe: str, chain_id: int, folder: Path | None) -> dict | None:
    from opgov.deployments import OLD_DEPLOYMENTS, deployments_folder

    folders = [Path(folder)] if folder else [deployments_folder(), OLD_DEPLOYMENTS]
    for path in [p for f in folders for p in sorted(f.glob("*/*.json"))]:
        try:
            body = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        recorded_safe = body.get("org", {}).get("safe") or body.get("contracts", {}).get("Safe", {}).get("address")
        if int(body.get("chain_id", -1)) == chain_id and recorded_safe and checksum(recorded_safe) == checksum(safe):
            return body
    return None


def stream_known_as(names: Names | None, number: int, spender_hat: int, recipient: str, token: str) -> Stream:
    """A stream as people know it: "stream #2 (Thing Library's budget)", else "stream #2 (to erin (0x…))"."""
    owner = names.hat_name(spender_hat) if names is not None and spender_hat else None
    to = names.who(recipient) if names is not None else recipient
    label = f"stream #{number} ({owner}'s budget)" if owner else f"stream #{number} (to {to})"
    return Stream(label, token)


class ChainLookup:
    """Answers a `Names`' questions from the connected chain (None when the answer is not there)."""

    names: Names | None = None

    def token(self, address: str) -> Token | None:
        from opgov.safe import has_code, token_info

        if not has_code(address):
            return None
        info = token_info(address)
        return Token(info.symbol, info.decimals)

    def hat(self, hat_id: int) -> str | None:
        from opgov.contracts import container

        hats = self._address_of("Hats")
        if hats is None:
            return None
        details = str(container("Hats").at(hats).viewHat(hat_id)[0])
        return details or None

    def stream(self, stream_id: int) -> Stream | None:
        from opgov.contracts import container

        address = self._address_of("BudgetStreams")
        if address is None:
            return None
        streams = container("BudgetStreams").at(address)
        s = streams.get_stream(stream_id)
        number = int(streams.stream_number_of(stream_id))
        return stream_known_as(self.names, number, int(s.spender_hat), str(s.recipient), str(s.token))

    def proposal(self, proposal_id: int) -> Proposal | None:
        from opgov.consent import ConsentClient

        address = self._address_of("ConsentModule")
        if address is None:
            return None
        client = ConsentClient.at(address)
        view = client.proposal(proposal_id)
        cell = self.names.hat_name(view.cell) if self.names is not None else None
        return Proposal(view.ref, cell or f"cell {view.cell:#x}", tuple(view.actions), view.rationale)

    def _address_of(self, kind: str) -> str | None:
        if self.names is None:
            return None
        return next((a for a, k in self.names.contracts.items() if k == kind), None)


def any_names(tx: Any, online: bool, spec: "OrgSpec | None" = None) -> Names:
    """Names for a transaction: from the chain when connected, else from files alone."""
    return online_names(tx.safe, spec) if online else offline_names(tx.safe, tx.chain_id, spec)
