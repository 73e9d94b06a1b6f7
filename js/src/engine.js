// The threads engine of this page: the bindings (webpar_core.js), whether they are
// instantiated, and the keeper that starts the pool and restarts it after a crash. One per
// page; the entry module and the test hooks (testing.js) share it.
import * as core from "./webpar_core.js";
import { EngineKeeper } from "./restart.js";

/**
 * One worker of the pool. Written literally as `new Worker(new URL(...), ...)` so that Vite and
 * webpack bundle the worker script and the bindings it imports as a chunk of its own.
 */
function createWorker() {
  return new Worker(new URL("./webpar-worker.js", import.meta.url), {
    type: "module",
    name: "webpar-worker",
  });
}

/** The threads engine's keeper: restarts it after a crash (restart.js). */
export const engine = new EngineKeeper(core, createWorker);

let instantiated = false;

/** Instantiates the bindings (`arg` as their own init takes it); remembers that it did. */
export async function instantiate(arg) {
  const exports = await core.default(arg);
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
  return engine.startPool(threads);
}
