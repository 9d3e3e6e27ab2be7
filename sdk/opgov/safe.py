"""The Safe (v1.4.1) on a chain: deploy it, build transactions from plain intents,
explain them, sign, approve, check and execute them.

Hashing, signature encoding and the transaction file format are in
`opgov.safe_tx` and need no node; this module adds what needs the chain: the
owners, threshold and nonce, on-chain approvals, token names, and sending.

On local chains opgov deploys the real Safe v1.4.1 singleton, proxy factory
and MultiSendCallOnly from the compiled artifacts safe-eth-py ships (once per
chain, kept in the deployments record); on live networks it uses the canonical
v1.4.1 deployments.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import keccak

from opgov.chain import send
from opgov.errors import DeploymentError, SafeError, TransactionReverted
from opgov.safe_tx import (
    APPROVED_HASH,
    CALL,
    DELEGATECALL,
    SAFE_VERSION,
    ZERO_ADDRESS,
    Call,
    Confirmation,
    PendingTx,
    SafeTx,
    approved_hash_signature,
    check_order,
    checksum,
    encode_multisend,
    encode_signatures,
    hex0x,
    rsv,
    sign_with_key,
    split_signatures,
    to_bytes,
)
from opgov.units import to_base_units

if TYPE_CHECKING:
    from ape.api import AccountAPI, ReceiptAPI
    from ape.contracts import ContractContainer, ContractInstance

    from opgov.describe import Names

ARTIFACTS = {
    "SafeSingleton": "Safe_V1_4_1",
    "SafeProxyFactory": "ProxyFactory_V1_4_1",
    "MultiSendCallOnly": "MultiSendCallOnly_V1_4_1",
}
# the canonical Safe v1.4.1 deployments (the same address on every chain that has them)
CANONICAL = {
    "SafeSingleton": "0x41675C099F32341bf84BFc5382aF534df5C7461a",
    "SafeProxyFactory": "0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67",
    "MultiSendCallOnly": "0x9641d764fc13c8B624c04430C7356C1C7C8102e2",
}
LOCAL_CHAIN_IDS = {31337, 1337}
SENTINEL = "0x0000000000000000000000000000000000000001"
GUARD_SLOT = int.from_bytes(keccak(text="guard_manager.guard.address"), "big")

# the Safe's revert codes that a checked transaction can still meet, in plain words
SAFE_ERRORS = {
    "GS013": "the call inside the Safe transaction failed",
    "GS020": "too few signatures for the threshold",
    "GS025": "an approved-hash signature has no approval on-chain",
    "GS026": "a signature is not from an owner, or the signatures are out of order",
    "GS010": "the Safe has too little ETH for the gas refund",
}

# ---------------------------------------------------------------- contracts


def _artifact(name: str) -> dict:
    import safe_eth.eth.contracts

    folder = Path(safe_eth.eth.contracts.__file__).parent / "abis"
    return json.loads((folder / f"{name}.json").read_text())


@cache
def artifact_container(name: str) -> "ContractContainer":
    """A Safe v1.4.1 contract (SafeSingleton, SafeProxyFactory or MultiSendCallOnly) as ape knows it."""
    from ape.contracts import ContractContainer
    from ethpm_types import ContractType

    art = _artifact(ARTIFACTS[name])
    return ContractContainer(
        ContractType.model_validate(
            {
                "contractName": name,
                "abi": art["abi"],
                "deploymentBytecode": {"bytecode": art["bytecode"]},
                "runtimeBytecode": {"bytecode": art["deployedBytecode"]},
            }
        )
    )


def connected_chain_id() -> int:
    """The chain id the node reports (ape's ad-hoc node provider can report a configured one)."""
    from ape import chain

    provider = chain.provider
    web3 = getattr(provider, "web3", None)
    return int(web3.eth.chain_id) if web3 is not None else int(chain.chain_id)


def on_local_chain() -> bool:
    from ape import chain

    return chain.provider.network.name == "local" or connected_chain_id() in LOCAL_CHAIN_IDS


def has_code(address: str) -> bool:
    from ape import chain

    return len(bytes(chain.provider.get_code(address))) > 0


@dataclass
class SafeContracts:
    """The Safe v1.4.1 singleton, proxy factory and MultiSendCallOnly on the connected chain."""

    singleton: "ContractInstance"
    factory: "ContractInstance"
    multisend: "ContractInstance"


def safe_contracts(deployer: "AccountAPI | None" = None) -> SafeContracts:
    """The Safe contracts of the connected chain, deploying them on a local chain if need be.

    Args:
        deployer: who deploys them on a local chain the first time (not needed after,
            nor on live networks).

    Raises:
        DeploymentError: if a live network has no canonical Safe v1.4.1, or a
            local chain has none and no deployer was given.
    """
    from opgov.deployments import Deployments

    record = Deployments.for_connected_network()
    found = {}
    local = on_local_chain()
    for name in ARTIFACTS:
        address = record.get(name)
        if address is None and not local:
            address = CANONICAL[name]
            if not has_code(address):
                raise DeploymentError(
                    f"this network has no Safe v1.4.1 {name} at its canonical address {address}",
                    "use a network where Safe is deployed, or deploy Safe's contracts there with Safe's own tools",
                )
        if address is None:
            if deployer is None:
                raise DeploymentError(
                    f"the Safe v1.4.1 {name} is not deployed on this local chain",
                    "deploy it with `opgov safe create` (or pass a deployer)",
                )
            instance = deployer.deploy(artifact_container(name))
            record.record_instance(name, instance)
            address = instance.address
        from opgov.reads import current

        reader = current()  # inside a read: made without asking the node again
        found[name] = reader.instance(name, address) if reader is not None else artifact_container(name).at(address)
    return SafeContracts(found["SafeSingleton"], found["SafeProxyFactory"], found["MultiSendCallOnly"])


def create_safe(owners: Iterable[str], threshold: int, sender: "AccountAPI", salt: int | None = None) -> "Safe":
    """Deploy a new Safe v1.4.1 proxy with these owners and threshold.

    Raises:
        SafeError: if the owners or threshold cannot make a Safe.
    """
    owners = [checksum(o, "owner") for o in owners]
    if not owners:
        raise SafeError("a Safe needs at least one owner", "pass --owner once per owner")
    if len(set(owners)) != len(owners):
        raise SafeError("an owner is listed twice", "list each owner once")
    if not 1 <= threshold <= len(owners):
        raise SafeError(f"threshold {threshold} is out of range for {len(owners)} owners", f"use 1 to {len(owners)}")
    contracts = safe_contracts(sender)
    setup = contracts.singleton.setup.encode_input(
        owners, threshold, ZERO_ADDRESS, b"", ZERO_ADDRESS, ZERO_ADDRESS, 0, ZERO_ADDRESS
    )
    receipt = send(
        contracts.factory.createProxyWithNonce, contracts.singleton.address, setup,
        salt if salt is not None else secrets.randbits(256), sender=sender,
    )
    proxy = receipt.decode_logs(contracts.factory.ProxyCreation)[0].proxy
    return Safe.at(proxy)


# ---------------------------------------------------------------- intents


ETH_THERE_IS = 10**9 * 10**18  # more wei than all the ETH there is (about 1.2 * 10^8 ETH)


def base_units(amount: str | Decimal | int, decimals: int, symbol: str) -> int:
    """An amount in token units as base units, refusing what no token or chain can hold.

    Raises:
        SafeError: if it is not a plain number, has too many decimals, or does
            not fit in 256 bits.
    """
    from decimal import InvalidOperation, localcontext

    from opgov.errors import UnitsError

    text = str(amount).strip()
    try:
        with localcontext() as ctx:
            ctx.prec = 200  # room for any 256-bit amount, so none is rounded without a word
            base = to_base_units(text, decimals)
    except UnitsError as err:
        raise SafeError(err.message, err.hint) from err
    except (InvalidOperation, OverflowError, ValueError) as err:
        raise SafeError(f"cannot read {text!r} as an amount of {symbol}", "write a number like 1500 or 12.5") from err
    if base >= 2**256:
        raise SafeError(f"{text} {symbol} is more than any token or chain can hold", "check the amount")
    return base


def eth_transfer(to: str, amount: str | Decimal | int) -> Call:
    """Send `amount` ETH (in ETH, e.g. "1.5") to `to`.

    Raises:
        SafeError: if the amount cannot be read or is more ETH than there is.
    """
    wei = base_units(amount, 18, "ETH")
    if wei > ETH_THERE_IS:
        raise SafeError(f"{amount} ETH is more ETH than there is", "check the amount")
    return Call(to, wei)


@dataclass(frozen=True)
class TokenInfo:
    symbol: str
    decimals: int


def token_info(token: str) -> TokenInfo:
    """A token's symbol and decimals, read from the token.

    Raises:
        SafeError: if the address is not an ERC-20 token.
    """
    from ape import chain

    address = checksum(token, "token")
    if not has_code(address):
        raise SafeError(f"{address} is not a contract, so it is not an ERC-20 token", "check the token address")
    try:
        raw_decimals = chain.provider.send_call(_call_tx(address, keccak(text="decimals()")[:4]))
        decimals = abi_decode(["uint8"], bytes(raw_decimals))[0]
    except Exception as err:
        raise SafeError(f"{address} has no decimals(), so it is not an ERC-20 token", "check the token address") from err
    try:
        raw_symbol = bytes(chain.provider.send_call(_call_tx(address, keccak(text="symbol()")[:4])))
        symbol = abi_decode(["string"], raw_symbol)[0]
    except Exception:  # some tokens return bytes32 or nothing; the address still names them
        symbol = f"tokens of {address}"
    return TokenInfo(symbol, int(decimals))


def _call_tx(to: str, data: bytes):
    from ape import chain

    return chain.provider.network.ecosystem.create_transaction(receiver=to, data=data)


def token_transfer(token: str, to: str, amount: str | Decimal | int) -> Call:
    """Transfer `amount` of a token, in token units (e.g. "1500" USDC), to `to`.

    Raises:
        SafeError: if the token is not an ERC-20, or the amount cannot be read
            or is more than the token's total supply.
    """
    info = token_info(token)
    base = base_units(amount, info.decimals, info.symbol)
    supply = _total_supply(token)
    if supply is not None and base > supply:
        from opgov.describe import Token, amount_text

        raise SafeError(
            f"{amount} {info.symbol} is more than all the {info.symbol} there is "
            f"(its total supply is {amount_text(supply, Token(info.symbol, info.decimals))})",
            "check the amount",
        )
    data = keccak(text="transfer(address,uint256)")[:4] + abi_encode(["address", "uint256"], [checksum(to), base])
    return Call(token, 0, data)


def _total_supply(token: str) -> int | None:
    from ape import chain

    try:
        raw = chain.provider.send_call(_call_tx(checksum(token), keccak(text="totalSupply()")[:4]))
        return int(abi_decode(["uint256"], bytes(raw))[0])
    except Exception:  # a token without totalSupply(): the amount is still checked to fit 256 bits
        return None


def contract_call(target: Any, function: str, *args: Any, value: int = 0) -> Call:
    """Call a contract function by name.

    Args:
        target: an ape contract instance (its ABI encodes the call), or an
            address with `function` as a signature such as "setFee(uint256)".
        function: the function name, or its signature.
        args: the arguments; with a signature, text is read by type
            (numbers, true/false, addresses, 0x-hex bytes).
        value: wei to send with the call.

    Raises:
        SafeError: if the function or its arguments do not fit.
    """
    if hasattr(target, "contract_type"):
        name = function.split("(")[0]
        handler = getattr(target, name, None)
        if handler is None or not hasattr(handler, "encode_input"):
            raise SafeError(f"the contract at {target.address} has no function {name!r}", "check its ABI")
        try:
            data = bytes(handler.encode_input(*args))
        except Exception as err:
            raise SafeError(f"the arguments do not fit {name}: {err}", "check their number and types") from err
        return Call(str(target.address), value, data)
    if "(" not in function or not function.endswith(")"):
        raise SafeError(f"{function!r} is not a function signature", "write it like setFee(uint256)")
    types = [t.strip() for t in function[function.index("(") + 1 : -1].split(",") if t.strip()]
    if len(types) != len(args):
        raise SafeError(f"{function} takes {len(types)} arguments, {len(args)} given")
    try:
        values = [_read_arg(t, a) for t, a in zip(types, args)]
        data = keccak(text=function.replace(" ", ""))[:4] + abi_encode(types, values)
    except SafeError:
        raise
    except Exception as err:
        raise SafeError(f"the arguments do not fit {function}: {err}", "check their types") from err
    return Call(target, value, data)


def _read_arg(kind: str, arg: Any) -> Any:
    if not isinstance(arg, str):
        return arg
    if kind.startswith(("uint", "int")):
        return int(arg, 0)
    if kind == "bool":
        if arg.lower() not in ("true", "false"):
            raise SafeError(f"{arg!r} is not true or false")
        return arg.lower() == "true"
    if kind == "address":
        return checksum(arg)
    if kind.startswith("bytes"):
        return to_bytes(arg, "argument")
    return arg


# ---------------------------------------------------------------- explaining


def describe_call(call: Call, safe: str | None = None, online: bool = True, names: "Names | None" = None) -> str:
    """One call in plain words (see `opgov.describe`), with the org's names and token units.

    Args:
        call: the call.
        safe: the Safe that makes it.
        online: read names, tokens and proposals from the connected chain.
        names: what is known about the org (default: gathered for `safe`).
    """
    from opgov.describe import describe_call as describe

    if names is None:
        names = _names_for(safe, None, online)
    described = describe(call, names)
    return described.text + "".join(f" (warning: {w})" for w in described.warnings)


def _names_for(safe: str | None, chain_id: int | None, online: bool, spec: Any = None) -> "Names":
    from opgov.describe import Names
    from opgov.naming import ChainLookup, offline_names, online_names

    if safe is None and online:  # no org to name things after: the chain still knows tokens
        names = Names(lookup=ChainLookup())
        names.lookup.names = names
        return names
    if safe is None:
        return Names()
    if online:
        return online_names(checksum(safe), spec)
    return offline_names(checksum(safe), chain_id or 0, spec) if chain_id else Names(safe=safe)


def transaction_names(tx: SafeTx, online: bool = True, spec: Any = None) -> "Names":
    """What is known about the org a transaction belongs to: org.yaml's names, the record's, the chain's."""
    return _names_for(tx.safe, tx.chain_id, online, spec)


def hash_lines(tx: SafeTx) -> list[str]:
    """The safeTxHash and the two EIP-712 hashes it is made of, as a hardware wallet shows them."""
    return [
        f"safeTxHash   {hex0x(tx.hash)}",
        f"domain hash  {hex0x(tx.domain_separator)}  (EIP-712 domain: chain {tx.chain_id}, Safe {tx.safe})",
        f"message hash {hex0x(tx.struct_hash)}  (the SafeTx fields)",
    ]


def explain(tx: SafeTx, online: bool = True, names: "Names | None" = None, spec: Any = None,
            hashes: bool = False) -> list[str]:
    """The transaction in plain words, one line each, to read before signing.

    The first line names the Safe, chain and nonce, then comes the safeTxHash
    (with `hashes`, also the EIP-712 domain and message hashes), then what
    the transaction does, then a `warning:` line for each thing to check.

    Args:
        tx: the transaction.
        online: read token symbols and decimals, hat names, streams and proposals from the chain.
        names: what is known about the org (default: gathered from the record, the chain and `spec`).
        spec: the org spec (org.yaml), for the names of people, cells and roles.
        hashes: show the domain and message hashes beside the safeTxHash.
    """
    from opgov.describe import description_lines

    if names is None:
        names = transaction_names(tx, online, spec)
    head = [f"Safe {tx.safe} on chain {tx.chain_id}, nonce {tx.nonce}"]
    head += hash_lines(tx) if hashes else [f"safeTxHash {hex0x(tx.hash)}"]
    body = description_lines(tx, names)
    return head + [line if line.startswith("warning:") else f"  {line}" for line in body]


# ---------------------------------------------------------------- signing


def sign(tx: SafeTx, signer: Any) -> Confirmation:
    """Sign a Safe transaction offline (no node needed).

    Args:
        tx: the transaction.
        signer: an ape account (test, keystore, or any account plugin such as a
            hardware wallet: it is asked to sign the EIP-712 SafeTx message, and
            accounts that cannot sign EIP-712 are asked for a raw-hash signature),
            or an eth-account LocalAccount or private key.

    Raises:
        SafeError: if the signer declines or its signature is not for its address.
    """
    from ape.api import AccountAPI

    if not isinstance(signer, AccountAPI):
        return sign_with_key(tx, signer)
    from ape.exceptions import APINotImplementedError
    from eip712.common import create_safe_tx_def

    message = create_safe_tx_def(version=SAFE_VERSION, contract_address=tx.safe, chain_id=tx.chain_id)(
        to=tx.to, value=tx.value, data=tx.data, operation=tx.operation, safeTxGas=tx.safe_tx_gas,
        baseGas=tx.base_gas, gasPrice=tx.gas_price, gasToken=tx.gas_token,
        refundReceiver=tx.refund_receiver, nonce=tx.nonce,
    )
    try:
        signature = signer.sign_message(message)
    except (APINotImplementedError, NotImplementedError):
        signature = None
        if hasattr(signer, "sign_raw_msghash"):
            signature = signer.sign_raw_msghash(tx.hash)
    if signature is None:
        raise SafeError(
            f"{signer.address} did not sign (it declined, or this account type cannot sign EIP-712 messages)",
            "try again and confirm, or sign with another account",
        )
    confirmation = Confirmation(signer.address, rsv(signature.r, signature.s, signature.v))
    try:
        confirmation.verify(tx.hash)
    except SafeError as err:
        raise SafeError(
            f"the signature {signer.address} returned is not its signature of this transaction",
            "the account plugin signed something else; do not use it for this Safe",
        ) from err
    return confirmation


# ---------------------------------------------------------------- the Safe


@dataclass
class Status:
    """Who has confirmed a transaction and what is missing, as the chain sees it now."""

    threshold: int
    owners: list[str]
    signed: list[str]
    approved_on_chain: list[str]
    not_owners: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(set(self.signed) | set(self.approved_on_chain))

    @property
    def ready(self) -> bool:
        return self.count >= self.threshold and not self.not_owners

    @property
    def waiting_for(self) -> list[str]:
        done = set(self.signed) | set(self.approved_on_chain)
        return [o for o in self.owners if o not in done]


class Safe:
    """opgov's view of one deployed Safe v1.4.1.

    Args:
        contract: the Safe proxy as an ape contract instance.
    """

    def __init__(self, contract: "ContractInstance"):
        self.contract = contract

    @classmethod
    def at(cls, address: str) -> "Safe":
        """Attach to a Safe, checking there is a Safe v1.4.1 at the address.

        Raises:
            SafeError: if there is no contract there or it is not a Safe v1.4.1.
        """
        address = checksum(address, "Safe")
        if not has_code(address):
            raise SafeError(f"there is no contract at {address} on this network", "check the Safe's address and --network")
        contract = artifact_container("SafeSingleton").at(address)
        try:
            version = contract.VERSION()
        except Exception as err:
            raise SafeError(f"{address} is not a Safe (it has no VERSION())", "check the address") from err
        if version != SAFE_VERSION:
            raise SafeError(f"{address} is a Safe v{version}; opgov works with v{SAFE_VERSION}", "upgrade the Safe")
        return cls(contract)

    @property
    def address(self) -> str:
        return str(self.contract.address)

    @property
    def chain_id(self) -> int:
        return connected_chain_id()

    def owners(self) -> list[str]:
        return [str(o) for o in self.contract.getOwners()]

    def threshold(self) -> int:
        return int(self.contract.getThreshold())

    def nonce(self) -> int:
        return int(self.contract.call_view_method("nonce"))  # `.nonce` is the address nonce in ape

    def modules(self) -> list[str]:
        modules, _next = self.contract.getModulesPaginated(SENTINEL, 50)
        return [str(m) for m in modules]

    def guard(self) -> str:
        from ape import chain

        raw = bytes(chain.provider.get_storage(self.address, GUARD_SLOT))
        return checksum("0x" + raw[-20:].hex())

    def balance(self) -> int:
        from ape import chain

        return int(chain.provider.get_balance(self.address))

    # ------------------------------------------------------------ building

    def build(self, calls: Iterable[Call], nonce: int | None = None) -> SafeTx:
        """A Safe transaction making these calls: one call as itself, several as a MultiSendCallOnly batch.

        Args:
            calls: the calls, in order (a batch runs all or none).
            nonce: the Safe nonce to use (default: the next one).

        Raises:
            SafeError: if there are no calls or the nonce is already used.
        """
        calls = list(calls)
        if not calls:
            raise SafeError("a Safe transaction needs at least one call", "say what it should do")
        current = self.nonce()
        nonce = current if nonce is None else int(nonce)
        if nonce < current:
            raise SafeError(f"nonce {nonce} is already used (the Safe is at nonce {current})", f"use {current} or later")
        if len(calls) == 1:
            c = calls[0]
            return SafeTx(self.address, self.chain_id, c.to, c.value, c.data, CALL, nonce)
        multisend = safe_contracts().multisend.address
        return SafeTx(self.address, self.chain_id, multisend, 0, encode_multisend(calls), DELEGATECALL, nonce)

    def propose(self, calls: Iterable[Call], nonce: int | None = None, names: "Names | None" = None) -> PendingTx:
        """A new transaction file for these calls, with no confirmations yet and what it does in plain words.

        Args:
            calls: the calls, in order.
            nonce: the Safe nonce to use (default: the next one).
            names: what is known about the org, for the description (default: the record's and the chain's).
        """
        from opgov.describe import description_lines

        tx = self.build(calls, nonce)
        described = description_lines(tx, names or transaction_names(tx))
        return PendingTx(tx, confirmations_required=self.threshold(), description=described)

    # ------------------------------------------------------------ confirmations on-chain

    def approvals_on_chain(self, safe_tx_hash: bytes) -> list[str]:
        """The owners who approved the hash with approveHash."""
        return [o for o in self.owners() if self.contract.approvedHashes(o, safe_tx_hash) > 0]

    def approve(self, pending: PendingTx, sender: "AccountAPI") -> "ReceiptAPI":
        """Approve the transaction on-chain (approveHash) from an owner.

        Raises:
            SafeError: if the file does not fit this Safe, or the sender is not
                an owner or already approved.
        """
        self.check_fits(pending)
        if sender.address not in self.owners():
            raise SafeError(
                f"{sender.address} is not an owner of the Safe {self.address}",
                "approve from an owner's account (see `opgov safe signers`)",
            )
        if self.contract.approvedHashes(sender.address, pending.hash) > 0:
            raise SafeError(f"{sender.address} already approved {pending.hash_hex} on-chain", "nothing to do")
        return send(self.contract.approveHash, pending.hash, sender=sender)

    def status(self, pending: PendingTx) -> Status:
        """Who has signed (valid signatures from current owners), who approved on-chain, and the threshold."""
        owners = self.owners()
        signed, not_owners = [], []
        for c in pending.confirmations.values():
            if c.owner not in owners:
                not_owners.append(c.owner)
            elif c.signature_type != APPROVED_HASH:
                signed.append(c.owner)
        on_chain = self.approvals_on_chain(pending.hash)
        return Status(self.threshold(), owners, signed, on_chain, not_owners)

    # ------------------------------------------------------------ checking and executing

    def check_fits(self, pending: PendingTx) -> None:
        """Check a transaction file is for this Safe, this chain and a nonce not yet used.

        Raises:
            SafeError: naming which of the three does not fit.
        """
        tx = pending.tx
        if tx.safe != self.address:
            raise SafeError(
                f"the file is for another Safe ({tx.safe}), not {self.address}",
                "use the file with its own Safe (--safe), or get the file for this one",
            )
        if tx.chain_id != self.chain_id:
            raise SafeError(
                f"the file is for chain {tx.chain_id}, but this network is chain {self.chain_id}",
                "connect to the file's network with --network",
            )
        current = self.nonce()
        if tx.nonce < current:
            raise SafeError(
                f"stale file: nonce {tx.nonce} was already used (the Safe is at nonce {current})",
                "that transaction was executed or replaced; propose it again if it is still wanted",
            )

    def check(self, pending: PendingTx, sender: str | None = None, raw: bool = False) -> bytes:
        """Check a transaction can be executed now, before anything is sent; returns the signatures to send.

        Args:
            pending: the transaction and its confirmations.
            sender: who will send it (an owner's own approval counts, as in the Safe).
            raw: send the file's `signatures` bytes as given instead of the confirmations.

        Raises:
            SafeError: with one line saying which check failed and why: another
                Safe, chain or nonce; a hash the Safe does not compute; a
                signature from a non-owner; an approval missing on-chain;
                signatures out of order; too few signatures.
        """
        self.check_fits(pending)
        tx = pending.tx
        current = self.nonce()
        if tx.nonce > current:
            raise SafeError(
                f"nonce {tx.nonce} is not next: the Safe is at nonce {current}",
                f"execute nonce {current} first",
            )
        if bytes(self.contract.getTransactionHash(*tx.exec_args(), tx.nonce)) != pending.hash:
            raise SafeError(
                f"the Safe computes another hash for this transaction than {pending.hash_hex}",
                "the file does not fit this Safe; propose the transaction again",
            )
        owners = self.owners()
        threshold = self.threshold()
        if raw:
            if pending.raw_signatures is None:
                raise SafeError("the file has no raw signatures", "execute without --raw")
            given = split_signatures(pending.raw_signatures, pending.hash)
        else:
            merged = dict(pending.confirmations)
            for owner in self.approvals_on_chain(pending.hash):
                merged.setdefault(owner, Confirmation(owner, approved_hash_signature(owner)))
            if sender is not None and sender in owners:
                merged.setdefault(sender, Confirmation(sender, approved_hash_signature(sender)))
            given = sorted(merged.values(), key=lambda c: int(c.owner, 16))
        for c in given:
            if c.owner not in owners:
                raise SafeError(
                    f"signature from a non-owner: {c.owner} is not an owner of the Safe {self.address}",
                    "remove that confirmation from the file, or make them an owner first",
                )
            if c.signature_type == APPROVED_HASH and c.owner != sender:
                if self.contract.approvedHashes(c.owner, pending.hash) == 0:
                    raise SafeError(
                        f"{c.owner} is listed as approving on-chain, but has not called approveHash",
                        "ask them to run `opgov safe approve`, or to sign the file",
                    )
        if raw:
            check_order(given)
        valid = len({c.owner for c in given})
        if valid < threshold:
            missing = [o for o in owners if o not in {c.owner for c in given}]
            raise SafeError(
                f"too few signatures: {valid} of the {threshold} needed",
                f"collect {threshold - valid} more from {', '.join(missing)} (`opgov safe sign`, or `opgov safe approve`)",
            )
        return encode_signatures(given) if not raw else pending.raw_signatures

    def execute(self, pending: PendingTx, sender: "AccountAPI", raw: bool = False) -> "ReceiptAPI":
        """Execute a transaction whose confirmations meet the threshold.

        Everything is checked first (see `check`), then the call is simulated,
        so a refusal costs nothing.

        Raises:
            SafeError: if a check fails, or the Safe would refuse it (with its reason in plain words).
        """
        from ape.exceptions import ContractLogicError

        signatures = self.check(pending, sender.address, raw=raw)
        args = (*pending.tx.exec_args(), signatures)
        try:
            self.contract.execTransaction.call(*args, sender=sender)
        except ContractLogicError as err:
            raise self._refusal(str(err.message or err)) from err
        try:
            receipt = send(self.contract.execTransaction, *args, sender=sender)
        except TransactionReverted as err:
            raise self._refusal(err.reason) from err
        if receipt.decode_logs(self.contract.ExecutionFailure):
            raise SafeError(
                f"the Safe used nonce {pending.tx.nonce} but the call inside failed (safeTxGas was set)",
                "check the call and propose it again at the next nonce",
            )
        return receipt

    def _refusal(self, reason: str) -> SafeError:
        code = next((c for c in SAFE_ERRORS if c in reason), None)
        if code:
            return SafeError(f"the Safe would refuse it: {SAFE_ERRORS[code]} ({code})", "nothing was sent")
        return SafeError(f"the Safe would refuse it: {reason}", "nothing was sent; check the calls")

    # ------------------------------------------------------------ helpers for the rest of opgov

    def execute_calls(self, calls: Iterable[Call], signers: Iterable[Any], sender: "AccountAPI") -> "ReceiptAPI":
        """Build, sign with `signers` (ape accounts or eth-account keys) and execute in one go."""
        pending = self.propose(calls)
        for signer in signers:
            pending.add(sign(pending.tx, signer))
        return self.execute(pending, sender)

    def enable_module(self, module: str, signers: Iterable[Any], sender: "AccountAPI") -> "ReceiptAPI":
        """Enable a module (e.g. the consent module or the signer gate) by a Safe transaction."""
        data = self.contract.enableModule.encode_input(checksum(module, "module"))
        return self.execute_calls([Call(self.address, 0, data)], signers, sender)

    def set_guard(self, guard: str, signers: Iterable[Any], sender: "AccountAPI") -> "ReceiptAPI":
        """Set the Safe's guard (e.g. the signer gate) by a Safe transaction."""
        data = self.contract.setGuard.encode_input(checksum(guard, "guard"))
        return self.execute_calls([Call(self.address, 0, data)], signers, sender)


# ---------------------------------------------------------------- signer seats (SignerGate)


class SignerSeats:
    """The signer gate of a Safe: wearers of the signer hat claim seats; owners who lost it are removed.

    Args:
        gate: the SignerGate contract's address.
    """

    def __init__(self, gate: str):
        from opgov.contracts import container

        self.gate = container("SignerGate").at(checksum(gate, "signer gate"))
        self.safe = Safe.at(str(self.gate.safe()))

    def _wears(self, who: str) -> bool:
        from opgov.contracts import container

        hats = container("Hats").at(str(self.gate.hats()))
        return bool(hats.isWearerOfHat(who, int(self.gate.signer_hat())))

    def claim(self, sender: "AccountAPI") -> "ReceiptAPI":
        """Take a signer seat: the sender, wearing the signer hat, becomes a Safe owner.

        Raises:
            SafeError: if the sender is already an owner or does not wear the signer hat.
        """
        if sender.address in self.safe.owners():
            raise SafeError(f"{sender.address} is already a signer of the Safe {self.safe.address}", "nothing to do")
        if not self._wears(sender.address):
            raise SafeError(
                f"{sender.address} does not wear the signer hat, so it cannot take a seat",
                "ask the Safe's signers to give you the signer hat first",
            )
        return send(self.gate.claim_signer, sender=sender)

    def remove(self, signer: str, sender: "AccountAPI") -> "ReceiptAPI":
        """Remove an owner who no longer wears the signer hat (anyone may).

        Raises:
            SafeError: if they are not an owner, still wear the hat, or are the last owner.
        """
        signer = checksum(signer, "signer")
        owners = self.safe.owners()
        if signer not in owners:
            raise SafeError(f"{signer} is not a signer of the Safe {self.safe.address}", "check the address")
        if self._wears(signer):
            raise SafeError(
                f"{signer} still wears the signer hat, so their seat stays",
                "the Safe's signers can take the hat first (setHatWearerStatus)",
            )
        if len(owners) < 2:
            raise SafeError("the Safe's last owner cannot be removed", "let a wearer of the signer hat claim a seat first")
        return send(self.gate.remove_signer, signer, sender=sender)
