"""Property: a signed request executes at most once, whoever relays it, in
whatever order, whenever; and a signer's nonce counts exactly the requests
of theirs that ran (plus the nonces they used up)."""

from __future__ import annotations

import boa
from forwarder_support import relay, request, signed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SIGNERS = ("kim", "olu")
RELAYERS = ("mallory", "bob", "kim", "olu")

step = st.tuples(
    st.sampled_from(("relay", "relay", "relay", "use_nonce", "wait")),
    st.integers(0, 5),  # which signed request
    st.sampled_from(RELAYERS),
    st.integers(0, 3 * 3600),  # seconds to wait
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_a_request_executes_at_most_once(world, steps):
    with boa.env.anchor():
        pid = world.propose([world.poke(3)])
        data = {
            "kim": world.module.propose.prepare_calldata(world.ops, [world.poke(9)], "more pokes"),
            "olu": world.module.object.prepare_calldata(pid, world.ops_objector, "too many pokes"),
        }
        # six requests: each signer's nonces 0, 1 and 2, with 2-hour deadlines
        signed_requests = []
        for name in SIGNERS:
            for nonce in range(3):
                req = request(world, name, data[name], nonce=nonce, deadline=boa.env.timestamp + 7200)
                signed_requests.append((name, req, signed(world, name, req)))
        ran: dict = {}
        used = dict.fromkeys(SIGNERS, 0)
        for action, which, relayer, seconds in steps:
            name, req, sig = signed_requests[which]
            if action == "wait":
                boa.env.time_travel(seconds=seconds)
            elif action == "use_nonce":
                with boa.env.prank(world.people[name]):
                    world.forwarder.use_nonce()
                used[name] += 1
            else:
                boa.env.time_travel(seconds=1)  # a new block: the same proposal again gets a new id
                try:
                    relay(world, req, sig, relayer=relayer)
                except boa.BoaError:
                    continue
                key = (name, req.nonce)
                assert key not in ran, f"{key} executed twice"
                ran[key] = relayer
        for name in SIGNERS:
            mine = sum(1 for (n, _) in ran if n == name)
            assert world.forwarder.nonces(world.people[name]) == mine + used[name]
        # olu's objection can stand once at most, however many of their requests ran
        assert world.module.objections(pid) <= 1
