# pragma version 0.4.3
"""
@title SignerGate
@notice Signer hats for a Safe v1.4.1: the Safe's signers are the wearers of a
        signer hat. The gate is both a Safe module (it adds and removes owners
        and sets the threshold) and the Safe's transaction guard (it counts, at
        execution, only signatures from owners who wear the signer hat now).
@dev Design choices, each learnt from Hats Signer Gate (HSG) and its audits:

     Threshold rule. A valid signer is a Safe owner who wears the signer hat
     now. `required = clamp(valid signers, min, target)`; the Safe's own
     threshold is kept at `min(required, owner count)` (a Safe cannot
     require more signatures than it has owners). Before the Safe has first
     had `min_threshold` valid signers (while signers claim their seats), no
     Safe transaction can execute.

     Never lowered by a transaction, never locked by departures. No Safe
     transaction may leave fewer valid signers than `min(min_threshold,
     valid signatures it carried)`: `checkAfterExecution` checks the hats
     again, so a transaction that revokes or toggles off the signer hat
     below the minimum is refused. Wearers can still leave on their own
     (`renounceHat`), which no contract can stop. Once the Safe has had the
     minimum (`armed`), it does not then lock for good: it enters recovery.
     In recovery (fewer valid signers than the minimum, at least one) the
     requirement is all the valid signers that remain, and the only Safe
     transaction they can execute is a plain call to the Hats contract: they
     can restore signers (have the signer hat minted to new wearers, who
     claim their seats; the Safe wears the top hat in an opgov org), and
     nothing else, no payment, until the minimum is back. Anyone removes the
     departed owners (`remove_signer`), which lowers the Safe's threshold to
     what recovery needs. If every wearer leaves, only an admin of the
     signer hat outside the Safe can restore it. The signer hat's
     eligibility and toggle modules decide who is valid, so they must be
     trusted as much as the signers (in an opgov org they are the Safe).

     Signature counting. The guard counts only the first `threshold`
     signatures, exactly those the Safe's own `checkNSignatures` has just
     verified, and recovers each signer the way the Safe does: v = 0 the
     contract owner in `r` (the Safe has already checked its EIP-1271
     signature), v = 1 the owner in `r` (the Safe has already checked
     `approvedHashes` or that it is the executor), v > 30 eth_sign over the
     "Ethereum Signed Message" prefix + hash with v - 4, otherwise ECDSA.
     Counting nothing the Safe did not verify closes HSG's "signature counting
     that differs from the Safe's" findings (unchecked contract signatures,
     duplicates past the threshold). The SafeTx hash is recomputed here with
     EIP-712, exactly as `Safe.getTransactionHash`, using `nonce - 1`: the
     Safe increments its nonce before it calls `checkTransaction`.

     Nothing behind the gate's back. Two layers. First, `checkTransaction`
     refuses a Safe transaction that calls the Safe itself (owner, threshold,
     module, guard and fallback-handler setters, a nested `execTransaction`)
     or this gate, or that delegatecalls anything but MultiSendCallOnly v1.4.1
     (which cannot write the Safe's storage; its runtime code hash is pinned
     and checked at construction and at every delegatecall, so no other code
     can stand at that address); inside a MultiSendCallOnly batch, every inner
     transaction must be a plain CALL (operation byte 0) to a non-zero address
     other than the Safe and this gate (HSG: owners added through a MultiSend
     delegatecall). Second, `checkAfterExecution` checks the guard is still
     this gate and compares a digest, taken in `checkTransaction`, of the
     owner count, threshold, the whole module list (up to MAX_MODULES
     entries) and fallback handler: this catches a change made during the
     transaction by another enabled module, including "enable a rogue module,
     disable this gate, enable it again". (The digest does not cover an
     owner swap, which keeps the count and which no Safe transaction can make
     through the first layer; reading every owner would cost every
     transaction about 2,100 gas an owner.) The digest lives in
     transient storage; a non-zero digest marks a Safe transaction in
     progress, so a nested `execTransaction` (HSG's reentrancy finding) and
     calls to this gate's own owner-changing functions during a Safe
     transaction (HSG's "threshold changed inside a transaction") revert.

     Initial owners. The Safe may be created with any owners (the deployer,
     say) and must enable this gate as a module and set it as guard (set the
     guard last; enable any other module, such as opgov's ConsentModule,
     before). Initial owners who do not wear the hat never count as valid
     signers, and anyone may remove them with `remove_signer` once another
     owner exists. Initial owners who wear the hat are valid signers at once.

     Limits. At most MAX_SIGNERS owners (claims stop there; a Safe must have
     at most MAX_SIGNERS owners when the guard is set, or the guard cannot
     read them and every Safe transaction reverts). The module list is read
     up to MAX_MODULES entries; with more, a module disabled behind the first
     MAX_MODULES would go unseen (an enabled one is inserted at the head and
     is seen). Safe transaction calldata
     up to MAX_DATA bytes and signatures up to MAX_SIGNATURE_BYTES bytes: a
     larger transaction cannot execute while this gate is the guard (larger
     bounds cost every transaction memory gas). Safe v1.4.1 does not guard
     module transactions: any other enabled module can bypass the guard, so
     enable only modules you trust.
"""

from interfaces import IHats


interface ISafe:
    def execTransactionFromModule(
        to: address, _value: uint256, data: Bytes[MAX_CALL], operation: uint8
    ) -> bool: nonpayable
    def getOwners() -> DynArray[address, MAX_SIGNERS]: view
    def getModulesPaginated(start: address, pageSize: uint256) -> (DynArray[address, MAX_MODULES], address): view
    def getStorageAt(offset: uint256, length: uint256) -> Bytes[96]: view
    def getThreshold() -> uint256: view
    def isOwner(owner: address) -> bool: view


# CONSTANTS #


# Most owners the Safe may have: claims stop here, and loops over owners are
# bounded by it.
MAX_SIGNERS: public(constant(uint256)) = 20

# Most modules the digest covers (the Safe's list is read up to here).
MAX_MODULES: public(constant(uint256)) = 32

# Runtime code hash of Safe's MultiSendCallOnly v1.4.1 (the same at every
# address: the contract has no immutables).
MULTISEND_CALL_ONLY_CODEHASH: constant(bytes32) = 0xecd5bd14a08c5d2122379900b2f272bdf107a7e92423c10dd5fe3254386c9939

# Largest Safe transaction calldata the guard accepts, in bytes.
MAX_DATA: constant(uint256) = 24_576

# Most transactions in a MultiSendCallOnly batch (each takes at least 85 bytes).
MAX_BATCH: constant(uint256) = MAX_DATA // 85

# The low 160 bits of a word: an address.
ADDRESS_MASK: constant(uint256) = 2**160 - 1

# Largest signature blob the guard accepts, in bytes (65 per signer plus the
# dynamic part of any contract signatures).
MAX_SIGNATURE_BYTES: constant(uint256) = 8_192

# Largest calldata of the gate's own module calls to the Safe (removeOwner).
MAX_CALL: constant(uint256) = 100

# The Safe's linked-list sentinel for owners and modules.
SENTINEL: constant(address) = 0x0000000000000000000000000000000000000001

# Safe v1.4.1 storage slots: ownerCount (slot 3; threshold and nonce follow in
# slots 4 and 5), fallback handler and guard.
OWNER_COUNT_SLOT: constant(uint256) = 3
# keccak256("fallback_manager.handler.address")
FALLBACK_HANDLER_SLOT: constant(uint256) = (
    49122629484629529244014240937346711770925847994644146912111677022347558721749
)
# keccak256("guard_manager.guard.address")
GUARD_SLOT: constant(uint256) = (
    33528237782592280163068556224972516439282563014722366175641814928123294921928
)

# Safe v1.4.1 EIP-712 type hashes.
DOMAIN_SEPARATOR_TYPEHASH: constant(bytes32) = keccak256(
    "EIP712Domain(uint256 chainId,address verifyingContract)"
)
SAFE_TX_TYPEHASH: constant(bytes32) = keccak256(
    "SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,uint256 baseGas,uint256 gasPrice,address gasToken,address refundReceiver,uint256 nonce)"
)

# The Safe's call operation (1 is delegatecall).
CALL: constant(uint8) = 0

# ERC-165 interface ids: ERC-165 itself and the Safe v1.4.1 Guard.
ERC165_INTERFACE_ID: constant(bytes4) = 0x01ffc9a7
GUARD_INTERFACE_ID: constant(bytes4) = 0xe6d7a83a


# IMMUTABLES #


# The Safe this gate guards.
safe: public(immutable(address))

# The Hats contract that says who wears the signer hat.
hats: public(immutable(IHats))

# The hat whose wearers may be the Safe's signers.
signer_hat: public(immutable(uint256))

# Fewest valid signatures any Safe transaction needs.
min_threshold: public(immutable(uint256))

# Most signatures any Safe transaction needs.
target_threshold: public(immutable(uint256))

# MultiSendCallOnly, the only contract the Safe may delegatecall (empty: none).
multisend: public(immutable(address))


# STORAGE #


# Digest of the Safe's owner count, threshold, module list and fallback
# handler taken in `checkTransaction`; non-zero while a Safe transaction runs.
_snapshot: transient(bytes32)

# Whether the Safe has had min_threshold valid signers (set by `claim_signer`
# and `reconcile_threshold`); until then nothing executes, after it a shortfall
# means recovery, not a lock.
armed: public(bool)

# The transaction's first min(min_threshold, valid signatures) valid signers:
# `checkAfterExecution` checks they are still valid (else counts them all).
_signed: transient(DynArray[address, MAX_SIGNERS])


# EVENTS #


event SignerClaimed:
    signer: indexed(address)
    threshold: uint256


event SignerRemoved:
    signer: indexed(address)
    threshold: uint256


event ThresholdReconciled:
    threshold: uint256


event Armed:
    valid_signers: uint256


@deploy
def __init__(
    _safe: address,
    _hats: address,
    _signer_hat: uint256,
    _min_threshold: uint256,
    _target_threshold: uint256,
    _multisend: address,
):
    """
    @dev The Safe must then enable this gate as a module and set it as guard.
    @param _safe The Safe v1.4.1 proxy to guard.
    @param _hats The Hats contract.
    @param _signer_hat The hat whose wearers may sign.
    @param _min_threshold Fewest valid signatures a Safe transaction needs (>= 1).
    @param _target_threshold Most signatures a Safe transaction needs
           (>= _min_threshold, <= MAX_SIGNERS).
    @param _multisend The MultiSendCallOnly v1.4.1 contract the Safe may
           delegatecall (its code hash is checked), or empty to refuse every
           delegatecall.
    """
    assert _safe != empty(address), "signer_gate: safe is the zero address"
    assert _hats != empty(address), "signer_gate: hats is the zero address"
    assert _min_threshold >= 1, "signer_gate: min threshold is zero"
    assert _min_threshold <= _target_threshold, "signer_gate: min threshold above target"
    assert _target_threshold <= MAX_SIGNERS, "signer_gate: target threshold above max signers"
    assert _multisend == empty(address) or _multisend.codehash == MULTISEND_CALL_ONLY_CODEHASH, "signer_gate: multisend is not MultiSendCallOnly v1.4.1"
    safe = _safe
    hats = IHats(_hats)
    signer_hat = _signer_hat
    min_threshold = _min_threshold
    target_threshold = _target_threshold
    multisend = _multisend


# SIGNERS #


@external
def claim_signer():
    """
    @notice Become one of the Safe's signers: a wearer of the signer hat is
            added as a Safe owner, and the threshold follows the rule.
    @dev Reverts during a Safe transaction, for an owner already, for a caller
         not wearing the hat, and when the Safe has MAX_SIGNERS owners.
    """
    self._assert_no_safe_transaction()
    assert staticcall hats.isWearerOfHat(msg.sender, signer_hat), "signer_gate: caller does not wear the signer hat"
    owners: DynArray[address, MAX_SIGNERS] = staticcall ISafe(safe).getOwners()
    assert msg.sender not in owners, "signer_gate: caller is already a signer"
    owner_count: uint256 = len(owners)
    assert owner_count < MAX_SIGNERS, "signer_gate: safe has the maximum number of signers"
    valid: uint256 = self._count_valid(owners) + 1
    self._arm(valid)
    threshold: uint256 = self._safe_threshold(valid, owner_count + 1)
    self._exec(abi_encode(msg.sender, threshold, method_id=method_id("addOwnerWithThreshold(address,uint256)")))
    log SignerClaimed(signer=msg.sender, threshold=threshold)


@external
def remove_signer(_signer: address):
    """
    @notice Remove a Safe owner who no longer wears the signer hat; anyone may.
    @dev The threshold follows the rule. Reverts during a Safe transaction, for
         an address that is not an owner, for a wearer of the hat, and for the
         last owner (a Safe always has one).
    @param _signer The owner to remove.
    """
    self._assert_no_safe_transaction()
    owners: DynArray[address, MAX_SIGNERS] = staticcall ISafe(safe).getOwners()
    assert _signer in owners, "signer_gate: not a signer"
    assert not staticcall hats.isWearerOfHat(_signer, signer_hat), "signer_gate: signer still wears the signer hat"
    owner_count: uint256 = len(owners)
    assert owner_count > 1, "signer_gate: cannot remove the last owner"
    previous: address = SENTINEL
    for owner: address in owners:
        if owner == _signer:
            break
        previous = owner
    # The removed owner does not wear the hat, so the valid count is unchanged.
    threshold: uint256 = self._safe_threshold(self._count_valid(owners), owner_count - 1)
    self._exec(abi_encode(previous, _signer, threshold, method_id=method_id("removeOwner(address,address,uint256)")))
    log SignerRemoved(signer=_signer, threshold=threshold)


@external
def reconcile_threshold() -> uint256:
    """
    @notice Set the Safe's threshold to what the rule says now (after hats were
            revoked or regained); anyone may. Does nothing when it is right.
    @dev Reverts during a Safe transaction. Also arms the gate when the Safe
         has `min_threshold` valid signers (needed once when the Safe's
         initial owners already wore the hat, since none of them claimed).
    @return The Safe's threshold.
    """
    self._assert_no_safe_transaction()
    owners: DynArray[address, MAX_SIGNERS] = staticcall ISafe(safe).getOwners()
    valid: uint256 = self._count_valid(owners)
    self._arm(valid)
    threshold: uint256 = self._safe_threshold(valid, len(owners))
    if threshold != staticcall ISafe(safe).getThreshold():
        self._exec(abi_encode(threshold, method_id=method_id("changeThreshold(uint256)")))
        log ThresholdReconciled(threshold=threshold)
    return threshold


@view
@external
def is_valid_signer(_account: address) -> bool:
    """
    @notice Whether `_account` is a Safe owner who wears the signer hat now.
    @param _account The address to check.
    @return True when its signature counts.
    """
    return (staticcall ISafe(safe).isOwner(_account)) and (
        staticcall hats.isWearerOfHat(_account, signer_hat)
    )


@view
@external
def valid_signer_count() -> uint256:
    """
    @notice How many Safe owners wear the signer hat now.
    @return The number of valid signers.
    """
    return self._count_valid(staticcall ISafe(safe).getOwners())


@view
@external
def required_signatures() -> uint256:
    """
    @notice How many valid signatures a Safe transaction needs now:
            clamp(valid signers, min_threshold, target_threshold), or, in
            recovery, all the valid signers left.
    @return The number of signatures required.
    """
    return self._required(self._count_valid(staticcall ISafe(safe).getOwners()))


@view
@external
def in_recovery() -> bool:
    """
    @notice Whether the Safe is in recovery: it had `min_threshold` valid
            signers once and has fewer now (at least one); only calls to the
            Hats contract can execute until the minimum is back.
    @return True in recovery.
    """
    valid: uint256 = self._count_valid(staticcall ISafe(safe).getOwners())
    return self.armed and valid != 0 and valid < min_threshold


# GUARD #


@external
def checkTransaction(
    to: address,
    _value: uint256,
    data: Bytes[MAX_DATA],
    operation: uint8,
    safeTxGas: uint256,
    baseGas: uint256,
    gasPrice: uint256,
    gasToken: address,
    refundReceiver: address,
    signatures: Bytes[MAX_SIGNATURE_BYTES],
    msgSender: address,
):
    """
    @notice Called by the Safe before it executes a transaction: refuses it
            unless enough of its signatures come from current wearers of the
            signer hat, and unless it leaves the Safe's set-up alone.
    @dev The Safe has already verified the first `threshold` signatures (each
         from an owner, in strictly increasing owner order, so none twice);
         they are the only ones counted. Takes the snapshot
         `checkAfterExecution` compares. Reverts for any caller but the Safe,
         for a nested Safe transaction, a call to the Safe itself or to this
         gate (directly or inside a MultiSendCallOnly batch), a delegatecall to
         anything but MultiSendCallOnly, and too few valid signatures.
    @param to The transaction's target.
    @param _value Its value in wei (named `value` in the Safe; a reserved word here).
    @param data Its calldata.
    @param operation 0 call, 1 delegatecall.
    @param safeTxGas Gas for the inner call (part of the SafeTx hash).
    @param baseGas Gas paid independently of it (part of the SafeTx hash).
    @param gasPrice Refund gas price (part of the SafeTx hash).
    @param gasToken Refund token (part of the SafeTx hash).
    @param refundReceiver Refund receiver (part of the SafeTx hash).
    @param signatures The signatures, as given to `execTransaction`.
    @param msgSender The executor (unused: the Safe checked v = 1 for it).
    """
    assert msg.sender == safe, "signer_gate: caller is not the safe"
    assert self._snapshot == empty(bytes32), "signer_gate: safe transaction already in progress"
    if operation == CALL:
        self._assert_allowed_target(to)
    else:
        assert to == multisend and multisend != empty(address), "signer_gate: delegatecall to a contract other than multisend"
        # pinned code: nothing else can stand at that address (this also warms it for the call)
        assert to.codehash == MULTISEND_CALL_ONLY_CODEHASH, "signer_gate: multisend code changed"
        # MultiSendCallOnly.multiSend(bytes transactions), each transaction
        # packed as operation (1 byte), to (20), value (32), data length (32),
        # data. Read as its ABI decoder reads it: from the offset in the first
        # word. (Inline: an internal function would copy `data` again.)
        assert slice(data, 0, 4) == method_id("multiSend(bytes)"), "signer_gate: delegatecall to multisend is not multiSend"
        start: uint256 = 36 + convert(extract32(data, 4), uint256)
        end: uint256 = start + convert(extract32(data, start - 32), uint256)
        assert end <= len(data), "signer_gate: malformed multisend batch"
        position: uint256 = start
        for i: uint256 in range(MAX_BATCH):
            if position >= end:
                break
            # The operation byte and the 20 address bytes end 21 bytes after
            # the position: one word read gives both.
            head: uint256 = convert(extract32(data, position + 21 - 32), uint256)
            assert (head >> 160) & 255 == convert(CALL, uint256), "signer_gate: multisend batch holds a delegatecall"
            inner: address = convert(head & ADDRESS_MASK, address)
            assert inner != empty(address), "signer_gate: multisend batch calls the zero address"
            self._assert_allowed_target(inner)
            position += 85 + convert(extract32(data, position + 53), uint256)

    # ownerCount, threshold and nonce: slots 3, 4 and 5.
    counters: Bytes[96] = staticcall ISafe(safe).getStorageAt(OWNER_COUNT_SLOT, 3)
    threshold: uint256 = convert(extract32(counters, 32), uint256)

    tx_hash: bytes32 = empty(bytes32)
    count: uint256 = 0
    signed: DynArray[address, MAX_SIGNERS] = []
    for i: uint256 in range(threshold, bound=MAX_SIGNERS):
        offset: uint256 = i * 65
        r: bytes32 = extract32(signatures, offset)
        v: uint256 = convert(extract32(signatures, offset + 33), uint256) & 255
        signer: address = empty(address)
        if v == 0 or v == 1:
            # Contract signature or approved hash: the owner is in r.
            signer = convert(convert(r, uint256), address)
        else:
            if tx_hash == empty(bytes32):
                # The Safe incremented its nonce before calling the guard.
                nonce: uint256 = convert(extract32(counters, 64), uint256) - 1
                tx_hash = self._safe_tx_hash(
                    to, _value, keccak256(data), operation, safeTxGas, baseGas, gasPrice, gasToken, refundReceiver, nonce
                )
            s: bytes32 = extract32(signatures, offset + 32)
            if v > 30:
                signer = ecrecover(
                    keccak256(concat(b"\x19Ethereum Signed Message:\n32", tx_hash)), v - 4, r, s
                )
            else:
                signer = ecrecover(tx_hash, v, r, s)
        if staticcall hats.isWearerOfHat(signer, signer_hat):
            count += 1
            if count <= min_threshold:
                signed.append(signer)

    # Signatures from the target number of wearers always suffice; below it,
    # the requirement depends on how many valid signers there are.
    if count < target_threshold:
        valid: uint256 = self._count_valid(staticcall ISafe(safe).getOwners())
        assert count >= self._required(valid), "signer_gate: not enough valid signatures"
        if count < min_threshold:
            # recovery: the only way out is restoring signers through Hats
            assert operation == CALL and to == hats.address, "signer_gate: in recovery (fewer valid signers than the minimum) only calls to the Hats contract can execute"

    self._snapshot = self._digest(slice(counters, 0, 64))
    self._signed = signed


@external
def checkAfterExecution(txHash: bytes32, success: bool):
    """
    @notice Called by the Safe after it executed a transaction: refuses it if
            the Safe's owner count, threshold, modules, fallback handler or
            guard changed, or if it left fewer valid signers than the
            minimum (or than it had signatures from, when already below it).
    @dev Clears the in-progress mark. Reverts for any caller but the Safe,
         without a matching `checkTransaction`, and on any such change. The
         signers whose signatures counted are checked first (their hat
         slots are warm); only if one of them no longer wears the hat are
         all owners counted.
    @param txHash The SafeTx hash (unused).
    @param success Whether the inner call succeeded (unused).
    """
    assert msg.sender == safe, "signer_gate: caller is not the safe"
    snapshot: bytes32 = self._snapshot
    assert snapshot != empty(bytes32), "signer_gate: no safe transaction in progress"
    assert self._slot(GUARD_SLOT) == convert(convert(self, uint160), bytes32), "signer_gate: transaction changed the guard"
    counters: Bytes[96] = staticcall ISafe(safe).getStorageAt(OWNER_COUNT_SLOT, 2)
    assert self._digest(slice(counters, 0, 64)) == snapshot, "signer_gate: transaction changed the owners, threshold, modules or fallback handler"
    signed: DynArray[address, MAX_SIGNERS] = self._signed
    # Owners cannot change here (the count is in the digest, and no Safe transaction can
    # call the Safe's owner setters), so the signers are still owners: only their hats
    # need checking again.
    for signer: address in signed:
        if not staticcall hats.isWearerOfHat(signer, signer_hat):
            assert self._count_valid(staticcall ISafe(safe).getOwners()) >= len(signed), "signer_gate: transaction would leave fewer valid signers than the minimum"
            break
    self._snapshot = empty(bytes32)
    self._signed = []


@pure
@external
def supportsInterface(interfaceId: bytes4) -> bool:
    """
    @notice ERC-165: the Safe checks the Guard interface before `setGuard`.
    @param interfaceId The interface id.
    @return True for ERC-165 and the Safe v1.4.1 Guard interface.
    """
    return interfaceId == ERC165_INTERFACE_ID or interfaceId == GUARD_INTERFACE_ID


# INTERNAL #


@view
@internal
def _assert_no_safe_transaction():
    assert self._snapshot == empty(bytes32), "signer_gate: safe transaction in progress"


@view
@internal
def _count_valid(_owners: DynArray[address, MAX_SIGNERS]) -> uint256:
    count: uint256 = 0
    for owner: address in _owners:
        if staticcall hats.isWearerOfHat(owner, signer_hat):
            count += 1
    return count


@view
@internal
def _required(_valid: uint256) -> uint256:
    # In recovery (armed, below the minimum) the requirement is every valid
    # signer left (never below one): departures cannot lock the Safe.
    if _valid < min_threshold and self.armed:
        return max(_valid, 1)
    return min(max(_valid, min_threshold), target_threshold)


@internal
def _arm(_valid: uint256):
    if _valid >= min_threshold and not self.armed:
        self.armed = True
        log Armed(valid_signers=_valid)


@view
@internal
def _safe_threshold(_valid: uint256, _owner_count: uint256) -> uint256:
    # A Safe cannot need more signatures than it has owners.
    return min(self._required(_valid), _owner_count)


@internal
def _exec(_data: Bytes[MAX_CALL]):
    assert extcall ISafe(safe).execTransactionFromModule(safe, 0, _data, CALL), "signer_gate: safe call failed"


@view
@internal
def _digest(_counters: Bytes[64]) -> bytes32:
    # Owner count and threshold; the whole module list (up to MAX_MODULES,
    # with the Safe's pointer past it); the fallback handler.
    modules: DynArray[address, MAX_MODULES] = []
    next: address = empty(address)
    modules, next = staticcall ISafe(safe).getModulesPaginated(SENTINEL, MAX_MODULES)
    return keccak256(concat(_counters, keccak256(abi_encode(modules, next)), self._slot(FALLBACK_HANDLER_SLOT)))


@view
@internal
def _slot(_slot: uint256) -> bytes32:
    return extract32(staticcall ISafe(safe).getStorageAt(_slot, 1), 0)


@view
@internal
def _assert_allowed_target(_to: address):
    assert _to != safe, "signer_gate: transaction calls the safe itself"
    assert _to != self, "signer_gate: transaction calls the gate"


@view
@internal
def _safe_tx_hash(
    _to: address,
    _value: uint256,
    _data_hash: bytes32,
    _operation: uint8,
    _safe_tx_gas: uint256,
    _base_gas: uint256,
    _gas_price: uint256,
    _gas_token: address,
    _refund_receiver: address,
    _nonce: uint256,
) -> bytes32:
    # Safe.getTransactionHash, recomputed (EIP-712, chain id read live).
    domain: bytes32 = keccak256(abi_encode(DOMAIN_SEPARATOR_TYPEHASH, chain.id, safe))
    struct_hash: bytes32 = keccak256(
        abi_encode(
            SAFE_TX_TYPEHASH,
            _to,
            _value,
            _data_hash,
            _operation,
            _safe_tx_gas,
            _base_gas,
            _gas_price,
            _gas_token,
            _refund_receiver,
            _nonce,
        )
    )
    return keccak256(concat(b"\x19\x01", domain, struct_hash))
