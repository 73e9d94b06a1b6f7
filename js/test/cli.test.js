// `webpar build`, the command that turns a crate into a package: its toolchain pins agree with
// webpar's own build, it reads a wasm module's memory, and it says what to fix.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NIGHTLY, SINGLE_RUSTFLAGS, THREADS_RUSTFLAGS } from "../src/cli/toolchain.js";
import { importedMemory } from "../src/cli/wasm.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = fileURLToPath(new URL("../src/cli/webpar.js", import.meta.url));

test("the command builds with the pins and flags of webpar's own build", () => {
  const buildSh = readFileSync(join(root, "build.sh"), "utf8");
  assert.equal(buildSh.match(/^NIGHTLY=(.*)$/m)[1], NIGHTLY);
  assert.equal(buildSh.match(/^SINGLE_FLAGS="(.*)"$/m)[1], SINGLE_RUSTFLAGS.join(" "));
  const config = readFileSync(join(root, ".cargo/config.toml"), "utf8");
  const rustflags = config.match(/rustflags = \[([^\]]*)\]/)[1].replace(/^\s*#.*$/gm, "");
  assert.deepEqual([...rustflags.matchAll(/"([^"]*)"/g)].map((m) => m[1]), THREADS_RUSTFLAGS);
});

/** A wasm module that imports one memory with these limits flags (bit 0: max, bit 1: shared). */
function moduleImportingMemory(flags) {
  const text = (s) => [s.length, ...Buffer.from(s)];
  const entry = [...text("env"), ...text("memory"), 2, flags, 17, ...(flags & 1 ? [0x80, 0x01] : [])];
  const section = [1, ...entry];
  return Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 2, section.length, ...section]);
}

test("a module's imported memory is read with its limits and whether it is shared", () => {
  assert.deepEqual(importedMemory(moduleImportingMemory(3)), { module: "env", field: "memory", shared: true, min: 17, max: 128 });
  assert.deepEqual(importedMemory(moduleImportingMemory(0)), { module: "env", field: "memory", shared: false, min: 17, max: null });
  assert.equal(importedMemory(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), null);
});

/** Runs the command; returns its exit status and what it wrote to stderr. */
function webpar(...args) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  return { status: result.status, stderr: result.stderr };
}

test("the command says what to fix: no crate, no cdylib, no webpar", () => {
  const dir = mkdtempSync(join(tmpdir(), "webpar-cli-"));
  let seen = webpar("build", dir);
  assert.equal(seen.status, 1);
  assert.match(seen.stderr, /has no Cargo\.toml: give the crate's folder/);

  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src/lib.rs"), "");
  writeFileSync(join(dir, "Cargo.toml"), '[package]\nname = "mine"\nversion = "0.1.0"\nedition = "2021"\n');
  seen = webpar("build", dir);
  assert.equal(seen.status, 1);
  assert.match(seen.stderr, /mine builds no cdylib: add to its Cargo\.toml\n {2}\[lib\]\n {2}crate-type = \["cdylib", "rlib"\]/);

  writeFileSync(join(dir, "Cargo.toml"), '[package]\nname = "mine"\nversion = "0.1.0"\nedition = "2021"\n' +
    '[lib]\ncrate-type = ["cdylib", "rlib"]\n');
  seen = webpar("build", dir);
  assert.equal(seen.status, 1);
  assert.match(seen.stderr, /mine does not depend on webpar: add it to \[dependencies\]/);
});

test("the command prints its help and its version", () => {
  const help = execFileSync(process.execPath, [cli, "--help"], { encoding: "utf8" });
  assert.match(help, /^webpar build \[CRATE_DIR\] \[--out-dir DIR\]/);
  assert.equal(webpar("frobnicate").status, 1);
});
