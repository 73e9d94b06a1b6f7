// What the JS runtime webpar runs in offers it, and what it must be given: browsers and Deno
// have the web's Worker, fetch of the package's files and navigator.hardwareConcurrency;
// Node.js has none of them, so its entry module (webpar.node.js, picked by the package's
// "node" export condition) fills the hooks below in from node:worker_threads, node:fs and
// node:os before anything starts. Bun is recognised to be refused (see `unsupported`).

/** "browser", "deno", "node" or "bun": the runtime this module was loaded in. */
function detect() {
  if (typeof globalThis.Bun !== "undefined") return "bun";
  if (typeof globalThis.Deno?.version?.deno === "string") return "deno";
  if (typeof globalThis.process?.versions?.node === "string" && typeof globalThis.document === "undefined" &&
    typeof globalThis.WorkerGlobalScope === "undefined") return "node";
  return "browser";
}

export const host = {
  /** The runtime: "browser", "deno", "node" or "bun". */
  runtime: detect(),
  /**
   * Makes a worker running `script`, one of the package's worker scripts ("webpar-worker.js"),
   * where the runtime has no global Worker (Node.js): an object with postMessage, terminate
   * and "message"/"error" events, like a Web Worker. null where the package's literal
   * `new Worker(new URL(...), { type: "module" })` is the way (the form bundlers follow).
   */
  createWorker: null,
  /**
   * Reads one of the package's files (`name`, e.g. "webpar_core_bg.wasm") where fetch cannot
   * read the package's own files (Node.js); null elsewhere.
   */
  readFile: null,
  /** The cores jobs may use. */
  cores: () => globalThis.navigator?.hardwareConcurrency,
  /**
   * Keeps the runtime alive while webpar has work in flight, and returns the function that
   * lets it go: Node.js ends a script whose only pending work is a worker's answer, and
   * webpar's workers do not keep it alive on their own (an idle pool must not keep a
   * finished script from ending). Nothing to do in browsers and Deno.
   */
  hold: () => release,
};

function release() {}

/** The cores to size pools by: the runtime's count, within 1..256 (2 if it says nothing). */
export function cores() {
  let count;
  try {
    count = host.cores();
  } catch {
    count = undefined;
  }
  return Math.max(1, Math.min(256, Number.isFinite(count) ? Math.trunc(count) : 2));
}

/**
 * Why webpar cannot run in this runtime at all, or "" where it can. Bun shares a
 * WebAssembly.Memory with workers in name only: a worker does not see the page's writes to it
 * (oven-sh/bun#25677), which the threads engine depends on.
 */
export function unsupported() {
  if (host.runtime !== "bun") return "";
  return "webpar does not run on Bun yet: a shared WebAssembly.Memory posted to a Bun worker is " +
    "not visible to it (https://github.com/oven-sh/bun/issues/25677), and webpar's threads need " +
    "it; run the same code with Node.js 20 or newer, or Deno";
}
