// The package's entry module: the generated bindings (webpar_core.js) with two changes.
//
// 1. `initThreadPool(threads)` is webpar's `startThreadPool`, which checks its input, refuses
//    a second pool and lets `Runner` tell a run before the pool is ready (PoolNotReadyError)
//    from one after it. It starts the pool's workers from ./webpar-worker.js, created in the
//    form bundlers recognise (see createWorker).
// 2. `Runner` is a guard around the generated class. The generated methods throw a plain
//    "null pointer passed to rust" synchronously when called on a freed runner or with another
//    `this`; here every Promise-returning method rejects instead, with a typed error that says
//    what to do, and `free()` may be called twice.
import * as core from "./webpar_core.js";
import { typedError } from "./sync.js";

export * from "./webpar_core.js";
export { default } from "./webpar_core.js";
// Async coordination for the caller's own tasks: Semaphore, Lock, Event, Barrier, Queue, every.
export { Barrier, Event, Lock, Queue, Semaphore, every } from "./sync.js";

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

/**
 * Starts the pool of Web Worker threads that parallel jobs run on, and resolves with its size
 * (default `navigator.hardwareConcurrency`); see `startThreadPool` for every rule.
 */
export function initThreadPool(threads) {
  return core.startThreadPool(threads, createWorker);
}

export class Runner {
  /** The generated runner; undefined once freed. */
  #core;

  constructor() {
    this.#core = new core.Runner();
  }

  /** The generated runner behind `self`, or a typed error saying why there is none. */
  static #open(self, method) {
    if (!Runner.#isRunner(self)) {
      throw new TypeError(`Runner.${method} was called on something that is not a Runner; ` +
        `call it as runner.${method}(...), or pass runner.${method}.bind(runner)`);
    }
    if (self.#core === undefined) {
      throw typedError("RunnerFreedError",
        `runner.${method}() was called after runner.free(); make a new Runner() to go on`);
    }
    return self.#core;
  }

  static #isRunner(self) {
    return self !== null && (typeof self === "object" || typeof self === "function") &&
      #core in self;
  }

  /** Calls a Promise-returning method: whatever goes wrong rejects, nothing throws. */
  static #promise(self, method, call) {
    try {
      return call(Runner.#open(self, method));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  get threads() { return Runner.#open(this, "threads").threads; }
  workloads() { return Runner.#open(this, "workloads").workloads(); }
  validate(name, params) { return Runner.#open(this, "validate").validate(name, params); }
  run(name, params, options) {
    return Runner.#promise(this, "run", (runner) => runner.run(name, params, options));
  }
  compare(name, params, options) {
    return Runner.#promise(this, "compare", (runner) => runner.compare(name, params, options));
  }
  sweep(name, params, options) {
    return Runner.#promise(this, "sweep", (runner) => runner.sweep(name, params, options));
  }
  io(spec, options) {
    return Runner.#promise(this, "io", (runner) => runner.io(spec, options));
  }
  pipeline(spec, options) {
    return Runner.#promise(this, "pipeline", (runner) => runner.pipeline(spec, options));
  }

  /**
   * Frees the runner's wasm memory; later calls reject with RunnerFreedError, and a second
   * free() does nothing. Jobs already started go on and settle.
   */
  free() {
    const runner = Runner.#isRunner(this) ? this.#core : Runner.#open(this, "free");
    this.#core = undefined;
    runner?.free();
  }

  [Symbol.dispose ?? Symbol.for("Symbol.dispose")]() {
    this.free();
  }
}
