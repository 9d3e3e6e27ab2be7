"""What a member connected from the page may do, and gasless requests relayed for them.

The page's wallet code (static/wallet.js) asks the server:

    GET  /api/wallet/config               chain id, consent module, forwarder, relayer (if any)
    GET  /api/wallet/member?address=0x..  the member's name and what they may do now, in plain words
    POST /api/wallet/request              {verb: object|withdraw, ref, reason, signer}: a request to
                                          sign (EIP-712 typed data) and what it will do, in plain words
    POST /api/wallet/relay                {request, signature}: checked here (signature, nonce,
                                          deadline, a dry run), then sent from the relayer account

Every check is the SDK's (`ConsentClient.object_request`, `check_relay`, ...), so the page
refuses what the command line refuses, with the same words. Chain access holds the
dashboard's chain lock.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from opgov.errors import ConsentError, OpgovError, UsageError
from opgov.hats import hat_path

if TYPE_CHECKING:
    from ape.api import AccountAPI

    from opgov.consent import ConsentClient

# proposal states in which objections may be raised or withdrawn
_WINDOW_STATES = {"open", "objected", "escalated"}


class WalletAPI:
    """The JSON answers behind the page's wallet actions.

    Args:
        consent_address: the org's consent module.
        names: address -> person's name, for plain words.
        chain_lock: the dashboard's chain lock.
        relayer: the account that sends signed requests and pays their gas (None: the page
            shows the signed request for another member to relay).
    """

    def __init__(self, consent_address: str, names: dict[str, str], chain_lock: threading.RLock,
                 relayer: "AccountAPI | None" = None):
        self.consent_address = consent_address
        self.names = names
        self.chain_lock = chain_lock
        self.relayer = relayer
        self._client: "ConsentClient | None" = None

    @property
    def client(self) -> "ConsentClient":
        if self._client is None:
            from opgov.consent import ConsentClient

            self._client = ConsentClient.at(self.consent_address)
        return self._client

    # ------------------------------------------------------------ answers

    def config(self) -> dict[str, Any]:
        from ape import chain

        with self.chain_lock:
            forwarder = self.client.forwarder
            return {
                "chain_id": int(chain.chain_id),
                "module": self.client.address,
                "forwarder": str(forwarder.address) if forwarder is not None else None,
                "relayer": str(self.relayer.address) if self.relayer is not None else None,
            }

    def member(self, address: str) -> dict[str, Any]:
        """The member's name and the objections they may raise or withdraw now."""
        address = _address(address)
        may: list[dict[str, Any]] = []
        with self.chain_lock:
            c = self.client
            for p in c.proposals(live_only=True):
                if p.state_name not in _WINDOW_STATES:
                    continue
                try:
                    c.check_withdraw(p.id, address)
                    may.append({"verb": "withdraw", "ref": p.ref, "text": f"withdraw your objection to proposal {p.ref}"})
                    continue
                except ConsentError:
                    pass
                try:
                    c.check_object(p.id, "a reason", address)
                    may.append({"verb": "object", "ref": p.ref, "text": f"object to proposal {p.ref}"})
                except ConsentError:
                    pass
        return {"address": address, "name": self.names.get(address), "may": may}

    def request(self, body: dict[str, Any]) -> dict[str, Any]:
        """A request for the member to sign, with what it will do in plain words."""
        from opgov.consent import describe

        verb, ref, signer = body.get("verb"), str(body.get("ref", "")), _address(body.get("signer"))
        reason = str(body.get("reason") or "").strip()
        with self.chain_lock:
            c = self.client
            if verb == "object":
                req = c.object_request(ref, reason, signer)
                p, hat = c.check_object(ref, reason, signer)
                words = f"object to proposal {p.ref} as {self._who(signer)} (hat {hat_path(hat)}), because: {reason}"
            elif verb == "withdraw":
                req = c.withdraw_request(ref, signer)
                p = c.proposal(ref)
                words = f"withdraw {self._who(signer)}'s objection to proposal {p.ref}"
            else:
                raise UsageError(f"{verb!r} cannot be signed from the page", "use object or withdraw")
            typed = c.typed_data(req)
            about = describe(p, self.names)
        payer = (f"the dashboard's relayer ({self.relayer.address}) pays the gas" if self.relayer is not None
                 else "another member relays it and pays the gas")
        return {
            "request": req.to_json(),
            "typed_data": _json_typed(typed),
            "words": words,
            "proposal": about,
            "cost": f"signing costs you nothing; {payer}",
        }

    def relay(self, body: dict[str, Any]) -> dict[str, Any]:
        """Check a signed request here, then send it from the relayer account."""
        from opgov.forwarder import ConsentRequest

        try:
            req = ConsentRequest.from_json(body["request"])
            signature = bytes.fromhex(str(body["signature"]).removeprefix("0x"))
        except (KeyError, TypeError, ValueError) as err:
            raise UsageError("the request or its signature is malformed", "sign it again from the page") from err
        with self.chain_lock:
            c = self.client
            c.check_relay(req, signature)
            if self.relayer is None:
                return {"relayed": False,
                        "text": "signed and checked; no relayer is configured here, so give the request and "
                                "signature to a member who relays it (`opgov dashboard --relayer ALIAS`)",
                        "request": req.to_json(), "signature": "0x" + signature.hex()}
            receipt = c.relay(req, signature, sender=self.relayer)
        return {"relayed": True, "tx": str(receipt.txn_hash), "text": "sent; the page updates when it is mined"}

    def _who(self, address: str) -> str:
        name = self.names.get(address)
        return f"{name} ({address})" if name else address


def handle(api: WalletAPI | None, method: str, path: str, query: dict[str, list[str]],
           body: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
    """Route one /api/wallet/ call; returns (HTTP status, JSON answer). Errors come back as
    one line that says what to do, never a traceback."""
    if api is None:
        return 404, {"error": "this dashboard has no wallet actions"}
    try:
        if method == "GET" and path == "/api/wallet/config":
            return 200, api.config()
        if method == "GET" and path == "/api/wallet/member":
            return 200, api.member(query.get("address", [""])[0])
        if method == "POST" and path == "/api/wallet/request":
            return 200, api.request(body or {})
        if method == "POST" and path == "/api/wallet/relay":
            return 200, api.relay(body or {})
    except OpgovError as err:
        return 400, {"error": str(err)}
    return 404, {"error": f"there is no {method} {path} here"}


def _address(value: Any) -> str:
    from eth_utils import is_address, to_checksum_address

    if not isinstance(value, str) or not is_address(value):
        raise UsageError(f"{value!r} is not an address", "connect a wallet first")
    return to_checksum_address(value)


def _json_typed(typed: dict[str, Any]) -> dict[str, Any]:
    """Typed data with bytes as 0x hex and numbers as decimal strings, as JSON carries them."""
    message = dict(typed["message"])
    message["data"] = "0x" + bytes(message["data"]).hex()
    message["nonce"], message["deadline"] = str(message["nonce"]), str(message["deadline"])
    return {**typed, "message": message}
