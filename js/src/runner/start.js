// Starting webpar: `init` instantiates the module and starts the backend CPU jobs run on
// (backend.js picks it and says why); `memoryUsage` reads the heap once it has started.
import * as core from "../webpar_core.js";
import { describeThrown, invalid, typedError } from "../errors.js";
import { startBackend } from "../backends/backend.js";
import { initThreadPool, instantiate, isInstantiated, splitsOf } from "../backends/engine.js";

/**
 * Starts webpar: instantiates the module and starts the backend CPU jobs run on, then
 * resolves with what it started: `{ backend, threads, processes, startupMs, capabilities,
 * fellBack }`. Options: `backend` "auto" (the default) picks "threads" where the page is
 * cross-origin isolated and shared wasm memory works (and in Node.js and Deno), else "frame"
 * (threads in webpar-frame.html, served with Document-Isolation-Policy: frame/page.js), else
 * "processes" (isolated workers, any page), else "sequential"; `fellBack` says why a better
 * one was not picked. `threads`, `processes` (pool sizes, default
 * navigator.hardwareConcurrency), `idleTimeoutMs`, `module_or_path` (where the threaded .wasm
 * is, for apps that serve it themselves), `frame` (where webpar-frame.html is, or false).
 * Forcing "threads" where it cannot run rejects with PoolNotReadyError naming the check that
 * failed. A second call resolves with the first one's result; one asking for something else
 * (another backend or pool size) rejects with InvalidParamsError naming the option.
 */
export function init(options) {
  let read;
  try {
    // A plain object is init's options; anything else is where the module is (a URL, a
    // Request, a WebAssembly.Module...), as the bindings' own init takes it.
    const plain = options !== null && typeof options === "object" &&
      [Object.prototype, null].includes(Object.getPrototypeOf(options));
    read = options === undefined || options === null ? {} : plain ? options : { module_or_path: options };
  } catch (thrown) {
    return Promise.reject(invalid(`init's options threw while they were read (${describeThrown(thrown)}); err.cause is what it threw`, "options", thrown));
  }
  return startBackend(read, {
    instantiate,
    startThreads: (threads) => initThreadPool(threads),
    splits: splitsOf,
  });
}

/**
 * The wasm heap's use: `{ liveBytes, peakBytes, limitBytes, ... }` (see MemoryUsage). Needs
 * webpar started (`await init()`); before, it throws PoolNotReadyError.
 */
export function memoryUsage() {
  if (!isInstantiated()) {
    throw typedError("PoolNotReadyError", "memoryUsage() was called before webpar started: await init() first");
  }
  return core.memoryUsage();
}
