// What the build checks and adds after wasm-bindgen: that the threaded module imports a shared
// memory, and the declarations of the package's workloads, read from its own catalogue.
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * The memory a wasm module imports (`{ module, field, shared, min, max }`), or null.
 * @param {Uint8Array} bytes the module's bytes
 */
export function importedMemory(bytes) {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8; // magic + version
  const leb = () => {
    let value = 0, shift = 0, byte;
    do { byte = buffer[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return value;
  };
  const name = () => { const length = leb(); const s = buffer.toString("utf8", at, at + length); at += length; return s; };
  while (at < buffer.length) {
    const id = buffer[at++], size = leb(), end = at + size;
    if (id === 2) { // the import section
      for (let count = leb(); count > 0; count--) {
        const module = name(), field = name(), kind = buffer[at++];
        if (kind === 2) { // a memory: limits flags, min, [max]
          const flags = buffer[at++], min = leb(), max = flags & 1 ? leb() : null;
          return { module, field, shared: (flags & 2) !== 0, min, max };
        }
        if (kind === 0) leb(); // a function: its type index
        else if (kind === 1) { at++; const flags = buffer[at++]; leb(); if (flags & 1) leb(); } // a table
        else if (kind === 3) at += 2; // a global: type, mutability
        else if (kind === 4) { at++; leb(); } // a tag
      }
      return null;
    }
    at = end;
  }
  return null;
}

/**
 * Throws unless the wasm file at `path` imports a shared memory: without it the thread pool
 * cannot start (wasm-bindgen silently emits single-threaded glue when the link flags are
 * missing). Returns the memory.
 * @param {string} path
 */
export function checkSharedMemory(path) {
  const memory = importedMemory(readFileSync(path));
  if (!memory?.shared) {
    throw new Error(`${path}: the module does not import a shared memory (${JSON.stringify(memory)}); ` +
      "build it with --shared-memory --import-memory and the pinned nightly (webpar build does)");
  }
  return memory;
}

/**
 * Appends the declarations of the workloads that the package in `dir` holds (their params,
 * inputs and outputs, by name) to its webpar_core.d.ts, from the catalogue of its own wasm:
 * webpar's workloads and those of the crate it was built from, typed the same way.
 * @param {string} dir the package's directory, with webpar_single.js and its wasm
 */
export async function appendWorkloadTypes(dir) {
  // The build without shared memory: it instantiates anywhere, with no worker started.
  const bindings = await import(pathToFileURL(join(dir, "webpar_single.js")).href);
  bindings.initSync({ module: readFileSync(join(dir, "webpar_single_bg.wasm")) });
  const declarations = bindings.workloadDeclarations();
  if (!declarations.includes("export interface WorkloadParams {")) {
    throw new Error(`${dir}: the wasm's catalogue gave no WorkloadParams declaration`);
  }
  appendFileSync(join(dir, "webpar_core.d.ts"), `\n${declarations}`);
}
