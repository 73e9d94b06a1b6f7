// `webpar build`: a crate that depends on webpar (and registers its own workloads) into an npm
// package like webpar's own: both wasm builds, their bindings, webpar's JS half with its
// worker scripts bundled for this crate, the declarations with the crate's workloads typed,
// and a package.json with the same exports.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BuildError, NIGHTLY, SINGLE_RUSTFLAGS, TARGET, THREADS_RUSTFLAGS, ensureToolchain, output, requireRust, run,
} from "./toolchain.js";
import { appendWorkloadTypes, checkSharedMemory } from "./wasm.js";

/** This package's directory: the JS half every crate's package carries. */
const PACKAGE = fileURLToPath(new URL("..", import.meta.url));
/** The entry scripts bundled per crate (each imports the crate's own bindings). */
export const BUNDLED = ["webpar-worker.js", "webpar-process.js", "webpar-task.js", "task.js"];
/** What wasm-bindgen writes, and what is the package's own: never copied from webpar's. */
const NOT_COPIED = /^(webpar_core|webpar_single)|^(snippets|cli|node_modules|package\.json|README\.md|CHANGELOG\.md|LICENSE.*)$/;

/**
 * What `cargo metadata` says of the crate in `dir`: its package, its cdylib's file name, the
 * target directory, and the versions of webpar and wasm-bindgen it resolves.
 * @param {string} dir
 */
export function readCrate(dir) {
  const manifest = join(dir, "Cargo.toml");
  if (!existsSync(manifest)) throw new BuildError(`${dir} has no Cargo.toml: give the crate's folder (webpar build <crate>)`);
  const json = output("cargo", ["+stable", "metadata", "--format-version", "1", "--manifest-path", manifest]);
  if (json === null) throw new BuildError(`cargo metadata failed for ${manifest}: run it to see why`);
  const metadata = JSON.parse(json);
  const crate = metadata.packages.find((p) => resolve(p.manifest_path) === resolve(manifest));
  if (!crate) throw new BuildError(`${manifest} is a virtual workspace manifest: give one crate's folder`);
  const lib = crate.targets.find((t) => t.kind.includes("cdylib"));
  if (!lib) {
    throw new BuildError(`${crate.name} builds no cdylib: add to its Cargo.toml\n  [lib]\n  crate-type = ["cdylib", "rlib"]`);
  }
  const version = (name) => metadata.packages.find((p) => p.name === name)?.version;
  const webpar = version("webpar");
  if (!webpar) throw new BuildError(`${crate.name} does not depend on webpar: add it to [dependencies] (see the template)`);
  const wasmBindgen = version("wasm-bindgen");
  if (!wasmBindgen) throw new BuildError(`${crate.name} resolves no wasm-bindgen: add wasm-bindgen to its wasm32 dependencies`);
  return { crate, file: lib.name.replaceAll("-", "_"), targetDir: metadata.target_directory, webpar, wasmBindgen };
}

/**
 * Builds the crate in `dir` into an npm package in `outDir` (default `<dir>/pkg`).
 * @param {string} dir
 * @param {{ outDir?: string, name?: string, install?: boolean }} [options]
 * @returns {Promise<string>} the package's directory
 */
export async function build(dir, { outDir, name, install = true } = {}) {
  requireRust();
  dir = resolve(dir);
  const { crate, file, targetDir, webpar, wasmBindgen } = readCrate(dir);
  const own = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8"));
  if (webpar !== own.version) {
    throw new BuildError(`${crate.name} depends on the webpar crate ${webpar}, and this is webpar ${own.version}'s ` +
      `command: their JS and wasm must match; install the npm package webpar@${webpar} (npm install -D webpar@${webpar})`);
  }
  const esbuild = await import("esbuild").catch(() => {
    throw new BuildError("esbuild is missing: install it beside webpar (npm install -D esbuild); " +
      "it bundles the worker scripts for your crate");
  });
  ensureToolchain({ wasmBindgen, install });

  const manifest = join(dir, "Cargo.toml");
  const env = { ...process.env, CARGO_ENCODED_RUSTFLAGS: undefined };
  // The threaded build: std rebuilt with atomics on the pinned nightly.
  run("cargo", [`+${NIGHTLY}`, "build", "--manifest-path", manifest, "--lib", "--release", "--target", TARGET,
    "-Z", "build-std=panic_abort,std"], { env: { ...env, RUSTFLAGS: THREADS_RUSTFLAGS.join(" ") } });
  const threaded = join(targetDir, TARGET, "release", `${file}.wasm`);
  checkSharedMemory(threaded);
  // The build without shared memory, on stable, for isolated workers.
  const singleDir = join(targetDir, "single");
  run("cargo", ["+stable", "build", "--manifest-path", manifest, "--lib", "--release", "--target", TARGET,
    "--target-dir", singleDir], { env: { ...env, RUSTFLAGS: SINGLE_RUSTFLAGS.join(" ") } });
  const single = join(singleDir, TARGET, "release", `${file}.wasm`);

  const out = resolve(outDir ?? join(dir, "pkg"));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // --experimental-reset-state-function: the entry makes a new instance after a crash.
  run("wasm-bindgen", ["--target", "web", "--experimental-reset-state-function", "--out-dir", out,
    "--out-name", "webpar_core", threaded]);
  run("wasm-bindgen", ["--target", "web", "--out-dir", out, "--out-name", "webpar_single", single]);
  await appendWorkloadTypes(out);

  // webpar's JS half, with the entry scripts that import the bindings bundled anew.
  for (const entry of readdirSync(PACKAGE)) {
    if (!NOT_COPIED.test(entry)) cpSync(join(PACKAGE, entry), join(out, entry), { recursive: true });
  }
  for (const entry of BUNDLED) {
    cpSync(join(PACKAGE, "cli", "entries", entry), join(out, entry));
    await esbuild.build({ entryPoints: [join(out, entry)], outfile: join(out, entry), bundle: true,
      format: "esm", allowOverwrite: true, logLevel: "warning" });
  }

  // The package's manifest: webpar's exports, the crate's name, version and licence.
  const pkg = { ...own, name: name ?? crate.name, version: crate.version };
  if (crate.description) pkg.description = crate.description; else delete pkg.description;
  if (crate.license) pkg.license = crate.license; else delete pkg.license;
  pkg.keywords = crate.keywords?.length ? crate.keywords : undefined;
  delete pkg.bin;
  pkg.files = pkg.files.filter((f) => f !== "cli/" && !/^(README|CHANGELOG|LICENSE)/.test(f));
  for (const doc of readdirSync(dir).filter((f) => /^(README|CHANGELOG|LICENSE)/i.test(f))) {
    cpSync(join(dir, doc), join(out, doc));
    pkg.files.push(doc);
  }
  writeFileSync(join(out, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  console.error(`webpar build: ${pkg.name}@${pkg.version} is in ${out} (install it: npm install ${out})`);
  return out;
}
