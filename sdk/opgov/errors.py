"""Typed errors. Each message says what went wrong and what to do next.

The SDK raises these and never prints or exits; the CLI turns them into one
line on stderr and a non-zero exit code.
"""

from __future__ import annotations


class OpgovError(Exception):
    """Base of every error opgov raises on purpose.

    Args:
        message: what went wrong, in plain words.
        hint: what the user can do about it.
    """

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message


class UsageError(OpgovError):
    """An argument or option has a value opgov cannot use."""

    exit_code = 2


class UnitsError(UsageError):
    """An amount, rate or duration could not be read."""


class NetworkError(OpgovError):
    """The network cannot be reached or is not the one expected."""


class AccountError(OpgovError):
    """The account to send from cannot be loaded."""


class DeploymentError(OpgovError):
    """A contract opgov needs is not deployed, or the record of it is wrong."""


class ContractsNotFound(DeploymentError):
    """The Vyper sources cannot be found or compiled."""


class TransactionReverted(OpgovError):
    """The chain refused a transaction (or a simulated call) with a reason."""

    def __init__(self, reason: str, hint: str | None = None):
        self.reason = reason
        super().__init__(f"the chain refused the transaction: {reason}", hint)


class HatsError(OpgovError):
    """A role-hat operation cannot be done as asked."""


class StreamError(OpgovError):
    """A budget-stream operation cannot be done as asked."""


class ConsentError(OpgovError):
    """A proposal or objection cannot be made as asked."""


class SafeError(OpgovError):
    """A Safe transaction cannot be built, signed or executed as asked."""


class SpecError(OpgovError):
    """The org spec (org.yaml) is not valid."""


class HatsReverted(HatsError):
    """The Hats contract refused a transaction with one of Hats Protocol's custom errors.

    Args:
        error: the error's name in Hats Protocol's `HatsErrors` (e.g. "NotAdmin"),
            or "Panic" for an out-of-range number.
        args: the error's arguments, decoded.
        message: what went wrong, in plain words.
        hint: what the user can do about it.
    """

    def __init__(self, error: str, args: tuple, message: str, hint: str | None = None):
        self.error = error
        self.error_args = args
        super().__init__(message, hint)
