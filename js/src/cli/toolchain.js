// The toolchain a crate's package is built with, and its check: the same pins and flags as
// webpar's own build (build.sh and .cargo/config.toml; a unit test keeps them equal).
import { spawnSync } from "node:child_process";

/** The nightly that rebuilds std with atomics for the threaded build. */
export const NIGHTLY = "nightly-2026-05-20";
export const TARGET = "wasm32-unknown-unknown";
/** The threaded build's flags (see .cargo/config.toml for why each is there). */
export const THREADS_RUSTFLAGS = [
  "-C", "target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128",
  "-C", "link-arg=--shared-memory", "-C", "link-arg=--import-memory",
  "-C", "link-arg=--max-memory=1073741824",
  "-C", "link-arg=--export=__wasm_init_tls", "-C", "link-arg=--export=__tls_size",
  "-C", "link-arg=--export=__tls_align", "-C", "link-arg=--export=__tls_base",
];
/** The build without shared memory or atomics, for isolated workers (stable Rust). */
export const SINGLE_RUSTFLAGS = [
  "-C", "target-feature=+bulk-memory,+mutable-globals,+simd128",
  "-C", "link-arg=--max-memory=1073741824",
];

/** A failure the user can fix; its message says how. */
export class BuildError extends Error {
  name = "BuildError";
}

/**
 * Runs a command with its output on the terminal; throws a BuildError if it fails.
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: Record<string, string | undefined>, cwd?: string }} [options]
 */
export function run(command, args, { env, cwd } = {}) {
  console.error(`> ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", cwd, env: env ?? process.env });
  if (result.error) throw new BuildError(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new BuildError(`${command} ${args.slice(0, 2).join(" ")} failed (exit status ${result.status})`);
}

/** A command's standard output, or null if it is missing or fails. */
export function output(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...options });
  return result.status === 0 ? result.stdout : null;
}

/**
 * Checks the toolchain, and installs what is missing unless `install` is false: rustup's
 * pinned nightly with rust-src and the wasm target, stable's wasm target, and wasm-bindgen-cli
 * at exactly `wasmBindgen` (the version the crate's lock file resolves).
 * @param {{ wasmBindgen: string, install: boolean }} options
 */
export function ensureToolchain({ wasmBindgen, install }) {
  const missing = [];
  const fix = (what, command, args) => {
    if (!install) { missing.push(`${what}: ${command} ${args.join(" ")}`); return; }
    console.error(`webpar build: installing ${what}`);
    run(command, args);
  };
  const installed = (toolchain, list) => output("rustup", [list === "target" ? "target" : "component", "list",
    "--toolchain", toolchain, "--installed"]) ?? "";
  if (output("rustup", ["run", NIGHTLY, "rustc", "--version"]) === null
    || !/^rust-src/m.test(installed(NIGHTLY, "component"))
    || !installed(NIGHTLY, "target").split("\n").includes(TARGET)) {
    fix(`Rust ${NIGHTLY} with rust-src and ${TARGET}`, "rustup",
      ["toolchain", "install", NIGHTLY, "--profile", "minimal", "-c", "rust-src", "-t", TARGET]);
  }
  if (output("rustup", ["run", "stable", "rustc", "--version"]) === null) {
    fix(`stable Rust with ${TARGET}`, "rustup", ["toolchain", "install", "stable", "--profile", "minimal", "-t", TARGET]);
  } else if (!installed("stable", "target").split("\n").includes(TARGET)) {
    fix(`stable Rust's ${TARGET} target`, "rustup", ["target", "add", "--toolchain", "stable", TARGET]);
  }
  const have = output("wasm-bindgen", ["--version"])?.trim().split(/\s+/)[1];
  if (have !== wasmBindgen) {
    // Not --locked: one of its locked dependencies left the registry.
    fix(`wasm-bindgen-cli ${wasmBindgen} (found: ${have ?? "none"}), the version of the crate's wasm-bindgen`,
      "cargo", ["install", "wasm-bindgen-cli", "--version", wasmBindgen]);
  }
  if (missing.length > 0) {
    throw new BuildError(`the toolchain is incomplete; install:\n  ${missing.join("\n  ")}`);
  }
}

/** Throws a BuildError naming what to install unless rustup and cargo are on the PATH. */
export function requireRust() {
  if (output("rustup", ["--version"]) === null || output("cargo", ["--version"]) === null) {
    throw new BuildError("Rust is missing: install rustup (https://rustup.rs), then run this again");
  }
}
