"""The decoder alone (no node): every kind of call a signer meets, said in plain words
with the org's names and token units, and the EIP-712 hashes equal to safe-eth-py's."""

from __future__ import annotations

import pytest
from eth_abi import encode
from eth_utils import keccak

from opgov.describe import Names, Proposal, Stream, Token, amount_text, describe_call, describe_tx, description_lines
from opgov.safe_tx import Call, SafeTx, encode_multisend

SAFE = "0x" + "11" * 20
CONSENT = "0x" + "22" * 20
HATS = "0x" + "33" * 20
USDC = "0x" + "44" * 20
SHOP = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"
STREAMS = "0x" + "66" * 20
MULTISEND = "0x" + "77" * 20
ERIN = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"
GATE = "0x" + "88" * 20
CELL = (1 << 224) | (2 << 208)
LEAD = CELL | (1 << 192)
SIGNER = (1 << 224) | (1 << 208)
PROPOSAL = 0xABC << 200
DAY = 86_400


def call(to: str, signature: str, *args, value: int = 0) -> Call:
    types = signature[signature.index("(") + 1 : -1]
    types = [t for t in _split(types)] if types else []
    return Call(to, value, keccak(text=signature)[:4] + encode(types, list(args)))


def _split(types: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in types:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    return out + [cur]


def pay(amount: int) -> Call:
    return call(USDC, "transfer(address,uint256)", SHOP, amount)


@pytest.fixture
def names() -> Names:
    return Names(
        safe=SAFE,
        addresses={SHOP: "hardware-shop", ERIN: "erin"},
        contracts={CONSENT: "ConsentModule", HATS: "Hats", STREAMS: "BudgetStreams", MULTISEND: "MultiSendCallOnly",
                   GATE: "SignerGate"},
        tokens={USDC: Token("USDC", 6)},
        hats={CELL: "Repair Café", LEAD: "Repair Café lead", SIGNER: "Treasury signer"},
        streams={7: Stream("stream #2 (Repair Café's budget)", USDC)},
        proposals={PROPOSAL: Proposal("#3", "Repair Café", (pay(1500 * 10**6),))},
    )


def said(c: Call, names: Names) -> str:
    d = describe_call(c, names)
    assert d.decoded and not d.warnings, d
    return d.text


@pytest.mark.parametrize("c, text", [
    (call(CONSENT, "approve(uint256)", PROPOSAL),
     "approve proposal #3 of Repair Café: transfer 1,500.00 USDC to hardware-shop (0x9965…A4dc)"),
    (call(CONSENT, "veto(uint256,string)", PROPOSAL, "too dear"), "veto proposal #3 of Repair Café because: 'too dear'"),
    (call(CONSENT, "set_cell(uint256,uint256,uint256,uint256,uint256,uint256)", CELL, LEAD, 3 * DAY, 7 * DAY, 0, 5),
     "set up cell Repair Café (hat 1.2): proposals by wearers of Repair Café lead (hat 1.2.1), 3 days to object, "
     "7 days to execute, escalation to the Safe's signers, at most 5 open proposals"),
    (call(CONSENT, "set_spend_limit(uint256,address,uint256,uint256)", CELL, USDC, 1000 * 10**6, 30 * DAY),
     "limit Repair Café (hat 1.2) to spending 1,000.00 USDC per 30 days"),
    (call(CONSENT, "allow_call(uint256,address,bytes4,bool)", CELL, USDC, keccak(text="transfer(address,uint256)")[:4], True),
     "let Repair Café (hat 1.2) call transfer (0xa9059cbb) on the USDC token (0x4444…4444)"),
    (call(CONSENT, "set_objector_hat(uint256,uint256,bool)", CELL, SIGNER, False),
     "no longer let wearers of Treasury signer (hat 1.1) object to the proposals of Repair Café (hat 1.2)"),
    (call(HATS, "mintHat(uint256,address)", LEAD, ERIN), "give Repair Café lead (hat 1.2.1) to erin (0x15d3…6A65)"),
    (call(HATS, "setHatWearerStatus(uint256,address,bool,bool)", SIGNER, ERIN, False, True),
     "take Treasury signer (hat 1.1) from erin (0x15d3…6A65)"),
    (call(HATS, "transferHat(uint256,address,address)", LEAD, ERIN, SHOP),
     "move Repair Café lead (hat 1.2.1) from erin (0x15d3…6A65) to hardware-shop (0x9965…A4dc)"),
    (call(HATS, "createHat(uint256,string,uint32,address,address,bool,string)", CELL, "Tool keeper", 3, SAFE, SAFE, True, ""),
     "create the hat 'Tool keeper' under Repair Café (hat 1.2), at most 3 wearers, eligibility by the Safe "
     "(0x1111…1111), toggled by the Safe (0x1111…1111)"),
    (call(STREAMS, "adjust_rate(uint256,uint256)", 7, 2000 * 10**18 // (30 * DAY) + 1),
     "set stream #2 (Repair Café's budget) to 2,000.00 USDC/month"),
    (call(STREAMS, "create_and_deposit(address,address,uint256,uint256,uint256)", ERIN, USDC, 1500 * 10**18 // (30 * DAY) + 1,
          CELL, 3000 * 10**6),
     "open a budget stream of 1,500.00 USDC/month to erin (0x15d3…6A65), drawn down by wearers of Repair Café "
     "(hat 1.2), and deposit 3,000.00 USDC into it"),
    (call(STREAMS, "void(uint256)", 7),
     "void stream #2 (Repair Café's budget): end it for good, writing off what it owes beyond its balance"),
    (call(GATE, "remove_signer(address)", ERIN),
     "remove erin (0x15d3…6A65) from the Safe's signers (if they no longer wear the signer hat)"),
    (call(SAFE, "addOwnerWithThreshold(address,uint256)", ERIN, 2),
     "change the Safe: add owner erin (0x15d3…6A65) and set the threshold to 2"),
    (call(SAFE, "removeOwner(address,address,uint256)", "0x" + "00" * 19 + "01", ERIN, 1),
     "change the Safe: remove owner erin (0x15d3…6A65) and set the threshold to 1"),
    (call(SAFE, "changeThreshold(uint256)", 3), "change the Safe: set the threshold to 3 signatures"),
    (call(SAFE, "enableModule(address)", CONSENT),
     "change the Safe: enable module ConsentModule (0x2222…2222) (it can then move the Safe's assets)"),
    (call(SAFE, "setGuard(address)", "0x" + "00" * 20), "change the Safe: remove its guard"),
    (call(SAFE, "setFallbackHandler(address)", GATE), "change the Safe: set its fallback handler to SignerGate (0x8888…8888)"),
    (call(USDC, "approve(address,uint256)", SHOP, 2**256 - 1),
     "allow hardware-shop (0x9965…A4dc) to spend ANY amount of the Safe's USDC (unlimited)"),
    (Call(SHOP, 5 * 10**17), "send 0.5000 ETH to hardware-shop (0x9965…A4dc)"),
])
def test_every_kind_of_call_in_plain_words(names, c, text):
    assert said(c, names) == text


def test_a_batch_says_each_inner_call(names):
    calls = [call(CONSENT, "approve(uint256)", PROPOSAL), call(HATS, "mintHat(uint256,address)", LEAD, ERIN), Call(ERIN, 10**18)]
    tx = SafeTx(SAFE, 1, MULTISEND, 0, encode_multisend(calls), 1, 4)
    lines, warnings = describe_tx(tx, names)
    assert lines == [
        "a batch of 3 calls (MultiSendCallOnly at 0x7777…7777), all or none:",
        "  1. approve proposal #3 of Repair Café: transfer 1,500.00 USDC to hardware-shop (0x9965…A4dc)",
        "  2. give Repair Café lead (hat 1.2.1) to erin (0x15d3…6A65)",
        "  3. send 1.0000 ETH to erin (0x15d3…6A65)",
    ]
    assert warnings == []


def test_what_cannot_be_decoded_is_said_with_a_warning(names):
    unknown = Call(SHOP, 0, bytes.fromhex("deadbeef") + bytes(32))
    d = describe_call(unknown, names)
    assert not d.decoded
    assert d.text == "call unknown function 0xdeadbeef on hardware-shop (0x9965…A4dc) with 36 bytes of data"
    assert "could not be decoded: ask the proposer" in d.warnings[0]
    short = Call(HATS, 0, keccak(text="mintHat(uint256,address)")[:4] + bytes(10))
    d = describe_call(short, names)
    assert not d.decoded and "malformed" in d.warnings[0]
    tx = SafeTx(SAFE, 1, MULTISEND, 0, encode_multisend([unknown]), 1, 0)
    assert description_lines(tx, names)[-1].startswith("warning: call 1: a call to hardware-shop")
    delegate = SafeTx(SAFE, 1, SHOP, 0, b"\x01\x02\x03\x04", 1, 0)
    assert describe_tx(delegate, names)[1][0].startswith("a delegatecall to")


def test_what_is_not_known_here_is_said_so(names):
    bare = Names()
    d = describe_call(pay(1500 * 10**6), bare)
    assert d.text == f"transfer 1500000000 base units of token {USDC} to {SHOP}"
    assert "decimals of token" in d.warnings[0]
    d = describe_call(call(CONSENT, "approve(uint256)", 99 << 200), bare)
    assert d.text.startswith("approve proposal 0x63")
    assert any("is not one of the org's known contracts" in w for w in d.warnings)
    assert any("cannot be shown" in w for w in d.warnings)


def test_proposal_actions_that_cannot_be_decoded_warn_about_the_approval(names):
    names.proposals[PROPOSAL] = Proposal("#4", "Repair Café", (Call(SHOP, 0, b"\xde\xad\xbe\xef"),))
    d = describe_call(call(CONSENT, "approve(uint256)", PROPOSAL), names)
    assert d.text.startswith("approve proposal #4 of Repair Café: call unknown function 0xdeadbeef")
    assert d.warnings and d.warnings[0].startswith("proposal #4: a call to hardware-shop")


def test_huge_amounts_are_shown_not_crashed_on():
    assert amount_text(10**36, Token("USDC", 6)) == "1,000,000,000,000,000,000,000,000,000,000.00 USDC"
    assert amount_text(2**256 - 1, Token("T", 18)).endswith(" T")
    assert amount_text(5, Token("USDC", 6)) == "0.000005 USDC"


def test_the_lookup_is_asked_once_about_what_the_tables_miss():
    asked = []

    class Lookup:
        def token(self, address):
            asked.append(address)
            return Token("EURC", 6) if address == USDC else None

    names = Names(safe=SAFE, lookup=Lookup())
    assert describe_call(pay(650 * 10**6), names).text == f"transfer 650.00 EURC to {SHOP}"
    describe_call(pay(1), names)
    assert asked.count(USDC) == 1


@pytest.mark.parametrize("chain_id, nonce, data", [(1, 0, b""), (31337, 7, b"\x12" * 100), (11155111, 2**64, b"\x00")])
def test_domain_and_message_hashes_equal_safe_eth_py(chain_id, nonce, data):
    from safe_eth.safe import SafeTx as TheirTx

    tx = SafeTx(SAFE, chain_id, SHOP, 10**18, data, 0, nonce)
    theirs = TheirTx(None, SAFE, SHOP, 10**18, data, 0, 0, 0, 0, None, None, safe_nonce=nonce,
                     safe_version="1.4.1", chain_id=chain_id)
    preimage = bytes(theirs.safe_tx_hash_preimage)
    assert preimage[:2] == b"\x19\x01"
    assert preimage[2:34] == tx.domain_separator
    assert preimage[34:] == tx.struct_hash
    assert bytes(theirs.safe_tx_hash) == tx.hash
