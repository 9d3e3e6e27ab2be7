// Compile one Solidity file with solc-js (from npm), resolving imports from
// ./node_modules; print {contract: {abi, bytecode}} as JSON on stdout.
const fs = require("fs");
const path = require("path");
const solc = require(path.resolve("node_modules/solc"));

const file = process.argv[2];
const input = {
  language: "Solidity",
  sources: { [path.basename(file)]: { content: fs.readFileSync(file, "utf8") } },
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "cancun",
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
  },
};
function findImports(p) {
  const f = path.resolve("node_modules", p);
  return fs.existsSync(f) ? { contents: fs.readFileSync(f, "utf8") } : { error: "not found: " + p };
}
const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (out.errors || []).filter((e) => e.severity === "error");
if (errors.length) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
const result = {};
for (const [name, c] of Object.entries(out.contracts[path.basename(file)])) {
  result[name] = { abi: c.abi, bytecode: c.evm.bytecode.object };
}
process.stdout.write(JSON.stringify(result));
