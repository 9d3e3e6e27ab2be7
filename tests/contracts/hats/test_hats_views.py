"""Id utilities, views, uri, ERC1155 surface."""

import base64
import json

import boa
import pytest
from hats_helpers import ELIGIBILITY_EOA, OVERFLOW, TOGGLE_EOA, ZERO, create, mint, reverts_empty, reverts_with

TOP = 1 << 224


def test_constructor_getters(hats):
    assert hats.name() == "opgov Hats"
    assert hats.baseImageURI() == "https://base.example/"


def test_build_hat_id(hats):
    assert hats.buildHatId(TOP, 1) == TOP | (1 << 208)
    assert hats.buildHatId(TOP | (1 << 208), 0xFFFF) == TOP | (1 << 208) | (0xFFFF << 192)
    last = TOP | sum(1 << (16 * (14 - level)) for level in range(1, 14))
    assert hats.buildHatId(last, 7) == last | 7


def test_levels(hats):
    assert hats.getLocalHatLevel(TOP) == 0
    for level in range(1, 15):
        hat_id = TOP | sum(1 << (16 * (14 - i)) for i in range(1, level + 1))
        assert hats.getLocalHatLevel(hat_id) == level
        assert hats.getHatLevel(hat_id) == level
        assert hats.getAdminAtLocalLevel(hat_id, 0) == TOP
        assert hats.getAdminAtLocalLevel(hat_id, level) == hat_id
        assert hats.getAdminAtLevel(hat_id, level) == hat_id
    assert hats.getLocalHatLevel(TOP | 1) == 14  # a gap still counts by its last level
    with reverts_with("Panic", OVERFLOW):
        hats.getAdminAtLocalLevel(TOP, 15)


def test_top_hat_predicates_and_domains(hats):
    assert hats.isLocalTopHat(TOP) and hats.isTopHat(TOP)
    assert not hats.isLocalTopHat(0) and not hats.isLocalTopHat(TOP | 1)
    assert hats.getTopHatDomain((5 << 224) | 12345) == 5
    assert hats.getTippyTopHatDomain(5) == 5
    assert hats.sameTippyTopHatDomain(5, 5 << 224)


def test_is_valid_hat_id(hats):
    assert hats.isValidHatId(TOP)
    assert hats.isValidHatId(TOP | (1 << 208) | (3 << 192))
    assert not hats.isValidHatId(TOP | (3 << 192))  # level 1 empty
    with reverts_with("Panic", OVERFLOW):  # as Hats Protocol, whose level count goes below 0
        hats.isValidHatId(0)
    assert hats.isValidHatId(1 << 208)  # domain 0 is well formed, just never minted


def test_view_hat_unknown(hats):
    assert hats.viewHat(99 << 224) == ("", 0, 0, ZERO, ZERO, "https://base.example/", 0, False, False)
    assert hats.hatSupply(99 << 224) == 0 and hats.getHatMaxSupply(99 << 224) == 0
    assert not hats.isWearerOfHat(ZERO, 99 << 224)


def test_image_uri_falls_back(hats, top, top_wearer):
    a = create(hats, top_wearer, top, image="")
    b = create(hats, top_wearer, a, image="")
    assert hats.getImageURIForHat(b) == "http://www.tophat.com/"
    with boa.env.prank(top_wearer):
        hats.changeHatImageURI(a, "ipfs://a")
    assert hats.getImageURIForHat(b) == "ipfs://a"
    bare = hats.mintTopHat(top_wearer, "", "")
    assert hats.getImageURIForHat(create(hats, top_wearer, bare)) == "https://base.example/"


def test_uri(hats, top, top_wearer, accounts):
    hat = create(hats, top_wearer, top, "second hat", 2, ELIGIBILITY_EOA, TOGGLE_EOA, False, "http://www.second.com/")
    mint(hats, top_wearer, hat, accounts[1])
    prefix = "data:application/json;base64,"
    value = hats.uri(hat)
    assert value.startswith(prefix)
    doc = json.loads(base64.b64decode(value[len(prefix):]))
    assert doc["name"] == "Hat" and doc["description"] == "second hat"
    assert doc["image"] == "http://www.second.com/"
    props = doc["properties"]
    assert props["domain"] == str(top >> 224) and props["id"] == str(hat)
    assert props["pretty id"] == "0x" + f"{hat:064x}"
    assert props["admin (id)"] == str(top) and props["admin (pretty id)"] == "0x" + f"{top:064x}"
    assert props["status"] == "active" and props["current supply"] == "1" and props["supply cap"] == "2"
    assert props["eligibility module"] == ELIGIBILITY_EOA.lower() and props["toggle module"] == TOGGLE_EOA.lower()
    assert props["mutable"] == "false"
    top_doc = json.loads(base64.b64decode(hats.uri(top)[len(prefix):]))
    assert top_doc["properties"]["admin (id)"] == str(top)
    # byte for byte Hats Protocol's layout, so the data URI is the same string: no space
    # between the image and "properties" nor between "pretty id" and "status", one after the rest
    text = base64.b64decode(value[len(prefix):]).decode()
    assert text.startswith('{"name": "Hat", "description": "second hat", "image": "http://www.second.com/",'
                           '"properties": {"domain": "')
    assert f'"pretty id": "0x{hat:064x}","status": "active", "current supply": "1", ' in text
    assert text.endswith('", "mutable": "false"}}')


@pytest.mark.parametrize("size", [0, 1, 2, 3, 1024])
def test_uri_base64_padding(hats, top, top_wearer, size):
    hat = create(hats, top_wearer, top, details="é" * (size // 2) + "x" * (size % 2), image="")
    value = hats.uri(hat)
    doc = json.loads(base64.b64decode(value.split(",", 1)[1], validate=True))
    assert doc["description"] == "é" * (size // 2) + "x" * (size % 2)


@pytest.mark.parametrize("size", [1, 2, 4, 5, 31, 32, 33, 95, 700, 7000])
def test_uri_is_canonical_base64(hats, top, top_wearer, size):
    # every printable ASCII byte but the two JSON escapes, so that all 64
    # base64 characters turn up; the encoding must be the canonical one
    alphabet = "".join(chr(c) for c in range(32, 127) if chr(c) not in '"\\')
    details = (alphabet * (size // len(alphabet) + 1))[:size]
    hat = create(hats, top_wearer, top, details=details, image="ipfs://" + details[: size % 97])
    encoded = hats.uri(hat).split(",", 1)[1]
    raw = base64.b64decode(encoded, validate=True)
    assert base64.b64encode(raw).decode() == encoded
    doc = json.loads(raw)
    assert doc["description"] == details and doc["image"] == "ipfs://" + details[: size % 97]


def test_balance_of_batch(hats, top, top_wearer, accounts):
    assert hats.balanceOfBatch([top_wearer, accounts[1]], [top, top]) == [1, 0]
    with reverts_with("BatchArrayLengthMismatch"):
        hats.balanceOfBatch([top_wearer], [top, top])


def test_erc1155_transfers_and_approvals_revert(hats, top, top_wearer, accounts):
    with reverts_empty():
        hats.safeTransferFrom(top_wearer, accounts[1], top, 1, b"", sender=top_wearer)
    with reverts_empty():
        hats.safeBatchTransferFrom(top_wearer, accounts[1], [top], [1], b"", sender=top_wearer)
    with reverts_empty():
        hats.setApprovalForAll(accounts[1], True, sender=top_wearer)
    assert not hats.isApprovedForAll(top_wearer, accounts[1])


def test_supports_interface(hats):
    assert hats.supportsInterface(bytes.fromhex("01ffc9a7"))  # ERC165
    assert hats.supportsInterface(bytes.fromhex("0e89341c"))  # ERC1155 metadata URI
    assert not hats.supportsInterface(bytes.fromhex("d9b67a26"))  # ERC1155: as Hats Protocol, not claimed
    assert not hats.supportsInterface(bytes.fromhex("ffffffff"))
