"""Role hats: create a tree, create, mint, transfer and renounce hats, read a tree with its wearers.

Hat ids follow Hats Protocol: the top 32 bits are the tree's domain, then 14
levels of 16 bits. People see them as paths: `1.2.3` is the third child of
the second child of top hat 1.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address

from opgov.chain import send
from opgov.contracts import container
from opgov.errors import HatsError, HatsReverted, TransactionReverted, UsageError

if TYPE_CHECKING:
    from ape.api import AccountAPI
    from ape.contracts import ContractInstance

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
MAX_LEVELS = 14
MAX_SUPPLY = 2**32 - 1
BALANCE_BATCH = 255  # pairs a balanceOfBatch call takes (Hats.vy's MAX_BATCH)
MAX_TEXT = 7000  # bytes of a hat's details or image URI (Hats Protocol's and Hats.vy's limit)
DOMAIN_SHIFT = 224


# ---------------------------------------------------------------- hat ids


def hat_level(hat_id: int) -> int:
    """The hat's depth in its own tree: 0 for a top hat."""
    level = 0
    for i in range(1, MAX_LEVELS + 1):
        if (hat_id >> (DOMAIN_SHIFT - 16 * i)) & 0xFFFF:
            level = i
    return level


def hat_path(hat_id: int) -> str:
    """A hat id as people read it: `1.2.3`."""
    parts = [str(hat_id >> DOMAIN_SHIFT)]
    for i in range(1, hat_level(hat_id) + 1):
        parts.append(str((hat_id >> (DOMAIN_SHIFT - 16 * i)) & 0xFFFF))
    return ".".join(parts)


def parse_hat(text: str | int) -> int:
    """Read a hat as a path (`1.2.3`), a hex id (`0x0000000101...`) or a decimal id.

    Raises:
        UsageError: if it is none of those or a level is out of range.
    """
    if isinstance(text, int):
        return text
    s = str(text).strip()
    if s.lower().startswith("0x"):
        try:
            return int(s, 16)
        except ValueError:
            raise UsageError(f"{text!r} is not a hat id", "write a hat as 1.2.3 or as its 0x id")
    parts = s.split(".")
    if len(parts) == 1 and s.isdigit() and int(s) >= 2**32:
        return int(s)  # a decimal hat id
    if not all(p.isdigit() for p in parts) or len(parts) > MAX_LEVELS + 1:
        raise UsageError(f"{text!r} is not a hat", "write a hat as 1.2.3 or as its 0x id")
    domain, levels = int(parts[0]), [int(p) for p in parts[1:]]
    if not 0 < domain < 2**32 or any(not 0 < p < 2**16 for p in levels):
        raise UsageError(
            f"{text!r} is not a hat",
            "the first number is 1 to 4294967295, each later one 1 to 65535",
        )
    hat = domain << DOMAIN_SHIFT
    for i, p in enumerate(levels, start=1):
        hat |= p << (DOMAIN_SHIFT - 16 * i)
    return hat


def top_hat_of(hat_id: int) -> int:
    return (hat_id >> DOMAIN_SHIFT) << DOMAIN_SHIFT


# ---------------------------------------------------------------- the contract's errors


def _hat(hat_id: int) -> str:
    return f"hat {hat_path(hat_id)}"


# Hats Protocol v1's custom errors (its HatsErrors interface), which Hats.vy
# reverts with too: signature => (plain words, what to do). `{0}`, `{1}` are
# the error's arguments, hats already written as paths.
HATS_ERRORS: dict[str, tuple[str, str | None]] = {
    "NotAdmin(address,uint256)": ("{0} is not an admin of {1}", "send from an account that wears one of its admin hats"),
    "NotHatWearer()": ("the account does not wear the hat", "check who wears it with `opgov hats tree`"),
    "NotAdminOrWearer()": ("the sender neither wears the hat nor is an admin of it",
                           "send from an account that wears it or one of its admin hats"),
    "AllHatsWorn(uint256)": ("{0} is full: as many accounts wear it as its max supply allows",
                             "raise its max supply with changeHatMaxSupply, or have a wearer renounce it"),
    "MaxLevelsReached()": ("the admin hat is at the deepest level (14)", "create the hat higher up"),
    "InvalidHatId()": ("the admin hat's id has an empty level above its last one", "write hats as paths like 1.2.3"),
    "AlreadyWearingHat(address,uint256)": ("{0} already wears {1}", None),
    "HatDoesNotExist(uint256)": ("{0} does not exist", "run `opgov hats tree` to see the hats that exist"),
    "HatNotActive()": ("the hat is not active (its toggle module switched it off)",
                       "ask the hat's toggle module to switch it on"),
    "NotEligible()": ("the wearer is not eligible for the hat (its eligibility module says no)",
                      "ask the eligibility module's owner to make them eligible"),
    "NotHatsToggle()": ("only the hat's toggle module can set its status, and only a contract module can be asked",
                        "send from the toggle module's account"),
    "NotHatsEligibility()": ("only the hat's eligibility module can rule on its wearers, and only a contract "
                             "module can be asked", "send from the eligibility module's account"),
    "BatchArrayLengthMismatch()": ("the batch's lists differ in length", "give one entry per hat in every list"),
    "Immutable()": ("the hat is immutable", "immutable hats cannot be changed or transferred; create a new hat"),
    "NewMaxSupplyTooLow()": ("the new max supply is below the number of current wearers",
                             "have wearers renounce the hat first, or choose a larger max supply"),
    "CircularLinkage()": ("linking the tree there would make a circle of trees", "link it under a hat of another tree"),
    "CrossTreeLinkage()": ("a linked tree can only move within its own tree of trees",
                           "unlink it first, or ask the top tree's wearer"),
    "LinkageNotRequested()": ("the tree's top hat wearer has not asked to be linked under that hat",
                              "have them request the link first (requestLinkTopHatToTree)"),
    "InvalidUnlink()": ("a tree can be unlinked only with its top hat's current wearer",
                        "name the account that wears the tree's top hat"),
    "ZeroAddress()": ("a module cannot be the zero address", "give the module's address, or the admin's own"),
    "StringTooLong()": ("the text is over 7,000 bytes", "shorten it, or link to a longer text"),
    "Panic(uint256)": ("a number is out of range (an admin hat has used all 65,535 child ids, or a level is "
                       "beyond 14)", None),
}
_SELECTORS = {keccak(text=sig)[:4]: sig for sig in HATS_ERRORS}


def hats_revert(data: bytes | str) -> HatsReverted | None:
    """Hats' revert data in plain words; None if it is not one of Hats Protocol's errors.

    Args:
        data: the revert data, as bytes or a 0x hex string.
    """
    if isinstance(data, str):
        if not data.startswith("0x"):
            return None
        try:
            data = bytes.fromhex(data[2:])
        except ValueError:
            return None
    sig = _SELECTORS.get(bytes(data[:4]))
    if sig is None:
        return None
    types = [t for t in sig[sig.index("(") + 1:-1].split(",") if t]
    try:
        args = tuple(abi_decode(types, bytes(data[4:]), strict=True))
    except Exception:  # eth_abi raises several types for malformed data
        return None
    args = tuple(to_checksum_address(a) if t == "address" else a for t, a in zip(types, args))
    shown = [_hat(a) if t == "uint256" and sig != "Panic(uint256)" else a for t, a in zip(types, args)]
    message, hint = HATS_ERRORS[sig]
    return HatsReverted(sig[: sig.index("(")], args, message.format(*shown), hint)


def _send(method, *args, sender: "AccountAPI"):
    """`chain.send`, with Hats Protocol's errors turned into plain words (`HatsReverted`)."""
    try:
        return send(method, *args, sender=sender)
    except TransactionReverted as err:
        explained = hats_revert(err.reason)
        if explained is None:
            raise
        raise explained from err


# ---------------------------------------------------------------- reading


@dataclass
class HatView:
    """A hat as the tree shows it."""

    id: int
    details: str
    max_supply: int
    supply: int
    eligibility: str
    toggle: str
    mutable: bool
    active: bool
    image_uri: str = ""
    wearers: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return hat_path(self.id)

    @property
    def level(self) -> int:
        return hat_level(self.id)


class HatsClient:
    """opgov's view of one deployed Hats contract.

    Args:
        contract: the Hats contract instance (ape).
    """

    def __init__(self, contract: "ContractInstance"):
        self.contract = contract
        # what the org calls people (`opgov.describe.Names`); without it, addresses are said as they are
        self.names = None

    @property
    def address(self) -> str:
        return str(self.contract.address)

    def _who(self, address: str) -> str:
        """A person as the org names them (`erin (0x15d3…6A65)`), else the address."""
        return self.names.who(address) if self.names is not None else str(address)

    @classmethod
    def deploy(cls, sender: "AccountAPI", name: str = "opgov Hats", image_uri: str = "") -> "HatsClient":
        """Deploy a new Hats contract from `sender`."""
        return cls(sender.deploy(container("Hats"), name, image_uri))

    @classmethod
    def at(cls, address: str) -> "HatsClient":
        from opgov.reads import reader

        return cls(reader().instance("Hats", address))

    # ------------------------------------------------------------ views

    def view(self, hat: int) -> HatView:
        """One hat's settings and state (one call)."""
        details, max_supply, supply, elig, toggle, image, _last, mutable, active = self.contract.viewHat(hat)
        if max_supply == 0:  # every hat that exists, top hats too, has a max supply of at least 1
            raise HatsError(
                f"hat {hat_path(hat)} does not exist",
                "run `opgov hats tree` to see the hats that exist",
            )
        return HatView(hat, details, max_supply, supply, str(elig), str(toggle), mutable, active, image)

    def link_request(self, hat: int) -> int:
        """The hat that `hat`'s tree has asked to be linked under; 0 if no request is pending.

        While a request is pending, any admin of the requested hat can approve it,
        and its wearers then become admins of every hat in the tree.
        """
        return int(self.contract.linkedTreeRequests(hat >> DOMAIN_SHIFT))

    def is_wearer(self, who: str, hat: int) -> bool:
        return bool(self.contract.isWearerOfHat(who, hat))

    def is_admin(self, who: str, hat: int) -> bool:
        return bool(self.contract.isAdminOfHat(who, hat))

    def tree(self, top_hat: int) -> list[HatView]:
        """Every hat of a tree with its current wearers, in tree order.

        The hats and their candidate wearers come from the contract's events;
        who wears a hat *now* is read with `balanceOfBatch`, 255 hat-wearer pairs a call
        and every call in one Multicall3 call (an inactive hat or an ineligible wearer
        reads 0), never one call per hat.
        """
        top = top_hat_of(top_hat)
        domain = top >> DOMAIN_SHIFT
        hats: dict[int, HatView] = {}
        events = self._event_logs()
        for log in events("HatCreated"):
            hid = int(log.id)
            if hid >> DOMAIN_SHIFT != domain:
                continue
            hats[hid] = HatView(
                hid, log.details, int(log.maxSupply), 0, str(log.eligibility),
                str(log.toggle), bool(log.mutable_), True, log.imageURI,
            )
        if not hats:
            raise HatsError(
                f"there is no tree {domain} in the Hats contract at {self.address}",
                "create one with `opgov hats create --top-hat`",
            )
        self._apply_changes(hats, events)
        candidates: dict[int, set[str]] = defaultdict(set)
        for log in events("TransferSingle"):
            hid = int(log.id)
            receiver = str(log.receiver)  # Hats' `to`; `to` is a reserved word in Vyper
            if hid in hats and receiver != ZERO_ADDRESS:
                candidates[hid].add(receiver)
        pairs = [(w, hid) for hid, who in sorted(candidates.items()) for w in sorted(who)]
        wearing = wears_many(self.contract, pairs)
        for (who, hid), wears in zip(pairs, wearing):
            if wears is None:
                raise HatsError(f"the Hats contract at {self.address} refused to say who wears its hats",
                                "check that --hats names a Hats contract")
            if wears:
                hats[hid].wearers.append(who)
        for h in hats.values():
            h.supply = len(h.wearers)
        return [hats[k] for k in sorted(hats, key=lambda i: [int(p) for p in hat_path(i).split(".")])]

    def _event_logs(self):
        """The contract's events by name: one eth_getLogs for all of them (`opgov.reads`), or the
        contract's own event queries when it answers them itself (the dashboard's index)."""
        from ape.contracts import ContractInstance

        if not isinstance(self.contract, ContractInstance):
            return lambda name: getattr(self.contract, name).range(0, None)
        from opgov.reads import reader

        by_name: dict[str, list] = defaultdict(list)
        for log in reader().decoded_logs([self.contract]):
            by_name[log.event_name].append(log)
        return lambda name: by_name.get(name, [])

    def _apply_changes(self, hats: dict[int, HatView], events=None) -> None:
        """Fold the change* events into the views (later events win)."""
        changes = (
            ("HatDetailsChanged", "details", "newDetails"),
            ("HatMaxSupplyChanged", "max_supply", "newMaxSupply"),
            ("HatEligibilityChanged", "eligibility", "newEligibility"),
            ("HatToggleChanged", "toggle", "newToggle"),
            ("HatImageURIChanged", "image_uri", "newImageURI"),
            ("HatStatusChanged", "active", "newStatus"),
        )
        events = events or self._event_logs()
        for event, attr, arg in changes:
            for log in events(event):
                if int(log.hatId) in hats:
                    setattr(hats[int(log.hatId)], attr, log[arg])
        for log in events("HatMutabilityChanged"):
            if int(log.hatId) in hats:
                hats[int(log.hatId)].mutable = False

    # ------------------------------------------------------------ changes

    def create_tree(self, wearer: str, details: str, sender: "AccountAPI", image_uri: str = "") -> int:
        """Mint a new top hat to `wearer`; returns its id.

        Raises:
            HatsError: if the wearer is the zero address (Hats allows it; nobody could use the tree).
        """
        _check_wearer(wearer)
        check_texts(details, image_uri)
        receipt = _send(self.contract.mintTopHat, wearer, details, image_uri, sender=sender)
        return int(receipt.decode_logs(self.contract.HatCreated)[0].id)

    def create_hat(
        self,
        admin: int,
        details: str,
        sender: "AccountAPI",
        max_supply: int = MAX_SUPPLY,
        eligibility: str | None = None,
        toggle: str | None = None,
        mutable: bool = True,
        image_uri: str = "",
    ) -> int:
        """Create a hat under `admin`; returns its id.

        Hats Protocol refuses zero eligibility and toggle modules. When none is
        given, the sender is used for both: an account (not a contract) acts as
        a "humanistic" module that can push `setHatWearerStatus` and
        `setHatStatus`, and until it does every wearer is eligible and the hat
        active.

        Raises:
            HatsError: if the sender is not an admin of `admin` or the tree is full.
        """
        if not self.is_admin(sender.address, admin) and not self.is_wearer(sender.address, admin):
            raise HatsError(
                f"{self._who(sender.address)} cannot create hats under {hat_path(admin)}: it wears neither that hat nor an admin of it",
                "send from an account that wears the admin hat",
            )
        check_texts(details, image_uri)
        if hat_level(admin) >= MAX_LEVELS:
            raise HatsError(f"{hat_path(admin)} is at the deepest level (14)", "create the hat higher up")
        if not 0 < max_supply <= MAX_SUPPLY:
            raise HatsError(f"max supply {max_supply} is out of range", f"use 1 to {MAX_SUPPLY}")
        receipt = _send(
            self.contract.createHat, admin, details, max_supply, eligibility or sender.address,
            toggle or sender.address, mutable, image_uri, sender=sender,
        )
        return int(receipt.decode_logs(self.contract.HatCreated)[0].id)

    def mint(self, hat: int, wearer: str, sender: "AccountAPI") -> None:
        """Give `hat` to `wearer`.

        Raises:
            HatsError: if the sender is not an admin, the wearer already wears it,
                the hat is full or the wearer is not eligible.
        """
        view = self.view(hat)
        if not self.is_admin(sender.address, hat):
            raise HatsError(
                f"{self._who(sender.address)} is not an admin of hat {hat_path(hat)}",
                "mint from an account that wears one of its admin hats",
            )
        _check_wearer(wearer)
        if self.contract.balanceOf(wearer, hat):
            raise HatsError(f"{self._who(wearer)} already wears hat {hat_path(hat)}")
        if view.supply >= view.max_supply:
            raise HatsError(
                f"hat {hat_path(hat)} is full ({view.supply} of {view.max_supply} worn)",
                "raise its max supply with changeHatMaxSupply, or have a wearer renounce it",
            )
        if not self.contract.isEligible(wearer, hat):
            raise HatsError(
                f"{self._who(wearer)} is not eligible for hat {hat_path(hat)} (its eligibility module says no)",
                "ask the eligibility module's owner to make them eligible",
            )
        _send(self.contract.mintHat, hat, wearer, sender=sender)

    def transfer(self, hat: int, from_: str, to: str, sender: "AccountAPI") -> None:
        """Move `hat` from one wearer to another (mutable hats only, by an admin)."""
        _check_wearer(to)
        view = self.view(hat)
        if not view.mutable:
            raise HatsError(f"hat {hat_path(hat)} is immutable and cannot be transferred")
        if not self.is_admin(sender.address, hat):
            raise HatsError(
                f"{self._who(sender.address)} is not an admin of hat {hat_path(hat)}",
                "transfer from an account that wears one of its admin hats",
            )
        if not self.contract.balanceOf(from_, hat):
            raise HatsError(f"{from_} does not wear hat {hat_path(hat)}")
        if self.contract.balanceOf(to, hat):
            raise HatsError(f"{to} already wears hat {hat_path(hat)}")
        _send(self.contract.transferHat, hat, from_, to, sender=sender)

    def renounce(self, hat: int, sender: "AccountAPI") -> None:
        """Take off a hat the sender wears."""
        if not self.contract.balanceOf(sender.address, hat):
            raise HatsError(f"{self._who(sender.address)} does not wear hat {hat_path(hat)}", "nothing to renounce")
        _send(self.contract.renounceHat, hat, sender=sender)


def _check_wearer(wearer: str) -> None:
    """Refuse the zero address as a wearer: Hats (and Hats.vy) accept it, but nobody could use the hat."""
    if str(wearer).lower() == ZERO_ADDRESS:
        raise HatsError("cannot give a hat to the zero address: nobody could wear it", "name the wearer's address")


def check_texts(details: str, image_uri: str = "") -> None:
    """Refuse over-long texts before sending: Hats.vy's ABI decoder would refuse them without a reason.

    Lengths are counted in bytes of UTF-8, as the contract counts them.
    """
    for what, text in (("details", details), ("image URI", image_uri)):
        size = len(text.encode())
        if size > MAX_TEXT:
            raise HatsError(
                f"the hat's {what} is {size:,} bytes, above the {MAX_TEXT:,} a hat can hold",
                "shorten it, or link to a longer text",
            )


def wears_many(contract: Any, pairs: Sequence[tuple[str, int]]) -> list[bool | None]:
    """Whether each (wearer, hat) pair is worn, as `isWearerOfHat` would say (a hat's balance is
    1 exactly when it is worn): read 255 pairs a `balanceOfBatch` view (Hats.vy's bound), every
    view in one Multicall3 call (`opgov.reads`), never a view a pair. None for a pair whose
    view the contract refused."""
    from opgov.reads import Failed, reader

    groups = [pairs[start:start + BALANCE_BATCH] for start in range(0, len(pairs), BALANCE_BATCH)]
    answers = reader().views([(contract, "balanceOfBatch", ([w for w, _ in group], [h for _, h in group]))
                              for group in groups])
    out: list[bool | None] = []
    for group, balances in zip(groups, answers):
        out += [None] * len(group) if isinstance(balances, Failed) else [bool(b) for b in balances]
    return out


def describe_tree(hats: Iterable[HatView], names: dict[str, str] | None = None) -> list[str]:
    """The tree in plain words, one line a hat, indented by level."""
    names = names or {}
    lines = []
    for h in hats:
        who = ", ".join(sorted(names.get(w, w) for w in h.wearers)) or "nobody"
        state = "" if h.active else " [inactive]"
        cap = "" if h.max_supply == MAX_SUPPLY else f", {len(h.wearers)} of {h.max_supply}"
        lines.append(f"{'  ' * h.level}{h.path:<10} {h.details or '(no details)'}{state} — worn by {who}{cap}")
    return lines
