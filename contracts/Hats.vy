# pragma version 0.4.3
# pragma optimize codesize
# pragma experimental-codegen
"""
@title Hats
@custom:contract-name Hats
@license Apache-2.0
@notice A role tree compatible with Hats Protocol v1's `IHats` and
        `IHatsIdUtilities`: the same functions, arguments, return values,
        events and hat-id layout (a 32-bit top-hat domain, then 14 levels of
        16 bits), so tools written for Hats can read and drive it.
        Hats are non-transferable ERC1155-style balances of 0 or 1.
@dev Design choices, and where they differ from the Solidity original:
     - Storage is packed so that a new hat costs three fresh slots where the
       original needs four: one slot holds the eligibility module, max
       supply, supply, last child id and flags; one holds the toggle module
       and the byte lengths of details and image URI; the details and image
       URI bytes are stored back to back, 32 bytes a slot. A wearer's
       balance and bad standing share one slot per (hat, wearer).
     - Eligibility and toggle modules are queried live with a static call
       whose answer is used only if it is exactly the expected size with
       every word 0 or 1; otherwise (no code, revert, malformed answer) the
       stored status is used, as in the original. But a call that fails
       having used all the gas it was given (all but the 1/64 that EIP-150
       keeps back) reverts the whole call with "hats: module ran out of
       gas" (the original falls back): otherwise a caller could pick a gas
       limit that starves a live module and so silence it. A module that
       always uses up its gas when it fails (an INVALID opcode, a
       precompile that rejects the call) makes checks of its hats revert
       until it is replaced. A module address without
       code (an EOA) is not called: the call could only return nothing, so
       the stored status is used at once (addresses up to 0x100 are still
       called, since precompiles answer without code). A flag in the
       config slot says whether the toggle module is the eligibility
       module, so that the usual wearer check reads two slots (wearer,
       config) and no toggle slot.
     - Quiet modules (an opgov addition; Hats Protocol has no such call): a
       module that never answers status queries, such as a Safe whose
       signers rule on wearers with `setHatWearerStatus` and
       `setHatStatus`, can say so once with `declareQuietModule`
       (irrevocable). A hat whose eligibility and toggle module is that one
       address, set after the declaration, is then never asked: its stored
       status and standing decide, as for an EOA, without calling into the
       module (about 12,000 gas less per check for a Safe, whose proxy,
       singleton and fallback handler would each be called); checkHatStatus
       and checkHatWearerStatus revert for it as for an EOA, and changing
       the toggle does not ask it for a last answer. Hats whose
       module was set before the declaration still ask it until their
       module is set again. Answers are unchanged for a module that keeps
       its word.
     - Details and image URIs are at most 7,000 bytes each (`MAX_TEXT`, Hats
       Protocol's limit). The change functions and linking take up to 8,192
       (`MAX_TEXT_IN`) and revert with StringTooLong() above 7,000, as Hats
       Protocol does; createHat and mintTopHat take up to 7,000 (Hats
       Protocol: any length). batchCreateHats takes up to 255 hats with
       strings of at most 32 bytes (`BATCH_TEXT`). Longer input is refused
       by Vyper's ABI decoder without data. Vyper copies every string
       argument into memory at its full bound, and memory is paid for, so
       strings are written to storage straight from calldata (no internal
       function takes one), and the views read texts of up to 1,024 bytes in
       small buffers and longer ones through `hatTexts` in a static call to
       this contract (docs/developers.md gives what each choice cost).
     - Linked trees: Vyper has no recursion, so walks up a chain of linked
       trees are loops bounded by `MAX_TREE_CHAIN` trees, and a link that
       would make any chain longer is refused. For that check each tree
       counts the trees linked directly below it by their height (the
       trees in their longest chain below), so its own height is exact and
       falls again when a tree below is unlinked or moved; a link, unlink
       or move updates the counts of at most the 15 trees above it.
     - Transferring a top hat withdraws its tree's pending link request
       (Hats Protocol keeps it): a request filed before a hand-over is the
       old wearer's, not the new one's.
     - Reverts are Hats Protocol's own custom errors (its `HatsErrors`
       interface: same names, arguments and situations), written with
       `raw_revert` since Vyper declares no custom errors; where Hats
       Protocol's checked arithmetic panics (a 65,536th child, a level
       beyond 14, hat id 0 in isValidHatId) this reverts with the same
       Panic(0x11), and the ERC1155 approval and transfer functions revert
       without data, as there. Only the situations Hats Protocol does not
       have revert with a string: "hats: module ran out of gas" and
       "hats: linked trees (would) nest too deep".
     - As in Hats Protocol, the zero address may wear hats (mintTopHat,
       mintHat, transferHat); a hat exists once its max supply is not 0.
"""

from interfaces import IHats

implements: IHats


# CONSTANTS #


# hat-id layout: 32-bit top-hat domain, then 14 levels of 16 bits
MAX_LEVELS: constant(uint256) = 14
# bits below the top-hat domain
LOCAL_MASK: constant(uint256) = 2**224 - 1

# longest details or image URI, in bytes
MAX_TEXT: constant(uint256) = 7000
# longest string the change functions and linking take: 7,001 bytes and
# more revert with StringTooLong()
MAX_TEXT_IN: constant(uint256) = 8192
# details and image URI of one hat, back to back, in 32-byte slots
TEXT_SLOTS: constant(uint256) = 438
# 32-byte words of one string at most
TEXT_WORDS: constant(uint256) = 219
# the views read texts up to this long in small buffers, longer ones through
# `hatTexts`
SHORT_TEXT: constant(uint256) = 1024
SHORT_WORDS: constant(uint256) = 32
# marks a string's position as one in msg.data (see `_write_text`)
FROM_CALLDATA: constant(uint256) = 2**255
# longest array batchMintHats and balanceOfBatch take
MAX_BATCH: constant(uint256) = 255
# most hats batchCreateHats creates, as Hats Protocol's tests go, and the
# longest details or image URI in it: Vyper lays every argument out in memory
# at its full bound (each string array 255 x (32 + BATCH_TEXT) bytes), and
# memory is paid for; longer strings go through createHat
MAX_BATCH_CREATE: constant(uint256) = 255
BATCH_TEXT: constant(uint256) = 32
# multicall: most calls, and bytes of calldata a call; memory is laid out
# for every call at its full bound, and paid for (about 3,800 gas)
MAX_MULTICALL: constant(uint256) = 32
MAX_CALL: constant(uint256) = 1024
# bytes a call may return or revert with in a multicall: any value but a
# string, and any revert of this contract's
MAX_RESULT: constant(uint256) = 160
# most trees one chain of linked trees may hold (a tree, its parent, ...)
MAX_TREE_CHAIN: constant(uint256) = 16

# counts of the trees linked directly below a tree, by height (the number
# of trees in a tree's longest chain below it; at most 14 for a tree that
# is itself linked): 32 bits a height, which no count can overflow since
# there are fewer than 2**32 trees; heights 0-6 in a first slot, whose top
# bits flag each height 0-14 whose count is not 0, heights 7-14 in a second
COUNT_BITS: constant(uint256) = 32
COUNT_MASK: constant(uint256) = 2**32 - 1
LOW_HEIGHTS: constant(uint256) = 7
HEIGHT_FLAGS_SHIFT: constant(uint256) = 224
# a height for "not there": a tree not yet linked, or no longer
NO_HEIGHT: constant(uint256) = 16

# packed hat config: eligibility (bits 0-159), maxSupply (160-191),
# supply (192-223), lastHatId (224-239), flags (240-244)
ADDRESS_MASK: constant(uint256) = 2**160 - 1
MAX_SUPPLY_SHIFT: constant(uint256) = 160
SUPPLY_SHIFT: constant(uint256) = 192
SUPPLY_ONE: constant(uint256) = 2**192
LAST_HAT_SHIFT: constant(uint256) = 224
LAST_HAT_ONE: constant(uint256) = 2**224
LAST_HAT_BITS: constant(uint256) = (2**16 - 1) * 2**224
ACTIVE: constant(uint256) = 2**240
MUTABLE: constant(uint256) = 2**241
# the toggle module is the eligibility module: a wearer check reads no
# toggle slot (kept in step by every function that changes either module)
SAME_MODULES: constant(uint256) = 2**243
# that one module declared itself quiet (`declareQuietModule`) before it was
# set on the hat: a wearer check does not call it (kept in step with
# SAME_MODULES; cleared whenever the hat's modules change to a module that
# has not declared)
QUIET: constant(uint256) = 2**244
# module addresses at or below this are called even without code: they may
# be precompiles, which answer calls without having code (Ethereum's are at
# 0x01-0x11 and grow upwards, P256VERIFY is at 0x100, L2s put theirs below)
LAST_PRECOMPILE: constant(uint256) = 256

# packed toggle slot: toggle (bits 0-159), details length (160-175),
# image URI length (176-191)
DETAILS_LEN_SHIFT: constant(uint256) = 160
IMAGE_LEN_SHIFT: constant(uint256) = 176

# packed wearer slot: static balance (bit 0), bad standing (bit 1)
WEARING: constant(uint256) = 1
BAD_STANDING: constant(uint256) = 2

# answers of `_is_wearer` and `_is_admin`: the user wears the hat (is its
# admin), and an eligibility or toggle module was asked on the way (without
# it storage alone decided, which creating hats does not change)
YES: constant(uint256) = 1
ASKED: constant(uint256) = 2

# ERC165 interface ids
ERC165_ID: constant(bytes4) = 0x01ffc9a7
ERC1155_METADATA_URI_ID: constant(bytes4) = 0x0e89341c

HEX_DIGITS: constant(uint256) = 64
# uri(): the JSON document at most, its base64 (4 characters for 3 bytes,
# in 32-byte words) and the data URI
JSON_MAX: constant(uint256) = 15000
B64_MAX: constant(uint256) = 20064
B64_WORDS: constant(uint256) = 625
URI_MAX: constant(uint256) = 20093
# base64, 32 characters at a time: 1 in each of 32 bytes, each byte's top
# bit, 1 in each 4-byte lane, the 6 bits of each byte of a lane, "=" in
# every byte
B64_ONES: constant(uint256) = max_value(uint256) // 255
B64_HIGH: constant(uint256) = 128 * B64_ONES
B64_LANES: constant(uint256) = max_value(uint256) // (2**32 - 1)
B64_MASK3: constant(uint256) = 1056964608 * B64_LANES
B64_MASK2: constant(uint256) = 4128768 * B64_LANES
B64_MASK1: constant(uint256) = 16128 * B64_LANES
B64_MASK0: constant(uint256) = 63 * B64_LANES
B64_PADDING: constant(uint256) = 61 * B64_ONES


# STORAGE #


# the contract's name, e.g. "opgov Hats"
name: public(String[256])
# image URI of last resort, for hats whose tree sets none
baseImageURI: public(String[1024])
# domain of the last top hat minted; the first top hat's domain is 1
lastTopHatId: public(uint32)
# top-hat domain => the admin hat its wearer asked to be linked under
linkedTreeRequests: public(HashMap[uint32, uint256])
# top-hat domain => the admin hat it is linked under (0: not linked)
linkedTreeAdmins: public(HashMap[uint32, uint256])

# hat id => packed config (see the constants above)
_config: HashMap[uint256, uint256]
# hat id => packed toggle module and text lengths
_toggle: HashMap[uint256, uint256]
# hat id => details then image URI bytes, 32 bytes a slot
_text: HashMap[uint256, bytes32[TEXT_SLOTS]]
# hat id => wearer => packed static balance and bad standing
_wearers: HashMap[uint256, HashMap[address, uint256]]
# top-hat domain => counts of the trees linked directly below it with
# heights 0-6, and flags of the heights present (see the constants above)
_below_low: HashMap[uint32, uint256]
# top-hat domain => counts of the trees linked directly below it with
# heights 7-14
_below_high: HashMap[uint32, uint256]
# module => it declared that it never answers status queries (irrevocable)
isQuietModule: public(HashMap[address, bool])


# EVENTS #


event TransferSingle:
    operator: indexed(address)
    sender: indexed(address)
    receiver: indexed(address)
    id: uint256
    value: uint256


event TransferBatch:
    operator: indexed(address)
    sender: indexed(address)
    receiver: indexed(address)
    ids: DynArray[uint256, 255]
    values: DynArray[uint256, 255]


event ApprovalForAll:
    owner: indexed(address)
    operator: indexed(address)
    approved: bool


event URI:
    value: String[MAX_TEXT]
    id: indexed(uint256)


event HatCreated:
    id: uint256
    details: String[MAX_TEXT]
    maxSupply: uint32
    eligibility: address
    toggle: address
    mutable_: bool
    imageURI: String[MAX_TEXT]


event WearerStandingChanged:
    hatId: uint256
    wearer: address
    wearerStanding: bool


event HatStatusChanged:
    hatId: uint256
    newStatus: bool


event HatDetailsChanged:
    hatId: uint256
    newDetails: String[MAX_TEXT_IN]


event HatEligibilityChanged:
    hatId: uint256
    newEligibility: address


event HatToggleChanged:
    hatId: uint256
    newToggle: address


event HatMutabilityChanged:
    hatId: uint256


event HatMaxSupplyChanged:
    hatId: uint256
    newMaxSupply: uint32


event HatImageURIChanged:
    hatId: uint256
    newImageURI: String[MAX_TEXT_IN]


event TopHatLinkRequested:
    domain: uint32
    newAdmin: uint256


event TopHatLinked:
    domain: uint32
    newAdmin: uint256


event QuietModuleDeclared:
    module: indexed(address)


@deploy
def __init__(_name: String[256], _baseImageURI: String[1024]):
    """
    @notice Deploy an empty hats registry.
    @param _name The contract's name.
    @param _baseImageURI The image URI used when a hat's tree sets none.
    """
    self.name = _name
    self.baseImageURI = _baseImageURI


# HATS LOGIC #


@external
def mintTopHat(_target: address, _details: String[MAX_TEXT], _imageURI: String[MAX_TEXT]) -> uint256:
    """
    @notice Create a new tree: mint a new top hat to `_target`.
    @dev Anyone may create a tree. The top hat has a max supply of 1, no
         modules, and is immutable (its wearer may still change its
         details and image URI).
    @param _target The top hat's wearer.
    @param _details A description of the tree (at most 7,000 bytes).
    @param _imageURI The tree's image URI (at most 7,000 bytes).
    @return The top hat's id: its domain in the top 32 bits.
    """
    domain: uint32 = self.lastTopHatId + 1
    self.lastTopHatId = domain
    hat_id: uint256 = convert(domain, uint256) << 224
    # active, immutable, max supply 1, already worn once
    self._config[hat_id] = ACTIVE | SAME_MODULES | SUPPLY_ONE | (1 << MAX_SUPPLY_SHIFT)
    # the strings are arguments 2 and 3
    self._write_new_text(
        hat_id, 0, convert(slice(msg.data, 36, 32), uint256) + (FROM_CALLDATA | 36), len(_details),
        convert(slice(msg.data, 68, 32), uint256) + (FROM_CALLDATA | 36), len(_imageURI),
    )
    log HatCreated(
        id=hat_id,
        details=_details,
        maxSupply=1,
        eligibility=empty(address),
        toggle=empty(address),
        mutable_=False,
        imageURI=_imageURI,
    )
    # in an internal function, whose memory lies below this one's strings
    self._give_top_hat(hat_id, _target)
    return hat_id


@external
def createHat(
    _admin: uint256,
    _details: String[MAX_TEXT],
    _maxSupply: uint32,
    _eligibility: address,
    _toggle: address,
    _mutable: bool,
    _imageURI: String[MAX_TEXT],
) -> uint256:
    """
    @notice Create the next child hat of `_admin`.
    @dev The caller must be an admin of the new hat (wear `_admin` or one
         of its admins). The new id is `getNextId(_admin)`.
    @param _admin The id of the new hat's admin hat.
    @param _details A description of the hat (at most 7,000 bytes).
    @param _maxSupply How many wearers the hat may have at once.
    @param _eligibility The eligibility module (an address that rules on
           wearers; a contract is queried live).
    @param _toggle The toggle module (an address that switches the hat on
           and off; a contract is queried live).
    @param _mutable Whether the hat's properties can change later.
    @param _imageURI The hat's image URI (at most 7,000 bytes).
    @return The new hat's id.
    """
    # the strings are arguments 2 and 7: their positions in calldata are
    # read inline (an internal call here costs more than the memory it saves)
    hat_id: uint256 = 0
    admin: uint256 = 0
    hat_id, admin = self._create_hat(
        _admin, _maxSupply, _eligibility, _toggle, _mutable,
        convert(slice(msg.data, 36, 32), uint256) + (FROM_CALLDATA | 36), len(_details),
        convert(slice(msg.data, 196, 32), uint256) + (FROM_CALLDATA | 36), len(_imageURI), False,
    )
    log HatCreated(
        id=hat_id,
        details=_details,
        maxSupply=_maxSupply,
        eligibility=_eligibility,
        toggle=_toggle,
        mutable_=_mutable,
        imageURI=_imageURI,
    )
    return hat_id


@external
def batchCreateHats(
    _admins: DynArray[uint256, MAX_BATCH_CREATE],
    _details: DynArray[String[BATCH_TEXT], MAX_BATCH_CREATE],
    _maxSupplies: DynArray[uint32, MAX_BATCH_CREATE],
    _eligibilityModules: DynArray[address, MAX_BATCH_CREATE],
    _toggleModules: DynArray[address, MAX_BATCH_CREATE],
    _mutables: DynArray[bool, MAX_BATCH_CREATE],
    _imageURIs: DynArray[String[BATCH_TEXT], MAX_BATCH_CREATE],
) -> bool:
    """
    @notice Create several hats in one transaction, in order (a hat may be
            the admin of one created later in the same batch).
    @dev Each entry is checked as `createHat` checks it; at most 255 hats,
         with details and image URIs of at most 32 bytes each.
    @param _admins The admin hat of each new hat.
    @param _details The details of each new hat.
    @param _maxSupplies The max supply of each new hat.
    @param _eligibilityModules The eligibility module of each new hat.
    @param _toggleModules The toggle module of each new hat.
    @param _mutables Whether each new hat is mutable.
    @param _imageURIs The image URI of each new hat.
    @return True.
    """
    n: uint256 = len(_admins)
    if not (
        n == len(_details)
        and n == len(_maxSupplies)
        and n == len(_eligibilityModules)
        and n == len(_toggleModules)
        and n == len(_mutables)
        and n == len(_imageURIs)
    ):
        raw_revert(method_id("BatchArrayLengthMismatch()"))
    # the admin of the hats before, while their admin checks may be reused
    # (0: none; hat id 0 is never a valid admin)
    known: uint256 = 0
    for i: uint256 in range(MAX_BATCH_CREATE):
        if i == n:
            break
        known = self._create_batch_entry(
            _admins[i],
            _details[i],
            _maxSupplies[i],
            _eligibilityModules[i],
            _toggleModules[i],
            _mutables[i],
            _imageURIs[i],
            known,
        )
    return True


@view
@external
def getNextId(_admin: uint256) -> uint256:
    """
    @notice The id the next child hat of `_admin` will get.
    @param _admin The admin hat's id.
    @return The next child's id.
    """
    last: uint256 = (self._config[_admin] >> LAST_HAT_SHIFT) & 65535
    self._check_in_range(last < 65535)
    return self._build_hat_id(_admin, last + 1)


@external
def mintHat(_hatId: uint256, _wearer: address) -> bool:
    """
    @notice Give hat `_hatId` to `_wearer`.
    @dev The caller must be an admin of the hat; the hat must exist, be
         active and have supply left; the wearer must be eligible and not
         already wear it.
    @param _hatId The hat.
    @param _wearer Its new wearer.
    @return True.
    """
    self._mint_hat(_hatId, _wearer)
    return True


@external
def batchMintHats(_hatIds: DynArray[uint256, MAX_BATCH], _wearers: DynArray[address, MAX_BATCH]) -> bool:
    """
    @notice Mint several hats in one transaction, each as `mintHat` would.
    @param _hatIds The hats (at most 255).
    @param _wearers Their new wearers, one per hat.
    @return True.
    """
    n: uint256 = len(_hatIds)
    if n != len(_wearers):
        raw_revert(method_id("BatchArrayLengthMismatch()"))
    for i: uint256 in range(MAX_BATCH):
        if i == n:
            break
        self._mint_hat(_hatIds[i], _wearers[i])
    return True


@external
def setHatStatus(_hatId: uint256, _newStatus: bool) -> bool:
    """
    @notice Push a hat's active status; only its toggle module may.
    @param _hatId The hat.
    @param _newStatus True to activate it, False to deactivate it.
    @return Whether the stored status changed.
    """
    if msg.sender != self._toggle_of(_hatId):
        raw_revert(method_id("NotHatsToggle()"))
    return self._process_hat_status(_hatId, _newStatus)


@external
def declareQuietModule():
    """
    @notice Declare that the caller, as an eligibility or toggle module,
            never answers `getWearerStatus` or `getHatStatus`, so that
            wearer checks of hats it runs need not call it. Irrevocable.
    @dev Takes effect for hats whose eligibility and toggle module is the
         caller and is set (createHat, changeHatEligibility,
         changeHatToggle, linking) after this call. The module still rules
         on wearers and hats with `setHatWearerStatus` and `setHatStatus`.
    """
    self.isQuietModule[msg.sender] = True
    log QuietModuleDeclared(module=msg.sender)


@external
def checkHatStatus(_hatId: uint256) -> bool:
    """
    @notice Pull a hat's active status from its toggle module and store it.
    @dev Reverts if the module gives no valid answer (not a contract,
         reverts, or answers anything but one word of 0 or 1) or is quiet.
    @param _hatId The hat.
    @return Whether the stored status changed.
    """
    valid: bool = False
    active: bool = False
    cfg: uint256 = self._config[_hatId]
    valid, active = self._pull_hat_status(self._toggle_for(_hatId, cfg), _hatId, cfg)
    if not valid:
        raw_revert(method_id("NotHatsToggle()"))
    return self._process_hat_status(_hatId, active)


@external
def setHatWearerStatus(_hatId: uint256, _wearer: address, _eligible: bool, _standing: bool) -> bool:
    """
    @notice Push a wearer's eligibility and standing; only the hat's
            eligibility module may. An ineligible wearer or one in bad
            standing loses the hat.
    @param _hatId The hat.
    @param _wearer The wearer ruled on.
    @param _eligible Whether the wearer is eligible.
    @param _standing Whether the wearer is in good standing.
    @return Whether the stored standing changed.
    """
    cfg: uint256 = self._config[_hatId]
    if msg.sender != self._eligibility_of(cfg):
        raw_revert(method_id("NotHatsEligibility()"))
    return self._process_wearer_status(_hatId, cfg, _wearer, _eligible, _standing)


@external
def checkHatWearerStatus(_hatId: uint256, _wearer: address) -> bool:
    """
    @notice Pull a wearer's status from the hat's eligibility module; an
            ineligible wearer or one in bad standing loses the hat.
    @dev Anyone may call. Reverts if the module gives no valid answer or
         is quiet.
    @param _hatId The hat.
    @param _wearer The wearer to check.
    @return Whether the stored standing changed.
    """
    cfg: uint256 = self._config[_hatId]
    valid: bool = False
    eligible: bool = False
    standing: bool = False
    valid, eligible, standing = self._wearer_status(_wearer, _hatId, cfg)
    if not valid:
        raw_revert(method_id("NotHatsEligibility()"))
    return self._process_wearer_status(_hatId, cfg, _wearer, eligible, standing)


@external
def renounceHat(_hatId: uint256):
    """
    @notice Take off a hat the caller wears.
    @param _hatId The hat.
    """
    w: uint256 = self._wearers[_hatId][msg.sender]
    if w & WEARING == 0:
        raw_revert(method_id("NotHatWearer()"))
    self._wearers[_hatId][msg.sender] = w & ~WEARING
    self._config[_hatId] -= SUPPLY_ONE
    log TransferSingle(
        operator=msg.sender, sender=msg.sender, receiver=empty(address), id=_hatId, value=1
    )


@external
def transferHat(_hatId: uint256, _from: address, _to: address):
    """
    @notice Move a hat from one wearer to another.
    @dev Only an admin of the hat; only mutable hats and top hats. The
         receiver must be eligible, the hat active. Moving a top hat also
         withdraws its tree's pending link request (an opgov addition,
         logged as a request for admin 0): the request was the old
         wearer's, and approved after the hand-over it would make the
         requested admin's wearers admins of the new wearer's whole tree.
    @param _hatId The hat.
    @param _from Its current wearer.
    @param _to Its new wearer.
    """
    self._check_admin(_hatId)
    cfg: uint256 = self._config[_hatId]
    top_hat: bool = self._is_top_hat(_hatId)
    if not top_hat and cfg & MUTABLE == 0:
        raw_revert(method_id("Immutable()"))
    w_from: uint256 = self._wearers[_hatId][_from]
    if w_from & WEARING == 0:
        raw_revert(method_id("NotHatWearer()"))
    w_to: uint256 = self._wearers[_hatId][_to]
    if w_to & WEARING != 0:
        raw_revert(abi_encode(_to, _hatId, method_id=method_id("AlreadyWearingHat(address,uint256)")))
    self._check_eligible_and_active(_to, _hatId, cfg, w_to)
    self._wearers[_hatId][_from] = w_from & ~WEARING
    self._wearers[_hatId][_to] = w_to | WEARING
    log TransferSingle(operator=msg.sender, sender=_from, receiver=_to, id=_hatId, value=1)
    if top_hat:
        domain: uint32 = convert(_hatId >> 224, uint32)
        if self.linkedTreeRequests[domain] != 0:
            self.linkedTreeRequests[domain] = 0
            log TopHatLinkRequested(domain=domain, newAdmin=0)


# HATS ADMIN FUNCTIONS #


@external
def makeHatImmutable(_hatId: uint256):
    """
    @notice Freeze a mutable hat's properties for good.
    @param _hatId The hat; the caller must be one of its admins.
    """
    self._check_admin(_hatId)
    cfg: uint256 = self._config[_hatId]
    if cfg & MUTABLE == 0:
        raw_revert(method_id("Immutable()"))
    self._config[_hatId] = cfg & ~MUTABLE
    log HatMutabilityChanged(hatId=_hatId)


@external
def changeHatDetails(_hatId: uint256, _newDetails: String[MAX_TEXT_IN]):
    """
    @notice Change a hat's details.
    @dev Mutable hats, and top hats (by their wearer, their admin).
    @param _hatId The hat; the caller must be one of its admins.
    @param _newDetails The new details (at most 7,000 bytes; StringTooLong() above).
    """
    if len(_newDetails) > MAX_TEXT:
        raw_revert(method_id("StringTooLong()"))
    self._check_changeable(_hatId, True)
    slot: uint256 = self._toggle[_hatId]
    # the new details come from argument 2; the image URI moves within storage
    self._write_text(
        _hatId, slot, slot, self._string_at(36), len(_newDetails),
        (slot >> DETAILS_LEN_SHIFT) & 65535, (slot >> IMAGE_LEN_SHIFT) & 65535,
    )
    log HatDetailsChanged(hatId=_hatId, newDetails=_newDetails)


@external
def changeHatEligibility(_hatId: uint256, _newEligibility: address):
    """
    @notice Change a mutable hat's eligibility module.
    @param _hatId The hat; the caller must be one of its admins.
    @param _newEligibility The new module (not the zero address).
    """
    if _newEligibility == empty(address):
        raw_revert(method_id("ZeroAddress()"))
    cfg: uint256 = self._check_changeable(_hatId, False)
    self._config[_hatId] = self._with_modules(
        (cfg & ~ADDRESS_MASK) | convert(_newEligibility, uint256), self._toggle_slot_module(_hatId)
    )
    log HatEligibilityChanged(hatId=_hatId, newEligibility=_newEligibility)


@external
def changeHatToggle(_hatId: uint256, _newToggle: address):
    """
    @notice Change a mutable hat's toggle module.
    @dev The old module's current answer, if valid, is stored first, so the
         hat keeps its status until the new module says otherwise.
    @param _hatId The hat; the caller must be one of its admins.
    @param _newToggle The new module (not the zero address).
    """
    if _newToggle == empty(address):
        raw_revert(method_id("ZeroAddress()"))
    cfg: uint256 = self._check_changeable(_hatId, False)
    slot: uint256 = self._toggle[_hatId]
    valid: bool = False
    active: bool = False
    valid, active = self._pull_hat_status(convert(slot & ADDRESS_MASK, address), _hatId, cfg)
    if valid:
        self._process_hat_status(_hatId, active)
    self._toggle[_hatId] = (slot & ~ADDRESS_MASK) | convert(_newToggle, uint256)
    self._config[_hatId] = self._with_modules(self._config[_hatId], _newToggle)
    log HatToggleChanged(hatId=_hatId, newToggle=_newToggle)


@external
def changeHatImageURI(_hatId: uint256, _newImageURI: String[MAX_TEXT_IN]):
    """
    @notice Change a hat's image URI.
    @dev Mutable hats, and top hats (by their wearer, their admin).
    @param _hatId The hat; the caller must be one of its admins.
    @param _newImageURI The new image URI (at most 7,000 bytes; StringTooLong() above).
    """
    if len(_newImageURI) > MAX_TEXT:
        raw_revert(method_id("StringTooLong()"))
    self._check_changeable(_hatId, True)
    slot: uint256 = self._toggle[_hatId]
    # the details stay where they are; the new image URI is argument 2
    self._write_text(
        _hatId, slot, slot, 0, (slot >> DETAILS_LEN_SHIFT) & 65535, self._string_at(36), len(_newImageURI)
    )
    log HatImageURIChanged(hatId=_hatId, newImageURI=_newImageURI)


@external
def changeHatMaxSupply(_hatId: uint256, _newMaxSupply: uint32):
    """
    @notice Change a mutable hat's max supply.
    @param _hatId The hat; the caller must be one of its admins.
    @param _newMaxSupply The new max supply (not below the current supply).
    """
    cfg: uint256 = self._check_changeable(_hatId, False)
    new_max: uint256 = convert(_newMaxSupply, uint256)
    if new_max < (cfg >> SUPPLY_SHIFT) & 2**32 - 1:
        raw_revert(method_id("NewMaxSupplyTooLow()"))
    if new_max != (cfg >> MAX_SUPPLY_SHIFT) & 2**32 - 1:
        self._config[_hatId] = (cfg & ~((2**32 - 1) << MAX_SUPPLY_SHIFT)) | (new_max << MAX_SUPPLY_SHIFT)
        log HatMaxSupplyChanged(hatId=_hatId, newMaxSupply=_newMaxSupply)


@external
def requestLinkTopHatToTree(_topHatId: uint32, _newAdminHat: uint256):
    """
    @notice Ask to link the tree of top-hat domain `_topHatId` under hat
            `_newAdminHat` of another tree; an admin of that hat approves.
    @dev A request for admin 0 withdraws a pending one; so does
         transferring the top hat.
    @param _topHatId The 32-bit domain of the top hat to link.
    @param _newAdminHat The hat that would become its admin.
    """
    self._check_admin(convert(_topHatId, uint256) << 224)
    self.linkedTreeRequests[_topHatId] = _newAdminHat
    log TopHatLinkRequested(domain=_topHatId, newAdmin=_newAdminHat)


@external
def approveLinkTopHatToTree(
    _topHatId: uint32,
    _newAdminHat: uint256,
    _eligibility: address,
    _toggle: address,
    _details: String[MAX_TEXT_IN],
    _imageURI: String[MAX_TEXT_IN],
):
    """
    @notice Approve a requested link: the tree of domain `_topHatId` comes
            under hat `_newAdminHat`.
    @dev The caller must be an admin of `_newAdminHat`'s children (or, at
         the last level, an admin or wearer of it). Non-zero modules and
         non-empty strings replace the top hat's.
    @param _topHatId The 32-bit domain of the top hat to link.
    @param _newAdminHat The hat that becomes its admin.
    @param _eligibility The top hat's new eligibility module (0: unchanged).
    @param _toggle The top hat's new toggle module (0: unchanged).
    @param _details The top hat's new details ("": unchanged).
    @param _imageURI The top hat's new image URI ("": unchanged).
    """
    self._check_new_admin(_newAdminHat)
    if _newAdminHat != self.linkedTreeRequests[_topHatId]:
        raw_revert(method_id("LinkageNotRequested()"))
    self.linkedTreeRequests[_topHatId] = 0
    if len(_details) > MAX_TEXT or len(_imageURI) > MAX_TEXT:
        raw_revert(method_id("StringTooLong()"))
    hat_id: uint256 = self._link(_topHatId, _newAdminHat, _eligibility, _toggle, len(_details), len(_imageURI))
    if len(_details) > 0:
        log HatDetailsChanged(hatId=hat_id, newDetails=_details)
    if len(_imageURI) > 0:
        log HatImageURIChanged(hatId=hat_id, newImageURI=_imageURI)
    self._store_link(_topHatId, _newAdminHat)


@external
def unlinkTopHatFromTree(_topHatId: uint32, _wearer: address):
    """
    @notice Make a linked tree independent again.
    @dev Only an admin of the linked top hat, and only while `_wearer`
         wears it (so the freed tree is not left without a wearer). The
         top hat's modules are cleared.
    @param _topHatId The 32-bit domain of the top hat to unlink.
    @param _wearer The top hat's current wearer.
    """
    hat_id: uint256 = convert(_topHatId, uint256) << 224
    self._check_admin(hat_id)
    if _wearer == empty(address) or self._is_wearer(_wearer, hat_id) & YES == 0:
        raw_revert(method_id("InvalidUnlink()"))
    linked: uint256 = self.linkedTreeAdmins[_topHatId]
    if linked != 0:
        self._restack(convert(linked >> 224, uint32), self._height(_topHatId), NO_HEIGHT)
    self.linkedTreeAdmins[_topHatId] = 0
    self.linkedTreeRequests[_topHatId] = 0
    self._config[hat_id] = (self._config[hat_id] & ~(ADDRESS_MASK | QUIET)) | SAME_MODULES
    self._toggle[hat_id] &= ~ADDRESS_MASK
    log TopHatLinked(domain=_topHatId, newAdmin=0)


@external
def relinkTopHatWithinTree(
    _topHatDomain: uint32,
    _newAdminHat: uint256,
    _eligibility: address,
    _toggle: address,
    _details: String[MAX_TEXT_IN],
    _imageURI: String[MAX_TEXT_IN],
):
    """
    @notice Move a linked tree under another admin hat of the same tree of
            trees.
    @dev The caller must be an admin of the linked top hat and of the new
         admin's children. Unless the caller wears the tippy top hat, the
         new admin must be in the tree the top hat is linked from or in the
         tippy top tree.
    @param _topHatDomain The 32-bit domain of the top hat to move.
    @param _newAdminHat Its new admin hat.
    @param _eligibility The top hat's new eligibility module (0: unchanged).
    @param _toggle The top hat's new toggle module (0: unchanged).
    @param _details The top hat's new details ("": unchanged).
    @param _imageURI The top hat's new image URI ("": unchanged).
    """
    self._check_admin(convert(_topHatDomain, uint256) << 224)
    self._check_new_admin(_newAdminHat)
    if len(_details) > MAX_TEXT or len(_imageURI) > MAX_TEXT:
        raw_revert(method_id("StringTooLong()"))
    hat_id: uint256 = self._link(_topHatDomain, _newAdminHat, _eligibility, _toggle, len(_details), len(_imageURI))
    if len(_details) > 0:
        log HatDetailsChanged(hatId=hat_id, newDetails=_details)
    if len(_imageURI) > 0:
        log HatImageURIChanged(hatId=hat_id, newImageURI=_imageURI)
    self._store_link(_topHatDomain, _newAdminHat)


# VIEW FUNCTIONS #


@view
@external
def viewHat(
    _hatId: uint256,
) -> (String[MAX_TEXT], uint32, uint32, address, address, String[MAX_TEXT], uint16, bool, bool):
    """
    @notice Everything about a hat in one call.
    @param _hatId The hat.
    @return details, maxSupply, supply, eligibility, toggle, imageURI (with
            the tree's fallback), lastHatId, mutable, active (live).
    """
    cfg: uint256 = self._config[_hatId]
    slot: uint256 = self._toggle[_hatId]
    details_len: uint256 = (slot >> DETAILS_LEN_SHIFT) & 65535
    source: uint256 = self._image_source(_hatId)
    source_slot: uint256 = self._toggle[source]
    image_len: uint256 = (source_slot >> IMAGE_LEN_SHIFT) & 65535
    if details_len <= SHORT_TEXT and image_len <= SHORT_TEXT:
        # the usual case, in small buffers (memory is paid for by its bound)
        image: String[SHORT_TEXT] = ""
        if source == 0:
            image = self.baseImageURI
        else:
            image = self._read_short(source, (source_slot >> DETAILS_LEN_SHIFT) & 65535, image_len)
        return (
            self._read_short(_hatId, 0, details_len),
            convert((cfg >> MAX_SUPPLY_SHIFT) & 2**32 - 1, uint32),
            convert((cfg >> SUPPLY_SHIFT) & 2**32 - 1, uint32),
            self._eligibility_of(cfg),
            convert(slot & ADDRESS_MASK, address),
            image,
            convert((cfg >> LAST_HAT_SHIFT) & 65535, uint16),
            cfg & MUTABLE != 0,
            self._is_active(_hatId, cfg),
        )
    # long texts, from `hatTexts` in a static call to this contract, written
    # here rather than in an internal function, whose frame would lie under
    # (and make dearer) the memory of the usual case above
    details: String[MAX_TEXT] = abi_decode(
        raw_call(
            self,
            abi_encode(_hatId, method_id=method_id("hatTexts(uint256)")),
            max_outsize=2 * MAX_TEXT + 144,
            is_static_call=True,
        ),
        (String[MAX_TEXT], String[MAX_TEXT]),
    )[0]
    long_image: String[MAX_TEXT] = ""
    if source == 0:
        long_image = self.baseImageURI
    else:
        long_image = abi_decode(
            raw_call(
                self,
                abi_encode(source, method_id=method_id("hatTexts(uint256)")),
                max_outsize=2 * MAX_TEXT + 144,
                is_static_call=True,
            ),
            (String[MAX_TEXT], String[MAX_TEXT]),
        )[1]
    return (
        details,
        convert((cfg >> MAX_SUPPLY_SHIFT) & 2**32 - 1, uint32),
        convert((cfg >> SUPPLY_SHIFT) & 2**32 - 1, uint32),
        self._eligibility_of(cfg),
        convert(slot & ADDRESS_MASK, address),
        long_image,
        convert((cfg >> LAST_HAT_SHIFT) & 65535, uint16),
        cfg & MUTABLE != 0,
        self._is_active(_hatId, cfg),
    )


@view
@external
def hatTexts(_hatId: uint256) -> (String[MAX_TEXT], String[MAX_TEXT]):
    """
    @notice A hat's own details and image URI (no fallback), as stored (an
            opgov addition; viewHat and getImageURIForHat read long texts
            through it).
    @param _hatId The hat.
    @return details, imageURI.
    """
    slot: uint256 = self._toggle[_hatId]
    details_len: uint256 = (slot >> DETAILS_LEN_SHIFT) & 65535
    return (
        self._read_long(_hatId, 0, details_len),
        self._read_long(_hatId, details_len, (slot >> IMAGE_LEN_SHIFT) & 65535),
    )


@view
@external
def isWearerOfHat(_user: address, _hatId: uint256) -> bool:
    """
    @notice Whether `_user` wears hat `_hatId` now: holds it, the hat is
            active and the user is eligible and in good standing.
    @param _user The address asked about.
    @param _hatId The hat.
    @return Whether `_user` wears the hat.
    """
    return self._is_wearer(_user, _hatId) & YES != 0


@view
@external
def isAdminOfHat(_user: address, _hatId: uint256) -> bool:
    """
    @notice Whether `_user` wears an admin hat of `_hatId`, across linked
            trees (a top hat's wearer is its own admin).
    @param _user The address asked about.
    @param _hatId The hat.
    @return Whether `_user` is an admin of the hat.
    """
    return self._is_admin(_user, _hatId) & YES != 0


@view
@external
def isInGoodStanding(_wearer: address, _hatId: uint256) -> bool:
    """
    @notice Whether `_wearer` is in good standing for hat `_hatId`, per its
            eligibility module, else per the stored standing.
    @param _wearer The address asked about.
    @param _hatId The hat.
    @return Whether the standing is good.
    """
    valid: bool = False
    eligible: bool = False
    standing: bool = False
    valid, eligible, standing = self._wearer_status(_wearer, _hatId, self._config[_hatId])
    if valid:
        return standing
    return self._wearers[_hatId][_wearer] & BAD_STANDING == 0


@view
@external
def isEligible(_wearer: address, _hatId: uint256) -> bool:
    """
    @notice Whether `_wearer` is eligible for hat `_hatId` (and in good
            standing), per its eligibility module, else per the stored
            standing.
    @param _wearer The address asked about.
    @param _hatId The hat.
    @return Whether the wearer is eligible.
    """
    return self._is_eligible(
        _wearer, _hatId, self._config[_hatId], self._wearers[_hatId][_wearer]
    )


@view
@external
def isActive(_hatId: uint256) -> bool:
    """
    @notice Whether hat `_hatId` is active, per its toggle module, else per
            the stored status.
    @param _hatId The hat.
    @return Whether the hat is active.
    """
    return self._is_active(_hatId, self._config[_hatId])


@view
@external
def badStandings(_hatId: uint256, _wearer: address) -> bool:
    """
    @notice Whether `_wearer`'s stored standing for hat `_hatId` is bad.
    @param _hatId The hat.
    @param _wearer The address asked about.
    @return Whether the stored standing is bad.
    """
    return self._wearers[_hatId][_wearer] & BAD_STANDING != 0


@view
@external
def getHatEligibilityModule(_hatId: uint256) -> address:
    """
    @notice A hat's eligibility module.
    @param _hatId The hat.
    @return The module's address.
    """
    return self._eligibility_of(self._config[_hatId])


@view
@external
def getHatToggleModule(_hatId: uint256) -> address:
    """
    @notice A hat's toggle module.
    @param _hatId The hat.
    @return The module's address.
    """
    return self._toggle_of(_hatId)


@view
@external
def getHatMaxSupply(_hatId: uint256) -> uint32:
    """
    @notice How many wearers a hat may have at once.
    @param _hatId The hat.
    @return The max supply.
    """
    return convert((self._config[_hatId] >> MAX_SUPPLY_SHIFT) & 2**32 - 1, uint32)


@view
@external
def hatSupply(_hatId: uint256) -> uint32:
    """
    @notice How many addresses hold a hat (whether or not they are
            currently eligible).
    @param _hatId The hat.
    @return The supply.
    """
    return convert((self._config[_hatId] >> SUPPLY_SHIFT) & 2**32 - 1, uint32)


@view
@external
def getImageURIForHat(_hatId: uint256) -> String[MAX_TEXT]:
    """
    @notice A hat's image URI; if it has none, its nearest admin's, else
            the contract's base image URI.
    @param _hatId The hat.
    @return The image URI.
    """
    source: uint256 = self._image_source(_hatId)
    if source == 0:
        return self.baseImageURI
    slot: uint256 = self._toggle[source]
    image_len: uint256 = (slot >> IMAGE_LEN_SHIFT) & 65535
    if image_len <= SHORT_TEXT:
        return self._read_short(source, (slot >> DETAILS_LEN_SHIFT) & 65535, image_len)
    # a long one from `hatTexts`, inline for the reason given in viewHat
    return abi_decode(
        raw_call(
            self,
            abi_encode(source, method_id=method_id("hatTexts(uint256)")),
            max_outsize=2 * MAX_TEXT + 144,
            is_static_call=True,
        ),
        (String[MAX_TEXT], String[MAX_TEXT]),
    )[1]


@view
@external
def balanceOf(_wearer: address, _hatId: uint256) -> uint256:
    """
    @notice ERC1155 balance: 1 if `_wearer` wears the hat now, else 0.
    @param _wearer The address asked about.
    @param _hatId The hat.
    @return 0 or 1.
    """
    if self._is_wearer(_wearer, _hatId) & YES != 0:
        return 1
    return 0


@view
@external
def balanceOfBatch(
    _wearers: DynArray[address, MAX_BATCH], _hatIds: DynArray[uint256, MAX_BATCH]
) -> DynArray[uint256, MAX_BATCH]:
    """
    @notice ERC1155 balances of several (wearer, hat) pairs.
    @param _wearers The addresses (at most 100).
    @param _hatIds The hats, one per address.
    @return Each balance, 0 or 1.
    """
    if len(_wearers) != len(_hatIds):
        raw_revert(method_id("BatchArrayLengthMismatch()"))
    balances: DynArray[uint256, MAX_BATCH] = []
    for i: uint256 in range(MAX_BATCH):
        if i == len(_wearers):
            break
        if self._is_wearer(_wearers[i], _hatIds[i]) & YES != 0:
            balances.append(1)
        else:
            balances.append(0)
    return balances


@view
@external
def uri(_id: uint256) -> String[URI_MAX]:
    """
    @notice ERC1155 metadata: a JSON document as a base64 data URI.
    @param _id The hat.
    @return "data:application/json;base64,..." with the hat's name,
            description, image and properties.
    """
    return concat("data:application/json;base64,", convert(self._base64(self._json(_id)), String[B64_MAX]))


@payable
@external
def multicall(_data: DynArray[Bytes[MAX_CALL], MAX_MULTICALL]) -> DynArray[Bytes[MAX_RESULT], MAX_MULTICALL]:
    """
    @notice Make several calls to this contract in one transaction, each as
            if the caller made it (Solady's `Multicallable`, which Hats
            Protocol's contract and SDK use).
    @dev Each call is a delegate call to this contract, so `msg.sender` is
         the caller throughout; the first call that reverts reverts the
         whole batch with its own revert data. At most 32 calls of at most
         1,024 bytes each; a call that returns 160 bytes or more (a string)
         reverts the batch rather than return a truncated value.
    @param _data The calldata of each call.
    @return What each call returned.
    """
    results: DynArray[Bytes[MAX_RESULT], MAX_MULTICALL] = []
    for call_data: Bytes[MAX_CALL] in _data:
        ok: bool = False
        result: Bytes[MAX_RESULT] = b""
        ok, result = raw_call(
            self, call_data, max_outsize=MAX_RESULT, is_delegate_call=True, revert_on_failure=False
        )
        if not ok:
            raw_revert(result)
        assert len(result) < MAX_RESULT, "hats: a multicall result is too long"
        results.append(result)
    return results


@view
@external
def isApprovedForAll(_owner: address, _operator: address) -> bool:
    """
    @notice ERC1155: hats cannot be approved for transfer.
    @param _owner Unused.
    @param _operator Unused.
    @return False.
    """
    return False


@external
def setApprovalForAll(_operator: address, _approved: bool):
    """
    @notice ERC1155 approvals are not supported: hats move only with
            `transferHat`.
    @param _operator Unused.
    @param _approved Unused.
    """
    raw_revert(b"")


@external
def safeTransferFrom(_from: address, _to: address, _id: uint256, _amount: uint256, _data: Bytes[1024]):
    """
    @notice ERC1155 transfers are not supported: an admin moves a hat with
            `transferHat`.
    @param _from Unused.
    @param _to Unused.
    @param _id Unused.
    @param _amount Unused.
    @param _data Unused.
    """
    raw_revert(b"")


@external
def safeBatchTransferFrom(
    _from: address,
    _to: address,
    _ids: DynArray[uint256, MAX_BATCH],
    _amounts: DynArray[uint256, MAX_BATCH],
    _data: Bytes[1024],
):
    """
    @notice ERC1155 transfers are not supported: an admin moves a hat with
            `transferHat`.
    @param _from Unused.
    @param _to Unused.
    @param _ids Unused.
    @param _amounts Unused.
    @param _data Unused.
    """
    raw_revert(b"")


@pure
@external
def supportsInterface(_interfaceId: bytes4) -> bool:
    """
    @notice ERC165: ERC165 and ERC1155 metadata URI.
    @dev As in Hats Protocol, ERC1155 itself (0xd9b67a26) is not claimed:
         the token interface is there, but transfers revert and receivers
         are never called, so it does not meet the ERC1155 specification.
    @param _interfaceId The interface id.
    @return Whether it is supported.
    """
    return _interfaceId == ERC165_ID or _interfaceId == ERC1155_METADATA_URI_ID


# IHatsIdUtilities #


@pure
@external
def buildHatId(_admin: uint256, _newHat: uint16) -> uint256:
    """
    @notice The id of child number `_newHat` of hat `_admin`.
    @param _admin The admin hat's id.
    @param _newHat The child's number within its level.
    @return The child's id.
    """
    return self._build_hat_id(_admin, convert(_newHat, uint256))


@view
@external
def getHatLevel(_hatId: uint256) -> uint32:
    """
    @notice A hat's level counted from the top of its tree of linked trees.
    @param _hatId The hat.
    @return The level (0 for a top hat that is not linked).
    """
    return convert(self._hat_level(_hatId), uint32)


@pure
@external
def getLocalHatLevel(_hatId: uint256) -> uint32:
    """
    @notice A hat's level within its own tree.
    @param _hatId The hat.
    @return The level (0 for a top hat).
    """
    return convert(self._local_level(_hatId), uint32)


@view
@external
def isTopHat(_hatId: uint256) -> bool:
    """
    @notice Whether a hat is a top hat that is not linked under another tree.
    @param _hatId The hat.
    @return Whether it is such a top hat.
    """
    return self._is_top_hat(_hatId)


@pure
@external
def isLocalTopHat(_hatId: uint256) -> bool:
    """
    @notice Whether a hat is the top hat of its own tree (linked or not).
    @param _hatId The hat.
    @return Whether it is a local top hat.
    """
    return self._is_local_top_hat(_hatId)


@pure
@external
def isValidHatId(_hatId: uint256) -> bool:
    """
    @notice Whether an id is well formed: no empty level above its last one.
    @param _hatId The id.
    @return Whether it is valid (0 is not).
    """
    return self._is_valid_hat_id(_hatId)


@view
@external
def getAdminAtLevel(_hatId: uint256, _level: uint32) -> uint256:
    """
    @notice The admin of a hat at a level counted across linked trees.
    @param _hatId The hat.
    @param _level The level.
    @return The admin hat's id.
    """
    return self._admin_at_level(_hatId, convert(_level, uint256))


@pure
@external
def getAdminAtLocalLevel(_hatId: uint256, _level: uint32) -> uint256:
    """
    @notice The admin of a hat at a level of its own tree.
    @param _hatId The hat.
    @param _level The level (at most 14).
    @return The admin hat's id.
    """
    return self._admin_at_local_level(_hatId, convert(_level, uint256))


@pure
@external
def getTopHatDomain(_hatId: uint256) -> uint32:
    """
    @notice A hat's top-hat domain: the top 32 bits of its id.
    @param _hatId The hat.
    @return The domain.
    """
    return convert(_hatId >> 224, uint32)


@view
@external
def getTippyTopHatDomain(_topHatDomain: uint32) -> uint32:
    """
    @notice The domain of the tree at the top of a chain of linked trees.
    @param _topHatDomain A tree's domain.
    @return The topmost tree's domain.
    """
    return self._tippy_top_domain(_topHatDomain)


@view
@external
def noCircularLinkage(_topHatDomain: uint32, _linkedAdmin: uint256) -> bool:
    """
    @notice Whether linking tree `_topHatDomain` under `_linkedAdmin` keeps
            the trees acyclic.
    @param _topHatDomain The tree to link.
    @param _linkedAdmin The would-be admin hat.
    @return True if no cycle would form.
    """
    return self._no_circular_linkage(_topHatDomain, _linkedAdmin)


@view
@external
def sameTippyTopHatDomain(_topHatDomain: uint32, _newAdminHat: uint256) -> bool:
    """
    @notice Whether a tree and a hat share the same topmost tree.
    @param _topHatDomain The tree.
    @param _newAdminHat The hat.
    @return Whether their tippy top domains are equal.
    """
    return self._tippy_top_domain(_topHatDomain) == self._tippy_top_domain(
        convert(_newAdminHat >> 224, uint32)
    )


# INTERNAL: CREATING AND MINTING #


@internal
def _create_hat(
    _admin: uint256,
    _max_supply: uint32,
    _eligibility: address,
    _toggle: address,
    _mutable: bool,
    _details: uint256,
    _details_len: uint256,
    _image: uint256,
    _image_len: uint256,
    _known: bool,
) -> (uint256, uint256):
    # the strings stay in calldata (see `_write_text`); the caller logs
    # HatCreated. `_known`: an earlier hat of the same batch had this admin,
    # so the admin id is valid and the sender's admin rights were decided by
    # storage alone (see batchCreateHats), and neither check is repeated.
    # Returns the new id and the admin check's answer (0 if not made).
    if _admin & 65535 != 0:
        raw_revert(method_id("MaxLevelsReached()"))
    if _eligibility == empty(address) or _toggle == empty(address):
        raw_revert(method_id("ZeroAddress()"))
    if not _known:
        if not self._is_valid_hat_id(_admin):
            raw_revert(method_id("InvalidHatId()"))
    admin_cfg: uint256 = self._config[_admin]
    last: uint256 = (admin_cfg >> LAST_HAT_SHIFT) & 65535
    self._check_in_range(last < 65535)
    hat_id: uint256 = self._build_hat_id(_admin, last + 1)
    # as `_check_admin`, keeping whether a module was asked
    admin: uint256 = 0
    if not _known:
        admin = self._is_admin(msg.sender, hat_id)
        if admin & YES == 0:
            raw_revert(abi_encode(msg.sender, hat_id, method_id=method_id("NotAdmin(address,uint256)")))
    # keep the new hat's own child counter, in case hats were created below
    # its id before it existed
    cfg: uint256 = (
        (self._config[hat_id] & LAST_HAT_BITS)
        | ACTIVE
        | (convert(_max_supply, uint256) << MAX_SUPPLY_SHIFT)
        | convert(_eligibility, uint256)
    )
    if _mutable:
        cfg |= MUTABLE
    self._config[hat_id] = self._with_modules(cfg, _toggle)
    # a new hat's toggle slot is empty: it is written whatever the texts
    self._write_new_text(hat_id, convert(_toggle, uint256), _details, _details_len, _image, _image_len)
    self._config[_admin] = admin_cfg + LAST_HAT_ONE
    return hat_id, admin


@internal
def _give_top_hat(_hat_id: uint256, _target: address):
    # mintTopHat's last step, kept out of its frame: the TransferSingle log's
    # buffer would lie above the HatCreated one, sized for two long strings
    self._wearers[_hat_id][_target] = WEARING
    log TransferSingle(
        operator=msg.sender, sender=empty(address), receiver=_target, id=_hat_id, value=1
    )


@internal
def _create_batch_entry(
    _admin: uint256,
    _details: String[BATCH_TEXT],
    _max_supply: uint32,
    _eligibility: address,
    _toggle: address,
    _mutable: bool,
    _image: String[BATCH_TEXT],
    _known: uint256,
) -> uint256:
    # one hat of batchCreateHats, in an internal function whose small frame
    # lies below the caller's arguments (a log's buffer in the caller's frame
    # would lie above them); its two short strings fill at most two slots.
    # `_known`: an admin whose validity and admin check earlier hats of the
    # batch passed, deciding the check by storage alone (no module asked).
    # Creating hats changes no wearer, status, module or link of an existing
    # hat, only new hats and child counters, so such a check comes out the
    # same for every later hat with that admin and is not repeated; a check
    # that asked a module is, since the module may answer differently.
    # Returns the `_known` for the next hat.
    hat_id: uint256 = 0
    admin: uint256 = 0
    details_len: uint256 = len(_details)
    hat_id, admin = self._create_hat(
        _admin, _max_supply, _eligibility, _toggle, _mutable, 0, details_len, 0, len(_image),
        _known != 0 and _admin == _known
    )
    if details_len + len(_image) > 0:
        # the details, then the image URI, left-aligned in two words (each
        # string's bytes past its length are zero)
        details: uint256 = convert(convert(convert(_details, Bytes[BATCH_TEXT]), bytes32), uint256)
        image: uint256 = convert(convert(convert(_image, Bytes[BATCH_TEXT]), bytes32), uint256)
        self._text[hat_id][0] = convert(details | (image >> (8 * details_len)), bytes32)
        if details_len + len(_image) > 32:
            self._text[hat_id][1] = convert(image << (8 * (32 - details_len)), bytes32)
    log HatCreated(
        id=hat_id,
        details=_details,
        maxSupply=_max_supply,
        eligibility=_eligibility,
        toggle=_toggle,
        mutable_=_mutable,
        imageURI=_image,
    )
    if admin & ASKED != 0:
        return 0
    return _admin


@internal
def _mint_hat(_hat_id: uint256, _wearer: address):
    cfg: uint256 = self._config[_hat_id]
    max_supply: uint256 = (cfg >> MAX_SUPPLY_SHIFT) & 2**32 - 1
    if max_supply == 0:
        raw_revert(abi_encode(_hat_id, method_id=method_id("HatDoesNotExist(uint256)")))
    w: uint256 = self._wearers[_hat_id][_wearer]
    self._check_eligible_and_active(_wearer, _hat_id, cfg, w)
    self._check_admin(_hat_id)
    if (cfg >> SUPPLY_SHIFT) & 2**32 - 1 >= max_supply:
        raw_revert(abi_encode(_hat_id, method_id=method_id("AllHatsWorn(uint256)")))
    if w & WEARING != 0:
        raw_revert(abi_encode(_wearer, _hat_id, method_id=method_id("AlreadyWearingHat(address,uint256)")))
    self._wearers[_hat_id][_wearer] = w | WEARING
    self._config[_hat_id] = cfg + SUPPLY_ONE
    log TransferSingle(
        operator=msg.sender, sender=empty(address), receiver=_wearer, id=_hat_id, value=1
    )


@internal
def _process_hat_status(_hat_id: uint256, _active: bool) -> bool:
    cfg: uint256 = self._config[_hat_id]
    if _active == (cfg & ACTIVE != 0):
        return False
    self._config[_hat_id] = cfg ^ ACTIVE
    log HatStatusChanged(hatId=_hat_id, newStatus=_active)
    return True


@internal
def _process_wearer_status(
    _hat_id: uint256, _cfg: uint256, _wearer: address, _eligible: bool, _standing: bool
) -> bool:
    w: uint256 = self._wearers[_hat_id][_wearer]
    new_w: uint256 = w
    if w & WEARING != 0 and not (_eligible and _standing):
        new_w = new_w & ~WEARING
        self._config[_hat_id] = _cfg - SUPPLY_ONE
        log TransferSingle(
            operator=msg.sender, sender=_wearer, receiver=empty(address), id=_hat_id, value=1
        )
    updated: bool = False
    if _standing == (w & BAD_STANDING != 0):
        new_w = new_w ^ BAD_STANDING
        updated = True
        log WearerStandingChanged(hatId=_hat_id, wearer=_wearer, wearerStanding=_standing)
    if new_w != w:
        self._wearers[_hat_id][_wearer] = new_w
    return updated


# INTERNAL: LINKING #


@view
@internal
def _check_new_admin(_new_admin: uint256):
    if self._hat_level(_new_admin) < MAX_LEVELS:
        self._check_admin(self._build_hat_id(_new_admin, 1))
    else:
        if self._is_admin(msg.sender, _new_admin) & YES == 0 and self._is_wearer(msg.sender, _new_admin) & YES == 0:
            raw_revert(method_id("NotAdminOrWearer()"))


@internal
def _link(
    _domain: uint32, _new_admin: uint256, _eligibility: address, _toggle: address, _details_len: uint256,
    _image_len: uint256
) -> uint256:
    # everything a link does but log the new strings and store the link
    # itself, which the caller does (the strings stay in its calldata, as
    # arguments 5 and 6); returns the top hat's id
    if not self._no_circular_linkage(_domain, _new_admin):
        raw_revert(method_id("CircularLinkage()"))
    linked: uint256 = self.linkedTreeAdmins[_domain]
    if linked != 0:
        tippy: uint256 = convert(self._tippy_top_domain(_domain), uint256) << 224
        if self._is_wearer(msg.sender, tippy) & YES == 0:
            dest_top: uint256 = _new_admin >> 224 << 224
            origin_top: uint256 = linked >> 224 << 224
            if dest_top != origin_top and dest_top != tippy:
                raw_revert(method_id("CrossTreeLinkage()"))
        elif self._tippy_top_domain(_domain) != self._tippy_top_domain(convert(_new_admin >> 224, uint32)):
            raw_revert(method_id("CrossTreeLinkage()"))

    # bound every chain of linked trees: the trees above the new admin, this
    # one, and the longest chain below this one
    admin_domain: uint32 = convert(_new_admin >> 224, uint32)
    height: uint256 = self._height(_domain)
    assert self._chain_depth(admin_domain) + 1 + height <= MAX_TREE_CHAIN, "hats: linked trees would nest too deep"
    old_domain: uint32 = convert(linked >> 224, uint32)
    if linked == 0:
        self._restack(admin_domain, NO_HEIGHT, height)
    elif old_domain != admin_domain:
        # a move to another tree: out of the old chain, then into the new one
        self._restack(old_domain, height, NO_HEIGHT)
        self._restack(admin_domain, NO_HEIGHT, height)

    hat_id: uint256 = convert(_domain, uint256) << 224
    if _eligibility != empty(address):
        self._config[hat_id] = (self._config[hat_id] & ~ADDRESS_MASK) | convert(_eligibility, uint256)
        log HatEligibilityChanged(hatId=hat_id, newEligibility=_eligibility)
    slot: uint256 = self._toggle[hat_id]
    if _toggle != empty(address):
        slot = (slot & ~ADDRESS_MASK) | convert(_toggle, uint256)
        self._toggle[hat_id] = slot
        log HatToggleChanged(hatId=hat_id, newToggle=_toggle)
    if _eligibility != empty(address) or _toggle != empty(address):
        self._config[hat_id] = self._with_modules(self._config[hat_id], convert(slot & ADDRESS_MASK, address))
    if _details_len > 0 or _image_len > 0:
        # a new string from calldata, else the stored one
        details: uint256 = 0
        details_len: uint256 = (slot >> DETAILS_LEN_SHIFT) & 65535
        image: uint256 = details_len
        image_len: uint256 = (slot >> IMAGE_LEN_SHIFT) & 65535
        if _details_len > 0:
            details = self._string_at(132)
            details_len = _details_len
        if _image_len > 0:
            image = self._string_at(164)
            image_len = _image_len
        self._write_text(hat_id, slot, slot, details, details_len, image, image_len)
    return hat_id


@internal
def _store_link(_domain: uint32, _new_admin: uint256):
    # the last step of both link functions, kept out of their frames: the
    # TopHatLinked log's buffer would lie above their two long strings
    self.linkedTreeAdmins[_domain] = _new_admin
    log TopHatLinked(domain=_domain, newAdmin=_new_admin)


@internal
def _restack(_domain: uint32, _old: uint256, _new: uint256):
    # a tree linked directly below `_domain` went from height `_old` to
    # `_new` (NO_HEIGHT: it was not there, or is gone): recount it, and
    # carry the change up the chain for as long as heights change
    current: uint32 = _domain
    old: uint256 = _old
    new: uint256 = _new
    for i: uint256 in range(MAX_TREE_CHAIN):
        low: uint256 = self._below_low[current]
        before: uint256 = self._height_of(low)
        if old != NO_HEIGHT:
            low = self._count(current, low, old, False)
        if new != NO_HEIGHT:
            low = self._count(current, low, new, True)
        self._below_low[current] = low
        after: uint256 = self._height_of(low)
        if after == before:
            return
        above: uint256 = self.linkedTreeAdmins[current]
        if above == 0:
            return
        old = before
        new = after
        current = convert(above >> 224, uint32)


@internal
def _count(_domain: uint32, _low: uint256, _height: uint256, _add: bool) -> uint256:
    # one more (or one fewer) tree of height `_height` directly below
    # `_domain`; returns the first counting slot, which the caller stores
    offset: uint256 = COUNT_BITS * _height
    word: uint256 = _low
    if _height >= LOW_HEIGHTS:
        offset = COUNT_BITS * (_height - LOW_HEIGHTS)
        word = self._below_high[_domain]
    if _add:
        word += 1 << offset
    else:
        word -= 1 << offset
    low: uint256 = word
    if _height >= LOW_HEIGHTS:
        self._below_high[_domain] = word
        low = _low
    flag: uint256 = 1 << (HEIGHT_FLAGS_SHIFT + _height)
    if (word >> offset) & COUNT_MASK == 0:
        return low & ~flag
    return low | flag


@view
@internal
def _height(_domain: uint32) -> uint256:
    # the number of trees in the longest chain of trees linked below `_domain`
    return self._height_of(self._below_low[_domain])


@pure
@internal
def _height_of(_low: uint256) -> uint256:
    # one more than the greatest height flagged in a first counting slot (0: none)
    flags: uint256 = _low >> HEIGHT_FLAGS_SHIFT
    for height: uint256 in range(MAX_TREE_CHAIN):
        if flags >> height == 0:
            return height
    return MAX_TREE_CHAIN


@view
@internal
def _chain_depth(_domain: uint32) -> uint256:
    # number of trees from `_domain` up to its tippy top tree, both included
    current: uint32 = _domain
    for depth: uint256 in range(1, MAX_TREE_CHAIN + 1):
        above: uint256 = self.linkedTreeAdmins[current]
        if above == 0:
            return depth
        current = convert(above >> 224, uint32)
    raise "hats: linked trees nest too deep"


@view
@internal
def _tippy_top_domain(_domain: uint32) -> uint32:
    current: uint32 = _domain
    for i: uint256 in range(MAX_TREE_CHAIN):
        above: uint256 = self.linkedTreeAdmins[current]
        if above == 0:
            return current
        current = convert(above >> 224, uint32)
    raise "hats: linked trees nest too deep"


@view
@internal
def _no_circular_linkage(_domain: uint32, _linked_admin: uint256) -> bool:
    if _linked_admin == 0:
        return True
    current: uint32 = convert(_linked_admin >> 224, uint32)
    for i: uint256 in range(MAX_TREE_CHAIN):
        if current == _domain:
            return False
        above: uint256 = self.linkedTreeAdmins[current]
        if above == 0:
            return True
        current = convert(above >> 224, uint32)
    raise "hats: linked trees nest too deep"


# INTERNAL: WEARERS, ADMINS AND MODULES #


@view
@internal
def _check_admin(_hat_id: uint256):
    if self._is_admin(msg.sender, _hat_id) & YES == 0:
        raw_revert(abi_encode(msg.sender, _hat_id, method_id=method_id("NotAdmin(address,uint256)")))


@view
@internal
def _check_eligible_and_active(_wearer: address, _hat_id: uint256, _cfg: uint256, _w: uint256):
    # a hat is given (minted or transferred) only to an eligible wearer, and
    # only while it is active
    if not self._is_eligible(_wearer, _hat_id, _cfg, _w):
        raw_revert(method_id("NotEligible()"))
    if not self._is_active(_hat_id, _cfg):
        raw_revert(method_id("HatNotActive()"))


@pure
@internal
def _check_in_range(_ok: bool):
    # unless `_ok`, revert with Panic(0x11): what Hats Protocol's checked
    # arithmetic reverts with where a child counter or a level would leave its
    # range
    if not _ok:
        raw_revert(abi_encode(convert(17, uint256), method_id=method_id("Panic(uint256)")))


@view
@internal
def _check_changeable(_hat_id: uint256, _top_hat_too: bool) -> uint256:
    # the checks every change* setter shares; returns the hat's config
    self._check_admin(_hat_id)
    cfg: uint256 = self._config[_hat_id]
    if cfg & MUTABLE == 0 and not (_top_hat_too and self._is_top_hat(_hat_id)):
        raw_revert(method_id("Immutable()"))
    return cfg


@view
@internal
def _is_wearer(_user: address, _hat_id: uint256) -> uint256:
    # YES if `_user` wears the hat, plus ASKED if a module was (or may have
    # been) asked: without ASKED, storage alone decided
    w: uint256 = self._wearers[_hat_id][_user]
    if w & WEARING == 0:
        return 0
    cfg: uint256 = self._config[_hat_id]
    if cfg & SAME_MODULES != 0 and (cfg & QUIET != 0 or not self._may_answer(convert(cfg & ADDRESS_MASK, address))):
        # the usual case for hats run by an EOA, by nobody or by a quiet
        # module such as a Safe: one module, which does not answer, so the
        # stored status and standing decide
        return convert(cfg & ACTIVE != 0 and w & BAD_STANDING == 0, uint256)
    return ASKED | convert(self._is_active(_hat_id, cfg) and self._is_eligible(_user, _hat_id, cfg, w), uint256)


@view
@internal
def _is_admin(_user: address, _hat_id: uint256) -> uint256:
    # walk up the hat's admins, level by level, then up the linked trees:
    # YES if `_user` wears one, plus ASKED if a module was asked on the way
    # (as `_is_wearer`)
    asked: uint256 = 0
    hat: uint256 = _hat_id
    # how many levels of `hat`'s tree to check, counting down to its top hat
    levels: uint256 = 0
    if self._is_local_top_hat(hat):
        linked: uint256 = self.linkedTreeAdmins[convert(hat >> 224, uint32)]
        if linked == 0:
            return self._is_wearer(_user, hat)
        hat = linked
        levels = self._local_level(hat) + 1
    else:
        levels = self._local_level(hat)
    for t: uint256 in range(MAX_TREE_CHAIN):
        for i: uint256 in range(MAX_LEVELS + 1):
            if i == levels:
                break
            wears: uint256 = self._is_wearer(_user, self._admin_at_local_level(hat, levels - 1 - i))
            asked |= wears
            if wears & YES != 0:
                return asked
        linked: uint256 = self.linkedTreeAdmins[convert(hat >> 224, uint32)]
        if linked == 0:
            return asked
        hat = linked
        levels = self._local_level(hat) + 1
    raise "hats: linked trees nest too deep"


@view
@internal
def _is_active(_hat_id: uint256, _cfg: uint256) -> bool:
    valid: bool = False
    active: bool = False
    valid, active = self._pull_hat_status(self._toggle_for(_hat_id, _cfg), _hat_id, _cfg)
    if valid:
        return active
    return _cfg & ACTIVE != 0


@view
@internal
def _is_eligible(_wearer: address, _hat_id: uint256, _cfg: uint256, _w: uint256) -> bool:
    valid: bool = False
    eligible: bool = False
    standing: bool = False
    valid, eligible, standing = self._wearer_status(_wearer, _hat_id, _cfg)
    if valid:
        return eligible
    return _w & BAD_STANDING == 0


@view
@internal
def _pull_hat_status(_toggle: address, _hat_id: uint256, _cfg: uint256) -> (bool, bool):
    # (valid, active): valid only for exactly one word holding 0 or 1; a quiet
    # hat's module is not asked
    if _cfg & QUIET != 0 or not self._may_answer(_toggle):
        return False, False
    ok: bool = False
    answer: Bytes[64] = b""
    gas_before: uint256 = msg.gas
    ok, answer = raw_call(
        _toggle,
        abi_encode(_hat_id, method_id=method_id("getHatStatus(uint256)")),
        max_outsize=64,
        is_static_call=True,
        revert_on_failure=False,
    )
    if not ok:
        self._check_not_starved(gas_before)
        return False, False
    if len(answer) != 32:
        return False, False
    word: uint256 = extract32(answer, 0, output_type=uint256)
    if word > 1:
        return False, False
    return True, word == 1


@view
@internal
def _wearer_status(_wearer: address, _hat_id: uint256, _cfg: uint256) -> (bool, bool, bool):
    # (valid, eligible, standing) from the eligibility module in the config:
    # valid only for exactly two words of 0 or 1; a wearer in bad standing is
    # never eligible; a quiet hat's module is not asked
    if _cfg & QUIET != 0:
        return False, False, False
    _eligibility: address = self._eligibility_of(_cfg)
    if not self._may_answer(_eligibility):
        return False, False, False
    ok: bool = False
    answer: Bytes[96] = b""
    gas_before: uint256 = msg.gas
    ok, answer = raw_call(
        _eligibility,
        abi_encode(_wearer, _hat_id, method_id=method_id("getWearerStatus(address,uint256)")),
        max_outsize=96,
        is_static_call=True,
        revert_on_failure=False,
    )
    if not ok:
        self._check_not_starved(gas_before)
        return False, False, False
    if len(answer) != 64:
        return False, False, False
    first: uint256 = extract32(answer, 0, output_type=uint256)
    second: uint256 = extract32(answer, 32, output_type=uint256)
    if first > 1 or second > 1:
        return False, False, False
    return True, first == 1 and second == 1, second == 1


@view
@internal
def _check_not_starved(_gas_before: uint256):
    # after a module call failed: a call that ran out of gas used all it was
    # given, leaving at most the 1/64 of `_gas_before` kept back (EIP-150),
    # so it might have answered with more gas; revert rather than fall back
    assert msg.gas > _gas_before // 64, "hats: module ran out of gas"


@pure
@internal
def _eligibility_of(_cfg: uint256) -> address:
    return convert(_cfg & ADDRESS_MASK, address)


@view
@internal
def _toggle_of(_hat_id: uint256) -> address:
    return self._toggle_for(_hat_id, self._config[_hat_id])


@view
@internal
def _toggle_for(_hat_id: uint256, _cfg: uint256) -> address:
    # the toggle module, without reading its slot when it is the eligibility module
    if _cfg & SAME_MODULES != 0:
        return convert(_cfg & ADDRESS_MASK, address)
    return self._toggle_slot_module(_hat_id)


@view
@internal
def _toggle_slot_module(_hat_id: uint256) -> address:
    return convert(self._toggle[_hat_id] & ADDRESS_MASK, address)


@view
@internal
def _with_modules(_cfg: uint256, _toggle: address) -> uint256:
    # the config with SAME_MODULES set exactly when `_toggle` is its
    # eligibility module, and QUIET when that module has declared itself quiet
    if convert(_cfg & ADDRESS_MASK, address) != _toggle:
        return _cfg & ~(SAME_MODULES | QUIET)
    if self.isQuietModule[_toggle]:
        return _cfg | SAME_MODULES | QUIET
    return (_cfg | SAME_MODULES) & ~QUIET


@view
@internal
def _may_answer(_module: address) -> bool:
    # whether a static call to the module could return anything: not for the
    # zero address or an account without code (precompiles excepted)
    if _module.codesize != 0:
        return True
    return convert(_module, uint256) != 0 and convert(_module, uint256) <= LAST_PRECOMPILE


# INTERNAL: HAT IDS #


@pure
@internal
def _local_level(_hat_id: uint256) -> uint256:
    # 14 minus the number of empty 16-bit levels at the bottom, found by halving
    x: uint256 = _hat_id & LOCAL_MASK
    if x == 0:
        return 0
    empty_levels: uint256 = 0
    if x & (2**112 - 1) == 0:
        empty_levels = 7
        x = x >> 112
    if x & (2**64 - 1) == 0:
        empty_levels += 4
        x = x >> 64
    if x & (2**32 - 1) == 0:
        empty_levels += 2
        x = x >> 32
    if x & 65535 == 0:
        empty_levels += 1
    return MAX_LEVELS - empty_levels


@pure
@internal
def _is_local_top_hat(_hat_id: uint256) -> bool:
    return _hat_id > 0 and _hat_id & LOCAL_MASK == 0


@view
@internal
def _is_top_hat(_hat_id: uint256) -> bool:
    return self._is_local_top_hat(_hat_id) and self.linkedTreeAdmins[convert(_hat_id >> 224, uint32)] == 0


@pure
@internal
def _is_valid_hat_id(_hat_id: uint256) -> bool:
    # as in Hats Protocol, whose level count goes below 0 for hat id 0
    self._check_in_range(_hat_id != 0)
    level: uint256 = self._local_level(_hat_id)
    # every level above the last one must be non-empty
    for i: uint256 in range(1, MAX_LEVELS):
        if i >= level:
            break
        if (_hat_id >> (16 * (MAX_LEVELS - i))) & 65535 == 0:
            return False
    return True


@pure
@internal
def _build_hat_id(_admin: uint256, _new_hat: uint256) -> uint256:
    level: uint256 = self._local_level(_admin)
    if level == MAX_LEVELS:
        raw_revert(method_id("MaxLevelsReached()"))
    return _admin | (_new_hat << (16 * (MAX_LEVELS - 1 - level)))


@pure
@internal
def _admin_at_local_level(_hat_id: uint256, _level: uint256) -> uint256:
    self._check_in_range(_level <= MAX_LEVELS)
    return _hat_id & (max_value(uint256) << (16 * (MAX_LEVELS - _level)))


@view
@internal
def _hat_level(_hat_id: uint256) -> uint256:
    level: uint256 = self._local_level(_hat_id)
    linked: uint256 = self.linkedTreeAdmins[convert(_hat_id >> 224, uint32)]
    for i: uint256 in range(MAX_TREE_CHAIN):
        if linked == 0:
            return level
        level += 1 + self._local_level(linked)
        linked = self.linkedTreeAdmins[convert(linked >> 224, uint32)]
    raise "hats: linked trees nest too deep"


@view
@internal
def _admin_at_level(_hat_id: uint256, _level: uint256) -> uint256:
    hat: uint256 = _hat_id
    for i: uint256 in range(MAX_TREE_CHAIN):
        linked: uint256 = self.linkedTreeAdmins[convert(hat >> 224, uint32)]
        if linked == 0:
            return self._admin_at_local_level(hat, _level)
        top_level: uint256 = self._hat_level(hat >> 224 << 224)
        if top_level <= _level:
            return self._admin_at_local_level(hat, _level - top_level)
        hat = linked
    raise "hats: linked trees nest too deep"


# INTERNAL: TEXT #


@internal
def _write_text(
    _hat_id: uint256, _stored: uint256, _toggle: uint256, _details: uint256, _details_len: uint256,
    _image: uint256, _image_len: uint256
):
    # store the details and image URI back to back, 32 bytes a slot, and
    # their lengths beside the toggle module `_toggle`. Each string is read
    # where it is, never copied into memory whole: `_details` and `_image`
    # are either FROM_CALLDATA | the position of its first byte in msg.data,
    # or the byte offset where it already is in this hat's text (the layout
    # `_stored` describes). The toggle slot is written unless it already
    # holds the very value it would get.
    total: uint256 = _details_len + _image_len
    slot: uint256 = (
        (_toggle & ADDRESS_MASK)
        | (_details_len << DETAILS_LEN_SHIFT)
        | (_image_len << IMAGE_LEN_SHIFT)
    )
    if slot != _stored:
        self._toggle[_hat_id] = slot
    words: uint256 = (total + 31) // 32
    # a stored string that moves to a higher offset is copied from its end,
    # so that no slot is overwritten before it is read
    backwards: bool = _image & FROM_CALLDATA == 0 and _image < _details_len
    # slots wholly inside stored details that stay where they are
    skip: uint256 = 0
    if _details & FROM_CALLDATA == 0:
        skip = _details_len // 32
    for k: uint256 in range(TEXT_SLOTS):
        if k >= words:
            break
        i: uint256 = k
        if backwards:
            i = words - 1 - k
        if i < skip:
            continue
        start: uint256 = i * 32
        word: uint256 = 0
        if start < _details_len:
            word = self._text_word(_hat_id, _details, start, _details_len - start)
            if start + 32 > _details_len and _image_len > 0:
                word |= self._text_word(_hat_id, _image, 0, _image_len) >> (8 * (_details_len - start))
        else:
            word = self._text_word(_hat_id, _image, start - _details_len, total - start)
        self._text[_hat_id][i] = convert(word, bytes32)


@internal
def _write_new_text(
    _hat_id: uint256, _toggle: uint256, _details: uint256, _details_len: uint256, _image: uint256,
    _image_len: uint256
):
    # `_write_text` for a new hat, whose strings both come from calldata
    # (FROM_CALLDATA | position, as `_string_at` gives): fewer steps a word.
    # `_details` 0: only the toggle slot, the caller writes the text
    # (batchCreateHats)
    self._toggle[_hat_id] = (
        _toggle | (_details_len << DETAILS_LEN_SHIFT) | (_image_len << IMAGE_LEN_SHIFT)
    )
    if _details == 0:
        return
    total: uint256 = _details_len + _image_len
    details: uint256 = _details & ~FROM_CALLDATA
    image: uint256 = _image & ~FROM_CALLDATA
    for k: uint256 in range(TEXT_SLOTS):
        start: uint256 = k * 32
        if start >= total:
            break
        word: uint256 = 0
        if start < _details_len:
            word = self._calldata_word(details + start)
            if start + 32 > _details_len:
                # the details end in this word: the image URI's first bytes follow
                keep: uint256 = 8 * (32 - (_details_len - start))
                word = word >> keep << keep
                if _image_len > 0:
                    word |= self._calldata_word(image) >> (256 - keep)
        else:
            word = self._calldata_word(image + start - _details_len)
        if start + 32 > total:
            # zero whatever follows the last string in calldata
            cut: uint256 = 8 * (start + 32 - total)
            word = word >> cut << cut
        self._text[_hat_id][k] = convert(word, bytes32)


@view
@internal
def _calldata_word(_position: uint256) -> uint256:
    # the 32 bytes of calldata from `_position`, zeros past its end
    size: uint256 = len(msg.data)
    if _position + 32 <= size:
        return convert(slice(msg.data, _position, 32), uint256)
    return convert(slice(msg.data, size - 32, 32), uint256) << (8 * (_position + 32 - size))


@view
@internal
def _text_word(_hat_id: uint256, _source: uint256, _at: uint256, _left: uint256) -> uint256:
    # the 32 bytes from byte `_at` of a string (see `_write_text`), of which
    # only the first `_left` count: the rest are zero
    word: uint256 = 0
    if _source & FROM_CALLDATA != 0:
        position: uint256 = (_source & ~FROM_CALLDATA) + _at
        size: uint256 = len(msg.data)
        if position + 32 <= size:
            word = convert(slice(msg.data, position, 32), uint256)
        else:
            # the last string of unpadded calldata: the bytes up to its end
            word = convert(slice(msg.data, size - 32, 32), uint256) << (8 * (position + 32 - size))
    else:
        offset: uint256 = _source + _at
        first: uint256 = offset // 32
        bit_shift: uint256 = (offset % 32) * 8
        word = convert(self._text[_hat_id][first], uint256) << bit_shift
        # the next slot only if the bytes that count run into it
        if bit_shift != 0 and offset % 32 + _left > 32:
            word |= convert(self._text[_hat_id][first + 1], uint256) >> (256 - bit_shift)
    if _left < 32:
        word = word >> (8 * (32 - _left)) << (8 * (32 - _left))
    return word


@view
@internal
def _element_at(_head: uint256, _index: uint256) -> uint256:
    # as `_string_at`, for element `_index` of the string-array argument
    # whose offset is in the head word at `_head`
    array: uint256 = 4 + convert(slice(msg.data, _head, 32), uint256) + 32
    offset: uint256 = convert(slice(msg.data, array + 32 * _index, 32), uint256)
    return FROM_CALLDATA | (array + offset + 32)


@view
@internal
def _string_at(_head: uint256) -> uint256:
    # FROM_CALLDATA | the position in msg.data of the first byte of the
    # string argument whose offset is in the head word at `_head`
    offset: uint256 = convert(slice(msg.data, _head, 32), uint256)
    return FROM_CALLDATA | (4 + offset + 32)


@view
@internal
def _read_short(_hat_id: uint256, _offset: uint256, _length: uint256) -> String[SHORT_TEXT]:
    # `_length` (at most SHORT_TEXT) bytes of the hat's text from byte `_offset`
    words: DynArray[bytes32, SHORT_WORDS] = []
    for i: uint256 in range(SHORT_WORDS):
        if i * 32 >= _length:
            break
        words.append(convert(self._text_word(_hat_id, _offset, i * 32, _length - i * 32), bytes32))
    # the encoding's first two words are the array's offset and length
    return convert(slice(abi_encode(words), 64, _length), String[SHORT_TEXT])


@view
@internal
def _read_long(_hat_id: uint256, _offset: uint256, _length: uint256) -> String[MAX_TEXT]:
    # as `_read_short`, for any stored length; only `hatTexts` calls it, so
    # that its frame does not lie under the frames of the hot views
    words: DynArray[bytes32, TEXT_WORDS] = []
    for i: uint256 in range(TEXT_WORDS):
        if i * 32 >= _length:
            break
        words.append(convert(self._text_word(_hat_id, _offset, i * 32, _length - i * 32), bytes32))
    return convert(slice(abi_encode(words), 64, _length), String[MAX_TEXT])


@view
@internal
def _image_source(_hat_id: uint256) -> uint256:
    # the hat whose image URI `_hat_id` shows: itself if it has one, else its
    # nearest admin with one; 0 for the base image URI
    if (self._toggle[_hat_id] >> IMAGE_LEN_SHIFT) & 65535 != 0:
        return _hat_id
    hat: uint256 = _hat_id
    levels: uint256 = self._local_level(hat)
    for t: uint256 in range(MAX_TREE_CHAIN):
        for i: uint256 in range(MAX_LEVELS + 1):
            if i == levels:
                break
            admin: uint256 = self._admin_at_local_level(hat, levels - 1 - i)
            if (self._toggle[admin] >> IMAGE_LEN_SHIFT) & 65535 != 0:
                return admin
        linked: uint256 = self.linkedTreeAdmins[convert(hat >> 224, uint32)]
        if linked == 0:
            return 0
        hat = linked
        levels = self._local_level(hat) + 1
    raise "hats: linked trees nest too deep"


@view
@internal
def _long_texts(_hat_id: uint256) -> (String[MAX_TEXT], String[MAX_TEXT]):
    # the hat's own details and image URI, from `hatTexts` in a static call
    # to this contract
    answer: Bytes[2 * MAX_TEXT + 144] = raw_call(
        self,
        abi_encode(_hat_id, method_id=method_id("hatTexts(uint256)")),
        max_outsize=2 * MAX_TEXT + 144,
        is_static_call=True,
    )
    return abi_decode(answer, (String[MAX_TEXT], String[MAX_TEXT]))


# INTERNAL: METADATA #


@view
@internal
def _json(_hat_id: uint256) -> Bytes[JSON_MAX]:
    cfg: uint256 = self._config[_hat_id]
    slot: uint256 = self._toggle[_hat_id]
    admin: uint256 = _hat_id
    if not self._is_top_hat(_hat_id):
        admin = self._admin_at_level(_hat_id, self._hat_level(_hat_id) - 1)
    status: String[8] = "inactive"
    if self._is_active(_hat_id, cfg):
        status = "active"
    is_mutable: String[5] = "false"
    if cfg & MUTABLE != 0:
        is_mutable = "true"
    details: String[MAX_TEXT] = ""
    image: String[MAX_TEXT] = self.baseImageURI
    source: uint256 = self._image_source(_hat_id)
    if source != 0:
        image = self._long_texts(source)[1]
    details = self._long_texts(_hat_id)[0]
    json: String[JSON_MAX] = concat(
        '{"name": "Hat", "description": "',
        details,
        '", "image": "',
        image,
        '","properties": {"domain": "',
        uint2str(_hat_id >> 224),
        '", "id": "',
        uint2str(_hat_id),
        '", "pretty id": "',
        self._hex(_hat_id, 64),
        '","status": "',
        status,
        '", "current supply": "',
        uint2str((cfg >> SUPPLY_SHIFT) & 2**32 - 1),
        '", "supply cap": "',
        uint2str((cfg >> MAX_SUPPLY_SHIFT) & 2**32 - 1),
        '", "admin (id)": "',
        uint2str(admin),
        '", "admin (pretty id)": "',
        self._hex(admin, 64),
        '", "eligibility module": "',
        self._hex(cfg & ADDRESS_MASK, 40),
        '", "toggle module": "',
        self._hex(slot & ADDRESS_MASK, 40),
        '", "mutable": "',
        is_mutable,
        '"}}',
    )
    return convert(json, Bytes[JSON_MAX])


@pure
@internal
def _hex(_value: uint256, _digits: uint256) -> String[66]:
    # "0x" and the lowest `_digits` hex digits of `_value`, lower case
    value: uint256 = _value << (4 * (HEX_DIGITS - _digits))
    high: uint256 = 0
    low: uint256 = 0
    for j: uint256 in range(HEX_DIGITS):
        nibble: uint256 = (value >> (4 * (HEX_DIGITS - 1 - j))) & 15
        char: uint256 = 48 + nibble
        if nibble > 9:
            char = 87 + nibble
        if j < 32:
            high |= char << (8 * (31 - j))
        else:
            low |= char << (8 * (63 - j))
    digits: Bytes[64] = slice(concat(convert(high, bytes32), convert(low, bytes32)), 0, _digits)
    return concat("0x", convert(digits, String[64]))


@pure
@internal
def _base64(_data: Bytes[JSON_MAX]) -> Bytes[B64_MAX]:
    # standard base64 with padding; 24 input bytes make one 32-byte word
    n: uint256 = len(_data)
    padded: Bytes[JSON_MAX + 64] = concat(_data, empty(bytes32), empty(bytes32))
    out_len: uint256 = (n + 2) // 3 * 4
    data_chars: uint256 = (n * 8 + 5) // 6
    words: DynArray[bytes32, B64_WORDS] = []
    for i: uint256 in range(B64_WORDS):
        if i * 32 >= out_len:
            break
        # 24 input bytes: each 3-byte group to its own 4-byte lane, then
        # each lane's four 6-bit values to its four bytes
        chunk: uint256 = convert(extract32(padded, i * 24), uint256) >> 64
        lanes: uint256 = 0
        for k: uint256 in range(8):
            lanes |= ((chunk >> (168 - 24 * k)) & 16777215) << (224 - 32 * k)
        v: uint256 = (
            ((lanes << 6) & B64_MASK3)
            | ((lanes << 4) & B64_MASK2)
            | ((lanes << 2) & B64_MASK1)
            | (lanes & B64_MASK0)
        )
        # every byte at once: "A".."Z", "a".."z", "0".."9", "+", "/" (each
        # flag is 1 in the bytes whose value is at least the bound)
        chars: uint256 = (
            v
            + 65 * B64_ONES
            + 6 * (((v + 102 * B64_ONES) & B64_HIGH) >> 7)
            + 3 * (((v + 65 * B64_ONES) & B64_HIGH) >> 7)
        ) - (75 * (((v + 76 * B64_ONES) & B64_HIGH) >> 7) + 15 * (((v + 66 * B64_ONES) & B64_HIGH) >> 7))
        if (i + 1) * 32 > data_chars:
            # the last characters: "=" up to the output's length
            keep: uint256 = 8 * (32 - (data_chars - i * 32))
            chars = (chars >> keep << keep) | (B64_PADDING & ((1 << keep) - 1))
        words.append(convert(chars, bytes32))
    return slice(abi_encode(words), 64, out_len)
