"""An admin has 65,535 child ids; the last revert is reached by writing the counter
into storage, since creating 65,535 hats one by one would take too long."""

import boa
from eth_utils import keccak
from hats_helpers import OVERFLOW, reverts_with


CONFIG_SLOT = 45  # `_config` in Hats.vy's storage layout (vyper -f layout contracts/Hats.vy)
LAST_HAT_SHIFT = 224


def _config_slot(hat_id: int) -> int:
    # Vyper places HashMap values at keccak256(slot ++ key)
    return int.from_bytes(keccak(CONFIG_SLOT.to_bytes(32, "big") + hat_id.to_bytes(32, "big")), "big")


def test_storage_layout_is_as_this_test_assumes(hats, top, top_wearer):
    with boa.env.prank(top_wearer):
        hats.createHat(top, "a child", 1, top_wearer, top_wearer, True, "")
    slot = _config_slot(top)
    cfg = boa.env.get_storage(hats.address, slot)
    assert (cfg >> LAST_HAT_SHIFT) & 0xFFFF == hats.viewHat(top)[6] == 1


def test_an_admin_with_every_child_id_used_refuses_more(hats, top, top_wearer):
    slot = _config_slot(top)
    cfg = boa.env.get_storage(hats.address, slot)
    boa.env.set_storage(hats.address, slot, (cfg & ~(0xFFFF << LAST_HAT_SHIFT)) | (65534 << LAST_HAT_SHIFT))
    assert hats.getNextId(top) == top | (65535 << 208)
    with boa.env.prank(top_wearer):
        hats.createHat(top, "the last child", 1, top_wearer, top_wearer, True, "")
    with reverts_with("Panic", OVERFLOW):
        hats.getNextId(top)
    with boa.env.prank(top_wearer), reverts_with("Panic", OVERFLOW):
        hats.createHat(top, "one too many", 1, top_wearer, top_wearer, True, "")
