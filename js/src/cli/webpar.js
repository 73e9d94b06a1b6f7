#!/usr/bin/env node
// webpar's command line: `webpar build [crate]` turns a Rust crate that depends on webpar into
// an npm package (see docs/guide/rust.md).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { build } from "./build.js";

const HELP = `webpar build [CRATE_DIR] [--out-dir DIR] [--name NAME] [--no-install]

Builds the Rust crate in CRATE_DIR (default: the current folder), which depends on the webpar
crate and registers its own workloads, into an npm package in DIR (default: CRATE_DIR/pkg):
both wasm builds (threads and isolated workers), webpar's JS with its worker scripts, and
TypeScript declarations in which the crate's workloads are typed. Install the result into an
app (npm install ./pkg) and import it as you would import webpar.

  --out-dir DIR   where the package goes (emptied first)
  --name NAME     the package's name (default: the crate's)
  --no-install    only check the toolchain (rustup's pinned nightly with rust-src, stable's
                  wasm target, wasm-bindgen-cli at the crate's version) and say what is missing
`;

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "out-dir": { type: "string" }, name: { type: "string" }, "no-install": { type: "boolean" },
      help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "V" },
    },
  });
  if (values.version) {
    console.log(JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version);
  } else if (values.help || positionals.length === 0) {
    console.log(HELP);
  } else if (positionals[0] === "build" && positionals.length <= 2) {
    await build(positionals[1] ?? ".", { outDir: values["out-dir"], name: values.name, install: !values["no-install"] });
  } else {
    throw new Error(`unknown command: ${positionals.join(" ")}\n\n${HELP}`);
  }
} catch (error) {
  console.error(`webpar: ${error.message}`);
  process.exit(1);
}
