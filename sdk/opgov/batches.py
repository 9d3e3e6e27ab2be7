"""How many of a run of steps go in one transaction: as many as fit a share of a block's gas.

Deploy sends a run of steps (Safe calls in a MultiSendCallOnly batch, hats in
`batchCreateHats` / `batchMintHats`) as few transactions as it can. A batch's
gas is close to the sum of its steps', so the size comes from the node's own
estimates: estimate a first guess, scale it to the budget, and estimate again
until a size fits. No network here: the caller passes the estimate.
"""

from __future__ import annotations

from typing import Callable

# a batch may use this share of the block gas limit: room for other transactions in the
# block on a live network, and for estimates that move a little by the time it is mined
BLOCK_SHARE = 0.5
# aim this far under the budget when scaling (gas is near, not exactly, linear in the steps)
AIM = 0.9
# a first guess for a run's first batch
FIRST_GUESS = 16
# estimates asked for one batch at most, before taking the largest size that fit
MAX_ESTIMATES = 6


def gas_budget(block_gas_limit: int) -> int:
    """The most gas one batch may need, out of a block of `block_gas_limit`."""
    return int(block_gas_limit * BLOCK_SHARE)


def batch_size(remaining: int, estimate: Callable[[int], int], budget: int, cap: int,
               guess: int = FIRST_GUESS) -> int:
    """How many of the next `remaining` steps to send in one transaction.

    Args:
        remaining: the steps left in the run (at least one).
        estimate: the gas of a transaction holding the next `n` steps.
        budget: the most gas the transaction may need (see `gas_budget`).
        cap: the most steps one transaction takes (a contract's array bound).
        guess: the size to estimate first (the last batch's size is a good one).

    Returns:
        A size from 1 to min(remaining, cap) whose estimate fits the budget; 1 if
        even one step does not fit (sending it shows the node's own refusal).
    """
    top = max(1, min(remaining, cap))
    n = max(1, min(guess, top))
    fits, over = 0, top + 1  # the largest size known to fit, the smallest known not to
    for _ in range(MAX_ESTIMATES):
        gas = estimate(n)
        scaled = int(n * budget * AIM / max(gas, 1))
        if gas <= budget:
            fits = n
            if n == top or scaled <= n:
                break
            n = min(scaled, over - 1, top)
        else:
            over = n
            n = max(min(scaled, n - 1), fits + 1)
            if n >= over:
                break
    return max(fits, 1)
