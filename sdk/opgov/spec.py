"""The org spec (`org.yaml`): the organisation as a living document.

It names the Safe and its signers, the roles (hats) and who wears them, and
the cells with their lead, members, budget, consent window, spending limits,
allowed calls, parent and objectors. `load_spec` validates it with pydantic and
reports every problem with the file, line and field, and what is expected.

People are named once under `people:` (an ape alias, `TEST::N` on local
chains, or an address) and by name everywhere else.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from opgov.errors import SpecError, UnitsError
from opgov.units import MONTH, YEAR, Amount, Rate, parse_duration

NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
CALL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")

# The org's own machinery: a call from the consent module runs with the Safe's full authority
# (it wears the top hat, pays the streams, owns itself), so no cell's domain may reach it.
# The one narrow power a cell may have: mint or transfer hats below its own hat.
MACHINERY = {
    "Safe": "the Safe's owners, threshold, modules and guard change only by Safe transactions",
    "ConsentModule": "cells' domains are set by the Safe, not by cells",
    "SignerGate": "who signs changes only by Safe transactions, which the gate checks",
    "BudgetStreams": "a cell's budget (rate, recipient, funding) is the signers' decision: escalate such a proposal",
}
CELL_HAT_POWERS = ("mintHat", "transferHat")
# what a cell may be allowed to call on the treasury token (the ERC-20 calls that move tokens)
TOKEN_FUNCTIONS = ("transfer", "approve", "transferFrom")

# What the contracts can store; a spec beyond these would make deploy stop half-way.
MAX_WINDOW = 2**32 - 1  # ConsentModule: consent and execution windows, spending periods (seconds)
MAX_SPEND = 2**107 - 1  # ConsentModule: a spending limit, in the token's base units
MAX_RATE = 2**88 - 1  # BudgetStreams: a rate, 18-decimal token units per second
MAX_STREAMED = 2**120 - 1  # BudgetStreams: a stream's deposits, in 18 decimals
# each stream is funded with this many months of its budget when it is created
FUNDED_MONTHS = 2


def stream_deposit(budget: str, decimals: int) -> int:
    """The first deposit of a budget's stream, in base units: FUNDED_MONTHS of it, rounded down."""
    rate = Rate.parse(budget)
    months = rate.amount.value * FUNDED_MONTHS * MONTH / rate.period_seconds
    return int((months * Decimal(10) ** decimals).to_integral_value(rounding=ROUND_DOWN))


def _base_units(amount: Amount, decimals: int) -> int | None:
    """An amount in base units, or None if it has more decimal places than the token."""
    scaled = amount.value * Decimal(10) ** decimals
    return int(scaled) if scaled == scaled.to_integral_value() else None


def machinery_refusal(call: str) -> str | None:
    """Why an allowed call may not be in a cell's domain (None if it may)."""
    contract, function = call.split(".", 1)
    if contract in MACHINERY:
        return f"{call!r}: no cell's domain may call the {contract} contract ({MACHINERY[contract]})"
    if contract == "Hats" and function not in CELL_HAT_POWERS:
        return (f"{call!r}: a cell may only mint or transfer hats below its own hat "
                f"(Hats.mintHat, Hats.transferHat); other role changes are Safe transactions")
    return None
ROLE_WORDS = ("lead", "members")


def address_problem(text: str) -> str | None:
    """What is wrong with an address as written (None if nothing): read as every command reads
    one (`opgov.addresses.hex_problem`), and never the zero address."""
    from opgov.addresses import hex_problem

    problem = hex_problem(text)
    if problem is not None:
        return problem[0]
    if int(text, 16) == 0:
        return "is the zero address, which no one controls"
    return None


NAMES_ARE = "names are lower case letters, digits and dashes"


def _named_address(name: str, address: str) -> None:
    """A person's or supplier's name and address as org.yaml gives them, checked."""
    if not NAME.match(name):
        raise ValueError(f"{name!r}: {NAMES_ARE}")
    why = address_problem(address)
    if why:
        raise ValueError(f"{name}: {address!r} {why}")


def _checked_address(v: str | None) -> str | None:
    if v is not None:
        why = address_problem(v)
        if why:
            raise ValueError(why)
    return v


def _units(parse, value):
    """Run a units parser inside a validator, so its error lands on the field's line."""
    try:
        return parse(value)
    except UnitsError as err:
        raise ValueError(str(err)) from None


def _window(text: str) -> int:
    """A duration the consent module can keep (it stores windows and periods in 32 bits)."""
    seconds = _units(parse_duration, text)
    if seconds > MAX_WINDOW:
        raise ValueError(f"{text!r} is longer than the consent module can keep (at most about "
                         f"{MAX_WINDOW // YEAR} years: 2**32 - 1 seconds)")
    return seconds


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TokenSpec(_Strict):
    """The treasury token."""

    symbol: str = Field(description="its symbol, e.g. USDC", min_length=1, max_length=11)
    address: str | None = Field(
        default=None, description="its address; leave out on local chains to deploy a test token"
    )
    decimals: int = Field(default=6, ge=0, le=18, description="decimals of the test token opgov deploys")

    @field_validator("address")
    @classmethod
    def _address(cls, v: str | None) -> str | None:
        return _checked_address(v)


class SignerHatRule(_Strict):
    """Safe owners follow the signer role: the threshold is clamp(signers, min, target)."""

    min: int = Field(ge=1, description="fewest signatures ever needed")
    target: int = Field(ge=1, description="signatures needed once there are that many signers")

    @model_validator(mode="after")
    def _order(self) -> "SignerHatRule":
        if self.min > self.target:
            raise ValueError("min must not be larger than target")
        return self


class SafeSpec(_Strict):
    """The treasury Safe."""

    signers: list[str] = Field(min_length=1, description="people who sign, by name")
    threshold: int | None = Field(default=None, ge=1, description="signatures needed (a fixed number)")
    signer_hat: SignerHatRule | None = Field(
        default=None, description="or: owners follow the 'signer' role with this threshold rule"
    )
    address: str | None = Field(default=None, description="an existing Safe to use instead of a new one")

    @field_validator("address")
    @classmethod
    def _address(cls, v: str | None) -> str | None:
        return _checked_address(v)

    @model_validator(mode="after")
    def _rule(self) -> "SafeSpec":
        if (self.threshold is None) == (self.signer_hat is None):
            raise ValueError("give either threshold or signer_hat (one of them)")
        if self.threshold is not None and self.threshold > len(self.signers):
            raise _ReferenceErrors(
                [(("threshold",), f"{self.threshold} is more than the {len(self.signers)} signers")]
            )
        return self


class RoleSpec(_Strict):
    """A role: one hat under the organisation's top hat."""

    id: str = Field(description="a short name: lower case, digits and dashes")
    name: str = Field(min_length=1, max_length=200, description="what the role is called")
    wearers: list[str] = Field(default_factory=list, description="people who hold it, by name")
    max_supply: int = Field(default=100, ge=1, le=2**32 - 1, description="most wearers at once")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not NAME.match(v):
            raise ValueError("expected lower case letters, digits and dashes, starting with a letter")
        return v


class SpendingLimit(_Strict):
    """A cell may spend at most `amount` of a token per `period`."""

    amount: str = Field(description="e.g. '500 USDC'")
    period: str = Field(description="e.g. '1 week'")

    @field_validator("amount", mode="before")
    @classmethod
    def _number_as_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, (int, float)) else v

    @field_validator("amount")
    @classmethod
    def _amount(cls, v: str) -> str:
        a = _units(Amount.parse, v)
        if a.symbol is None:
            raise ValueError("expected an amount with its token, e.g. '500 USDC' (or 'ETH')")
        return v

    @field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        _window(v)
        return v


class CellSpec(_Strict):
    """A cell: a team with a domain, a budget and a consent process."""

    id: str = Field(description="a short name: lower case, digits and dashes")
    name: str = Field(min_length=1, max_length=200)
    purpose: str = Field(default="", max_length=1000, description="what the cell is for")
    lead: str = Field(description="the person who leads it and proposes, by name")
    members: list[str] = Field(default_factory=list, description="the other members, by name")
    budget: str | None = Field(default=None, description="streamed budget, e.g. '1500 USDC/month'")
    consent_window: str = Field(default="3 days", description="how long objections may be raised")
    execution_window: str = Field(default="7 days", description="how long a passed proposal may be executed")
    spending_limits: list[SpendingLimit] = Field(default_factory=list)
    allowed_calls: list[str] = Field(
        default_factory=list, description="contract.function pairs the cell may call, e.g. USDC.transfer"
    )
    parent: str | None = Field(default=None, description="the cell escalations go to (none: the Safe's signers)")
    objectors: list[str] = Field(
        default_factory=lambda: ["members"],
        description="who may object: 'members', 'lead', or role ids",
    )
    max_active: int = Field(default=5, ge=1, le=1000, description="most open proposals at once")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not NAME.match(v):
            raise ValueError("expected lower case letters, digits and dashes, starting with a letter")
        return v

    @field_validator("budget")
    @classmethod
    def _budget(cls, v: str | None) -> str | None:
        if v is not None:
            _units(Rate.parse, v)
        return v

    @field_validator("consent_window", "execution_window")
    @classmethod
    def _duration(cls, v: str) -> str:
        _window(v)
        return v

    @field_validator("allowed_calls")
    @classmethod
    def _calls(cls, v: list[str]) -> list[str]:
        for call in v:
            if not CALL.match(call):
                raise ValueError(f"{call!r}: expected Contract.function, e.g. USDC.transfer")
            why = machinery_refusal(call)
            if why:
                raise ValueError(why)
        return v


# ---------------------------------------------------------------- notify: who hears about what

# what `opgov watch` tells people about (each route picks some; all by default)
NOTIFY_EVENTS = {
    "proposal": "a new proposal, to the objectors of its cell",
    "objection": "an objection, to the proposal's proposer",
    "window-closing": "a consent window closing within 24 hours, to the proposer and the objectors",
    "safe-tx": "a Safe transaction waiting for a signature, to each signer who has not signed",
    "runway": "a cell's budget running out sooner than runway_below, to the cell and the signers",
    "insolvent": "a budget stream owing more than it holds, to the cell and the signers",
    "executed": "what the bot executed, cleared or reconciled, to the cell and the signers",
}
ENV_REF = re.compile(r"^env:([A-Za-z_][A-Za-z0-9_]*)$")
# notification URLs whose usual form carries no secret (a webhook on your own host, an ntfy
# topic, an address to mail); every other service's URL holds a token, so it comes from the
# environment
PLAIN_SCHEMES = ("json", "jsons", "xml", "xmls", "form", "forms", "ntfy", "ntfys", "mailto", "mailtos")
SECRET_QUERY_KEYS = ("pass", "password", "token", "key", "secret", "apikey", "api_key", "access_token", "auth")


def url_secret_problem(url: str) -> str | None:
    """Why a notification URL written in the file would expose a secret (None if it would not).

    The URL itself is never repeated in the answer: it may be the secret.
    """
    from urllib.parse import parse_qsl, urlsplit

    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if not scheme:
        return "is not a notification URL (expected scheme://..., e.g. ntfy://ntfy.sh/topic, or env:NAME)"
    if scheme not in PLAIN_SCHEMES:
        return f"a {scheme}:// URL carries the service's token"
    parts = urlsplit(url)
    if parts.password:
        return f"this {scheme}:// URL carries a password"
    if any(k.lower() in SECRET_QUERY_KEYS for k, _ in parse_qsl(parts.query)):
        return f"this {scheme}:// URL carries a password or token in its query"
    return None


class NotifyRoute(_Strict):
    """One destination: the people, cells or roles it speaks for, where it goes, and which events."""

    to: list[str] = Field(min_length=1, description="person names, cell ids or role ids")
    url: str = Field(description="an apprise URL (ntfy://, json://, mailto://) or env:NAME for one with a secret")
    events: list[str] = Field(default_factory=lambda: list(NOTIFY_EVENTS), description="what it hears about")

    @field_validator("to", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if v.startswith("env:"):
            if not ENV_REF.match(v):
                raise ValueError("write env:NAME with an environment variable's name, e.g. env:OPGOV_MATRIX_URL")
            return v
        why = url_secret_problem(v)
        if why:
            raise ValueError(f"{why}; keep it out of the file: put the URL in an environment variable "
                             "(export OPGOV_NOTIFY_URL='...') and write `url: env:OPGOV_NOTIFY_URL`")
        import apprise

        if not apprise.Apprise().add(v):
            raise ValueError("is not a notification URL apprise can use: see apprise's list of services")
        return v

    @field_validator("events")
    @classmethod
    def _events(cls, v: list[str]) -> list[str]:
        for e in v:
            if e not in NOTIFY_EVENTS:
                raise ValueError(f"{e!r} is not an event opgov notifies; use {', '.join(NOTIFY_EVENTS)}")
        return v


class NotifySpec(_Strict):
    """`opgov watch`: who is told about what, and who may execute for the org."""

    routes: list[NotifyRoute] = Field(default_factory=list)
    runway_below: str = Field(default="14 days", description="notify when a budget runs out sooner than this")
    execute_from: str | None = Field(
        default=None, description="the person whose account `opgov watch --execute-from` may use"
    )

    @field_validator("runway_below")
    @classmethod
    def _runway(cls, v: str) -> str:
        _units(parse_duration, v)
        return v


class OrgSpec(_Strict):
    """The whole organisation."""

    name: str = Field(min_length=1, max_length=200)
    token: TokenSpec
    people: dict[str, str] = Field(description="name: ape alias, TEST::N or address")
    suppliers: dict[str, str] = Field(
        default_factory=dict, description="name: address of those the org pays, e.g. hardware-shop (`--to hardware-shop`)"
    )
    safe: SafeSpec
    roles: list[RoleSpec] = Field(default_factory=list)
    cells: list[CellSpec] = Field(default_factory=list)
    notify: NotifySpec | None = Field(default=None, description="notifications and the watch bot")

    @field_validator("people")
    @classmethod
    def _people(cls, v: dict[str, str]) -> dict[str, str]:
        for name, who in v.items():
            if who.lower().startswith("0x"):
                _named_address(name, who)
            elif not NAME.match(name):
                raise ValueError(f"{name!r}: {NAMES_ARE}")
            elif not (re.match(r"^TEST::\d$", who) or re.match(r"^[\w.-]+$", who)):
                raise ValueError(f"{name}: {who!r} is not an address, TEST::N or an ape alias")
        seen: dict[str, str] = {}
        for name, who in v.items():
            if who.lower() in seen:
                raise ValueError(f"{seen[who.lower()]} and {name} are the same account ({who}): "
                                 "name each person once")
            seen[who.lower()] = name
        return v

    @field_validator("suppliers")
    @classmethod
    def _suppliers(cls, v: dict[str, str]) -> dict[str, str]:
        for name, address in v.items():
            _named_address(name, str(address))
        return v

    @model_validator(mode="after")
    def _references(self) -> "OrgSpec":
        problems: list[tuple[tuple, str]] = []
        known = set(self.people)
        for name in self.suppliers:
            if name in known:
                problems.append((("suppliers", name), f"{name!r} is also a person: give each name once"))
        for i, who in enumerate(self.safe.signers):
            if who not in known:
                problems.append((("safe", "signers", i), f"{who!r} is not under people:"))
        role_ids = [r.id for r in self.roles]
        cell_ids = [c.id for c in self.cells]
        for i, role in enumerate(self.roles):
            for j, who in enumerate(role.wearers):
                if who not in known:
                    problems.append((("roles", i, "wearers", j), f"{who!r} is not under people:"))
            if len(role.wearers) > role.max_supply:
                problems.append((("roles", i, "max_supply"), "fewer than the wearers listed"))
        for ids, where in ((role_ids, "roles"), (cell_ids, "cells")):
            seen = set()
            for i, x in enumerate(ids):
                if x in seen:
                    problems.append(((where, i, "id"), f"{x!r} is used twice"))
                seen.add(x)
        if set(role_ids) & set(cell_ids):
            problems.append((("cells",), f"ids used by both a role and a cell: {sorted(set(role_ids) & set(cell_ids))}"))
        if self.safe.signer_hat is not None and "signer" not in role_ids:
            problems.append((("safe", "signer_hat"), "needs a role with id 'signer'"))
        elif self.safe.signer_hat is not None:
            # the signer gate seats wearers of the signer hat; the deployer leaves only once
            # enough of them have taken their seats
            wearers = next(r for r in self.roles if r.id == "signer").wearers
            for i, who in enumerate(self.safe.signers):
                if who in known and who not in wearers:
                    problems.append((("safe", "signers", i), f"{who!r} does not wear the 'signer' role: "
                                                             "add them to its wearers"))
            if self.safe.signer_hat.min > len(self.safe.signers):
                problems.append((("safe", "signer_hat"), f"min {self.safe.signer_hat.min} is more than the "
                                                         f"{len(self.safe.signers)} signers"))
        # hats are found again by their name under the top hat, so names must not repeat
        hat_names: dict[str, tuple] = {}
        for where, items in (("roles", self.roles), ("cells", self.cells)):
            for i, item in enumerate(items):
                names = [item.name] + ([f"{item.name} lead"] if where == "cells" else [])
                for name in names:
                    if name in hat_names and hat_names[name] != (where, i):
                        problems.append(((where, i, "name"), f"{name!r} is the name of another role or cell "
                                                             "(each role and cell needs its own)"))
                    hat_names.setdefault(name, (where, i))
        for i, cell in enumerate(self.cells):
            for field, names in (("lead", [cell.lead]), ("members", cell.members)):
                for j, who in enumerate(names):
                    if who not in known:
                        loc = ("cells", i, field) if field == "lead" else ("cells", i, field, j)
                        problems.append((loc, f"{who!r} is not under people:"))
            if cell.parent is not None and cell.parent not in cell_ids:
                problems.append((("cells", i, "parent"), f"{cell.parent!r} is not a cell id"))
            if cell.parent == cell.id:
                problems.append((("cells", i, "parent"), "a cell cannot be its own parent"))
            for j, o in enumerate(cell.objectors):
                if o not in ROLE_WORDS and o not in role_ids:
                    problems.append((("cells", i, "objectors", j), f"{o!r}: expected 'members', 'lead' or a role id"))
            seen_tokens: set[str] = set()
            for j, limit in enumerate(cell.spending_limits):
                try:
                    amount = Amount.parse(limit.amount)
                except UnitsError:  # reported on its own line already
                    continue
                loc = ("cells", i, "spending_limits", j, "amount")
                if amount.symbol not in (self.token.symbol, "ETH"):
                    problems.append((loc, f"{amount.symbol} is neither the treasury token {self.token.symbol} nor ETH"))
                    continue
                if amount.symbol in seen_tokens:
                    problems.append((loc, f"a second limit for {amount.symbol}: give one limit per token"))
                seen_tokens.add(amount.symbol)
                decimals = 18 if amount.symbol == "ETH" else self.token.decimals
                base = _base_units(amount, decimals)
                if base is None:
                    problems.append((loc, f"{limit.amount!r} has more decimal places than {amount.symbol}'s {decimals}"))
                elif base > MAX_SPEND:
                    problems.append((loc, f"{limit.amount!r} is more than the consent module can keep "
                                          f"(below 2**107 base units: {Decimal(MAX_SPEND) / 10**decimals:.3e} "
                                          f"{amount.symbol})"))
            if cell.budget is not None:
                problems += [(("cells", i, "budget"), m) for m in self._budget_problems(cell.budget)]
            for j, call in enumerate(cell.allowed_calls):
                why = self._call_problem(call) if CALL.match(str(call)) else None
                if why:
                    problems.append((("cells", i, "allowed_calls", j), why))
        parents = {c.id: c.parent for c in self.cells}
        for i, cell in enumerate(self.cells):
            seen, at = set(), cell.id
            while at is not None and at in parents:
                if at in seen:
                    problems.append((("cells", i, "parent"), "parents form a loop"))
                    break
                seen.add(at)
                at = parents[at]
        if problems:
            raise _ReferenceErrors(problems)
        return self

    @model_validator(mode="after")
    def _notify_references(self) -> "OrgSpec":
        if self.notify is None:
            return self
        problems: list[tuple[tuple, str]] = []
        known = set(self.people) | {r.id for r in self.roles} | {c.id for c in self.cells}
        for i, route in enumerate(self.notify.routes):
            for j, who in enumerate(route.to):
                if who not in known:
                    problems.append((("notify", "routes", i, "to", j),
                                     f"{who!r} is neither a person, a cell id nor a role id"))
        if self.notify.execute_from is not None and self.notify.execute_from not in self.people:
            problems.append((("notify", "execute_from"), f"{self.notify.execute_from!r} is not under people:"))
        if problems:
            raise _ReferenceErrors(problems)
        return self

    def audience(self, target: str) -> set[str]:
        """The people a route's `to` entry stands for: a person, a cell's lead and members, a role's wearers."""
        if target in self.people:
            return {target}
        for cell in self.cells:
            if cell.id == target:
                return {cell.lead, *cell.members}
        for role in self.roles:
            if role.id == target:
                return set(role.wearers)
        return set()

    def objectors_of(self, cell_id: str) -> set[str]:
        """The people who may object in a cell, as its `objectors` names them."""
        cell = next(c for c in self.cells if c.id == cell_id)
        out: set[str] = set()
        for o in cell.objectors:
            out |= set(cell.members) if o == "members" else {cell.lead} if o == "lead" else self.audience(o)
        return out

    def _budget_problems(self, budget: str) -> list[str]:
        try:
            rate = Rate.parse(budget)
        except UnitsError:  # reported on its own line already
            return []
        if rate.amount.symbol != self.token.symbol:
            return [f"budgets are in the treasury token {self.token.symbol}, not {rate.amount.symbol}"]
        per_second, decimals = rate.per_second(), self.token.decimals
        if per_second > MAX_RATE:
            return [f"{budget!r} is faster than a stream can pay (at most about 3 * 10**8 {rate.amount.symbol} "
                    "a second)"]
        if per_second == 0:
            return [f"{budget!r} is less than 10**-18 {rate.amount.symbol} a second: too small to stream"]
        deposit = stream_deposit(budget, decimals)
        if deposit == 0:
            return [f"{FUNDED_MONTHS} months of {budget!r} are less than one base unit of {rate.amount.symbol}: "
                    "too small to fund"]
        if (deposit + 1) * 10 ** (18 - decimals) > MAX_STREAMED:
            return [f"{FUNDED_MONTHS} months of {budget!r} are more than a stream can hold "
                    f"(about 1.3 * 10**18 {rate.amount.symbol})"]
        return []

    def _call_problem(self, call: str) -> str | None:
        """Why deploy could not allow this call (unknown contract or function), or None."""
        contract, function = call.split(".", 1)
        if contract == self.token.symbol:
            if function not in TOKEN_FUNCTIONS:
                return (f"{call!r}: {contract} has no function {function!r} a cell may call "
                        f"(use {', '.join(contract + '.' + f for f in TOKEN_FUNCTIONS)})")
            return None
        if contract == "Hats":
            return None  # the machinery check allows mintHat and transferHat only
        return (f"{call!r}: {contract!r} is not a contract opgov knows; use the treasury token "
                f"{self.token.symbol} or Hats (more contracts can be allowed through the Safe later)")

    def address_of(self, person: str) -> str:
        return self.people[person]


class _ReferenceErrors(ValueError):
    def __init__(self, problems: list[tuple[tuple, str]]):
        self.problems = problems
        super().__init__("; ".join(m for _, m in problems))


# ---------------------------------------------------------------- loading with line numbers


def _positions(node: yaml.Node, path: tuple = ()) -> dict[tuple, int]:
    """Map every key path in a YAML document to its 1-based line."""
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (key.value,)
            lines[sub] = key.start_mark.line + 1
            for k, v in _positions(value, sub).items():
                lines.setdefault(k, v) if k == sub else lines.__setitem__(k, v)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.update(_positions(item, path + (i,)))
    return lines


def _to_python(node: yaml.Node) -> Any:
    """Build plain data from the YAML nodes, keeping 0x... values as text.

    YAML 1.1 reads an unquoted 0x-prefixed value as a hexadecimal number, which
    would turn an address into an integer and lose its checksum.
    """
    if isinstance(node, yaml.MappingNode):
        return {_to_python(k): _to_python(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(v) for v in node.value]
    if node.style in ("'", '"') or node.value.lower().startswith("0x"):
        return node.value
    return yaml.safe_load(node.value) if node.value else None


def _duplicate_keys(node: yaml.Node, path: tuple = ()) -> list[tuple[int, str]]:
    """(line, message) for every key given twice in one mapping: YAML would keep the last quietly."""
    found = []
    if isinstance(node, yaml.MappingNode):
        first: dict[Any, int] = {}
        for key, value in node.value:
            sub = path + (key.value,)
            line = key.start_mark.line + 1
            if key.value in first:
                found.append((line, f"{_field(sub)}: is given twice (first on line {first[key.value]}); "
                                    "keep one"))
            first.setdefault(key.value, line)
            found += _duplicate_keys(value, sub)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found += _duplicate_keys(item, path + (i,))
    return found


def _line_for(lines: dict[tuple, int], loc: tuple) -> int:
    loc = tuple(loc)
    while loc and loc not in lines:
        loc = loc[:-1]
    return lines.get(loc, 1)


def _field(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _cross_problems(data: Any) -> list[tuple[tuple, str]]:
    """The checks across the spec (references, bounds) on data whose fields did not all validate.

    Best effort: the parts are built without validation, so a part too broken to read
    is left to its own error.
    """
    def build(model: type[BaseModel], raw: Any) -> Any:
        return model.model_construct(**{k: v for k, v in raw.items() if k in model.model_fields}) \
            if isinstance(raw, dict) else raw

    if not isinstance(data, dict):
        return []
    try:
        safe = build(SafeSpec, data.get("safe") or {})
        if isinstance(getattr(safe, "signer_hat", None), dict):
            safe.signer_hat = build(SignerHatRule, safe.signer_hat)
        cells = [build(CellSpec, c) for c in data.get("cells") or []]
        for cell in cells:
            cell.spending_limits = [build(SpendingLimit, x) for x in cell.spending_limits or []]
        spec = OrgSpec.model_construct(
            name=data.get("name"), token=build(TokenSpec, data.get("token") or {}),
            people=data.get("people") or {}, suppliers=data.get("suppliers") or {}, safe=safe,
            roles=[build(RoleSpec, r) for r in data.get("roles") or []], cells=cells,
        )
        spec._references()
    except _ReferenceErrors as err:
        return err.problems
    except Exception:  # too broken to check across; its own errors say what to fix
        return []
    return []


def load_spec(path: str | Path) -> OrgSpec:
    """Read and validate an org spec.

    Raises:
        SpecError: listing every problem as `file:line: field: what is expected`.
    """
    path = Path(path)
    if not path.exists():
        raise SpecError(f"{path} does not exist", "write an example with `opgov init`")
    text = path.read_text()
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise SpecError(f"{path}:{line}: not valid YAML ({getattr(err, 'problem', err)})",
                        "fix the indentation or quoting there")
    if not isinstance(node, yaml.MappingNode):
        raise SpecError(f"{path}:1: expected a mapping with name, token, people, safe, roles and cells",
                        "start from `opgov init`")
    data = _to_python(node)
    lines = _positions(node)
    problems = _duplicate_keys(node)
    try:
        spec = OrgSpec.model_validate(data)
    except ValidationError as err:
        for e in err.errors():
            ctx_err = (e.get("ctx") or {}).get("error")
            if isinstance(ctx_err, _ReferenceErrors):
                for sub, msg in ctx_err.problems:
                    loc = tuple(e["loc"]) + tuple(sub)
                    problems.append((_line_for(lines, loc), f"{_field(loc)}: {msg}"))
                continue
            loc = tuple(e["loc"])
            msg = e["msg"].removeprefix("Value error, ")
            if e["type"] == "extra_forbidden":
                msg = "is not a field opgov knows (check the spelling)"
            elif e["type"] == "missing":
                msg = "is missing"
            problems.append((_line_for(lines, loc), f"{_field(loc)}: {msg}"))
        # field errors stop pydantic before the checks across the spec: run those too, so
        # that one `opgov check` reports everything, not a second round after the first is fixed
        for loc, msg in _cross_problems(data):
            found = (_line_for(lines, loc), f"{_field(loc)}: {msg}")
            if found not in problems:
                problems.append(found)
    else:
        if not problems:
            return spec
    problems.sort()
    listing = "\n".join(f"{path}:{line}: {msg}" for line, msg in problems)
    raise SpecError(f"{path} has {len(problems)} problem(s):\n{listing}") from None


EXAMPLE = """\
# An opgov org spec: the organisation as a living document.
# After the first `opgov deploy`, changes to this file become Safe transactions
# (`opgov plan` shows them) that the signers approve: the protocols change
# through the agreed process.

name: Riverside Commons

# The treasury token. On local chains opgov deploys a test token with this
# symbol; on a live network give its address.
token:
  symbol: USDC
  decimals: 6
  # address: 0x...

# Everyone named below, once: an ape account alias, TEST::N (the local test
# accounts) or an address.
people:
  alice: TEST::0
  bob: TEST::1
  carol: TEST::2
  dave: TEST::3
  erin: TEST::4
  frank: TEST::5
  grace: TEST::6
  heidi: TEST::7

# Suppliers the cells pay, by name: `opgov propose --pay "250 USDC" --to hardware-shop`.
# suppliers:
#   hardware-shop: 0x...

# The treasury Safe: four signers, two needed. With `signer_hat`, the Safe's
# owners follow the 'signer' role below (a signer gate counts only signatures
# of people who wear it now); write `threshold: 2` instead for a plain Safe.
safe:
  signers: [alice, bob, carol, dave]
  signer_hat: {min: 2, target: 2}

# Roles (hats) under the organisation's top hat, which the Safe wears.
roles:
  - id: signer
    name: Treasury signer
    wearers: [alice, bob, carol, dave]
    max_supply: 5

# Cells: teams with a domain. Budgets stream per second (a month is 30 days).
# A proposal passes unless an objector objects, with a reason, inside the
# consent window; outside the cell's domain it escalates to the parent cell,
# or to the Safe's signers when there is none.
cells:
  - id: repair-cafe
    name: Repair Café
    purpose: Monthly repair sessions where neighbours fix things together.
    lead: erin
    members: [frank, grace]
    budget: 1500 USDC/month
    consent_window: 3 days
    execution_window: 7 days
    spending_limits:
      - {amount: 1000 USDC, period: 30 days}
    allowed_calls: [USDC.transfer]
    objectors: [members]

  - id: thing-library
    name: Thing Library
    purpose: Lend tools and equipment instead of everyone buying them.
    lead: frank
    members: [erin, heidi]
    budget: 900 USDC/month
    consent_window: 3 days
    spending_limits:
      - {amount: 600 USDC, period: 30 days}
    allowed_calls: [USDC.transfer]
    objectors: [members]

  - id: workshops
    name: Community Workshops
    purpose: Teach repair, woodwork and electronics skills.
    lead: grace
    members: [heidi, bob]
    budget: 1200 USDC/month
    consent_window: 2 days
    spending_limits:
      - {amount: 800 USDC, period: 30 days}
    allowed_calls: [USDC.transfer]
    parent: repair-cafe
    objectors: [members, lead]
"""


def write_example(path: str | Path) -> Path:
    """Write the commented example spec, refusing to overwrite a file."""
    path = Path(path)
    if path.exists():
        raise SpecError(f"{path} already exists", "choose another file name or remove it first")
    path.write_text(EXAMPLE)
    return path
