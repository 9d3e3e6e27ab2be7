"""Hats Protocol's own Foundry test suite, run against Hats.vy.

Run from the repository root with the virtualenv on ``PATH``::

    python benchmarks/hats_conformance.py --hats PATH/hats-protocol --forge-std PATH/forge-std \\
        [--solbase PATH/solbase] [--solady PATH/solady] [--vyper contracts/Hats.vy[=LABEL] ...]

Writes ``benchmarks/results/hats_conformance.md``. Nothing of Hats Protocol is
kept in this repository: the script works on checkouts the developer gives it.
For each run it builds a scratch copy of the checkout (its ``src/``, ``test/``,
``lib/ERC1155``, ``lib/utils``, ``foundry.toml`` and ``remappings.txt``) with
the libraries under ``lib/``, and runs ``forge test`` on it:

* the control: Hats' own Solidity contract, nothing changed;
* one run per Hats.vy source: the only change is the deployment, every
  ``new Hats(name, imageURI)`` in the suite becomes a call to a generated free
  function that creates Hats.vy's bytecode (``vyper -f bytecode``) with the
  same constructor arguments and returns it as Hats' type. No assertion changes.

Tools, installed from npm into ``~/.cache/opgov/hats-conformance`` (or
``$OPGOV_HATS_SUITE_CACHE``) the first time: forge (``@foundry-rs/forge``) and
the solc-js release that Hats' ``foundry.toml`` names, which forge runs through
a small wrapper (``--version`` answered as the native solc does, compilation by
``--standard-json``), so forge needs no native compiler download. ``--forge``
uses another forge binary.

solbase and solady are optional: without them the script writes stand-ins for
just what Hats.sol uses from them (``Base64.encode``, ``LibString.toString`` and
``toHexString``, ``Multicallable.multicall``), so the control then runs Hats.sol
with those stand-ins, which the results file says.

forge 1.x no longer runs ``testFail*`` tests, and refuses every other test of a
contract that has one. Those tests are left out of the forge filter and each is
run by a generated contract with their old meaning: a fresh instance of the test
contract, its ``setUp()``, then the test by a plain call, which passes if and
only if that call reverts.

Not part of CI: it needs checkouts of Hats Protocol and forge-std, node and npm.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "hats_conformance.md"
CACHE = Path(os.environ.get("OPGOV_HATS_SUITE_CACHE", Path.home() / ".cache" / "opgov" / "hats-conformance"))
FORGE_NPM = "@foundry-rs/forge@1.7.1"
FUZZ_SEED = "0x1"
# Hats.vy runs on the EVM the project deploys to (vyper 0.4.3's default);
# forge gives solc 0.8.17 the newest EVM that compiler knows.
EVM_VERSION = "prague"
DEPLOY_FILE = "HatsVyDeployment.sol"
BYTECODE_FILE = "hats_vy.bytecode"
LEGACY_FILE = "LegacyTestFail.t.sol"
LEGACY_PREFIX = "LegacyTestFail_"

# What a failing test shows about Hats.vy, from reading the test and forge's
# trace of that run, keyed by the test and a piece of forge's reason so that a
# test failing for another reason is not explained by this. A failing test not
# listed here shows forge's reason alone.
WHY: dict[tuple[str, str], str] = {
    ("testMechanisticToggleOutputSavedWhenChangingToHumanisticToggle", "module ran out of gas"): (
        "A designed difference. The test sets the toggle to address(5), the MODEXP precompile, "
        "which fails on the `getHatStatus` call data by using all the gas it is given. Hats Protocol "
        "treats any failed module call as no answer and falls back to the stored status (false). "
        "Hats.vy reverts `hats: module ran out of gas` when a failed module call leaves no more than "
        "1/64 of the gas, since it cannot tell such a module from a caller who starved a live module "
        "to get the stored status instead (docs/security.md, threat 10)."
    ),
}


class SuiteError(Exception):
    """A step of the run could not be done; the message says what to do."""


@dataclass
class Outcome:
    """One test's result."""

    suite: str
    name: str
    passed: bool
    reason: str = ""
    logs: tuple[str, ...] = ()


@dataclass
class Run:
    """One forge run: the control or one Hats.vy source."""

    label: str
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(o.passed for o in self.outcomes)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.passed]


def _sh(cmd: list[str], cwd: Path | None = None, timeout: int = 1800) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def _toml_string(text: str, key: str) -> str | None:
    match = re.search(rf'^\s*{key}\s*=\s*"([^"]*)"', text, re.M)
    return match.group(1) if match else None


# TOOLS #


def npm_tools(solc_version: str, forge: str | None) -> tuple[Path, Path]:
    """Install forge and solc-js `solc_version` into the cache; return (forge, solc wrapper)."""
    if not (shutil.which("node") and shutil.which("npm")):
        raise SuiteError("node and npm are needed (for solc-js and forge); install them and run again")
    CACHE.mkdir(parents=True, exist_ok=True)
    wanted = [f"solc@{solc_version}"] + ([] if forge else [FORGE_NPM])
    have_solc = (CACHE / "node_modules" / "solc" / "package.json").exists() and json.loads(
        (CACHE / "node_modules" / "solc" / "package.json").read_text()
    )["version"] == solc_version
    have_forge = forge or (CACHE / "node_modules" / ".bin" / "forge").exists()
    if not (have_solc and have_forge):
        (CACHE / "package.json").write_text('{"name": "opgov-hats-conformance", "private": true}\n')
        done = _sh(["npm", "install", "--no-audit", "--no-fund", "--silent", *wanted], cwd=CACHE, timeout=900)
        if done.returncode != 0:
            raise SuiteError(f"npm install {' '.join(wanted)} failed: {done.stderr.strip()[-300:]}")
    forge_bin = Path(forge) if forge else CACHE / "node_modules" / ".bin" / "forge"
    if not forge_bin.exists():
        raise SuiteError(f"no forge at {forge_bin}; give one with --forge")
    wrapper = CACHE / f"solc-{solc_version}.js"
    wrapper.write_text(_SOLC_WRAPPER.replace("@SOLC@", str(CACHE / "node_modules" / "solc")))
    wrapper.chmod(0o755)
    answer = _sh([str(wrapper), "--version"])
    if solc_version not in answer.stdout:
        raise SuiteError(f"solc-js did not answer --version with {solc_version}: {answer.stderr.strip()[-300:]}")
    return forge_bin, wrapper


# forge asks `solc --version` and reads the version from the last line, then
# sends a standard-JSON input on stdin with every source's content in it; the
# import callback is only a fallback, relative to --base-path.
_SOLC_WRAPPER = r"""#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const solc = require('@SOLC@');
const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write('solc, the solidity compiler commandline interface\nVersion: ' + solc.version() + '\n');
  process.exit(0);
}
if (!args.includes('--standard-json')) {
  process.stderr.write('this solc-js wrapper only takes --version and --standard-json\n');
  process.exit(1);
}
const at = args.indexOf('--base-path');
const base = at >= 0 ? args[at + 1] : process.cwd();
const input = fs.readFileSync(0, 'utf8');
const findImport = (p) => {
  try {
    return { contents: fs.readFileSync(path.resolve(base, p), 'utf8') };
  } catch (e) {
    return { error: 'file not found: ' + p };
  }
};
process.stdout.write(solc.compile(input, { import: findImport }));
"""


def vyper_bytecode(source: Path) -> str:
    """Hats.vy's creation bytecode, as the project deploys it."""
    vyper = shutil.which("vyper") or str(Path(sys.executable).with_name("vyper"))
    done = _sh([vyper, "-f", "bytecode", str(source)], cwd=ROOT)
    if done.returncode != 0:
        raise SuiteError(f"vyper could not compile {source.name}: {done.stderr.strip()[-300:]}")
    return done.stdout.strip().removeprefix("0x")


# THE SCRATCH COPY #


def build_tree(dest: Path, hats: Path, forge_std: Path, solbase: Path | None, solady: Path | None,
               solc: Path) -> None:
    """Copy the parts of the Hats checkout the suite needs, with its libraries, into `dest`."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "lib").mkdir(parents=True)
    for part in ("src", "test", "lib/ERC1155", "lib/utils"):
        shutil.copytree(hats / part, dest / part)
    for part in ("foundry.toml", "remappings.txt"):
        if (hats / part).exists():
            shutil.copy2(hats / part, dest / part)
    shutil.copytree(forge_std, dest / "lib" / "forge-std", ignore=shutil.ignore_patterns(".git"))
    if solbase:
        shutil.copytree(solbase, dest / "lib" / "solbase", ignore=shutil.ignore_patterns(".git"))
    else:
        _write(dest / "lib" / "solbase" / "src" / "utils" / "Base64.sol", _BASE64_STANDIN)
        _write(dest / "lib" / "solbase" / "src" / "utils" / "LibString.sol", _LIBSTRING_STANDIN)
    if solady:
        shutil.copytree(solady, dest / "lib" / "solady", ignore=shutil.ignore_patterns(".git"))
    else:
        _write(dest / "lib" / "solady" / "src" / "utils" / "Multicallable.sol", _MULTICALL_STANDIN)

    toml = (dest / "foundry.toml").read_text()
    toml = re.sub(r'^\s*solc(_version)?\s*=.*$', f'solc = "{solc}"', toml, count=1, flags=re.M)
    toml = toml.replace("[profile.default]", f'[profile.default]\nevm_version = "{EVM_VERSION}"\noffline = true', 1)
    # Hats' file predates forge 1.x's profile sections; [book] only draws a warning
    toml = re.sub(r"^\[book\][^\[]*", "", toml, flags=re.M)
    (dest / "foundry.toml").write_text(toml + "\n[lint]\nlint_on_build = false\n")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def swap_deployment(tree: Path, bytecode: str) -> int:
    """Replace every `new Hats(` in the suite by Hats.vy's deployment; return how many."""
    # read at run time rather than written into the test contracts as a literal:
    # solc-js takes many minutes over 20 test contracts that each hold 24 kB of code
    _write(tree / BYTECODE_FILE, "0x" + bytecode)
    _write(tree / "test" / DEPLOY_FILE, _DEPLOY_TEMPLATE.replace("@BYTECODE_FILE@", BYTECODE_FILE))
    toml = (tree / "foundry.toml").read_text()
    toml = toml.replace(
        "[profile.default]",
        f'[profile.default]\nfs_permissions = [{{ access = "read", path = "./{BYTECODE_FILE}" }}]', 1,
    )
    (tree / "foundry.toml").write_text(toml)
    swapped = 0
    for test in sorted((tree / "test").glob("*.sol")):
        if test.name == DEPLOY_FILE:
            continue
        text = test.read_text()
        count = len(re.findall(r"\bnew Hats\(", text))
        if not count:
            continue
        text = re.sub(r"\bnew Hats\(", "deployHatsVy(", text)
        text = re.sub(r"^(pragma solidity[^;]*;)", rf'\1\nimport "./{DEPLOY_FILE}";', text, count=1, flags=re.M)
        test.write_text(text)
        swapped += count
    if not swapped:
        raise SuiteError("found no `new Hats(` in the suite's test/ folder: is --hats a hats-protocol checkout?")
    return swapped


_DEPLOY_TEMPLATE = """// SPDX-License-Identifier: Apache-2.0
// Generated by opgov's benchmarks/hats_conformance.py: Hats.vy in place of `new Hats(...)`.
pragma solidity ^0.8.13;

import "forge-std/Vm.sol";
import "../src/Hats.sol";

function deployHatsVy(string memory _name, string memory _baseImageURI) returns (Hats deployed) {
    Vm vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    bytes memory initcode = abi.encodePacked(
        vm.parseBytes(vm.readFile("@BYTECODE_FILE@")), abi.encode(_name, _baseImageURI)
    );
    address created;
    assembly {
        created := create(0, add(initcode, 0x20), mload(initcode))
    }
    require(created != address(0), "Hats.vy could not be deployed");
    deployed = Hats(created);
}
"""


def legacy_fail_tests(tree: Path) -> dict[str, list[str]]:
    """The `testFail*` functions of each concrete test contract, by contract."""
    found: dict[str, list[str]] = {}
    for test in sorted((tree / "test").glob("*.sol")):
        contract = None
        for line in test.read_text().splitlines():
            head = re.match(r"\s*(abstract\s+)?contract\s+(\w+)", line)
            if head:
                contract = None if head.group(1) else head.group(2)
                continue
            fn = re.match(r"\s*function\s+(testFail\w*)\(\)", line)
            if fn and contract:
                found.setdefault(contract, []).append(fn.group(1))
    return found


def write_legacy_runner(tree: Path, tests: dict[str, list[str]]) -> None:
    """A contract per test contract that runs its `testFail*` tests with their old meaning."""
    if not tests:
        return
    imports = sorted({p.name for p in (tree / "test").glob("*.t.sol")
                      if any(re.search(rf"\bcontract\s+{c}\b", p.read_text()) for c in tests)})
    body = ["// SPDX-License-Identifier: Apache-2.0",
            "// Generated by opgov's benchmarks/hats_conformance.py: testFail* tests, each passing",
            "// if and only if it reverts after its contract's setUp().",
            "pragma solidity ^0.8.13;", "", 'import "forge-std/Test.sol";']
    body += [f'import "./{name}";' for name in imports]
    for contract, names in sorted(tests.items()):
        body += ["", f"contract {LEGACY_PREFIX}{contract} is Test {{"]
        for name in names:
            body += [
                f"    function test_{name}() public {{",
                f"        {contract} suite = new {contract}();",
                "        suite.setUp();",
                f"        (bool ok,) = address(suite).call(abi.encodeWithSelector(suite.{name}.selector));",
                f'        assertFalse(ok, "{name} did not revert");',
                "    }",
            ]
        body.append("}")
    _write(tree / "test" / LEGACY_FILE, "\n".join(body) + "\n")


# RUNNING #


def run_forge(forge: Path, tree: Path, label: str, legacy: dict[str, list[str]]) -> Run:
    """Build and test `tree`; forge's outcome for each test."""
    started = time.monotonic()
    # -vv puts each test's console output into the JSON, to be compared with the control's
    done = _sh([str(forge), "test", "--offline", "--json", "-vv", "--fuzz-seed", FUZZ_SEED,
                "--no-match-test", "^testFail"], cwd=tree, timeout=3600)
    seconds = time.monotonic() - started
    start = done.stdout.find("{")
    if start < 0:
        tail = (done.stderr or done.stdout).strip()[-1500:]
        raise SuiteError(f"forge test gave no results for {label}:\n{tail}")
    results = json.loads(done.stdout[start:])
    run = Run(label=label, seconds=seconds)
    for suite_id, suite in sorted(results.items()):
        suite_name = suite_id.split(":")[-1]
        for test_id, result in sorted(suite["test_results"].items()):
            name = test_id.split("(")[0]
            if suite_name.startswith(LEGACY_PREFIX):
                suite_name_shown = suite_name.removeprefix(LEGACY_PREFIX)
                name = name.removeprefix("test_")
            else:
                suite_name_shown = suite_name
            run.outcomes.append(Outcome(
                suite=suite_name_shown, name=name, passed=result["status"] == "Success",
                reason=_reason(result), logs=tuple(result.get("decoded_logs") or ()),
            ))
    expected = sum(len(v) for v in legacy.values())
    ran_legacy = sum(o.name.startswith("testFail") for o in run.outcomes)
    if ran_legacy != expected:
        raise SuiteError(f"{label}: {expected} testFail tests expected, {ran_legacy} ran")
    return run


def _reason(result: dict) -> str:
    if result["status"] == "Success":
        return ""
    reason = (result.get("reason") or "").strip()
    example = result.get("counterexample")
    if isinstance(example, dict) and example.get("Single"):
        args = example["Single"].get("args")
        if args:
            reason += f" (counterexample: {args})"
    return " ".join(reason.split()) or "failed with no reason"


# RESULTS #


def origin(path: Path) -> str:
    """A name for a checkout (its commit) or a file (the commit that last changed it) that
    says which version it is, without a machine path."""
    where, what = (path, []) if path.is_dir() else (path.parent, ["--", path.name])
    head = _sh(["git", "-C", str(where), "log", "-1", "--format=%h", "--abbrev=12", *what])
    if head.returncode != 0 or not head.stdout.strip():
        return "no git commit known"
    dirty = _sh(["git", "-C", str(where), "status", "--porcelain", *what]).stdout.strip()
    said = "commit" if path.is_dir() else "last changed in commit"
    return f"{said} {head.stdout.strip()}" + (" with uncommitted changes" if dirty else "")


def write_results(runs: list[Run], sources: dict[str, str], swapped: int, legacy: dict[str, list[str]],
                  standins: list[str], forge_version: str, solc_version: str, out: Path) -> None:
    total = len(runs[0].outcomes)
    lines = [
        "# Hats Protocol's own test suite against Hats.vy",
        "",
        "Written by `python benchmarks/hats_conformance.py` (see the script's docstring and",
        "`docs/developers.md`). Hats Protocol's Foundry suite, unchanged but for the deployment:",
        f"its {swapped} `new Hats(name, imageURI)` become Hats.vy's creation code with the same",
        "constructor arguments, called through Hats' ABI. No assertion is changed.",
        "",
        "| what | version |",
        "| --- | --- |",
    ]
    lines += [f"| {k} | {v} |" for k, v in sources.items()]
    lines += [
        f"| forge | {forge_version} |",
        f"| solc | solc-js {solc_version} (npm), through a `--standard-json` wrapper |",
        f"| EVM | {EVM_VERSION}; fuzz seed {FUZZ_SEED} |",
        "",
        "| contract | pass | fail | of | forge run (s) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        lines.append(f"| {run.label} | {run.passed} | {len(run.failed)} | {len(run.outcomes)} | {run.seconds:.0f} |")
    if legacy:
        names = ", ".join(f"`{c}.{n}`" for c, ns in sorted(legacy.items()) for n in ns)
        lines += [
            "",
            "forge 1.x no longer runs `testFail*` tests and, while a contract has one, refuses its",
            f"other tests too. Each of them ({names}) is run here by a generated contract with the",
            "old meaning (a fresh copy of the test contract, its `setUp()`, then the test, which",
            f"passes if and only if it reverts); they are in the {total} above.",
        ]
    if standins:
        lines += [
            "",
            f"{' and '.join(standins)} were not given: Hats.sol was compiled with the script's stand-ins",
            "for what it uses of them, so the control is Hats.sol with those stand-ins.",
        ]
    lines += _output_differences(runs)
    for run in runs:
        lines += ["", f"## Failing: {run.label}", ""]
        if not run.failed:
            lines.append("None.")
            continue
        lines += ["| test | why | forge's reason |", "| --- | --- | --- |"]
        for o in run.failed:
            reason = o.reason.replace("|", "\\|")
            if len(reason) > 400:
                reason = reason[:400] + "…"
            why = next((text for (name, part), text in WHY.items() if name == o.name and part in o.reason), "")
            lines.append(f"| `{o.suite}.{o.name}` | {why} | {reason} |")
    out.write_text("\n".join(lines) + "\n")


def _output_differences(runs: list[Run]) -> list[str]:
    """Tests that pass on both but print other output than on the control (never asserted)."""
    control = {(o.suite, o.name): o for o in runs[0].outcomes}
    rows = []
    for run in runs[1:]:
        for o in run.outcomes:
            theirs = control.get((o.suite, o.name))
            if theirs is None or not (o.passed and theirs.passed) or o.logs == theirs.logs:
                continue
            for ours_line, their_line in zip(o.logs, theirs.logs):
                if ours_line != their_line:
                    rows.append(f"| {run.label} | `{o.suite}.{o.name}` | {_first_difference(their_line, ours_line)} |")
                    break
            else:
                rows.append(f"| {run.label} | `{o.suite}.{o.name}` | {len(theirs.logs)} lines, here {len(o.logs)} |")
    if not rows:
        return []
    return ["", "## Passing, but printing other output than Hats.sol", "",
            "The suite prints these values and asserts nothing about them; base64 data URIs are",
            "decoded before comparing.", "",
            "| contract | test | first difference (Hats.sol / this contract) |", "| --- | --- | --- |", *rows]


def _first_difference(theirs: str, ours: str) -> str:
    theirs, ours = _decoded(theirs), _decoded(ours)
    at = next((i for i, (a, b) in enumerate(zip(theirs, ours)) if a != b), min(len(theirs), len(ours)))
    start = max(0, at - 30)

    def cut(text: str) -> str:
        return "`" + text[start:at + 30].replace("|", "\\|").replace("`", "'") + "`"

    return f"at character {at}: {cut(theirs)} / {cut(ours)}"


def _decoded(line: str) -> str:
    marker = "data:application/json;base64,"
    if marker not in line:
        return line
    head, _, data = line.partition(marker)
    try:
        return head + marker + base64.b64decode(data.strip()).decode()
    except (ValueError, UnicodeDecodeError):
        return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hats", type=Path, required=True, help="a hats-protocol checkout")
    parser.add_argument("--forge-std", type=Path, required=True, help="a forge-std checkout")
    parser.add_argument("--solbase", type=Path, help="a solbase checkout (stand-ins written when left out)")
    parser.add_argument("--solady", type=Path, help="a solady checkout (a stand-in written when left out)")
    parser.add_argument("--vyper", action="append", default=[], metavar="PATH[=LABEL]",
                        help="a Hats.vy source to test (repeatable; contracts/Hats.vy when none)")
    parser.add_argument("--forge", help="a forge binary to use instead of the npm release")
    parser.add_argument("--work", type=Path, default=CACHE / "work", help="where the scratch copies go")
    parser.add_argument("--out", type=Path, default=RESULTS, help="the results file")
    args = parser.parse_args(argv)
    try:
        return _main(args)
    except SuiteError as exc:
        print(f"hats_conformance: {exc}", file=sys.stderr)
        return 1


def _main(args: argparse.Namespace) -> int:
    for flag in ("hats", "forge_std", "solbase", "solady"):
        path = getattr(args, flag)
        if path is not None and not path.is_dir():
            raise SuiteError(f"--{flag.replace('_', '-')} {path} is not a folder: give a checkout")
    if not (args.hats / "src" / "Hats.sol").exists() or not (args.hats / "test").is_dir():
        raise SuiteError(f"{args.hats} has no src/Hats.sol and test/: give a hats-protocol checkout")
    if not (args.forge_std / "src" / "Test.sol").exists():
        raise SuiteError(f"{args.forge_std} has no src/Test.sol: give a forge-std checkout")
    solc_version = _toml_string((args.hats / "foundry.toml").read_text(), "solc") or "0.8.17"
    forge, wrapper = npm_tools(solc_version, args.forge)
    forge_version = _sh([str(forge), "--version"]).stdout.splitlines()[0].removeprefix("forge Version: ")

    vypers: list[tuple[Path, str]] = []
    for spec in args.vyper or [str(ROOT / "contracts" / "Hats.vy")]:
        path_text, _, label = spec.partition("=")
        path = Path(path_text).resolve()
        if not path.is_file():
            raise SuiteError(f"no Vyper source at {path_text}")
        if not label:
            inside = path.resolve().is_relative_to(ROOT)
            label = str(path.resolve().relative_to(ROOT)) if inside else path.name
        vypers.append((path, label))

    sources = {"Hats Protocol": origin(args.hats), "forge-std": origin(args.forge_std),
               "solbase": origin(args.solbase) if args.solbase else "stand-ins written by the script",
               "solady": origin(args.solady) if args.solady else "a stand-in written by the script"}
    for path, label in vypers:
        sources[label] = f"{origin(path)}, `vyper -f bytecode` ({_sh(['vyper', '--version']).stdout.strip()})"

    runs: list[Run] = []
    swapped = 0
    legacy: dict[str, list[str]] = {}
    plan = [(None, "Hats.sol (Hats Protocol's contract)")] + vypers
    for index, (source, label) in enumerate(plan):
        tree = args.work / f"run-{index}"
        print(f"building {label} ...", file=sys.stderr)
        build_tree(tree, args.hats, args.forge_std, args.solbase, args.solady, wrapper)
        legacy = legacy_fail_tests(tree)
        write_legacy_runner(tree, legacy)
        if source is not None:
            swapped = swap_deployment(tree, vyper_bytecode(source))
        run = run_forge(forge, tree, label, legacy)
        print(f"{label}: {run.passed} of {len(run.outcomes)} pass", file=sys.stderr)
        runs.append(run)
    counts = {len(r.outcomes) for r in runs}
    if len(counts) != 1:
        raise SuiteError(f"the runs counted different numbers of tests: {sorted(counts)}")
    standins = [name for name in ("solbase", "solady") if getattr(args, name) is None]
    write_results(runs, sources, swapped, legacy, standins, forge_version, solc_version, args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


# STAND-INS (used only when --solbase / --solady are left out) #

_BASE64_STANDIN = """// SPDX-License-Identifier: Apache-2.0
// Generated by opgov's benchmarks/hats_conformance.py: standard base64 with padding.
pragma solidity >=0.8.0;

library Base64 {
    function encode(bytes memory data) internal pure returns (string memory) {
        bytes memory table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        bytes memory out = new bytes(4 * ((data.length + 2) / 3));
        uint256 o;
        for (uint256 i; i < data.length; i += 3) {
            uint256 n = uint256(uint8(data[i])) << 16;
            if (i + 1 < data.length) n |= uint256(uint8(data[i + 1])) << 8;
            if (i + 2 < data.length) n |= uint256(uint8(data[i + 2]));
            out[o++] = table[(n >> 18) & 63];
            out[o++] = table[(n >> 12) & 63];
            out[o++] = i + 1 < data.length ? table[(n >> 6) & 63] : bytes1("=");
            out[o++] = i + 2 < data.length ? table[n & 63] : bytes1("=");
        }
        return string(out);
    }
}
"""

_LIBSTRING_STANDIN = """// SPDX-License-Identifier: Apache-2.0
// Generated by opgov's benchmarks/hats_conformance.py: decimal and 0x-hex text of numbers.
pragma solidity >=0.8.0;

library LibString {
    function toString(uint256 value) internal pure returns (string memory) {
        if (value == 0) return "0";
        uint256 digits;
        for (uint256 v = value; v != 0; v /= 10) digits++;
        bytes memory out = new bytes(digits);
        for (; value != 0; value /= 10) out[--digits] = bytes1(uint8(48 + value % 10));
        return string(out);
    }

    function toHexString(uint256 value, uint256 length) internal pure returns (string memory) {
        bytes memory digits = "0123456789abcdef";
        bytes memory out = new bytes(2 + 2 * length);
        out[0] = "0";
        out[1] = "x";
        for (uint256 i = out.length; i > 2; value >>= 4) out[--i] = digits[value & 15];
        require(value == 0, "hex length too small");
        return string(out);
    }

    function toHexString(address value) internal pure returns (string memory) {
        return toHexString(uint256(uint160(value)), 20);
    }
}
"""

_MULTICALL_STANDIN = """// SPDX-License-Identifier: Apache-2.0
// Generated by opgov's benchmarks/hats_conformance.py: each call delegated to this contract,
// the first revert passed on as it is.
pragma solidity >=0.8.0;

abstract contract Multicallable {
    function multicall(bytes[] calldata data) public virtual returns (bytes[] memory results) {
        results = new bytes[](data.length);
        for (uint256 i; i < data.length; ++i) {
            (bool ok, bytes memory answer) = address(this).delegatecall(data[i]);
            if (!ok) {
                assembly {
                    revert(add(answer, 0x20), mload(answer))
                }
            }
            results[i] = answer;
        }
    }
}
"""


if __name__ == "__main__":
    sys.exit(main())
