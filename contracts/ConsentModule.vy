# pragma version ~=0.4.3
"""
@title ConsentModule
@custom:contract-name ConsentModule
@license Apache-2.0
@notice A Safe module through which cells decide by consent inside explicit
        domains, and the Safe executes.

        A cell is identified by its hat id. The Safe (this module's avatar)
        sets each cell's domain: who may propose (a proposer hat), who may
        object (objector hats), how long the consent window and the
        execution window last, which (target, function selector) pairs the
        cell may call, how much ether and how much of each token it may spend
        per period, how many proposals it may have live at once, and the
        parent cell to which it escalates (0 = the Safe's signers).

        A wearer of the proposer hat proposes a list of actions. If nobody
        wearing an objector hat of the cell raises a reasoned objection
        before the consent window closes, anyone can execute the actions,
        which the module performs through the Safe's
        `execTransactionFromModule` as plain calls (never delegatecall),
        provided every call is inside the cell's domain and the spending
        fits the period limits. A proposal with an objection standing at the
        end of its window, or one outside the domain, executes only after
        escalation: to the parent cell, which opens a new window among the
        parent's objectors and whose domain then applies; or, at the root,
        to the Safe, whose signers approve it with an ordinary Safe
        transaction (`approve`), after which no domain applies. The Safe
        can veto any live proposal with a reason.

        Proposal states, as `state` returns them:
          0 PENDING    escalated to the Safe (the root); waits for `approve`
                       or `veto` (or `cancel`), without a deadline.
          1 OPEN       the consent window of the proposing cell is open and
                       no objection stands.
          2 OBJECTED   at least one objection stands; while the window is
                       open it can be withdrawn, after the window closed the
                       proposal can only be escalated (before its deadline),
                       amended, cancelled or vetoed.
          3 PASSED     the window closed with no objection standing (or the
                       Safe approved it) and the execution window has not
                       ended: anyone may execute it.
          4 EXECUTED   its actions were performed.
          5 EXPIRED    its execution window ended before it was executed
                       or escalated, or the cell holding it was removed
                       (whether or not `clear` was called).
          6 CANCELLED  cancelled by its proposer or by the Safe.
          7 VETOED     vetoed by the Safe.
          8 SUPERSEDED replaced by an amended proposal.
          9 ESCALATED  escalated to a parent cell, whose consent window is
                       open with no objection standing.
@dev Design choices:
     - O(1) gas in the number of cells, proposals and objections: no loop
       runs over anything but the caller's own bounded list of actions.
     - Proposal ids commit to the cell and the actions: an id is the
       proposal's creation time (top 40 bits) and the low 216 bits of
       keccak256(abi_encode(cell index, actions)) (see `proposal_id_of`;
       `cell()` returns the index). Nothing else about the actions is
       stored; the full actions are in `ProposalCreated`, and `execute`
       takes them again and checks them against the id (216 bits: finding
       two action lists with the same id takes about 2**108 work). Ids are
       not small numbers: tools show the creation time or the id's first
       digits. The same cell cannot propose the same actions twice in one
       block (the second call reverts; propose again a block later); another
       cell proposing the same actions first gets another id, so it cannot
       make a cell's `propose` revert.
     - The org's own machinery is out of every cell's reach. Calls from the
       module run with the Safe's full authority (the Safe wears the top hat,
       pays the streams and owns itself), and the Safe's guard does not see
       module calls. So `execute` refuses, for every proposal (approved by the
       signers or not), any action whose target is the Safe itself (owners,
       threshold, modules, guard: those are Safe transactions the signer gate
       checks) or the signer gate; after the Safe's approval it also refuses
       the Hats contract (who signs is decided by Safe transactions, which the
       gate checks). Inside a cell's domain it refuses, in addition, this
       module and the BudgetStreams contract, whatever `allow_call` says; the
       Hats contract is reachable only through the one narrow power a cell
       may be given: `mintHat` and `transferHat` of hats strictly inside the
       holding cell's own subtree (by hat id), never the signer hat or one of
       its admins. Changing a cell's own budget stream is not a cell power:
       escalate it to the signers. These addresses are constructor arguments
       (immutable), so no domain set later can reach them.
     - Storage is packed by hand: a proposal is one word (proposer, window
       end, proposing cell's index, status, escalation round, count of
       standing objections), plus a second written only when it is
       escalated to a parent cell. Cells get a small index when first
       configured; a cell's windows, cap, counters and parent share one
       word. The slot that maps a cell's hat to its index also holds the
       proposer hat when that hat is in the cell's own tree (the usual
       case), so `propose` finds both in one read. A token's limit, spent
       amount and period end share the slot that says whether the cell may
       call the token's `transfer`.
     - The execution window that applies is the current setting of the cell
       holding the proposal (changing it moves the deadline of its live
       proposals); a proposal whose holding cell was removed has expired.
     - Live proposals per cell: `active` counts the cell's proposals that are
       live, i.e. not executed, cancelled, vetoed, superseded or cleared. It
       goes up on `propose`, down when a proposal leaves that set; amending
       keeps it unchanged (one replaces the other); a proposal escalated to
       a parent still counts against the cell that proposed it. Time alone
       changes no storage, so a proposal whose execution window lapsed
       still counts until anyone calls `clear` on it. `propose` refuses when
       `active` has reached `max_active`.
     - Cells form a forest: a parent must be a configured cell other than
       the cell itself, and a cell's parent can change only while no cell
       names it as parent, so no cycle can ever form (O(1), no walk). A cell
       can be removed only when it has no live proposals and no child
       cells. Removing a cell clears its configuration but not its objector
       hats, allowed calls or spending limits (clearing them would need a
       loop): they are inert while the cell is unconfigured and apply again
       if the same cell is configured again, so revoke them first if that
       is not wanted.
     - Spending: every ether `value` and the amount of every ERC-20
       `transfer(address,uint256)` / `approve(address,uint256)` call counts
       against the cell's limit for that token (ether = token 0). A token
       with no limit set has a limit of zero: deny by default (set the limit
       to 2**107 - 1 to lift it). Periods are fixed-length windows anchored
       when the limit is first set (or set with a different period length):
       period k runs from anchor + k * period to anchor + (k + 1) * period.
       Fixed windows, not a rolling allowance: a cell may spend its limit at
       the last second of one period and its limit again at the first second
       of the next, so up to twice the limit can leave within moments across
       a period boundary (as with Safe's allowance module). Size limits with
       that in mind; a rolling window would need per-payment history.
       Setting a limit again with the same period length keeps the anchor
       and what the current period already spent. Spending is recorded at
       execution, in the domain that applies (the cell's, or its parent's
       after escalation); a proposal approved by the Safe is outside every
       domain and records nothing.
     - Plain ether transfers (empty calldata) have the selector 0x00000000
       for `allow_call`. That permission matches only empty calldata:
       calldata of 1 to 3 bytes, or calldata whose first four bytes are zero
       (which a fallback function would receive), is outside every domain.
     - `execute` is the only function that calls out through the Safe. It
       marks the proposal executed and records spending before the calls,
       and is `@nonreentrant`. If any action fails, or a token call returns
       false, the whole execution reverts and can be retried.
     - While paused, `propose`, `amend`, `escalate` and `execute` revert;
       objections, withdrawals, cancels, clears and all Safe functions still
       work, so that objectors keep their say during a pause.
     - Gasless participation (ERC-2771): `propose`, `object` and
       `withdraw_objection` called by the trusted forwarder (an immutable
       constructor argument, see ConsentForwarder.vy) act for the member
       in the last 20 bytes of the calldata, whose EIP-712 signature the
       forwarder checked; the member's hats are checked, not the relayer's.
       Every other function treats the forwarder as an ordinary caller
       (it wears no hat and is not the Safe), and the forwarder relays
       nothing else. Signature checking lives in the forwarder: this
       module is within a few hundred bytes of EIP-170's size limit.
     - Bounds: at most 8 actions of at most 1,024 bytes of calldata each,
       and rationales and reasons of at most 1,024 bytes. They keep the
       memory a call allocates small; a larger change is several proposals.
"""

from interfaces import IHats


# @dev The most actions in one proposal.
MAX_ACTIONS: constant(uint256) = 8


# @dev The most bytes of calldata in one action.
MAX_DATA: constant(uint256) = 1024


# @dev The most bytes in a rationale, an objection or a veto reason.
MAX_TEXT: constant(uint256) = 1024


# @dev The most times one proposal can be escalated to a parent cell.
MAX_ROUNDS: constant(uint256) = 15


# @dev ERC-20 selectors whose amount counts against spending limits.
TRANSFER_SELECTOR: constant(bytes4) = 0xa9059cbb
APPROVE_SELECTOR: constant(bytes4) = 0x095ea7b3


# @dev The Hats calls a cell may be given, for hats inside its own subtree:
# mintHat(uint256,address) and transferHat(uint256,address,address).
MINT_HAT_SELECTOR: constant(bytes4) = 0x641f776e
TRANSFER_HAT_SELECTOR: constant(bytes4) = 0xa4a1f06c


# @dev Hat ids: 14 levels of 16 bits below the 32-bit top-hat domain.
_HAT_LEVELS: constant(uint256) = 14


# @dev Public proposal states (see the module docstring).
PENDING: constant(uint8) = 0
OPEN: constant(uint8) = 1
OBJECTED: constant(uint8) = 2
PASSED: constant(uint8) = 3
EXECUTED: constant(uint8) = 4
EXPIRED: constant(uint8) = 5
CANCELLED: constant(uint8) = 6
VETOED: constant(uint8) = 7
SUPERSEDED: constant(uint8) = 8
ESCALATED: constant(uint8) = 9


# @dev Stored statuses (4 bits of the proposal word; 0 = no proposal).
_LIVE: constant(uint256) = 1
_AT_SAFE: constant(uint256) = 2
_APPROVED: constant(uint256) = 3
_EXECUTED: constant(uint256) = 4
_CANCELLED: constant(uint256) = 5
_VETOED: constant(uint256) = 6
_SUPERSEDED: constant(uint256) = 7
_CLEARED: constant(uint256) = 8


# @dev Bit masks for the packed words.
_MASK4: constant(uint256) = 15
_MASK16: constant(uint256) = 65535
_MASK32: constant(uint256) = 4294967295
_MASK40: constant(uint256) = 1099511627775
_MASK64: constant(uint256) = 18446744073709551615
_MASK128: constant(uint256) = 340282366920938463463374607431768211455
_MASK160: constant(uint256) = 1461501637330902918203684832716283019655932542975
_MASK107: constant(uint256) = 162259276829213363391578010288127
_MASK216: constant(uint256) = 105312291668557186697918027683670432318895095400549111254310977535
_MASK224: constant(uint256) = 26959946667150639794667015087019630673637144422540572481103610249215
_MASK31: constant(uint256) = 2147483647


# @dev Key word flag: the proposer hat is in the cell's tree (see _index_of).
_PROPOSER_IN_TREE: constant(uint256) = 2147483648
_PROPOSER_SHIFT: constant(uint256) = 32


# @dev A proposal id is its creation time shifted left by 216 bits, OR the
# low 216 bits of keccak256(abi_encode(cell index, actions)).
_CREATED_SHIFT: constant(uint256) = 216


# @dev Domain word (per cell, target, selector): bit 0 = the call is allowed;
# for the slot of (token, transfer) and of (0x0, 0x00000000) for ether, also
# the token's period limit (bits 1-107), spent in the current period
# (108-214) and the end of the current period (215-254).
_LIMIT_SHIFT: constant(uint256) = 1
_SPENT_SHIFT: constant(uint256) = 108
_END_SHIFT: constant(uint256) = 215


# @dev Proposal word: proposer (bits 0-159), window end (160-199), index of
# the proposing cell (200-231), status (232-235), escalation round (236-239),
# standing objections (240-255).
_CLOSES_SHIFT: constant(uint256) = 160
_ORIGIN_SHIFT: constant(uint256) = 200
_STATUS_SHIFT: constant(uint256) = 232
_ROUND_SHIFT: constant(uint256) = 236
_OBJECTIONS_SHIFT: constant(uint256) = 240


# @dev Cell word: consent window (bits 0-31), execution window (32-63),
# max active (64-95), active (96-127), child cells (128-159), parent's index
# (160-191), configured flag (bit 192).
_EXEC_SHIFT: constant(uint256) = 32
_MAX_ACTIVE_SHIFT: constant(uint256) = 64
_ACTIVE_SHIFT: constant(uint256) = 96
_CHILDREN_SHIFT: constant(uint256) = 128
_PARENT_SHIFT: constant(uint256) = 160
_CONFIGURED: constant(uint256) = 6277101735386680763835789423207666416102355444464034512896


# @dev The Safe this module serves and calls.
avatar: public(immutable(address))


# @dev The hats contract that says who wears which hat.
hats: public(immutable(IHats))


# @dev The org's BudgetStreams contract (empty: none), out of every domain.
streams: public(immutable(address))


# @dev The Safe's signer gate (empty: none), out of every proposal's reach.
signer_gate: public(immutable(address))


# @dev The gate's signer hat (0 without a gate): no cell may mint or
# transfer it, or any hat that is its admin.
signer_hat: public(immutable(uint256))


# @dev The ConsentForwarder (empty: none) whose calls to propose, object and
# withdraw_objection act for the member named in the calldata's last 20
# bytes (ERC-2771): the member signed, anyone relayed.
forwarder: public(immutable(address))


#################################################################
#                          INTERFACES                           #
#################################################################


interface ISignerGate:
    def signer_hat() -> uint256: view


interface ISafe:
    def execTransactionFromModule(
        to: address, amount: uint256, data: Bytes[MAX_DATA], operation: uint8
    ) -> bool: nonpayable
    def execTransactionFromModuleReturnData(
        to: address, amount: uint256, data: Bytes[MAX_DATA], operation: uint8
    ) -> (bool, Bytes[32]): nonpayable


#################################################################
#                            STRUCTS                            #
#################################################################


struct Action:
    target: address
    value: uint256
    data: Bytes[MAX_DATA]


struct Cell:
    index: uint256
    proposer_hat: uint256
    consent_window: uint256
    execution_window: uint256
    parent: uint256
    max_active: uint256
    active: uint256
    children: uint256
    configured: bool


struct Proposal:
    created_at: uint256
    cell: uint256
    holder: uint256
    proposer: address
    closes_at: uint256
    deadline: uint256
    round: uint256
    objections: uint256
    state: uint8


#################################################################
#                            STORAGE                            #
#################################################################


# @dev Whether proposing, amending, escalating and executing are paused.
_paused: bool


# @dev The number of cell indexes handed out (a cell keeps its index forever).
_cell_count: uint256


# @dev Cell hat => its index (bits 0-30; 0 = never configured) and, when the
# cell's proposer hat is in the cell's own hats tree (same top-hat domain),
# a flag (bit 31) and the proposer hat's low 224 bits (32-255): `propose`
# then learns the index and the proposer hat from this one slot.
_index_of: HashMap[uint256, uint256]


# @dev Cell index => the cell's hat.
_hat_of: HashMap[uint256, uint256]


# @dev Cell index => packed windows, cap, counters and parent (see _EXEC_SHIFT).
_word: HashMap[uint256, uint256]


# @dev Cell index => the hat whose wearers may propose.
_proposer_hat: HashMap[uint256, uint256]


# @dev Cell index => hat => whether its wearers may object in the cell.
_objector_hat: HashMap[uint256, HashMap[uint256, bool]]


# @dev Cell index => (selector << 160 | target) => domain word (see
# _LIMIT_SHIFT); one key level fewer than target => selector saves a hash per
# access.
_domain: HashMap[uint256, HashMap[uint256, uint256]]


# @dev Cell index => token => spending period length in seconds (0 = no limit).
_period: HashMap[uint256, HashMap[address, uint256]]


# @dev Proposal id => packed word (see _CLOSES_SHIFT).
_meta: HashMap[uint256, uint256]


# @dev Proposal id => index of the parent cell holding it (set on escalation).
_holder: HashMap[uint256, uint256]


# @dev Proposal id => (escalation round << 160 | objector) => keccak256(reason);
# zero when the objector has no standing objection in that round (one key
# level fewer than round => objector saves a hash per access).
_objection: HashMap[uint256, HashMap[uint256, bytes32]]


#################################################################
#                            EVENTS                             #
#################################################################


event CellSet:
    cell: indexed(uint256)
    proposer_hat: uint256
    consent_window: uint256
    execution_window: uint256
    parent: indexed(uint256)
    max_active: uint256


event CellRemoved:
    cell: indexed(uint256)


event ObjectorHatSet:
    cell: indexed(uint256)
    hat: indexed(uint256)
    allowed: bool


event SpendLimitSet:
    cell: indexed(uint256)
    token: indexed(address)
    amount: uint256
    period: uint256
    period_start: uint256


event CallAllowed:
    cell: indexed(uint256)
    target: indexed(address)
    selector: bytes4
    allowed: bool


event ProposalCreated:
    proposal_id: indexed(uint256)
    cell: indexed(uint256)
    proposer: indexed(address)
    actions: DynArray[Action, MAX_ACTIONS]
    rationale: String[MAX_TEXT]
    closes_at: uint256


event ProposalAmended:
    proposal_id: indexed(uint256)
    new_proposal_id: indexed(uint256)
    amended_by: indexed(address)


event ObjectionRaised:
    proposal_id: indexed(uint256)
    objector: indexed(address)
    hat: indexed(uint256)
    reason: String[MAX_TEXT]


event ObjectionWithdrawn:
    proposal_id: indexed(uint256)
    objector: indexed(address)


event ProposalEscalated:
    proposal_id: indexed(uint256)
    from_cell: indexed(uint256)
    to_cell: indexed(uint256)
    closes_at: uint256


event ProposalApproved:
    proposal_id: indexed(uint256)
    approved_at: uint256


event ProposalVetoed:
    proposal_id: indexed(uint256)
    reason: String[MAX_TEXT]


event ProposalCancelled:
    proposal_id: indexed(uint256)
    cancelled_by: indexed(address)


event ProposalCleared:
    proposal_id: indexed(uint256)


event ProposalExecuted:
    proposal_id: indexed(uint256)
    executed_by: indexed(address)


event Paused:
    account: address


event Unpaused:
    account: address


@deploy
def __init__(avatar_: address, hats_: address, streams_: address, signer_gate_: address, forwarder_: address):
    """
    @dev The Safe must enable this module (`enableModule`) before any
         proposal can execute. The streams and signer-gate addresses are
         fixed here so that no domain set later can reach them.
    @param avatar_ The Safe that sets cells up and performs the actions.
    @param hats_ The hats contract (IHats) used for every hat check.
    @param streams_ The org's BudgetStreams contract, or empty if none.
    @param signer_gate_ The Safe's SignerGate, or empty if none; its signer
           hat is read here.
    @param forwarder_ The ConsentForwarder that relays members' signed
           proposals and objections, or empty if none.
    """
    assert avatar_ != empty(address), "consent: avatar is the zero address"
    assert hats_ != empty(address), "consent: hats is the zero address"
    avatar = avatar_
    hats = IHats(hats_)
    streams = streams_
    signer_gate = signer_gate_
    hat: uint256 = 0
    if signer_gate_ != empty(address):
        hat = staticcall ISignerGate(signer_gate_).signer_hat()
    signer_hat = hat
    forwarder = forwarder_


#################################################################
#                    SAFE: CELLS AND DOMAINS                    #
#################################################################


@external
def set_cell(
    cell: uint256,
    proposer_hat: uint256,
    consent_window: uint256,
    execution_window: uint256,
    parent: uint256,
    max_active: uint256,
):
    """
    @notice Configure a cell, or change a configured cell.
    @dev Only the Safe. Changing a cell keeps its live-proposal count and
         child count; its parent can change only while it has no child
         cells, which keeps the cells a forest (no cycle). Windows are in
         seconds and must fit in 32 bits. A new execution window applies to
         the cell's live proposals too.
    @param cell The cell's hat id (not 0, which stands for the Safe).
    @param proposer_hat The hat whose wearers may propose for the cell.
    @param consent_window Seconds during which objections may be raised.
    @param execution_window Seconds after the window during which a passed
           proposal can be executed (or an objected one escalated).
    @param parent The cell to escalate to, or 0 for the Safe's signers.
    @param max_active The most live proposals the cell may have at once.
    """
    self._only_safe()
    assert cell != 0, "consent: cell is zero"
    assert proposer_hat != 0, "consent: proposer hat is zero"
    assert unsafe_sub(consent_window, 1) < _MASK32, "consent: consent window must be 1 to 2**32 - 1 seconds"
    assert unsafe_sub(execution_window, 1) < _MASK32, "consent: execution window must be 1 to 2**32 - 1 seconds"
    assert max_active <= _MASK32, "consent: max active is too large"
    assert parent != cell, "consent: cell cannot be its own parent"
    parent_index: uint256 = 0
    if parent != 0:
        parent_index = self._index_of[parent] & _MASK31
        assert self._word[parent_index] & _CONFIGURED != 0, "consent: parent is not a configured cell"

    key: uint256 = self._index_of[cell]
    index: uint256 = key & _MASK31
    if index == 0:
        # 2**31 cells would cost far more gas than any chain has: no overflow
        index = self._cell_count + 1
        self._cell_count = index
        self._hat_of[index] = cell
    new_key: uint256 = index
    if proposer_hat >> 224 == cell >> 224:
        new_key |= _PROPOSER_IN_TREE | ((proposer_hat & _MASK224) << _PROPOSER_SHIFT)
    if new_key != key:
        self._index_of[cell] = new_key
    word: uint256 = self._word[index]
    configured: bool = word & _CONFIGURED != 0
    old_parent: uint256 = (word >> _PARENT_SHIFT) & _MASK32
    if not configured or old_parent != parent_index:
        if configured:
            assert (word >> _CHILDREN_SHIFT) & _MASK32 == 0, "consent: cell has child cells, its parent cannot change"
            if old_parent != 0:
                self._word[old_parent] -= 1 << _CHILDREN_SHIFT
        if parent_index != 0:
            self._word[parent_index] += 1 << _CHILDREN_SHIFT

    counters: uint256 = word & ((_MASK32 << _ACTIVE_SHIFT) | (_MASK32 << _CHILDREN_SHIFT))
    self._word[index] = (
        consent_window
        | (execution_window << _EXEC_SHIFT)
        | (max_active << _MAX_ACTIVE_SHIFT)
        | counters
        | (parent_index << _PARENT_SHIFT)
        | _CONFIGURED
    )
    self._proposer_hat[index] = proposer_hat
    log CellSet(
        cell=cell,
        proposer_hat=proposer_hat,
        consent_window=consent_window,
        execution_window=execution_window,
        parent=parent,
        max_active=max_active,
    )


@external
def remove_cell(cell: uint256):
    """
    @notice Remove a cell's configuration.
    @dev Only the Safe, and only when the cell has no live proposals (cancel
         or clear them first) and no child cells. Its objector hats, allowed
         calls and spending limits are kept but inert (see the module @dev).
    @param cell The cell's hat id.
    """
    self._only_safe()
    index: uint256 = self._index_of[cell] & _MASK31
    word: uint256 = self._word[index]
    assert word & _CONFIGURED != 0, "consent: unknown cell"
    assert (word >> _ACTIVE_SHIFT) & _MASK32 == 0, "consent: cell has live proposals, cancel or clear them first"
    assert (word >> _CHILDREN_SHIFT) & _MASK32 == 0, "consent: cell has child cells"
    parent: uint256 = (word >> _PARENT_SHIFT) & _MASK32
    if parent != 0:
        self._word[parent] -= 1 << _CHILDREN_SHIFT
    self._word[index] = 0
    self._proposer_hat[index] = 0
    log CellRemoved(cell=cell)


@external
def set_objector_hat(cell: uint256, hat: uint256, allowed: bool):
    """
    @notice Let (or stop letting) the wearers of a hat object in a cell.
    @dev Only the Safe. Takes effect at once, also for open windows.
    @param cell The cell's hat id (must be configured).
    @param hat The objector hat.
    @param allowed True to let its wearers object, False to stop them.
    """
    self._only_safe()
    index: uint256 = self._configured_index(cell)
    assert hat != 0, "consent: hat is zero"
    self._objector_hat[index][hat] = allowed
    log ObjectorHatSet(cell=cell, hat=hat, allowed=allowed)


@external
def set_spend_limit(cell: uint256, token: address, amount: uint256, period: uint256):
    """
    @notice Set how much of a token (or ether) a cell may spend per period.
    @dev Only the Safe. A new period length starts a fresh period now with
         nothing spent; the same period length keeps the current period and
         what it already spent (so lowering a limit takes effect at once).
         `amount` 0 stops the cell spending the token; 2**107 - 1 is the
         largest limit.
    @param cell The cell's hat id (must be configured).
    @param token The ERC-20 token, or the zero address for ether.
    @param amount The most the cell may spend in one period, in token units.
    @param period The period length in seconds (1 to 2**32 - 1).
    """
    self._only_safe()
    index: uint256 = self._configured_index(cell)
    assert amount <= _MASK107, "consent: amount does not fit in 107 bits"
    assert period != 0, "consent: period is zero"
    assert period <= _MASK32, "consent: period is too long"
    key: uint256 = self._budget_key(token)
    word: uint256 = self._domain[index][key]
    spent: uint256 = (word >> _SPENT_SHIFT) & _MASK107
    end: uint256 = word >> _END_SHIFT
    if self._period[index][token] != period:
        self._period[index][token] = period
        spent = 0
        end = block.timestamp + period
    else:
        end = self._period_end(end, period)
        if end != word >> _END_SHIFT:
            spent = 0
    self._domain[index][key] = (word & 1) | (amount << _LIMIT_SHIFT) | (spent << _SPENT_SHIFT) | (end << _END_SHIFT)
    log SpendLimitSet(cell=cell, token=token, amount=amount, period=period, period_start=end - period)


@external
def allow_call(cell: uint256, target: address, selector: bytes4, allowed: bool):
    """
    @notice Put a (target, function selector) pair inside or outside a
            cell's domain.
    @dev Only the Safe. Selector 0x00000000 stands for calls with less than
         four bytes of calldata (plain ether transfers).
    @param cell The cell's hat id (must be configured).
    @param target The contract (or account) called.
    @param selector The function selector.
    @param allowed True to allow the call, False to disallow it.
    """
    self._only_safe()
    index: uint256 = self._configured_index(cell)
    key: uint256 = (convert(selector, uint256) << 160) | convert(target, uint256)
    word: uint256 = self._domain[index][key]
    if allowed:
        word |= 1
    else:
        word &= ~convert(1, uint256)
    self._domain[index][key] = word
    log CallAllowed(cell=cell, target=target, selector=selector, allowed=allowed)


@external
def pause():
    """
    @notice Stop proposing, amending, escalating and executing.
    @dev Only the Safe. Objections, withdrawals, cancels and clears go on.
    """
    self._only_safe()
    assert not self._paused, "consent: module is already paused"
    self._paused = True
    log Paused(account=msg.sender)


@external
def unpause():
    """
    @notice Resume proposing, amending, escalating and executing.
    @dev Only the Safe.
    """
    self._only_safe()
    assert self._paused, "consent: module is not paused"
    self._paused = False
    log Unpaused(account=msg.sender)


#################################################################
#                    SAFE: APPROVE AND VETO                     #
#################################################################


@external
def approve(proposal_id: uint256):
    """
    @notice Approve a proposal escalated to the Safe (state PENDING).
    @dev Only the Safe, i.e. a Safe transaction signed by its signers. The
         proposal becomes PASSED from now for one execution window (that of
         the last cell that held it), and executes outside any domain.
    @param proposal_id The proposal.
    """
    self._only_safe()
    meta: uint256 = self._meta[proposal_id]
    status: uint256 = self._status(meta)
    assert status == _AT_SAFE, "consent: proposal is not awaiting the Safe's approval"
    # objections of earlier windows no longer count: the Safe decided
    keep: uint256 = _MASK160 | (_MASK32 << _ORIGIN_SHIFT) | (_MASK4 << _ROUND_SHIFT)
    self._meta[proposal_id] = (meta & keep) | (block.timestamp << _CLOSES_SHIFT) | (_APPROVED << _STATUS_SHIFT)
    log ProposalApproved(proposal_id=proposal_id, approved_at=block.timestamp)


@external
def veto(proposal_id: uint256, reason: String[MAX_TEXT]):
    """
    @notice Veto a live proposal, with a reason.
    @dev Only the Safe. Works in any live state (open, objected, passed,
         escalated, pending, and expired-but-not-cleared).
    @param proposal_id The proposal.
    @param reason Why (must not be empty); it is in the event.
    """
    self._only_safe()
    assert len(reason) != 0, "consent: reason is empty"
    self._end(proposal_id, self._meta[proposal_id], _VETOED)
    log ProposalVetoed(proposal_id=proposal_id, reason=reason)


#################################################################
#                        CELLS: PROPOSE                         #
#################################################################


@external
def propose(
    cell: uint256, actions: DynArray[Action, MAX_ACTIONS], rationale: String[MAX_TEXT]
) -> uint256:
    """
    @notice Propose actions for a cell; they pass unless someone objects
            before the consent window closes.
    @dev By a wearer of the cell's proposer hat, while the cell has fewer
         than `max_active` live proposals. Nothing about the actions is
         stored but the low 216 bits of their hash, inside the id; the event
         carries them in full.
    @param cell The cell's hat id.
    @param actions The calls the Safe will make: (target, value, data).
    @param rationale Why, in plain words (may be empty).
    @return The new proposal's id (see `proposal_id_of`).
    """
    self._check_not_paused()
    assert len(actions) != 0, "consent: no actions"
    sender: address = msg.sender
    if sender == forwarder:
        sender = self._signer()
    key: uint256 = self._index_of[cell]
    index: uint256 = key & _MASK31
    word: uint256 = self._word[index]
    assert word & _CONFIGURED != 0, "consent: unknown cell"
    proposer_hat: uint256 = 0
    if key & _PROPOSER_IN_TREE != 0:
        proposer_hat = ((cell >> 224) << 224) | (key >> _PROPOSER_SHIFT)
    else:
        proposer_hat = self._proposer_hat[index]
    assert staticcall hats.isWearerOfHat(sender, proposer_hat), "consent: caller does not wear the cell's proposer hat"
    assert (word >> _ACTIVE_SHIFT) & _MASK32 < (word >> _MAX_ACTIVE_SHIFT) & _MASK32, "consent: cell has too many live proposals"
    self._word[index] = word + (1 << _ACTIVE_SHIFT)
    proposal_id: uint256 = (block.timestamp << _CREATED_SHIFT) | (convert(keccak256(abi_encode(index, actions)), uint256) & _MASK216)
    assert self._meta[proposal_id] == 0, "consent: duplicate proposal in this block"
    closes_at: uint256 = block.timestamp + (word & _MASK32)
    self._meta[proposal_id] = (
        convert(sender, uint256)
        | (closes_at << _CLOSES_SHIFT)
        | (index << _ORIGIN_SHIFT)
        | (_LIVE << _STATUS_SHIFT)
    )
    log ProposalCreated(
        proposal_id=proposal_id,
        cell=cell,
        proposer=sender,
        actions=actions,
        rationale=rationale,
        closes_at=closes_at,
    )
    return proposal_id


@external
def amend(
    proposal_id: uint256, actions: DynArray[Action, MAX_ACTIONS], rationale: String[MAX_TEXT]
) -> uint256:
    """
    @notice Replace a live proposal with amended actions; the new proposal
            opens a fresh consent window in the proposing cell.
    @dev By its proposer, who must still wear the cell's proposer hat, or
         by the Safe (as for `cancel`); the amender becomes the new
         proposal's proposer. A proposal whose execution window has ended
         (EXPIRED, cleared or not) cannot be amended: propose anew. The old
         proposal becomes SUPERSEDED, and the cell's live count does not
         change. Objections, escalation and approval do not carry over.
    @param proposal_id The proposal to replace.
    @param actions The amended actions.
    @param rationale Why, in plain words (may be empty).
    @return The new proposal's id.
    """
    self._check_not_paused()
    assert len(actions) != 0, "consent: no actions"
    meta: uint256 = self._meta[proposal_id]
    self._check_live(meta)
    assert self._state(proposal_id, meta) != EXPIRED, "consent: proposal has expired"
    index: uint256 = (meta >> _ORIGIN_SHIFT) & _MASK32
    if self._check_proposer_or_safe(meta):
        self._check_proposer_hat(index)
    self._meta[proposal_id] = self._with_status(meta, _SUPERSEDED)
    new_id: uint256 = (block.timestamp << _CREATED_SHIFT) | (convert(keccak256(abi_encode(index, actions)), uint256) & _MASK216)
    assert self._meta[new_id] == 0, "consent: duplicate proposal in this block"
    closes_at: uint256 = block.timestamp + (self._word[index] & _MASK32)
    self._meta[new_id] = (
        convert(msg.sender, uint256)
        | (closes_at << _CLOSES_SHIFT)
        | (index << _ORIGIN_SHIFT)
        | (_LIVE << _STATUS_SHIFT)
    )
    log ProposalCreated(
        proposal_id=new_id,
        cell=self._hat_of[index],
        proposer=msg.sender,
        actions=actions,
        rationale=rationale,
        closes_at=closes_at,
    )
    log ProposalAmended(proposal_id=proposal_id, new_proposal_id=new_id, amended_by=msg.sender)
    return new_id


@external
def cancel(proposal_id: uint256):
    """
    @notice Withdraw a live proposal.
    @dev By its proposer or the Safe.
    @param proposal_id The proposal.
    """
    meta: uint256 = self._meta[proposal_id]
    self._check_live(meta)
    self._check_proposer_or_safe(meta)
    self._end(proposal_id, meta, _CANCELLED)
    log ProposalCancelled(proposal_id=proposal_id, cancelled_by=msg.sender)


@external
def escalate(proposal_id: uint256):
    """
    @notice Escalate a proposal whose consent window has closed: to the
            parent cell (a new window among its objectors; its domain then
            applies), or at the root to the Safe's signers (state PENDING).
    @dev By a wearer, now, of the proposing cell's proposer hat (the
         proposer too must still wear it), after the window closed and before
         the execution window ends.
         Used when an objection stood at the end of the window, or when the
         actions are outside the domain. Standing objections do not carry
         over to the new window. If the cell holding the proposal was
         removed, the proposal has expired and cannot be escalated.
    @param proposal_id The proposal.
    """
    self._check_not_paused()
    meta: uint256 = self._meta[proposal_id]
    status: uint256 = self._status(meta)
    assert status == _LIVE, "consent: proposal is not in a consent window"
    origin: uint256 = (meta >> _ORIGIN_SHIFT) & _MASK32
    round: uint256 = (meta >> _ROUND_SHIFT) & _MASK4
    holder: uint256 = origin
    if round != 0:
        holder = self._holder[proposal_id]
    word: uint256 = self._word[holder]
    closes_at: uint256 = (meta >> _CLOSES_SHIFT) & _MASK40
    assert block.timestamp >= closes_at, "consent: consent window is still open"
    assert block.timestamp < closes_at + ((word >> _EXEC_SHIFT) & _MASK32), "consent: proposal has expired"
    self._check_proposer_hat(origin)
    parent: uint256 = (word >> _PARENT_SHIFT) & _MASK32
    if parent == 0:
        self._meta[proposal_id] = self._with_status(meta, _AT_SAFE)
        log ProposalEscalated(proposal_id=proposal_id, from_cell=self._hat_of[holder], to_cell=0, closes_at=0)
        return
    assert round < MAX_ROUNDS, "consent: proposal was escalated too many times"
    closes: uint256 = block.timestamp + (self._word[parent] & _MASK32)
    self._holder[proposal_id] = parent
    self._meta[proposal_id] = (
        (meta & (_MASK160 | (_MASK32 << _ORIGIN_SHIFT)))
        | (closes << _CLOSES_SHIFT)
        | (_LIVE << _STATUS_SHIFT)
        | ((round + 1) << _ROUND_SHIFT)
    )
    log ProposalEscalated(
        proposal_id=proposal_id, from_cell=self._hat_of[holder], to_cell=self._hat_of[parent], closes_at=closes
    )


@external
def clear(proposal_id: uint256):
    """
    @notice Free the live-proposal slot of a proposal whose execution window
            ended without execution.
    @dev Anyone. The state stays EXPIRED.
    @param proposal_id The proposal.
    """
    meta: uint256 = self._meta[proposal_id]
    assert meta != 0, "consent: unknown proposal"
    assert self._state(proposal_id, meta) == EXPIRED, "consent: proposal has not expired"
    self._end(proposal_id, meta, _CLEARED)
    log ProposalCleared(proposal_id=proposal_id)


#################################################################
#                       CELLS: OBJECTIONS                       #
#################################################################


@external
def object(proposal_id: uint256, hat: uint256, reason: String[MAX_TEXT]):
    """
    @notice Object to a proposal, with a reason, while its window is open.
    @dev The caller must wear `hat`, an objector hat of the cell holding the
         proposal (the proposing cell, or the parent after escalation).
         One standing objection per objector per window; an objection
         standing at the end of the window blocks execution: the proposal
         must then be escalated, amended or dropped.
    @param proposal_id The proposal.
    @param hat The objector hat the caller wears.
    @param reason Why (must not be empty); its hash is stored, the text is
           in the event.
    """
    assert len(reason) != 0, "consent: reason is empty"
    sender: address = msg.sender
    if sender == forwarder:
        sender = self._signer()
    meta: uint256 = self._meta[proposal_id]
    round: uint256 = self._check_window(meta)
    holder: uint256 = (meta >> _ORIGIN_SHIFT) & _MASK32
    if round != 0:
        holder = self._holder[proposal_id]
    key: uint256 = (round << 160) | convert(sender, uint256)
    assert self._objector_hat[holder][hat], "consent: hat is not an objector hat of the cell"
    assert staticcall hats.isWearerOfHat(sender, hat), "consent: caller does not wear the hat"
    assert self._objection[proposal_id][key] == empty(bytes32), "consent: caller already has a standing objection"
    assert (meta >> _OBJECTIONS_SHIFT) != _MASK16, "consent: too many standing objections"
    self._objection[proposal_id][key] = keccak256(reason)
    self._meta[proposal_id] = meta + (1 << _OBJECTIONS_SHIFT)
    log ObjectionRaised(proposal_id=proposal_id, objector=sender, hat=hat, reason=reason)


@external
def withdraw_objection(proposal_id: uint256):
    """
    @notice Withdraw one's standing objection, while the window is open.
    @dev After the window closed an objection that stood cannot be
         withdrawn: the proposal must be escalated or amended.
    @param proposal_id The proposal.
    """
    sender: address = msg.sender
    if sender == forwarder:
        sender = self._signer()
    meta: uint256 = self._meta[proposal_id]
    key: uint256 = (self._check_window(meta) << 160) | convert(sender, uint256)
    assert self._objection[proposal_id][key] != empty(bytes32), "consent: caller has no standing objection"
    self._objection[proposal_id][key] = empty(bytes32)
    self._meta[proposal_id] = meta - (1 << _OBJECTIONS_SHIFT)
    log ObjectionWithdrawn(proposal_id=proposal_id, objector=sender)


#################################################################
#                       ANYONE: EXECUTE                         #
#################################################################


@external
@nonreentrant
def execute(proposal_id: uint256, actions: DynArray[Action, MAX_ACTIONS]):
    """
    @notice Perform a passed proposal's actions through the Safe.
    @dev Anyone, once the window closed with no objection standing (or the
         Safe approved it) and before the execution window ends, with
         exactly the proposed actions. Unless the Safe approved it, every
         call must be in the domain of the cell holding the proposal and
         its spending must fit that cell's period limits; spending is
         recorded here. All or nothing: if any action fails, or a token
         call returns false, the whole call reverts and can be retried.
    @param proposal_id The proposal.
    @param actions The actions, exactly as proposed.
    """
    self._check_not_paused()
    meta: uint256 = self._meta[proposal_id]
    status: uint256 = self._status(meta)
    assert status != _EXECUTED, "consent: proposal was already executed"
    assert status == _LIVE or status == _APPROVED, "consent: proposal is not executable"
    origin: uint256 = (meta >> _ORIGIN_SHIFT) & _MASK32
    holder: uint256 = origin
    if (meta >> _ROUND_SHIFT) & _MASK4 != 0:
        holder = self._holder[proposal_id]
    origin_word: uint256 = self._word[origin]
    holder_word: uint256 = origin_word
    if holder != origin:
        holder_word = self._word[holder]
    assert holder_word & _CONFIGURED != 0, "consent: the cell holding the proposal was removed"
    closes_at: uint256 = (meta >> _CLOSES_SHIFT) & _MASK40
    assert block.timestamp >= closes_at, "consent: consent window is still open"
    assert block.timestamp < closes_at + ((holder_word >> _EXEC_SHIFT) & _MASK32), "consent: execution window has ended"
    assert meta >> _OBJECTIONS_SHIFT == 0, "consent: an objection stands, amend or escalate the proposal"
    assert convert(keccak256(abi_encode(origin, actions)), uint256) & _MASK216 == proposal_id & _MASK216, "consent: actions do not match the proposal"

    # status is _LIVE or _APPROVED: set it to _EXECUTED (inlined _with_status)
    self._meta[proposal_id] = (meta & ~(_MASK4 << _STATUS_SHIFT)) | (_EXECUTED << _STATUS_SHIFT)
    self._word[origin] = origin_word - (1 << _ACTIVE_SHIFT)

    in_domain: bool = status == _LIVE
    # indexed, not `for action in actions`: no 1,120-byte copy of each action
    for i: uint256 in range(len(actions), bound=MAX_ACTIONS):
        target: address = actions[i].target
        value: uint256 = actions[i].value
        size: uint256 = len(actions[i].data)
        selector: bytes4 = empty(bytes4)
        if size >= 4:
            selector = convert(slice(actions[i].data, 0, 4), bytes4)
        is_token_call: bool = selector == TRANSFER_SELECTOR or selector == APPROVE_SELECTOR
        # the Safe's own setters and the gate: Safe transactions only, checked by the gate
        assert target != avatar, "consent: proposals cannot call the Safe"
        assert target != signer_gate or signer_gate == empty(address), "consent: proposals cannot call the gate"
        if in_domain:
            assert target != self, "consent: domains cannot call the module"
            assert target != streams or streams == empty(address), "consent: domains cannot call the streams"
            if target == hats.address:
                assert size >= 36, "consent: hat call data is too short"
                self._check_cell_hat(selector, extract32(actions[i].data, 4, output_type=uint256), holder)
            assert size == 0 or selector != empty(bytes4), "consent: call has no function selector"
            key: uint256 = (convert(selector, uint256) << 160) | convert(target, uint256)
            word: uint256 = self._domain[holder][key]
            assert word & 1 == 1, "consent: call outside the cell's domain, escalate the proposal"
            if value != 0:
                self._spend(holder, empty(address), value)
            if is_token_call:
                assert len(actions[i].data) >= 68, "consent: token call data is too short"
                amount: uint256 = extract32(actions[i].data, 36, output_type=uint256)
                if amount != 0:
                    if selector == TRANSFER_SELECTOR:
                        # the budget lives in this very slot (token, transfer), already
                        # read; the ether slot written above is (0x0, 0x00000000)
                        self._domain[holder][key] = self._charged(word, holder, target, amount)
                    else:
                        self._spend(holder, target, amount)
        else:
            assert target != hats.address, "consent: approved proposals cannot call hats"
        if is_token_call:
            ok: bool = False
            returned: Bytes[32] = b""
            ok, returned = extcall ISafe(avatar).execTransactionFromModuleReturnData(
                target, value, actions[i].data, 0
            )
            assert ok, "consent: action failed"
            if len(returned) != 0:
                assert extract32(returned, 0, output_type=uint256) == 1, "consent: token call returned false"
        else:
            assert extcall ISafe(avatar).execTransactionFromModule(
                target, value, actions[i].data, 0
            ), "consent: action failed"

    log ProposalExecuted(proposal_id=proposal_id, executed_by=msg.sender)


#################################################################
#                             VIEWS                             #
#################################################################


@view
@external
def state(proposal_id: uint256) -> uint8:
    """
    @notice The proposal's state (see the module docstring for each value).
    @param proposal_id The proposal.
    @return 0 PENDING, 1 OPEN, 2 OBJECTED, 3 PASSED, 4 EXECUTED, 5 EXPIRED,
            6 CANCELLED, 7 VETOED, 8 SUPERSEDED, 9 ESCALATED.
    """
    meta: uint256 = self._meta[proposal_id]
    assert meta != 0, "consent: unknown proposal"
    return self._state(proposal_id, meta)


@view
@external
def proposal(proposal_id: uint256) -> Proposal:
    """
    @notice Everything stored about a proposal.
    @dev `created_at` is when it was proposed; `cell` proposed it;
         `holder` holds it now (the parent after escalation); `deadline` is
         the end of the execution window (0 while it waits for the Safe);
         `round` counts escalations to a parent; `objections` counts
         standing objections in the current window.
    @param proposal_id The proposal.
    @return The proposal.
    """
    meta: uint256 = self._meta[proposal_id]
    assert meta != 0, "consent: unknown proposal"
    round: uint256 = (meta >> _ROUND_SHIFT) & _MASK4
    origin: uint256 = (meta >> _ORIGIN_SHIFT) & _MASK32
    holder: uint256 = origin
    if round != 0:
        holder = self._holder[proposal_id]
    closes_at: uint256 = (meta >> _CLOSES_SHIFT) & _MASK40
    deadline: uint256 = 0
    if (meta >> _STATUS_SHIFT) & _MASK4 != _AT_SAFE:
        deadline = closes_at + ((self._word[holder] >> _EXEC_SHIFT) & _MASK32)
    return Proposal(
        created_at=proposal_id >> _CREATED_SHIFT,
        cell=self._hat_of[origin],
        holder=self._hat_of[holder],
        proposer=convert(meta & _MASK160, address),
        closes_at=closes_at,
        deadline=deadline,
        round=round,
        objections=meta >> _OBJECTIONS_SHIFT,
        state=self._state(proposal_id, meta),
    )


@view
@external
def objection(proposal_id: uint256, objector: address) -> (bytes32, bool):
    """
    @notice An objector's objection in the proposal's current window.
    @dev Withdrawn objections and those of earlier windows are in the
         events (ObjectionRaised, ObjectionWithdrawn).
    @param proposal_id The proposal.
    @param objector The objector.
    @return keccak256 of the reason (zero if none), and whether it stands.
    """
    round: uint256 = (self._meta[proposal_id] >> _ROUND_SHIFT) & _MASK4
    reason_hash: bytes32 = self._objection[proposal_id][(round << 160) | convert(objector, uint256)]
    return reason_hash, reason_hash != empty(bytes32)


@view
@external
def objections(proposal_id: uint256) -> uint256:
    """
    @notice The number of standing objections in the current window.
    @param proposal_id The proposal.
    @return The count.
    """
    return self._meta[proposal_id] >> _OBJECTIONS_SHIFT


@view
@external
def cell(cell: uint256) -> Cell:
    """
    @notice A cell's configuration and counters.
    @param cell The cell's hat id.
    @return The cell (configured is False for an unknown cell).
    """
    index: uint256 = self._index_of[cell] & _MASK31
    word: uint256 = self._word[index]
    return Cell(
        index=index,
        proposer_hat=self._proposer_hat[index],
        consent_window=word & _MASK32,
        execution_window=(word >> _EXEC_SHIFT) & _MASK32,
        parent=self._hat_of[(word >> _PARENT_SHIFT) & _MASK32],
        max_active=(word >> _MAX_ACTIVE_SHIFT) & _MASK32,
        active=(word >> _ACTIVE_SHIFT) & _MASK32,
        children=(word >> _CHILDREN_SHIFT) & _MASK32,
        configured=word & _CONFIGURED != 0,
    )


@view
@external
def is_objector_hat(cell: uint256, hat: uint256) -> bool:
    """
    @notice Whether wearers of `hat` may object in `cell`.
    @param cell The cell's hat id.
    @param hat The hat.
    @return True if they may.
    """
    return self._objector_hat[self._index_of[cell] & _MASK31][hat]


@view
@external
def allowed(cell: uint256, target: address, selector: bytes4) -> bool:
    """
    @notice Whether a (target, selector) call is inside a cell's domain.
    @param cell The cell's hat id.
    @param target The contract called.
    @param selector The function selector (0x00000000 for plain transfers).
    @return True if allowed.
    """
    return self._domain[self._index_of[cell] & _MASK31][(convert(selector, uint256) << 160) | convert(target, uint256)] & 1 == 1


@view
@external
def spend_limit(cell: uint256, token: address) -> (uint256, uint256, uint256):
    """
    @notice A cell's spending limit for a token.
    @param cell The cell's hat id.
    @param token The token, or the zero address for ether.
    @return The amount per period, the period length in seconds, and the
            start of the current period (all 0 if no limit is set).
    """
    index: uint256 = self._index_of[cell] & _MASK31
    period: uint256 = self._period[index][token]
    if period == 0:
        return 0, 0, 0
    word: uint256 = self._domain[index][self._budget_key(token)]
    return (word >> _LIMIT_SHIFT) & _MASK107, period, self._period_end(word >> _END_SHIFT, period) - period


@view
@external
def spent(cell: uint256, token: address) -> uint256:
    """
    @notice How much of a token a cell has spent in the current period.
    @param cell The cell's hat id.
    @param token The token, or the zero address for ether.
    @return The amount spent so far in the current period.
    """
    index: uint256 = self._index_of[cell] & _MASK31
    word: uint256 = self._domain[index][self._budget_key(token)]
    if block.timestamp >= word >> _END_SHIFT:
        return 0
    return (word >> _SPENT_SHIFT) & _MASK107


@view
@external
def paused() -> bool:
    """
    @notice Whether proposing, amending, escalating and executing are paused.
    @return True when paused.
    """
    return self._paused


@view
@external
def proposal_id_of(cell: uint256, created_at: uint256, actions: DynArray[Action, MAX_ACTIONS]) -> uint256:
    """
    @notice The id of the cell's proposal with these actions created at this
            time.
    @dev (created_at << 216) | (uint256(keccak256(abi_encode(index,
         actions))) mod 2**216), where index is the cell's index (`cell()`,
         never reused). The id is the only record of the actions: 216 bits
         keep finding two action lists with the same id out of reach (2**108
         work for a collision).
    @param cell The cell's hat id (must have been configured once).
    @param created_at The block timestamp of the proposal's creation.
    @param actions The actions.
    @return The proposal id.
    """
    index: uint256 = self._index_of[cell] & _MASK31
    assert index != 0, "consent: unknown cell"
    return self._id(created_at, index, actions)


#################################################################
#                      INTERNAL FUNCTIONS                       #
#################################################################


@pure
@internal
def _status(meta: uint256) -> uint256:
    """
    @dev A stored proposal's status; revert for an unknown proposal.
    """
    status: uint256 = (meta >> _STATUS_SHIFT) & _MASK4
    assert status != 0, "consent: unknown proposal"
    return status


@view
@internal
def _check_not_paused():
    """
    @dev Revert while proposing, amending, escalating and executing are paused.
    """
    assert not self._paused, "consent: module is paused"


@view
@internal
def _signer() -> address:
    """
    @dev The member for whom the trusted forwarder calls: the signer it
         appended to the calldata (ERC-2771). The forwarder relays only
         propose, object and withdraw_objection; the caller's own check
         (`msg.sender == forwarder`) stays inline, so direct calls pay
         only a comparison.
    """
    return convert(convert(slice(msg.data, len(msg.data) - 20, 20), bytes20), address)


@view
@internal
def _only_safe():
    """
    @dev Revert unless the caller is the Safe (one copy of the check keeps
         the runtime code under EIP-170).
    """
    assert msg.sender == avatar, "consent: caller is not the Safe"


@pure
@internal
def _id(created_at: uint256, index: uint256, actions: DynArray[Action, MAX_ACTIONS]) -> uint256:
    """
    @dev A proposal id: creation time and the low 216 bits of the hash of
         (cell index, actions).
    """
    return (created_at << _CREATED_SHIFT) | (convert(keccak256(abi_encode(index, actions)), uint256) & _MASK216)


@view
@internal
def _check_cell_hat(selector: bytes4, hat: uint256, holder: uint256):
    """
    @dev Revert unless a call to the Hats contract inside a cell's domain is
         the cell's narrow power: mint or transfer a hat strictly inside the
         holding cell's subtree that is neither the signer hat nor one of
         its admins.
    """
    cell: uint256 = self._hat_of[holder]
    assert (selector == MINT_HAT_SELECTOR or selector == TRANSFER_HAT_SELECTOR) and hat != cell and hat & self._prefix_mask(cell) == cell, "consent: cells may only mint or transfer hats below them"
    assert signer_hat == 0 or signer_hat & self._prefix_mask(hat) != hat, "consent: hat is the signer hat or its admin"


@pure
@internal
def _prefix_mask(hat: uint256) -> uint256:
    """
    @dev The mask that keeps a hat id's own levels (down to its last
         non-zero 16-bit level): `id & mask == hat` holds for the hat and
         every hat below it in its tree.
    """
    mask: uint256 = max_value(uint256)
    for i: uint256 in range(_HAT_LEVELS):
        if (hat >> (16 * i)) & _MASK16 != 0:
            break
        mask = mask << 16
    return mask


@internal
def _end(proposal_id: uint256, meta: uint256, status: uint256):
    """
    @dev Move a live proposal to a final status and free its cell's slot.
    """
    self._check_live(meta)
    self._meta[proposal_id] = self._with_status(meta, status)
    self._word[(meta >> _ORIGIN_SHIFT) & _MASK32] -= 1 << _ACTIVE_SHIFT


@view
@internal
def _configured_index(cell: uint256) -> uint256:
    """
    @dev The index of a configured cell; revert for an unknown one.
    """
    index: uint256 = self._index_of[cell] & _MASK31
    assert self._word[index] & _CONFIGURED != 0, "consent: unknown cell"
    return index


@view
@internal
def _check_live(meta: uint256):
    """
    @dev Revert unless the proposal exists and is live (not yet executed,
         cancelled, vetoed, superseded or cleared).
    """
    status: uint256 = self._status(meta)
    assert status == _LIVE or status == _AT_SAFE or status == _APPROVED, "consent: proposal is no longer live"


@view
@internal
def _check_window(meta: uint256) -> uint256:
    """
    @dev Revert unless the proposal's consent window is open; return its
         escalation round.
    """
    if (meta >> _STATUS_SHIFT) & _MASK4 != _LIVE:
        # an unknown proposal says so; any other status is out of its window
        self._status(meta)
        raise "consent: proposal is not in a consent window"
    assert block.timestamp < (meta >> _CLOSES_SHIFT) & _MASK40, "consent: consent window has closed"
    return (meta >> _ROUND_SHIFT) & _MASK4


@view
@internal
def _check_proposer_or_safe(meta: uint256) -> bool:
    """
    @dev Revert unless the caller is the proposal's proposer or the Safe;
         return True for the proposer.
    """
    if msg.sender == avatar:
        return False
    assert msg.sender == convert(meta & _MASK160, address), "consent: caller is not the proposer or the Safe"
    return True


@view
@internal
def _check_proposer_hat(index: uint256):
    """
    @dev Revert unless the caller wears the cell's proposer hat now.
    """
    assert staticcall hats.isWearerOfHat(msg.sender, self._proposer_hat[index]), "consent: caller does not wear the cell's proposer hat"


@pure
@internal
def _with_status(meta: uint256, status: uint256) -> uint256:
    """
    @dev The proposal word with its status replaced.
    """
    return (meta & ~(_MASK4 << _STATUS_SHIFT)) | (status << _STATUS_SHIFT)


@view
@internal
def _state(proposal_id: uint256, meta: uint256) -> uint8:
    """
    @dev The public state of a stored proposal.
    """
    status: uint256 = (meta >> _STATUS_SHIFT) & _MASK4
    if status == _AT_SAFE:
        return PENDING
    if status == _EXECUTED:
        return EXECUTED
    if status == _CANCELLED:
        return CANCELLED
    if status == _VETOED:
        return VETOED
    if status == _SUPERSEDED:
        return SUPERSEDED
    if status == _CLEARED:
        return EXPIRED
    round: uint256 = (meta >> _ROUND_SHIFT) & _MASK4
    holder: uint256 = (meta >> _ORIGIN_SHIFT) & _MASK32
    if round != 0:
        holder = self._holder[proposal_id]
    word: uint256 = self._word[holder]
    closes_at: uint256 = (meta >> _CLOSES_SHIFT) & _MASK40
    if word & _CONFIGURED == 0 or block.timestamp >= closes_at + ((word >> _EXEC_SHIFT) & _MASK32):
        return EXPIRED
    if status == _APPROVED:
        return PASSED
    if meta >> _OBJECTIONS_SHIFT != 0:
        return OBJECTED
    if block.timestamp >= closes_at:
        return PASSED
    if round != 0:
        return ESCALATED
    return OPEN


@internal
def _spend(index: uint256, token: address, amount: uint256):
    """
    @dev Record `amount` of `token` spent by the cell in the current period;
         revert if it would go above the limit (no limit set = zero).
    """
    key: uint256 = self._budget_key(token)
    self._domain[index][key] = self._charged(self._domain[index][key], index, token, amount)


@view
@internal
def _charged(word: uint256, index: uint256, token: address, amount: uint256) -> uint256:
    """
    @dev The budget word `word` of the cell's `token` with `amount` more spent
         in the current period; revert if it would go above the limit.
    """
    limit: uint256 = (word >> _LIMIT_SHIFT) & _MASK107
    assert amount <= limit, "consent: over the cell's spending limit, escalate"
    spent: uint256 = (word >> _SPENT_SHIFT) & _MASK107
    end: uint256 = word >> _END_SHIFT
    if block.timestamp >= end:
        end = self._period_end(end, self._period[index][token])
        spent = 0
    spent += amount
    assert spent <= limit, "consent: over the cell's spending limit, escalate"
    return (word & ((_MASK107 << _LIMIT_SHIFT) | 1)) | (spent << _SPENT_SHIFT) | (end << _END_SHIFT)


@pure
@internal
def _budget_key(token: address) -> uint256:
    """
    @dev The domain key of the slot that holds a token's budget: that of
         (token, transfer), or of (0x0, 0x00000000) for ether.
    """
    if token == empty(address):
        return 0
    return (convert(TRANSFER_SELECTOR, uint256) << 160) | convert(token, uint256)


@view
@internal
def _period_end(end: uint256, period: uint256) -> uint256:
    """
    @dev The end of the current period, stepping `end` forward in whole
         periods of `period` seconds until it lies in the future.
    """
    if block.timestamp < end:
        return end
    return end + ((block.timestamp - end) // period + 1) * period
