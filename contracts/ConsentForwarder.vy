# pragma version ~=0.4.3
"""
@title ConsentForwarder
@custom:contract-name ConsentForwarder
@license Apache-2.0
@notice Relays members' signed proposals and objections to a consent
        module, so that members without ether take part: the member signs
        an EIP-712 request, anyone (the relayer) submits it and pays the gas.

        A request names the signer, the consent module, the call (only
        `propose`, `object` or `withdraw_objection`), the signer's next
        nonce and a deadline. `execute` checks the signature, uses the
        nonce and calls the module with the signer's address appended to
        the calldata (ERC-2771); a module that trusts this forwarder (its
        immutable `forwarder`) acts for that signer and checks the signer's
        hats, never the relayer's.
@dev Design choices:
     - Replay: the EIP-712 domain holds the chain id (read at every call, so
       a chain split does not share signatures) and this forwarder's
       address; the request holds the module and a nonce per signer that
       each executed request uses up, in order. A signature therefore runs
       once, on one chain, through one forwarder, against one module.
     - Signatures: an externally owned account's 65-byte (r, s, v)
       signature, with s in the lower half of the curve order and v 27 or
       28 (no malleable twin of a signature exists); otherwise, if the
       signer is a contract, its EIP-1271 `isValidSignature(bytes32,bytes)`
       must return the magic value 0x1626ba7e (e.g. a member's own Safe
       v1.4.1 with its compatibility fallback handler).
     - All or nothing: if the module reverts, `execute` reverts with the
       module's reason and the nonce stays unused, so a relayer who sends
       too little gas only loses its own gas, and the member's request
       can be relayed again until its deadline.
     - `execute` returns nothing, as OpenZeppelin's ERC2771Forwarder: the
       module's own logs say what happened (a relayed `propose` logs the
       new id in ProposalCreated). A buffer for the module's answer would
       sit past the call's 10,752-byte buffer in memory, and expanding
       memory that far cost every relay about 1,900 gas.
     - Only three selectors are relayed, whatever the module: a signed
       request can never cancel, amend, escalate or execute, nor call any
       other function of any contract through this forwarder. A signer
       who changes their mind before a request is relayed uses their
       nonce up (`use_nonce`) or lets the deadline pass.
     - The forwarder holds no ether, wears no hat and owns nothing: a call
       from it to a contract that does not trust it has no power.
"""


# @dev The most bytes of a relayed call: `propose` with 8 actions of 1,024
# bytes of calldata each and a 1,024-byte rationale, ABI-encoded (10,660).
MAX_CALL: constant(uint256) = 10_752


# @dev The most bytes of a signature: 65 for an account; a contract
# wallet's (a Safe's: 65 bytes per owner) may be longer.
MAX_SIGNATURE: constant(uint256) = 2_048


# @dev The module functions a request may call: propose(uint256,
# (address,uint256,bytes)[],string), object(uint256,uint256,string) and
# withdraw_objection(uint256).
PROPOSE_SELECTOR: constant(bytes4) = 0xa7579186
OBJECT_SELECTOR: constant(bytes4) = 0xadaf05ba
WITHDRAW_OBJECTION_SELECTOR: constant(bytes4) = 0xe7764498


# @dev EIP-712 type hashes.
DOMAIN_TYPEHASH: constant(bytes32) = keccak256(
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
)
REQUEST_TYPEHASH: constant(bytes32) = keccak256(
    "ConsentRequest(address signer,address module,bytes data,uint256 nonce,uint256 deadline)"
)


# @dev The EIP-712 domain's name and version.
NAME: constant(String[16]) = "ConsentForwarder"
VERSION: constant(String[1]) = "1"
_NAME_HASH: constant(bytes32) = keccak256(NAME)
_VERSION_HASH: constant(bytes32) = keccak256(VERSION)


# @dev The largest s of a non-malleable ECDSA signature (half the order of
# secp256k1), as in EIP-2.
_HALF_ORDER: constant(uint256) = 57896044618658097711785492504343953926418782139537452191302581570759080747168


# @dev What EIP-1271's isValidSignature(bytes32,bytes) returns for a valid
# signature: its own selector.
_EIP1271_MAGIC: constant(bytes4) = 0x1626ba7e


#################################################################
#                            STRUCTS                            #
#################################################################


struct ConsentRequest:
    signer: address
    module: address
    data: Bytes[MAX_CALL]
    nonce: uint256
    deadline: uint256


#################################################################
#                            STORAGE                            #
#################################################################


# @dev Signer => the nonce their next request must carry.
nonces: public(HashMap[address, uint256])


#################################################################
#                            EVENTS                             #
#################################################################


event RequestExecuted:
    signer: indexed(address)
    module: indexed(address)
    nonce: uint256
    relayer: indexed(address)


event NonceUsed:
    signer: indexed(address)
    nonce: uint256


#################################################################
#                      EXTERNAL FUNCTIONS                       #
#################################################################


@external
@nonreentrant
def execute(request: ConsentRequest, signature: Bytes[MAX_SIGNATURE]):
    """
    @notice Relay a member's signed request to the consent module.
    @dev Anyone. Reverts, with nothing changed, if the request has expired,
         calls anything but propose, object or withdraw_objection, carries
         another nonce than the signer's next, is not signed by the signer,
         or if the module reverts (with the module's reason).
    @param request The signed request (signer, module, data, nonce, deadline).
    @param signature The signer's signature over `digest(request)`: 65
           bytes (r, s, v) from an account, or what the signer's EIP-1271
           contract wallet accepts.
    """
    assert block.timestamp <= request.deadline, "forwarder: request has expired"
    assert len(request.data) >= 4, "forwarder: call has no function selector"
    selector: bytes4 = convert(slice(request.data, 0, 4), bytes4)
    assert selector == PROPOSE_SELECTOR or selector == OBJECT_SELECTOR or selector == WITHDRAW_OBJECTION_SELECTOR, "forwarder: only propose, object and withdraw_objection can be relayed"
    assert request.module.is_contract, "forwarder: module is not a contract"
    nonce: uint256 = self.nonces[request.signer]
    assert request.nonce == nonce, "forwarder: wrong nonce, the request was used or is out of order"
    digest: bytes32 = self._digest(request.signer, request.module, keccak256(request.data), nonce, request.deadline)
    # an account's signature is checked here, so that the signature is not copied into another
    # frame; a contract wallet's goes to _contract_approves
    valid: bool = False
    if len(signature) == 65:
        r: uint256 = extract32(signature, 0, output_type=uint256)
        s: uint256 = extract32(signature, 32, output_type=uint256)
        v: uint256 = convert(slice(signature, 64, 1), uint256)
        if s <= _HALF_ORDER and (v == 27 or v == 28):
            recovered: address = ecrecover(digest, v, r, s)
            valid = recovered != empty(address) and recovered == request.signer
    if not valid:
        assert self._contract_approves(request.signer, digest, signature), "forwarder: signature is not the signer's"
    self.nonces[request.signer] = nonce + 1
    # no answer is asked for (see the notes above): the module's logs carry it
    raw_call(request.module, concat(request.data, convert(request.signer, bytes20)))
    log RequestExecuted(signer=request.signer, module=request.module, nonce=nonce, relayer=msg.sender)


@external
def use_nonce():
    """
    @notice Use up the caller's next nonce, so that a request they signed
            with it can no longer be relayed.
    @dev For a member who changes their mind before a relayer acted.
    """
    nonce: uint256 = self.nonces[msg.sender]
    self.nonces[msg.sender] = nonce + 1
    log NonceUsed(signer=msg.sender, nonce=nonce)


@view
@external
def digest(request: ConsentRequest) -> bytes32:
    """
    @notice The EIP-712 hash a signer signs for a request.
    @param request The request.
    @return keccak256 of 0x1901, the domain separator and the struct hash.
    """
    return self._digest(request.signer, request.module, keccak256(request.data), request.nonce, request.deadline)


@view
@external
def domain_separator() -> bytes32:
    """
    @notice The EIP-712 domain separator, for this chain and this forwarder.
    @return The domain separator.
    """
    return self._domain_separator()


@view
@external
def eip712Domain() -> (bytes1, String[16], String[1], uint256, address, bytes32, DynArray[uint256, 1]):
    """
    @notice The EIP-712 domain, as EIP-5267 describes it, for wallets and tools.
    @return Fields present (name, version, chainId, verifyingContract:
            0x0f), name, version, chain id, this forwarder, salt (none)
            and extensions (none).
    """
    return (0x0f, NAME, VERSION, chain.id, self, empty(bytes32), [])


#################################################################
#                      INTERNAL FUNCTIONS                       #
#################################################################


@view
@internal
def _domain_separator() -> bytes32:
    """
    @dev The domain separator, computed at every call (the chain id may change).
    """
    return keccak256(abi_encode(DOMAIN_TYPEHASH, _NAME_HASH, _VERSION_HASH, chain.id, self))


@view
@internal
def _digest(signer: address, module: address, data_hash: bytes32, nonce: uint256, deadline: uint256) -> bytes32:
    """
    @dev The EIP-712 digest of a request, from its fields and its call's
         hash (the caller hashes the call where it already is in memory,
         so the up to 10,752 bytes are not copied into this frame again).
    """
    struct_hash: bytes32 = keccak256(abi_encode(REQUEST_TYPEHASH, signer, module, data_hash, nonce, deadline))
    return keccak256(concat(b"\x19\x01", self._domain_separator(), struct_hash))


@view
@internal
def _contract_approves(signer: address, digest: bytes32, signature: Bytes[MAX_SIGNATURE]) -> bool:
    """
    @dev Whether the signer is a contract whose EIP-1271 isValidSignature
         approves `signature` over `digest` (an account's own signature is
         checked in `execute`).
    """
    if not signer.is_contract:
        return False
    ok: bool = False
    answer: Bytes[32] = b""
    ok, answer = raw_call(
        signer,
        abi_encode(digest, signature, method_id=_EIP1271_MAGIC),
        max_outsize=32,
        is_static_call=True,
        revert_on_failure=False,
    )
    return ok and len(answer) == 32 and convert(slice(answer, 0, 4), bytes4) == _EIP1271_MAGIC
