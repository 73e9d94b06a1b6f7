// Starts the Web Workers of the thread pool (imported by the generated bindings).
//
// Each worker says it is listening, gets the module and the shared memory, instantiates the
// module on it, says it is ready, then runs one rayon thread until the page goes away (or
// says it crashed). Where the worker scripts come from:
// - `createWorker` given (the package's entry module passes one): it returns
//   `new Worker(new URL("./webpar-worker.js", import.meta.url), { type: "module" })`, the form
//   bundlers (Vite, webpack) recognise, so they emit the worker as its own chunk with the
//   bindings it imports. A worker started from a bundle's own URL would run the whole app.
// - no `createWorker` (plain ES modules, e.g. the wasm-bindgen test runner): this module
//   spawns itself as the worker and imports the bindings from `mainJS`.

const LOADED = "webpar:pool-thread-loaded";
const START = "webpar:start-pool-thread";
const READY = "webpar:pool-thread-ready";
const FAILED = "webpar:pool-thread-failed";
// The thread trapped once running (the entry's restart.js listens for it).
const CRASHED = "webpar:pool-thread-crashed";

// Kept so the workers are never collected while the pool lives (a Firefox bug collects
// workers that share a memory but are not referenced:
// https://bugzilla.mozilla.org/show_bug.cgi?id=1702191).
let workers = [];

/**
 * In a pool worker: waits for the start message, instantiates `bindings` (a module, or a
 * function that imports it) and runs a pool thread. Exported for the package's worker entry.
 */
export function servePoolThread(bindings) {
  self.addEventListener("message", async function onStart({ data }) {
    if (data?.type !== START) return;
    self.removeEventListener("message", onStart);
    let glue;
    try {
      glue = typeof bindings === "function" ? await bindings(data.mainJS) : bindings;
      await glue.default({ module_or_path: data.module, memory: data.memory });
    } catch (error) {
      postMessage({ type: FAILED, message: `${error?.name ?? "Error"}: ${error?.message ?? error}` });
      return;
    }
    postMessage({ type: READY });
    try {
      glue.webpar_run_pool_thread();
    } catch (error) {
      postMessage({ type: CRASHED, message: `${error?.name}: ${error?.message}` });
    }
  });
  // Only now can the start message be heard: a message posted before the listener existed
  // could be dispatched to nobody (a worker whose script is wrapped, e.g. by a test runner,
  // may take messages while its module still loads).
  postMessage({ type: LOADED });
}

// Loaded as a worker by the self-spawning path below.
if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope &&
  self.name === "webpar-pool-thread") {
  // Bundlers must leave this import alone: it only runs unbundled (see startWorkers).
  servePoolThread((mainJS) => import(/* webpackIgnore: true */ /* @vite-ignore */ mainJS));
}

// This module's URL, for the self-spawning path. Kept out of a literal
// `new Worker(import.meta.url)`, which bundlers would emit as one more worker chunk.
const ownUrl = import.meta.url;

/**
 * Starts `count` pool workers and resolves once every one is ready to run a thread; rejects
 * (and terminates them) if one fails to load or start, or if they are not all ready within
 * `timeoutMs`.
 */
export function startWorkers(module, memory, count, createWorker, mainJS, timeoutMs) {
  return new Promise((resolve, reject) => {
    const started = [];
    let ready = 0;
    let settled = false;
    const fail = (message) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      for (const worker of started) worker.terminate();
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`only ${ready} of ${count} pool workers started within ` +
      `${timeoutMs / 1000} s`), timeoutMs);
    for (let i = 0; i < count; i++) {
      let worker;
      try {
        worker = createWorker ? createWorker() : new Worker(ownUrl, { type: "module", name: "webpar-pool-thread" });
      } catch (error) {
        fail(`a pool worker could not be created (${error?.message ?? error})`);
        return;
      }
      started.push(worker);
      worker.addEventListener("error", (event) => {
        event.preventDefault?.();
        fail(`a pool worker's script failed to load or threw (${event.message || "no message; " +
          "check that webpar-worker.js is served beside webpar.js, as a JS module"})`);
      });
      worker.addEventListener("message", ({ data }) => {
        if (data?.type === LOADED) worker.postMessage({ type: START, module, memory, mainJS });
        if (data?.type === FAILED) fail(`a pool worker could not start: ${data.message}`);
        if (data?.type !== READY || settled) return;
        ready += 1;
        if (ready === count) {
          settled = true;
          clearTimeout(timer);
          // This pool's workers only: an engine restart starts a new pool, and holding the
          // old one's (terminated) workers kept each old instance's memory alive, until
          // the browser could reserve no more (after about 125 restarts).
          workers = started;
          resolve();
        }
      });
    }
  });
}
