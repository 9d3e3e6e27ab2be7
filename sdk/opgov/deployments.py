"""What opgov deployed where: `deployments/<ecosystem>/<network>.json` in the org's folder.

The org's files live with the org, beside its org.yaml: this record, the Safe
transaction files (`safe-txs/`) and the indexer's database (`.opgov/index/`),
whatever the working directory or wherever opgov is installed. The org's folder
is the folder of the spec a command is given, else `OPGOV_ORG`, else the
nearest folder from the working directory up that holds an org.yaml, else the
working directory. Records kept where older versions put them (the package's
own `deployments/`, `./.opgov/safe-txs`) are still read, with a one-line notice.

Each record keeps the address, the deploying transaction, its block and the
hash of the code at the address, so a record that no longer matches the chain
(a restarted local node) is noticed instead of trusted. Writes are atomic (a
temporary file renamed into place), so a run cut off half-way never leaves a
broken file. The embedded chain starts empty on every run, so its records are
kept in memory only.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from eth_utils import keccak

from opgov.contracts import ROOT
from opgov.errors import DeploymentError

EPHEMERAL_PROVIDERS = {"test"}
SPEC_FILE = "org.yaml"
# names opgov records its own contracts under: no token symbol may take one
OWN_NAMES = {"Safe", "Hats", "BudgetStreams", "ConsentModule", "SignerGate", "MultiSendCallOnly", "TestToken",
             "SafeSingleton", "SafeProxyFactory"}
ORG_FOLDER: Path | None = None  # set by `use_org` when a command is given its spec
# where the SDK's notices go (the CLI prints them on stderr); the SDK itself never prints
NOTICE: Callable[[str], None] | None = None
_NOTICED: set[str] = set()


def use_org(spec_or_folder: str | Path | None) -> Path | None:
    """Work in this org's folder: the folder of its spec (or the folder itself)."""
    global ORG_FOLDER
    if spec_or_folder is None:
        ORG_FOLDER = None
        return None
    path = Path(spec_or_folder).expanduser()
    ORG_FOLDER = (path if path.is_dir() else path.parent).resolve()
    return ORG_FOLDER


def org_folder() -> Path:
    """The org's folder, where its org.yaml and its files are (see the module's notes)."""
    if ORG_FOLDER is not None:
        return ORG_FOLDER
    given = os.environ.get("OPGOV_ORG")
    if given:
        path = Path(given).expanduser()
        return (path if path.is_dir() or not path.suffix else path.parent).resolve()
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / SPEC_FILE).is_file():
            return folder
    return here


def deployments_folder() -> Path:
    """The folder of the org's deployments records (`OPGOV_DEPLOYMENTS` moves it)."""
    given = os.environ.get("OPGOV_DEPLOYMENTS")
    return Path(given) if given else org_folder() / "deployments"


def safe_txs_folder() -> Path:
    """The folder of the org's Safe transaction files."""
    return org_folder() / "safe-txs"


def index_folder() -> Path:
    """The folder of the indexer's databases (one per network)."""
    return org_folder() / ".opgov" / "index"


# where versions before the org's folder kept these (still read, never written)
OLD_DEPLOYMENTS = ROOT / "deployments"
OLD_SAFE_TXS = Path(".opgov") / "safe-txs"


def notice(text: str) -> None:
    """Tell the user something worth knowing once, through the CLI (the SDK never prints)."""
    if text in _NOTICED:
        return
    _NOTICED.add(text)
    if NOTICE is not None:
        NOTICE(text)


@dataclass
class Record:
    """One deployed contract."""

    address: str
    tx_hash: str
    block: int
    code_hash: str
    block_hash: str = ""  # the hash of `block`: a restarted or reorganised chain has another
    args: str = ""  # keccak of the constructor arguments opgov deployed it with ("" = not known)


def code_hash(address: str) -> str:
    from ape import chain

    from opgov.reads import current

    reader = current()
    if reader is not None:  # inside a read: every address's code is asked once, together
        return "0x" + reader.code_hashes([address])[address].hex()
    return "0x" + keccak(bytes(chain.provider.get_code(address))).hex()


class Deployments:
    """The deployments record of the connected network."""

    def __init__(
        self,
        path: Path | None,
        records: dict[str, Record] | None = None,
        pending: dict[str, dict] | None = None,
        org: dict | None = None,
        chain_id: int | None = None,
    ):
        self.path = path
        self.chain_id = chain_id  # the chain the file was written on
        self.records: dict[str, Record] = records or {}
        # deployments written ahead: sent (or about to be), not yet confirmed
        self.pending: dict[str, dict] = pending or {}
        # where the org's parts live: hat ids, stream ids (see opgov.deploy)
        self.org: dict = org or {}
        self._mtime: int | None = None  # the file's mtime when last read or written
        self._checked = False  # check_chain found it of this chain

    @classmethod
    def for_connected_network(cls, folder: Path | None = None) -> "Deployments":
        """Load the record for the network ape is connected to."""
        from ape import networks

        provider = networks.provider
        if provider.name in EPHEMERAL_PROVIDERS:
            return _MEMORY.setdefault(id(provider), cls(None))
        name = Path(provider.network.ecosystem.name) / f"{provider.network.name}.json"
        path = (folder or deployments_folder()) / name
        old = OLD_DEPLOYMENTS / name
        if folder is None and not path.exists() and old.exists() and old.resolve() != path.resolve():
            # an org deployed by an older opgov: read where it was, write beside org.yaml from now on
            notice(f"read the deployments record from {old} (where older opgov kept it); "
                   f"it is written to {path} from now on")
            record = _FILES.get(path) or cls.read(old)
            record.path = path
            _FILES[path] = record
            return record
        # one record object per file in a process, so that every part of opgov writes
        # through the same object and no one's update is lost; read again if another
        # process changed the file since
        mtime = path.stat().st_mtime_ns if path.exists() else None
        cached = _FILES.get(path)
        if cached is not None and cached._mtime == mtime:
            return cached
        record = cls.read(path)
        _FILES[path] = record
        return record

    @classmethod
    def read(cls, path: Path) -> "Deployments":
        """The record in the file at `path` (empty if there is none yet)."""
        if not path.exists():
            return cls(path)
        data = json.loads(path.read_text())
        records = {k: Record(**v) for k, v in data.get("contracts", {}).items()}
        record = cls(path, records, data.get("pending", {}), data.get("org", {}), data.get("chain_id"))
        record._mtime = path.stat().st_mtime_ns
        return record

    def get(self, name: str) -> str | None:
        """The address of `name` if it is recorded and still on this chain.

        A local node restarted (or a chain reorganised) can hold the same code
        at the same address, since local deployments are deterministic; the
        recorded block's hash tells that chain from the one the record was made on.
        """
        record = self.records.get(name)
        if record is None or code_hash(record.address) != record.code_hash:
            return None
        if record.block_hash and not self._read_checked() and not _still_on_chain(record):
            return None
        return record.address

    def check_chain(self) -> None:
        """Refuse a record written on another chain than the connected one.

        A local node restarted without its state starts a new chain at the same
        addresses; the record's block hashes tell. (The embedded chain's record
        lives in memory and is never of another chain.)

        Raises:
            DeploymentError: naming the file, what differs and what to do.
        """
        from opgov.reads import current

        reader = current()
        if self.path is None or (self._checked and (reader is None or reader.checked.get(id(self)))):
            return
        why = self._other_chain()
        if why:
            raise DeploymentError(
                f"{self.path} records another chain than this node's ({why}: was the node restarted "
                "without its state?)",
                f"move it aside (`mv {self.path} {self.path}.old`) and deploy again, or connect to the "
                "node it was made on",
            )
        self._checked = True

    def _read_checked(self) -> bool:
        """Whether `check_chain` found the record of this chain in the read under way."""
        from opgov.reads import current

        reader = current()
        return reader is not None and reader.checked.get(id(self), False)

    def _other_chain(self) -> str | None:
        from ape import chain

        from opgov.reads import current

        if self.chain_id is not None and int(self.chain_id) != int(chain.chain_id):
            return f"it was written on chain id {self.chain_id}, this is {chain.chain_id}"
        reader = current()
        if reader is not None:
            return self._other_chain_read(reader)
        height = int(chain.blocks.height)
        for name, record in sorted(self.records.items()):
            if record.block > height:
                return f"{name} was recorded at block {record.block}, and this chain has {height} blocks"
            if record.block_hash and not _still_on_chain(record):
                return f"block {record.block}, where {name} was recorded, has another hash"
            if code_hash(record.address) != record.code_hash:
                return f"{name} is no longer at {record.address}"
        return None

    def _other_chain_read(self, reader) -> str | None:
        """`_other_chain` in one or two requests: only the newest recorded block's hash (a
        block's hash commits to every block before it, and `check_chain` never lets a record
        of one chain be extended on another), and the code hashes of what that hash does
        not vouch for, in one call.

        A contract recorded at or before that block, on the chain that block is on, still
        has the code recorded: code never changes at an address, and none of the contracts
        opgov deploys can destroy itself. Those code hashes are handed to the reader as
        read, so that `get` does not ask them again."""
        height = int(reader.head()["number"], 16)
        for name, record in sorted(self.records.items()):
            if record.block > height:
                return f"{name} was recorded at block {record.block}, and this chain has {height} blocks"
        dated = [r for r in self.records.values() if r.block_hash]
        vouched: set[str] = set()
        if dated:
            newest = max(dated, key=lambda r: r.block)
            block = reader.block(newest.block)
            if block is None or block["hash"].lower() != newest.block_hash.lower():
                name = next(k for k, v in self.records.items() if v is newest)
                return f"block {newest.block}, where {name} was recorded, has another hash"
            vouched = {r.address for r in self.records.values() if r.block <= newest.block}
            reader.know_code_hashes({r.address: bytes.fromhex(r.code_hash[2:]) for r in self.records.values()
                                     if r.address in vouched and r.code_hash.startswith("0x")})
        hashes = reader.code_hashes([r.address for r in self.records.values()])
        for name, record in sorted(self.records.items()):
            if "0x" + hashes[record.address].hex() != record.code_hash:
                return f"{name} is no longer at {record.address}"
        reader.checked[id(self)] = True
        return None

    def record(self, name: str, address: str, tx_hash: str | None = None, args: str = "") -> None:
        """Record a deployment (and the transaction that made it) and save the file at once."""
        from ape import chain

        block = int(chain.get_receipt(tx_hash).block_number) if tx_hash else int(chain.blocks.height)
        self.records[name] = Record(
            address=str(address), tx_hash=str(tx_hash or ""), block=block, code_hash=code_hash(address),
            block_hash=_block_hash(block), args=args,
        )
        self.pending.pop(name, None)
        self.save()

    def write_ahead(self, name: str, address: str, sender: str, nonce: int, args: str = "") -> None:
        """Note a deployment before it is sent, so a run cut off after sending finds it."""
        self.pending[name] = {"address": str(address), "sender": str(sender), "nonce": int(nonce), "args": args}
        self.save()

    def alias(self, name: str, of: str) -> None:
        """Record `of`'s contract under a second name too (a test token under its symbol)."""
        if name == of or of not in self.records or name in OWN_NAMES:
            return
        if self.records.get(name) != self.records[of]:
            self.records[name] = Record(**asdict(self.records[of]))
            self.save()

    def record_instance(self, name: str, instance, args: str = "") -> None:
        """Record a contract instance that ape deployed in this session."""
        self.record(name, str(instance.address), getattr(instance, "txn_hash", None), args)

    def save(self) -> None:
        if self.path is None:
            return
        from ape import chain

        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {
            "chain_id": chain.chain_id,
            "contracts": {k: asdict(v) for k, v in sorted(self.records.items())},
            "org": self.org,
        }
        if self.pending:
            body["pending"] = self.pending
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".", suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(body, f, indent=2)
            f.write("\n")
        os.replace(tmp, self.path)
        self.chain_id = chain.chain_id
        self._mtime = self.path.stat().st_mtime_ns


def _block_hash(number: int) -> str:
    from ape import chain

    from opgov.reads import current

    reader = current()
    if reader is not None:
        block = reader.block(number)
        return block["hash"] if block else ""

    return "0x" + bytes(chain.blocks[number].hash).hex()


def _still_on_chain(record: Record) -> bool:
    """Whether the block a record was made in is still this chain's block at that height."""
    from ape import chain

    from opgov.reads import current

    reader = current()
    height = int(reader.head()["number"], 16) if reader is not None else chain.blocks.height
    if record.block > height:
        return False
    try:
        return _block_hash(record.block).lower() == record.block_hash.lower()
    except Exception:  # a node restarted from saved state may keep no old blocks: the code hash must do
        return True


_MEMORY: dict[int, Deployments] = {}
_FILES: dict[Path, Deployments] = {}
