"""What opgov deployed where: `deployments/<ecosystem>/<network>.json`.

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

from eth_utils import keccak

from opgov.contracts import ROOT

EPHEMERAL_PROVIDERS = {"test"}


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

    return "0x" + keccak(bytes(chain.provider.get_code(address))).hex()


class Deployments:
    """The deployments record of the connected network."""

    def __init__(
        self,
        path: Path | None,
        records: dict[str, Record] | None = None,
        pending: dict[str, dict] | None = None,
        org: dict | None = None,
    ):
        self.path = path
        self.records: dict[str, Record] = records or {}
        # deployments written ahead: sent (or about to be), not yet confirmed
        self.pending: dict[str, dict] = pending or {}
        # where the org's parts live: hat ids, stream ids (see opgov.deploy)
        self.org: dict = org or {}
        self._mtime: int | None = None  # the file's mtime when last read or written

    @classmethod
    def for_connected_network(cls, folder: Path | None = None) -> "Deployments":
        """Load the record for the network ape is connected to."""
        from ape import networks

        provider = networks.provider
        if provider.name in EPHEMERAL_PROVIDERS:
            return _MEMORY.setdefault(id(provider), cls(None))
        # OPGOV_DEPLOYMENTS moves the record (tests, or an org kept in its own repository)
        folder = folder or Path(os.environ.get("OPGOV_DEPLOYMENTS", ROOT / "deployments"))
        path = folder / provider.network.ecosystem.name / f"{provider.network.name}.json"
        # one record object per file in a process, so that every part of opgov writes
        # through the same object and no one's update is lost; read again if another
        # process changed the file since
        mtime = path.stat().st_mtime_ns if path.exists() else None
        cached = _FILES.get(path)
        if cached is not None and cached._mtime == mtime:
            return cached
        if mtime is None:
            record = cls(path)
        else:
            data = json.loads(path.read_text())
            records = {k: Record(**v) for k, v in data.get("contracts", {}).items()}
            record = cls(path, records, data.get("pending", {}), data.get("org", {}))
        record._mtime = mtime
        _FILES[path] = record
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
        if record.block_hash and not _still_on_chain(record):
            return None
        return record.address

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
        self._mtime = self.path.stat().st_mtime_ns


def _block_hash(number: int) -> str:
    from ape import chain

    return "0x" + bytes(chain.blocks[number].hash).hex()


def _still_on_chain(record: Record) -> bool:
    """Whether the block a record was made in is still this chain's block at that height."""
    from ape import chain

    if record.block > chain.blocks.height:
        return False
    try:
        return _block_hash(record.block) == record.block_hash
    except Exception:  # a node restarted from saved state may keep no old blocks: the code hash must do
        return True


_MEMORY: dict[int, Deployments] = {}
_FILES: dict[Path, Deployments] = {}
