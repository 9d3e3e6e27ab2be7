"""BudgetStreams: stateful property tests over random sequences of every operation and
time jumps, with a 6-decimal and an 18-decimal token.

Invariants, checked after every step:
- the tokens the contract holds equal the sum of its streams' balances, and the
  tokens of everyone involved add up to what was minted (nothing created or lost);
- the payer gets back only refunds: it can never redirect what a stream owes to
  its cell (set_recipient is the cell's: the recipient's or a spender's);
- withdrawn + withdrawable never exceeds what was streamed (summed independently
  as rate x time);
- covered + uncovered = total debt, and every view agrees with a Python model,
  status_of included (pending only while nothing was ever deposited);
- a voided stream never accrues.
"""

from __future__ import annotations

from dataclasses import dataclass

import boa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from streams_helpers import (
    DAY,
    PAUSED_INSOLVENT,
    PAUSED_SOLVENT,
    PENDING,
    STREAMING_INSOLVENT,
    STREAMING_SOLVENT,
    VOIDED,
    load_mock,
)

MINT = 10**40
# Time jumps taken before most operations (none half of the time).
# Rates from a billionth to ~10 tokens a second (18-decimal fixed point).
RATES = st.builds(lambda m, e: m * 10**e, st.integers(1, 999), st.integers(9, 16))
# Deposits: up to a million whole tokens plus some odd units.
WHOLE = st.integers(0, 10**6)
UNITS = st.integers(0, 10**6)
WAITS = st.sampled_from([0, 0, 0, 1, 3_600, DAY, 10 * DAY, 40 * DAY])


@dataclass
class Model:
    token: object
    scale: int
    recipient: str
    rate: int
    t0: int
    streamed: int = 0  # 18 decimals, up to t0, as the contract keeps it
    ever: int = 0  # 18 decimals, every second ever streamed (never written off)
    ever_t0: int = 0
    balance: int = 0
    withdrawn: int = 0
    voided: bool = False
    voided_total: int = 0  # total debt + withdrawn when voided
    funded: bool = False  # anything ever deposited
    hat: int = 0

    def now_streamed(self, now: int) -> int:
        return self.streamed + self.rate * (now - self.t0)

    def now_ever(self, now: int) -> int:
        return self.ever + self.rate * (now - self.ever_t0)

    def debt(self, now: int) -> int:
        return self.now_streamed(now) // self.scale - self.withdrawn

    def withdrawable(self, now: int) -> int:
        return min(self.balance, self.debt(now))

    def status(self, now: int) -> int:
        if self.voided:
            return VOIDED
        if not self.funded:
            return PENDING
        insolvent = self.debt(now) > self.balance
        if self.rate == 0:
            return PAUSED_INSOLVENT if insolvent else PAUSED_SOLVENT
        return STREAMING_INSOLVENT if insolvent else STREAMING_SOLVENT

    def snapshot(self, now: int, rate: int) -> None:
        self.ever = self.now_ever(now)
        self.ever_t0 = now
        self.streamed = self.now_streamed(now)
        self.t0 = now
        self.rate = rate


class StreamsMachine(RuleBasedStateMachine):
    ctx: dict = {}
    ids = Bundle("ids")

    def __init__(self):
        super().__init__()
        self._anchor = boa.env.anchor()
        self._anchor.__enter__()
        c = self.ctx
        self.streams = c["streams"]
        self.payer, self.funder = c["payer"], c["funder"]
        self.recipients = c["recipients"]
        self.spender, self.spender_hat = c["spender"], c["spender_hat"]
        self.tokens = c["tokens"]
        self.holders = [self.payer, self.funder, self.spender, self.streams.address, *self.recipients]
        self.model: dict[int, Model] = {}
        # Per token: what the payer put into streams and what refunds gave back.
        self.payer_in = {token.address: 0 for token in self.tokens}
        self.refunded = {token.address: 0 for token in self.tokens}

    def teardown(self):
        self._anchor.__exit__(None, None, None)

    def now(self) -> int:
        return boa.env.evm.patch.timestamp

    # RULES #

    @initialize(target=ids, rate=RATES, deposit=WHOLE)
    def first_usdc_stream(self, rate, deposit):
        return self.create(0, rate, 0, True, deposit)

    @initialize(target=ids, rate=RATES, deposit=WHOLE)
    def first_dai_stream(self, rate, deposit):
        return self.create(1, rate, 1, False, deposit)

    @rule(
        target=ids,
        token=st.sampled_from([0, 1]),
        rate=RATES,
        who=st.sampled_from([0, 1]),
        with_hat=st.booleans(),
        deposit=WHOLE,
    )
    def create_stream(self, token, rate, who, with_hat, deposit):
        return self.create(token, rate, who, with_hat, deposit)

    def create(self, token, rate, who, with_hat, deposit):
        token = self.tokens[token]
        scale = 10 ** (18 - token.decimals())
        amount = deposit * 10**18 // scale  # whole tokens in token units
        recipient = self.recipients[who]
        hat = self.spender_hat if with_hat else 0
        with boa.env.prank(self.payer):
            if amount:
                stream_id = self.streams.create_and_deposit(recipient, token.address, rate, hat, amount)
            else:
                stream_id = self.streams.create(recipient, token.address, rate, hat)
        now = self.now()
        self.model[stream_id] = Model(
            token, scale, recipient, rate, now, ever_t0=now, balance=amount, funded=amount > 0, hat=hat
        )
        self.payer_in[token.address] += amount
        return stream_id

    @rule(stream_id=ids, whole=WHOLE, units=UNITS, by_funder=st.booleans(), wait=WAITS)
    def deposit(self, stream_id, whole, units, by_funder, wait):
        boa.env.time_travel(seconds=wait)
        m = self.model[stream_id]
        amount = whole * 10**18 // m.scale + units
        with boa.env.prank(self.funder if by_funder else self.payer):
            if amount == 0:
                with boa.reverts("budget_streams: zero amount"):
                    self.streams.deposit(stream_id, amount)
            elif m.voided:
                with boa.reverts("budget_streams: stream is voided"):
                    self.streams.deposit(stream_id, amount)
            else:
                self.streams.deposit(stream_id, amount)
                m.balance += amount
                m.funded = True
                if not by_funder:
                    self.payer_in[m.token.address] += amount

    @rule(stream_id=ids, part=st.integers(0, 100), extra=st.integers(0, 2), by_spender=st.booleans(), wait=WAITS)
    def withdraw(self, stream_id, part, extra, by_spender, wait):
        boa.env.time_travel(seconds=wait)
        m = self.model[stream_id]
        caller = self.spender if by_spender else m.recipient
        allowed = not by_spender or m.hat != 0
        withdrawable = m.withdrawable(self.now())
        amount = withdrawable * part // 100 + extra
        with boa.env.prank(caller):
            if amount == 0:
                with boa.reverts("budget_streams: zero amount"):
                    self.streams.withdraw(stream_id, self.funder, amount)
            elif not allowed:
                with boa.reverts("budget_streams: caller is not the recipient or a spender"):
                    self.streams.withdraw(stream_id, self.funder, amount)
            elif amount > withdrawable:
                with boa.reverts("budget_streams: amount above withdrawable"):
                    self.streams.withdraw(stream_id, self.funder, amount)
            else:
                assert self.streams.withdraw(stream_id, self.funder, amount) == amount
                m.balance -= amount
                m.withdrawn += amount

    @rule(stream_id=ids, wait=WAITS)
    def withdraw_max(self, stream_id, wait):
        boa.env.time_travel(seconds=wait)
        m = self.model[stream_id]
        withdrawable = m.withdrawable(self.now())
        with boa.env.prank(m.recipient):
            if withdrawable == 0:
                with boa.reverts("budget_streams: nothing to withdraw"):
                    self.streams.withdraw_max(stream_id, m.recipient)
            else:
                assert self.streams.withdraw_max(stream_id, m.recipient) == withdrawable
                m.balance -= withdrawable
                m.withdrawn += withdrawable

    @rule(pick=st.lists(ids, max_size=5, unique=True), who=st.sampled_from([0, 1]))
    def batch_withdraw_max(self, pick, who):
        recipient = self.recipients[who]
        mine = [s for s in pick if self.model[s].recipient == recipient]
        now = self.now()
        with boa.env.prank(recipient):
            self.streams.batch_withdraw_max(mine, self.funder)
        for stream_id in mine:
            m = self.model[stream_id]
            paid = m.withdrawable(now)
            m.balance -= paid
            m.withdrawn += paid

    @rule(stream_id=ids, rate=st.one_of(st.just(0), RATES), wait=WAITS)
    def adjust_rate(self, stream_id, rate, wait):
        boa.env.time_travel(seconds=wait)
        m = self.model[stream_id]
        with boa.env.prank(self.payer):
            if m.voided:
                with boa.reverts("budget_streams: stream is voided"):
                    self.streams.adjust_rate(stream_id, rate)
            elif m.rate == 0:
                with boa.reverts("budget_streams: stream is paused"):
                    self.streams.adjust_rate(stream_id, rate)
            elif rate == 0:
                with boa.reverts("budget_streams: zero rate"):
                    self.streams.adjust_rate(stream_id, rate)
            elif rate == m.rate:
                with boa.reverts("budget_streams: rate unchanged"):
                    self.streams.adjust_rate(stream_id, rate)
            else:
                self.streams.adjust_rate(stream_id, rate)
                m.snapshot(self.now(), rate)

    @rule(stream_id=ids, wait=WAITS)
    def pause(self, stream_id, wait):
        boa.env.time_travel(seconds=wait)
        m = self.model[stream_id]
        with boa.env.prank(self.payer):
            if m.voided:
                with boa.reverts("budget_streams: stream is voided"):
                    self.streams.pause(stream_id)
            elif m.rate == 0:
                with boa.reverts("budget_streams: stream is paused"):
                    self.streams.pause(stream_id)
            else:
                self.streams.pause(stream_id)
                m.snapshot(self.now(), 0)

    @rule(stream_id=ids, rate=RATES, wait=WAITS)
    def restart(self, stream_id, rate, wait):
        boa.env.time_travel(seconds=wait)
        m = self.model[stream_id]
        with boa.env.prank(self.payer):
            if m.voided:
                with boa.reverts("budget_streams: stream is voided"):
                    self.streams.restart(stream_id, rate)
            elif m.rate != 0:
                with boa.reverts("budget_streams: stream is not paused"):
                    self.streams.restart(stream_id, rate)
            else:
                self.streams.restart(stream_id, rate)
                m.snapshot(self.now(), rate)

    @rule(stream_id=ids, part=st.integers(0, 100), extra=st.integers(0, 2), wait=WAITS)
    def refund(self, stream_id, part, extra, wait):
        boa.env.time_travel(seconds=wait)
        m = self.model[stream_id]
        refundable = m.balance - m.withdrawable(self.now())
        amount = refundable * part // 100 + extra
        with boa.env.prank(self.payer):
            if amount == 0:
                with boa.reverts("budget_streams: zero amount"):
                    self.streams.refund(stream_id, amount)
            elif amount > refundable:
                with boa.reverts("budget_streams: amount above refundable"):
                    self.streams.refund(stream_id, amount)
            else:
                assert self.streams.refund(stream_id, amount) == amount
                m.balance -= amount
                self.refunded[m.token.address] += amount

    @rule(stream_id=ids, wait=WAITS)
    def refund_max(self, stream_id, wait):
        boa.env.time_travel(seconds=wait)
        m = self.model[stream_id]
        refundable = m.balance - m.withdrawable(self.now())
        with boa.env.prank(self.payer):
            if refundable == 0:
                with boa.reverts("budget_streams: nothing to refund"):
                    self.streams.refund_max(stream_id)
            else:
                assert self.streams.refund_max(stream_id) == refundable
                m.balance -= refundable
                self.refunded[m.token.address] += refundable

    @rule(stream_id=ids, by_recipient=st.booleans(), wait=WAITS)
    def void(self, stream_id, by_recipient, wait):
        boa.env.time_travel(seconds=wait)
        m = self.model[stream_id]
        with boa.env.prank(m.recipient if by_recipient else self.payer):
            if m.voided:
                with boa.reverts("budget_streams: stream is voided"):
                    self.streams.void(stream_id)
                return
            now = self.now()
            debt = m.debt(now)
            self.streams.void(stream_id)
        m.snapshot(now, 0)
        if debt > m.balance:
            m.streamed = (m.withdrawn + m.balance) * m.scale
        m.voided = True
        m.voided_total = m.debt(now) + m.withdrawn

    @rule(stream_id=ids, who=st.sampled_from([0, 1]), by=st.sampled_from(["recipient", "spender", "payer"]))
    def set_recipient(self, stream_id, who, by):
        m = self.model[stream_id]
        caller = {"recipient": m.recipient, "spender": self.spender, "payer": self.payer}[by]
        # The payer always tries to take the stream for itself.
        to = self.payer if by == "payer" else self.recipients[who]
        allowed = by == "recipient" or (by == "spender" and m.hat != 0)
        with boa.env.prank(caller):
            if not allowed:
                with boa.reverts("budget_streams: caller is not the recipient or a spender"):
                    self.streams.set_recipient(stream_id, to)
                return
            self.streams.set_recipient(stream_id, to)
        m.recipient = to

    @rule(seconds=st.sampled_from([1, 59, 3_600, DAY, 7 * DAY, 45 * DAY]))
    def time_passes(self, seconds):
        boa.env.time_travel(seconds=seconds)

    # INVARIANTS #

    @invariant()
    def nothing_created_or_lost(self):
        for token in self.tokens:
            held = token.balanceOf(self.streams.address)
            assert held == sum(m.balance for m in self.model.values() if m.token is token)
            assert sum(token.balanceOf(h) for h in self.holders) == MINT

    @invariant()
    def payer_gets_back_only_refunds(self):
        for token in self.tokens:
            paid_out = self.payer_in[token.address] - self.refunded[token.address]
            assert token.balanceOf(self.payer) == MINT // 2 - paid_out

    @invariant()
    def views_match_the_model(self):
        now = self.now()
        for stream_id, m in self.model.items():
            s = self.streams.get_stream(stream_id)
            assert (s.balance, s.withdrawn, s.voided) == (m.balance, m.withdrawn, m.voided)
            total = self.streams.total_debt_of(stream_id)
            covered = self.streams.covered_debt_of(stream_id)
            uncovered = self.streams.uncovered_debt_of(stream_id)
            withdrawable = self.streams.withdrawable_amount_of(stream_id)
            assert total == m.debt(now)
            assert covered + uncovered == total
            assert withdrawable == covered == min(m.balance, total)
            assert self.streams.refundable_amount_of(stream_id) == m.balance - covered
            # withdrawn + withdrawable never exceeds what was ever streamed
            assert m.withdrawn + withdrawable <= m.now_ever(now) // m.scale
            assert self.streams.status_of(stream_id) == m.status(now)
            assert s.funded == m.funded
            if m.voided:
                assert total + m.withdrawn == m.voided_total
                assert self.streams.depletion_time_of(stream_id) == 0


def test_streams_state_machine(streams, hats, hats_admin, spender, spender_hat, payer):
    funder = boa.env.generate_address("funder")
    recipients = [boa.env.generate_address("cell-a"), boa.env.generate_address("cell-b")]
    tokens = [load_mock("StreamsERC20.vy", "USDC", 6), load_mock("StreamsERC20.vy", "DAI", 18)]
    for token in tokens:
        token.mint(payer, MINT // 2)
        token.mint(funder, MINT // 2)
        for who in (payer, funder):
            with boa.env.prank(who):
                token.approve(streams.address, 2**256 - 1)
    StreamsMachine.ctx = dict(
        streams=streams,
        payer=payer,
        funder=funder,
        recipients=recipients,
        spender=spender,
        spender_hat=spender_hat,
        tokens=tokens,
    )
    run_state_machine_as_test(
        StreamsMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
