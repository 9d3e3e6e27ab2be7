"""Execution-gas measurement shared by every benchmark that runs in titanoboa.

Each call is measured as if it were its own transaction (cold storage), so
that rewrites of a slot are not priced as warm:

* ``lock_changes()`` commits the journal before the call, so SSTORE sees the
  slot's pre-transaction value as its "original" value (EIP-2200/3529 pricing);
* the call's computation gas is read from the computation titanoboa keeps;
* refunds are capped at a fifth of the transaction's gas (EIP-3529), counting
  the intrinsic cost (21,000 plus calldata) in that total as a node would;
* the figure reported excludes the 21,000 base and the calldata cost, which is
  how the competitors' figures we compare against are stated.
"""

from __future__ import annotations

import boa

TX_BASE_GAS = 21_000


def calldata_gas(data: bytes) -> int:
    """EIP-2028 calldata cost: 4 gas a zero byte, 16 a non-zero byte."""
    zeros = data.count(0)
    return zeros * 4 + (len(data) - zeros) * 16


def cold(*warm: str) -> None:
    """Make the next call start cold, as a new transaction does.

    ``lock_changes()`` also forgets which accounts and slots earlier calls
    warmed. A real transaction starts with its sender, its target and the
    precompiles warm (EIP-2929), so those are marked warm again.
    """
    state = boa.env.evm.vm.state
    state.lock_changes()
    for address in warm:
        state.mark_address_warm(bytes.fromhex(str(address)[2:].lower()))
    for precompile in range(1, 11):
        state.mark_address_warm(precompile.to_bytes(20, "big"))


def execution_gas(to: str, data: bytes, sender: str, value: int = 0) -> int:
    """Run one call as a fresh transaction and return its execution gas.

    Args:
        to: the contract called.
        data: the calldata.
        sender: the transaction's sender.
        value: wei sent with the call.

    Returns:
        gas used by execution, refunds applied and capped at a fifth of the
        transaction's gas, excluding the 21,000 base and calldata.

    Raises:
        the call's error if it reverted (a benchmark must not measure a revert).
    """
    cold(to, sender)
    intrinsic = TX_BASE_GAS + calldata_gas(data)
    computation = boa.env.execute_code(to_address=to, sender=sender, data=data, value=value)
    if computation.is_error:
        raise computation.error
    used = computation.get_gas_used()
    refund = min(computation.get_gas_refund(), (used + intrinsic) // 5)
    return used - refund
