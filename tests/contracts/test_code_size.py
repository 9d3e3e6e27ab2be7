"""Every contract must deploy on Ethereum: runtime code within EIP-170's 24,576 bytes.

The deployed code is the runtime code plus the immutables Vyper appends to it, so
both count."""

from pathlib import Path

import pytest
from vyper import compile_code
from vyper.compiler.input_bundle import FilesystemInputBundle
from vyper.compiler.settings import Settings

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"

EIP170_LIMIT = 24_576


@pytest.mark.parametrize("name", ["Hats", "BudgetStreams", "ConsentModule", "ConsentForwarder", "SignerGate"])
def test_runtime_code_fits_eip170(name):
    path = CONTRACTS / f"{name}.vy"
    # the sources' own pragmas (optimisation mode, code generator) apply, as in ape-vyper
    out = compile_code(
        path.read_text(),
        contract_path=path,
        input_bundle=FilesystemInputBundle([CONTRACTS]),
        output_formats=["bytecode_runtime", "layout"],
        settings=Settings(),
    )
    immutables = sum(v["length"] for v in out["layout"].get("code_layout", {}).values())
    size = (len(out["bytecode_runtime"]) - 2) // 2 + immutables
    assert size <= EIP170_LIMIT, f"{name} deployed code is {size} bytes, over EIP-170's {EIP170_LIMIT}"
