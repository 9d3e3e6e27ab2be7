# pragma version 0.4.3
"""
@title BudgetStreams
@notice Open-ended per-second budget streams from a payer (the treasury Safe)
        to a cell. Each stream has its own balance, so one cell's runway never
        depends on another's. The recipient, or any current wearer of the
        stream's spender hat, draws the budget down to any address and
        decides where the stream pays; the payer cannot redirect what it owes.
@dev Design choices:

     Stream ids carry their payer. A stream id is `payer << 96 | n`, where n
     is the stream's number (1, 2, 3, ... across all payers, see
     `stream_count`). Payer-only calls therefore authorise the caller by
     comparing it with the id, without a storage read; this is what keeps
     pause, restart and adjust_rate at one storage slot each. `payer_of` and
     `stream_number_of` take an id apart.

     Accounting in 18 decimals, payments in token units. Rates are 18-decimal
     fixed point per second whatever the token's decimals (1 USDC a second is
     10**18). A stream keeps `streamed`, the amount streamed since creation up
     to its snapshot time, in 18-decimal units, and `withdrawn`, the token
     units paid out since creation. The amount streamed now is
     `streamed + rate * (now - snapshot_time)`, and the debt owed to the
     recipient in token units is `streamed_now // scale - withdrawn`, where
     `scale = 10**(18 - decimals)`. Withdrawals only add to `withdrawn`, so no
     sub-unit remainder is ever rounded away: withdrawing daily or once at the
     end of a month yields the same total. The snapshot moves only when the
     rate changes (adjust_rate, pause, restart) or the stream is voided.

     Debt and solvency. Debt keeps accruing when the balance runs out. The
     covered debt, `min(balance, debt)`, is withdrawable; the uncovered debt,
     `debt - balance`, is covered by later deposits. A refund takes only the
     balance that is not owed. Void stops the stream for good: it writes off
     only the uncovered debt; what was streamed and is covered stays
     withdrawable.

     Storage, four slots a stream (five with a spender hat):
     `_state`: streamed (120 bits, 18 decimals) | snapshot time (40) |
     flags (8: exists, voided, token decimals, funded) | rate per second (88);
     `_funds`: balance (128, token units) | withdrawn (128, token units);
     `_recipient`; `_token`; and `_spender_hat` when one is set.
     Every operation touches a fixed number of slots, whatever the number of
     streams.

     Limits. A rate is at most MAX_RATE (2**88 - 1 in 18 decimals, about
     3 * 10**8 tokens a second). A stream's deposits (balance plus withdrawn,
     in 18 decimals) stay below 2**120 (about 1.3 * 10**18 whole tokens);
     pause and adjust_rate refuse to snapshot more than 2**120 - 1 streamed
     (beyond reach at any real rate; void still works). Batches hold at most
     MAX_BATCH (64) streams.

     Tokens. Tokens that return no bool work (`default_return_value=True`).
     A deposit that does not raise this contract's balance by exactly the
     amount (fee-on-transfer tokens) is refused. Tokens with more than 18
     decimals, or with no `decimals()`, are refused at create; the decimals
     are read once and kept in the stream.

     Events. Every state change emits an event from which a dashboard can
     replay the stream without calling this contract; where an event moves
     the snapshot, the snapshot time is the block's timestamp.

     Reentrancy. Every function that calls a token is `@nonreentrant`, and
     writes all of its storage before the token call, deposits included
     (their balance-change check comes after the call and reverts the whole
     deposit). A token calling back into an unlocked function (void, pause,
     set_recipient, ...) therefore finds every stream in a finished state, as
     if its call came after the deposit or payment.
"""

from ethereum.ercs import IERC20
from interfaces import IHats


# CONSTANTS #


# Most streams in one `batch_withdraw_max` call (bounds its loop and calldata).
MAX_BATCH: public(constant(uint256)) = 64

# Most decimals a token may have.
MAX_DECIMALS: public(constant(uint256)) = 18

# Highest rate per second, 18-decimal fixed point (88 bits of `_state`).
MAX_RATE: public(constant(uint256)) = 2**88 - 1

# Highest amount streamed or deposited into one stream, 18 decimals (120 bits).
MAX_STREAMED: public(constant(uint256)) = 2**120 - 1

# Stream statuses returned by `status_of` (numbered as Sablier Flow's).
# PENDING: nothing has ever been deposited; debt accrues from creation all the
# same, see `uncovered_debt_of`. A stream funded once is never pending again,
# even when a refund has emptied it.
PENDING: public(constant(uint8)) = 0
# Streaming and the balance covers the debt.
STREAMING_SOLVENT: public(constant(uint8)) = 1
# Streaming and the debt exceeds the balance.
STREAMING_INSOLVENT: public(constant(uint8)) = 2
# Paused (rate zero) and the balance covers the debt.
PAUSED_SOLVENT: public(constant(uint8)) = 3
# Paused (rate zero) and the debt exceeds the balance.
PAUSED_INSOLVENT: public(constant(uint8)) = 4
# Voided: stopped for good; the covered debt stays withdrawable.
VOIDED: public(constant(uint8)) = 5

# Bits of a stream id below the payer's address.
_ID_SHIFT: constant(uint256) = 96
# Mask of the stream number in a stream id.
_NUMBER_MASK: constant(uint256) = 2**96 - 1

# `_state` layout: streamed | snapshot time | flags | rate.
_STREAMED_MASK: constant(uint256) = 2**120 - 1
_TIME_SHIFT: constant(uint256) = 120
_TIME_MASK: constant(uint256) = 2**40 - 1
_FLAGS_SHIFT: constant(uint256) = 160
_RATE_SHIFT: constant(uint256) = 168
# Flag bit: the stream exists (so a live `_state` is never zero).
_EXISTS: constant(uint256) = 1 << 160
# Flag bit: the stream is voided.
_VOIDED: constant(uint256) = 2 << 160
# Flag bits 2 to 6 hold 18 minus the token's decimals: scale = 10**that.
_SCALE_SHIFT: constant(uint256) = 162
_SCALE_MASK: constant(uint256) = 31
# Flag bit 7: the stream was funded, though a refund has left its balance and
# withdrawn both zero. Set only then: otherwise a non-zero balance or
# withdrawn already says so, and deposits need not pay to write it.
_FUNDED: constant(uint256) = 128 << 160
# Everything but the rate and the snapshot time.
_KEEP_STREAMED_AND_FLAGS: constant(uint256) = _STREAMED_MASK | (255 << 160)
# Everything but the rate.
_KEEP_ALL_BUT_RATE: constant(uint256) = 2**168 - 1

# `_funds` layout: balance (low 128 bits) | withdrawn (high 128 bits).
_BALANCE_MASK: constant(uint256) = 2**128 - 1
_WITHDRAWN_SHIFT: constant(uint256) = 128


# IMMUTABLES #


# The Hats contract that says who wears a stream's spender hat.
hats: public(immutable(IHats))


# STRUCTS #


struct Stream:
    payer: address
    recipient: address
    token: address
    token_decimals: uint8
    spender_hat: uint256
    rate_per_second: uint256
    balance: uint256
    withdrawn: uint256
    streamed_scaled: uint256
    snapshot_time: uint256
    voided: bool
    funded: bool


# STORAGE #


# Streams created so far, by all payers; the low 96 bits of the latest id.
stream_count: public(uint256)

# Packed accounting state of a stream (see the module's @dev); 0 = no stream.
_state: HashMap[uint256, uint256]

# Packed balance and withdrawn total of a stream, in token units.
_funds: HashMap[uint256, uint256]

# Who receives a stream's budget.
_recipient: HashMap[uint256, address]

# The ERC-20 token a stream pays in.
_token: HashMap[uint256, address]

# The hat whose wearers may also withdraw from a stream (0 = recipient only).
_spender_hat: HashMap[uint256, uint256]


# EVENTS #


# A stream was created; its snapshot time is the block's timestamp.
event StreamCreated:
    stream_id: indexed(uint256)
    payer: indexed(address)
    recipient: indexed(address)
    token: address
    token_decimals: uint8
    rate_per_second: uint256
    spender_hat: uint256


# `amount` tokens were deposited; `balance` is the stream's new balance.
event Deposited:
    stream_id: indexed(uint256)
    funder: indexed(address)
    amount: uint256
    balance: uint256


# `amount` tokens were paid to `to`; `balance` is the stream's new balance.
event Withdrawn:
    stream_id: indexed(uint256)
    to: indexed(address)
    caller: address
    amount: uint256
    balance: uint256


# The rate changed; `streamed_scaled` is the new snapshot (18 decimals) taken
# at the block's timestamp.
event RateAdjusted:
    stream_id: indexed(uint256)
    rate_per_second: uint256
    streamed_scaled: uint256


# The stream was paused; `streamed_scaled` is the snapshot at the block's
# timestamp.
event Paused:
    stream_id: indexed(uint256)
    streamed_scaled: uint256


# The stream restarted at `rate_per_second` from the block's timestamp.
event Restarted:
    stream_id: indexed(uint256)
    rate_per_second: uint256


# `amount` tokens went back to the payer; `balance` is the new balance.
event Refunded:
    stream_id: indexed(uint256)
    amount: uint256
    balance: uint256


# The stream was voided by `caller`; `written_off` token units of uncovered
# debt were cancelled; `streamed_scaled` is the final snapshot.
event Voided:
    stream_id: indexed(uint256)
    caller: address
    written_off: uint256
    streamed_scaled: uint256


# The stream's recipient changed.
event RecipientSet:
    stream_id: indexed(uint256)
    recipient: indexed(address)


@deploy
def __init__(_hats: address):
    """
    @param _hats The Hats contract queried for spender hats.
    """
    assert _hats != empty(address), "budget_streams: hats is the zero address"
    hats = IHats(_hats)


# CREATE AND FUND #


@external
def create(
    recipient: address, token: address, rate_per_second: uint256, spender_hat: uint256
) -> uint256:
    """
    @notice Create a stream paid by the caller, streaming from now on.
    @dev The stream starts with no balance: debt accrues until it is funded.
    @param recipient Who receives the budget (a cell).
    @param token The ERC-20 token streamed (at most 18 decimals).
    @param rate_per_second Tokens a second, 18-decimal fixed point.
    @param spender_hat A hat whose wearers may also withdraw (0 = recipient only).
    @return The new stream's id (`payer << 96 | number`).
    """
    return self._create(recipient, token, rate_per_second, spender_hat)


@external
@nonreentrant
def create_and_deposit(
    recipient: address,
    token: address,
    rate_per_second: uint256,
    spender_hat: uint256,
    amount: uint256,
) -> uint256:
    """
    @notice Create a stream paid by the caller and fund it from the caller.
    @dev The caller must have approved `amount` of `token` to this contract.
    @param recipient Who receives the budget (a cell).
    @param token The ERC-20 token streamed (at most 18 decimals).
    @param rate_per_second Tokens a second, 18-decimal fixed point.
    @param spender_hat A hat whose wearers may also withdraw (0 = recipient only).
    @param amount Token units to deposit.
    @return The new stream's id.
    """
    stream_id: uint256 = self._create(recipient, token, rate_per_second, spender_hat)
    self._deposit(stream_id, amount)
    return stream_id


@external
@nonreentrant
def deposit(stream_id: uint256, amount: uint256):
    """
    @notice Top a stream up; anyone may.
    @dev Covers uncovered debt first (it becomes withdrawable). The caller must
         have approved `amount`. Refused on voided streams and for tokens that
         deliver less than `amount`.
    @param stream_id The stream.
    @param amount Token units to deposit.
    """
    self._deposit(stream_id, amount)


# DRAW DOWN #


@external
@nonreentrant
def withdraw(stream_id: uint256, to: address, amount: uint256) -> uint256:
    """
    @notice Pay `amount` of the stream's covered debt to `to`.
    @dev Callable by the recipient or a current wearer of the spender hat.
    @param stream_id The stream.
    @param to Who is paid (any address but this contract).
    @param amount Token units, at most `withdrawable_amount_of`.
    @return The amount paid.
    """
    assert amount != 0, "budget_streams: zero amount"
    return self._withdraw(stream_id, to, amount, False)


@external
@nonreentrant
def withdraw_max(stream_id: uint256, to: address) -> uint256:
    """
    @notice Pay all of the stream's withdrawable amount to `to`.
    @dev Callable by the recipient or a current wearer of the spender hat.
    @param stream_id The stream.
    @param to Who is paid (any address but this contract).
    @return The amount paid.
    """
    paid: uint256 = self._withdraw(stream_id, to, 0, True)
    assert paid != 0, "budget_streams: nothing to withdraw"
    return paid


@external
@nonreentrant
def batch_withdraw_max(stream_ids: DynArray[uint256, MAX_BATCH], to: address):
    """
    @notice Withdraw the maximum from several streams to `to`.
    @dev The caller must be allowed to withdraw from every stream; streams with
         nothing withdrawable are skipped. One token transfer per stream.
    @param stream_ids Up to MAX_BATCH streams.
    @param to Who is paid.
    """
    for stream_id: uint256 in stream_ids:
        self._withdraw(stream_id, to, 0, True)


@external
def set_recipient(stream_id: uint256, recipient: address):
    """
    @notice Send the stream's budget to another recipient from now on.
    @dev Callable by the recipient or a current wearer of the spender hat
         (the cell), not by the payer as such: what was streamed is owed to
         the cell, so the cell alone decides where it goes. What is already
         withdrawable moves with the stream. Allowed on voided streams.
    @param stream_id The stream.
    @param recipient The new recipient, not the zero address.
    """
    assert self._state[stream_id] != 0, "budget_streams: unknown stream"
    self._check_recipient_or_spender(stream_id)
    assert recipient != empty(address), "budget_streams: zero recipient"
    self._recipient[stream_id] = recipient
    log RecipientSet(stream_id=stream_id, recipient=recipient)


# PAYER #


@external
def adjust_rate(stream_id: uint256, rate_per_second: uint256):
    """
    @notice Change a streaming stream's rate from now on.
    @dev Payer only. What was streamed so far is kept (snapshot). Use pause to
         stop the stream and restart to resume a paused one.
    @param stream_id The stream.
    @param rate_per_second The new rate, 18-decimal fixed point, not zero.
    """
    state: uint256 = self._payer_state(stream_id)
    old_rate: uint256 = state >> _RATE_SHIFT
    assert old_rate != 0, "budget_streams: stream is paused"
    self._check_rate(rate_per_second)
    assert rate_per_second != old_rate, "budget_streams: rate unchanged"
    streamed: uint256 = self._snapshot(state)
    self._state[stream_id] = (
        streamed
        | (block.timestamp << _TIME_SHIFT)
        | (state & (255 << _FLAGS_SHIFT))
        | (rate_per_second << _RATE_SHIFT)
    )
    log RateAdjusted(stream_id=stream_id, rate_per_second=rate_per_second, streamed_scaled=streamed)


@external
def pause(stream_id: uint256):
    """
    @notice Stop a stream from accruing until it is restarted.
    @dev Payer only. The debt so far stays owed and withdrawable when covered.
    @param stream_id The stream.
    """
    state: uint256 = self._payer_state(stream_id)
    assert state >> _RATE_SHIFT != 0, "budget_streams: stream is paused"
    streamed: uint256 = self._snapshot(state)
    self._state[stream_id] = (
        streamed | (block.timestamp << _TIME_SHIFT) | (state & (255 << _FLAGS_SHIFT))
    )
    log Paused(stream_id=stream_id, streamed_scaled=streamed)


@external
def restart(stream_id: uint256, rate_per_second: uint256):
    """
    @notice Resume a paused stream at `rate_per_second` from now on.
    @dev Payer only.
    @param stream_id The stream.
    @param rate_per_second The rate, 18-decimal fixed point, not zero.
    """
    state: uint256 = self._payer_state(stream_id)
    assert state >> _RATE_SHIFT == 0, "budget_streams: stream is not paused"
    self._check_rate(rate_per_second)
    self._state[stream_id] = (
        (state & _KEEP_STREAMED_AND_FLAGS)
        | (block.timestamp << _TIME_SHIFT)
        | (rate_per_second << _RATE_SHIFT)
    )
    log Restarted(stream_id=stream_id, rate_per_second=rate_per_second)


@external
@nonreentrant
def refund(stream_id: uint256, amount: uint256) -> uint256:
    """
    @notice Take back `amount` of the balance that is not owed.
    @dev Payer only; paid to the payer. Allowed on voided streams.
    @param stream_id The stream.
    @param amount Token units, at most `refundable_amount_of`.
    @return The amount refunded.
    """
    assert amount != 0, "budget_streams: zero amount"
    return self._refund(stream_id, amount, False)


@external
@nonreentrant
def refund_max(stream_id: uint256) -> uint256:
    """
    @notice Take back all of the balance that is not owed.
    @dev Payer only; paid to the payer.
    @param stream_id The stream.
    @return The amount refunded.
    """
    refunded: uint256 = self._refund(stream_id, 0, True)
    assert refunded != 0, "budget_streams: nothing to refund"
    return refunded


@external
def void(stream_id: uint256):
    """
    @notice Stop a stream for good and write off its uncovered debt.
    @dev Payer or recipient. What was streamed and is covered stays
         withdrawable; the rest of the balance becomes refundable.
    @param stream_id The stream.
    """
    state: uint256 = self._state[stream_id]
    assert state != 0, "budget_streams: unknown stream"
    if convert(msg.sender, uint256) != stream_id >> _ID_SHIFT:
        assert msg.sender == self._recipient[stream_id], (
            "budget_streams: caller is not the payer or the recipient"
        )
    assert state & _VOIDED == 0, "budget_streams: stream is voided"
    funds: uint256 = self._funds[stream_id]
    balance: uint256 = funds & _BALANCE_MASK
    withdrawn: uint256 = funds >> _WITHDRAWN_SHIFT
    scale: uint256 = 10 ** ((state >> _SCALE_SHIFT) & _SCALE_MASK)
    # Inlined `_streamed_now` and `_scale`: void is the tightest on gas.
    streamed: uint256 = unsafe_add(
        state & _STREAMED_MASK,
        unsafe_mul(
            state >> _RATE_SHIFT,
            unsafe_sub(block.timestamp, (state >> _TIME_SHIFT) & _TIME_MASK),
        ),
    )
    debt: uint256 = unsafe_div(streamed, scale) - withdrawn
    written_off: uint256 = 0
    if debt > balance:
        written_off = debt - balance
        streamed = (withdrawn + balance) * scale
    # Deposits are capped so that a covered snapshot always fits 120 bits.
    self._state[stream_id] = (
        streamed
        | (block.timestamp << _TIME_SHIFT)
        | (state & (255 << _FLAGS_SHIFT))
        | _VOIDED
    )
    log Voided(stream_id=stream_id, caller=msg.sender, written_off=written_off, streamed_scaled=streamed)


# VIEWS #


@external
@view
def get_stream(stream_id: uint256) -> Stream:
    """
    @notice The whole stream, unpacked.
    @param stream_id The stream.
    @return The stream; `streamed_scaled` is in 18 decimals at `snapshot_time`,
            `balance` and `withdrawn` are in token units; `funded` says whether
            anything was ever deposited.
    """
    state: uint256 = self._existing_state(stream_id)
    funds: uint256 = self._funds[stream_id]
    return Stream(
        payer=self._payer(stream_id),
        recipient=self._recipient[stream_id],
        token=self._token[stream_id],
        token_decimals=convert(MAX_DECIMALS - ((state >> _SCALE_SHIFT) & _SCALE_MASK), uint8),
        spender_hat=self._spender_hat[stream_id],
        rate_per_second=state >> _RATE_SHIFT,
        balance=funds & _BALANCE_MASK,
        withdrawn=funds >> _WITHDRAWN_SHIFT,
        streamed_scaled=state & _STREAMED_MASK,
        snapshot_time=(state >> _TIME_SHIFT) & _TIME_MASK,
        voided=state & _VOIDED != 0,
        funded=funds != 0 or state & _FUNDED != 0,
    )


@external
@view
def next_stream_id(payer: address) -> uint256:
    """
    @notice The id `payer`'s next `create` would return (if no one creates first).
    @param payer The would-be payer.
    @return The stream id.
    """
    return (convert(payer, uint256) << _ID_SHIFT) | (self.stream_count + 1)


@external
@pure
def payer_of(stream_id: uint256) -> address:
    """
    @notice The payer encoded in a stream id.
    @param stream_id The stream id.
    @return The payer.
    """
    return self._payer(stream_id)


@external
@pure
def stream_number_of(stream_id: uint256) -> uint256:
    """
    @notice The stream's number (1, 2, ...) encoded in a stream id.
    @param stream_id The stream id.
    @return The number.
    """
    return stream_id & _NUMBER_MASK


@external
@view
def withdrawable_amount_of(stream_id: uint256) -> uint256:
    """
    @notice Token units the recipient (or a spender) can withdraw now.
    @param stream_id The stream.
    @return The covered debt.
    """
    return self._covered_debt(stream_id)


@external
@view
def total_debt_of(stream_id: uint256) -> uint256:
    """
    @notice Token units owed to the recipient now, covered or not.
    @param stream_id The stream.
    @return The total debt.
    """
    return self._total_debt(self._existing_state(stream_id), stream_id)


@external
@view
def covered_debt_of(stream_id: uint256) -> uint256:
    """
    @notice The part of the debt the balance covers (the withdrawable amount).
    @param stream_id The stream.
    @return The covered debt, token units.
    """
    return self._covered_debt(stream_id)


@external
@view
def uncovered_debt_of(stream_id: uint256) -> uint256:
    """
    @notice The part of the debt the balance does not cover.
    @param stream_id The stream.
    @return The uncovered debt, token units.
    """
    debt: uint256 = self._total_debt(self._existing_state(stream_id), stream_id)
    balance: uint256 = self._funds[stream_id] & _BALANCE_MASK
    if debt > balance:
        return debt - balance
    return 0


@external
@view
def refundable_amount_of(stream_id: uint256) -> uint256:
    """
    @notice The part of the balance not owed to the recipient.
    @param stream_id The stream.
    @return The refundable amount, token units.
    """
    return (self._funds[stream_id] & _BALANCE_MASK) - self._covered_debt(stream_id)


@external
@view
def streamed_amount_of(stream_id: uint256) -> uint256:
    """
    @notice Token units streamed since creation (withdrawn plus owed).
    @param stream_id The stream.
    @return The streamed amount, rounded down to token units.
    """
    state: uint256 = self._existing_state(stream_id)
    return self._streamed_now(state) // self._scale(state)


@external
@view
def depletion_time_of(stream_id: uint256) -> uint256:
    """
    @notice When the stream's debt will first exceed its balance.
    @dev 0 when the stream does not accrue (paused or voided) or is already
         insolvent; use `status_of` to tell these apart.
    @param stream_id The stream.
    @return A timestamp in seconds, or 0.
    """
    state: uint256 = self._existing_state(stream_id)
    rate: uint256 = state >> _RATE_SHIFT
    if rate == 0:
        return 0
    funds: uint256 = self._funds[stream_id]
    # Insolvent from the first second the streamed amount reaches this.
    target: uint256 = (
        (funds & _BALANCE_MASK) + (funds >> _WITHDRAWN_SHIFT) + 1
    ) * self._scale(state)
    if self._streamed_now(state) >= target:
        return 0
    # The snapshot is below target, or the stream would be insolvent now.
    return ((state >> _TIME_SHIFT) & _TIME_MASK) + (
        target - (state & _STREAMED_MASK) + rate - 1
    ) // rate


@external
@view
def status_of(stream_id: uint256) -> uint8:
    """
    @notice The stream's status.
    @dev 0 PENDING (nothing ever deposited), 1 STREAMING_SOLVENT,
         2 STREAMING_INSOLVENT, 3 PAUSED_SOLVENT, 4 PAUSED_INSOLVENT, 5 VOIDED.
    @param stream_id The stream.
    @return The status.
    """
    state: uint256 = self._existing_state(stream_id)
    if state & _VOIDED != 0:
        return VOIDED
    funds: uint256 = self._funds[stream_id]
    if funds == 0 and state & _FUNDED == 0:
        return PENDING
    balance: uint256 = funds & _BALANCE_MASK
    withdrawn: uint256 = funds >> _WITHDRAWN_SHIFT
    insolvent: bool = self._streamed_now(state) // self._scale(state) - withdrawn > balance
    if state >> _RATE_SHIFT == 0:
        if insolvent:
            return PAUSED_INSOLVENT
        return PAUSED_SOLVENT
    if insolvent:
        return STREAMING_INSOLVENT
    return STREAMING_SOLVENT


# INTERNAL #


@internal
def _create(
    recipient: address, token: address, rate_per_second: uint256, spender_hat: uint256
) -> uint256:
    assert recipient != empty(address), "budget_streams: zero recipient"
    self._check_rate(rate_per_second)
    success: bool = False
    response: Bytes[32] = b""
    success, response = raw_call(
        token,
        method_id("decimals()"),
        max_outsize=32,
        is_static_call=True,
        revert_on_failure=False,
    )
    assert success and len(response) == 32, "budget_streams: token has no decimals"
    decimals: uint256 = convert(response, uint256)
    assert decimals <= MAX_DECIMALS, "budget_streams: token has more than 18 decimals"

    number: uint256 = self.stream_count + 1
    self.stream_count = number
    stream_id: uint256 = (convert(msg.sender, uint256) << _ID_SHIFT) | number
    self._state[stream_id] = (
        (block.timestamp << _TIME_SHIFT)
        | _EXISTS
        | ((MAX_DECIMALS - decimals) << _SCALE_SHIFT)
        | (rate_per_second << _RATE_SHIFT)
    )
    self._recipient[stream_id] = recipient
    self._token[stream_id] = token
    if spender_hat != 0:
        self._spender_hat[stream_id] = spender_hat
    log StreamCreated(
        stream_id=stream_id,
        payer=msg.sender,
        recipient=recipient,
        token=token,
        token_decimals=convert(decimals, uint8),
        rate_per_second=rate_per_second,
        spender_hat=spender_hat,
    )
    return stream_id


@internal
def _deposit(stream_id: uint256, amount: uint256):
    assert amount != 0, "budget_streams: zero amount"
    state: uint256 = self._existing_state(stream_id)
    assert state & _VOIDED == 0, "budget_streams: stream is voided"
    funds: uint256 = self._funds[stream_id]
    balance: uint256 = (funds & _BALANCE_MASK) + amount
    # Keeps every snapshot, even a voided stream's, within 120 bits.
    assert (balance + (funds >> _WITHDRAWN_SHIFT) + 1) * self._scale(state) <= MAX_STREAMED, (
        "budget_streams: deposit too large"
    )
    token: IERC20 = IERC20(self._token[stream_id])
    before: uint256 = staticcall token.balanceOf(self)
    # Effects before the token call: a call the token makes back into this
    # contract (void, pause, ...) sees the deposit made, never a stale balance
    # that this function would then overwrite. If the token delivers less,
    # the check below reverts the whole deposit, event included.
    self._funds[stream_id] = (funds & ~_BALANCE_MASK) | balance
    log Deposited(stream_id=stream_id, funder=msg.sender, amount=amount, balance=balance)
    assert extcall token.transferFrom(msg.sender, self, amount, default_return_value=True), (
        "budget_streams: transfer failed"
    )
    assert staticcall token.balanceOf(self) == before + amount, (
        "budget_streams: token delivered less than the amount sent"
    )


@internal
def _withdraw(stream_id: uint256, to: address, amount: uint256, is_max: bool) -> uint256:
    state: uint256 = self._existing_state(stream_id)
    self._check_recipient_or_spender(stream_id)
    assert to != empty(address), "budget_streams: withdraw to the zero address"
    assert to != self, "budget_streams: withdraw to this contract"
    funds: uint256 = self._funds[stream_id]
    balance: uint256 = funds & _BALANCE_MASK
    withdrawn: uint256 = funds >> _WITHDRAWN_SHIFT
    withdrawable: uint256 = min(
        balance, self._streamed_now(state) // self._scale(state) - withdrawn
    )
    paid: uint256 = amount
    if is_max:
        paid = withdrawable
        if paid == 0:
            return 0
    else:
        assert paid <= withdrawable, "budget_streams: amount above withdrawable"
    balance -= paid
    self._funds[stream_id] = ((withdrawn + paid) << _WITHDRAWN_SHIFT) | balance
    assert extcall IERC20(self._token[stream_id]).transfer(to, paid, default_return_value=True), (
        "budget_streams: transfer failed"
    )
    log Withdrawn(stream_id=stream_id, to=to, caller=msg.sender, amount=paid, balance=balance)
    return paid


@internal
def _refund(stream_id: uint256, amount: uint256, is_max: bool) -> uint256:
    state: uint256 = self._existing_state(stream_id)
    payer: address = self._payer(stream_id)
    assert msg.sender == payer, "budget_streams: caller is not the payer"
    funds: uint256 = self._funds[stream_id]
    balance: uint256 = funds & _BALANCE_MASK
    withdrawn: uint256 = funds >> _WITHDRAWN_SHIFT
    debt: uint256 = self._streamed_now(state) // self._scale(state) - withdrawn
    refundable: uint256 = 0
    if balance > debt:
        refundable = balance - debt
    refunded: uint256 = amount
    if is_max:
        refunded = refundable
        if refunded == 0:
            return 0
    else:
        assert refunded <= refundable, "budget_streams: amount above refundable"
    balance -= refunded
    funds = (funds & ~_BALANCE_MASK) | balance
    self._funds[stream_id] = funds
    if funds == 0:
        # Emptied before it ever paid out: remember it was funded (status_of).
        self._state[stream_id] = state | _FUNDED
    assert extcall IERC20(self._token[stream_id]).transfer(payer, refunded, default_return_value=True), (
        "budget_streams: transfer failed"
    )
    log Refunded(stream_id=stream_id, amount=refunded, balance=balance)
    return refunded


@internal
@view
def _payer_state(stream_id: uint256) -> uint256:
    """
    @dev The state of a live stream whose payer is the caller.
    """
    state: uint256 = self._state[stream_id]
    assert state != 0, "budget_streams: unknown stream"
    assert msg.sender == self._payer(stream_id), "budget_streams: caller is not the payer"
    assert state & _VOIDED == 0, "budget_streams: stream is voided"
    return state


@internal
@view
def _check_recipient_or_spender(stream_id: uint256):
    """
    @dev The caller is the stream's recipient or wears its spender hat: the cell.
    """
    if msg.sender != self._recipient[stream_id]:
        hat: uint256 = self._spender_hat[stream_id]
        allowed: bool = False
        if hat != 0:
            allowed = staticcall hats.isWearerOfHat(msg.sender, hat)
        assert allowed, "budget_streams: caller is not the recipient or a spender"


@internal
@view
def _existing_state(stream_id: uint256) -> uint256:
    state: uint256 = self._state[stream_id]
    assert state != 0, "budget_streams: unknown stream"
    return state


@internal
@pure
def _check_rate(rate_per_second: uint256):
    assert rate_per_second != 0, "budget_streams: zero rate"
    assert rate_per_second <= MAX_RATE, "budget_streams: rate too high"


@internal
@pure
def _payer(stream_id: uint256) -> address:
    return convert(stream_id >> _ID_SHIFT, address)


@internal
@pure
def _scale(state: uint256) -> uint256:
    """
    @dev 10**(18 - decimals): 18-decimal units in one token unit.
    """
    return 10 ** ((state >> _SCALE_SHIFT) & _SCALE_MASK)


@internal
@view
def _streamed_now(state: uint256) -> uint256:
    """
    @dev Streamed since creation up to now, 18 decimals.
    """
    # Cannot overflow: streamed < 2**120, rate < 2**88, and the snapshot time
    # (< 2**40) is never after now.
    return unsafe_add(
        state & _STREAMED_MASK,
        unsafe_mul(
            state >> _RATE_SHIFT,
            unsafe_sub(block.timestamp, (state >> _TIME_SHIFT) & _TIME_MASK),
        ),
    )


@internal
@view
def _snapshot(state: uint256) -> uint256:
    """
    @dev Streamed up to now, checked to fit its 120 bits.
    """
    streamed: uint256 = self._streamed_now(state)
    assert streamed <= MAX_STREAMED, "budget_streams: streamed amount too large, void the stream"
    return streamed


@internal
@view
def _total_debt(state: uint256, stream_id: uint256) -> uint256:
    return self._streamed_now(state) // self._scale(state) - (
        self._funds[stream_id] >> _WITHDRAWN_SHIFT
    )


@internal
@view
def _covered_debt(stream_id: uint256) -> uint256:
    state: uint256 = self._existing_state(stream_id)
    return min(self._funds[stream_id] & _BALANCE_MASK, self._total_debt(state, stream_id))
