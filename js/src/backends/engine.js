// The threads engine of this page: the bindings (webpar_core.js), whether they are
// instantiated, and the keeper that starts the pool and restarts it after a crash. One per
// page; the entry module and the test hooks (testing.js) share it.
import * as core from "../webpar_core.js";
import { EngineKeeper } from "./restart.js";
import { current } from "./backend.js";
import { cores, host } from "../runtimes/host.js";

/**
 * One worker of the pool. Written literally as `new Worker(new URL(...), ...)` so that Vite and
 * webpack bundle the worker script and the bindings it imports as a chunk of its own; on
 * Node.js, a worker thread running the same script.
 */
function createWorker() {
  if (host.createWorker !== null) return host.createWorker("webpar-worker.js", { name: "webpar-worker" });
  return new Worker(new URL("../webpar-worker.js", import.meta.url), {
    type: "module",
    name: "webpar-worker",
  });
}

/** The threads engine's keeper: restarts it after a crash (restart.js). */
export const engine = new EngineKeeper(core, createWorker);

/**
 * Calls the threads engine's `method` (of the generated runner `open()` gives) with `args`
 * and `options` last: on this page's engine, or, on the frame backend, on the engine in the
 * threads frame (frame/page.js), with the same result or error.
 */
export function callThreads(open, method, args, options) {
  const frame = current()?.frame;
  if (frame) {
    try {
      open();
    } catch (error) {
      return Promise.reject(error);
    }
    return frame.call(method, args, options);
  }
  return engine.call(() => open()[method](...args, options));
}

let instantiated = false;

/** Instantiates the bindings (`arg` as their own init takes it); remembers that it did. */
export async function instantiate(arg) {
  // Where fetch cannot read the package's own file (Node.js), its bytes are read and given.
  const given = arg ?? (host.readFile === null ? undefined : { module_or_path: await host.readFile("webpar_core_bg.wasm") });
  const exports = await core.default(given);
  instantiated = true;
  return exports;
}

/** Whether the bindings are instantiated (a Runner can be made). */
export function isInstantiated() {
  return instantiated;
}

/**
 * Starts the pool of Web Worker threads that parallel jobs run on, and resolves with its size
 * (default `navigator.hardwareConcurrency`); the bindings' `startThreadPool` has every rule.
 */
export function initThreadPool(threads) {
  // The bindings size the pool by navigator.hardwareConcurrency, which Node.js 20 lacks.
  const counted = typeof globalThis.navigator?.hardwareConcurrency === "number";
  return engine.startPool(threads ?? (counted ? undefined : cores()));
}

/** Whether workload `name` splits into parts (processes backend); false for unknown names. */
export function splitsOf(name) {
  // Read from the catalogue once, not on every run; again only for a name it did not have
  // (a workload registered since).
  if (!splitting?.has(name)) {
    let catalogue;
    try {
      catalogue = new core.Runner();
      splitting = new Map(catalogue.workloads().map((w) => [w.name, w.splits]));
    } catch {
      return false;
    } finally {
      catalogue?.free();
    }
  }
  return splitting.get(name) === true;
}
/** Workload name -> whether it splits, as splitsOf last read the catalogue. */
let splitting = null;
