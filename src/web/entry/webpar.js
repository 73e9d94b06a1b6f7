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
import {
  Executor, TaskGroup, invalid, iterableOption, readOptions, signalOption, submitOptions,
  wholeOption, DEFAULT_MAX_QUEUE,
} from "./executor.js";

export * from "./webpar_core.js";
export { default } from "./webpar_core.js";
// Async coordination for the caller's own tasks: Semaphore, Lock, Event, Barrier, Queue, every.
export { Barrier, Event, Lock, Queue, Semaphore, every } from "./sync.js";
// The executor vocabulary: tasks, and functions over many of them.
export { Task, TaskGroup, asCompleted, wait } from "./executor.js";

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
  /** The queue in front of the pool (submit, map, group). */
  #executor;

  /**
   * `maxQueue` (default 10000): tasks waiting before submit rejects with QueueFullError;
   * `maxRunning` (default: 4 per core, at least 4): tasks handed to the pool at once.
   */
  constructor(options) {
    const read = readOptions(options, ["maxQueue", "maxRunning"], "Runner's options");
    // Several tasks per core: each hop to the pool and back takes a round trip, which tasks in
    // flight together overlap; a long task lets a waiting one start between its chunks.
    const cores = Math.max(1, Math.min(256, globalThis.navigator?.hardwareConcurrency ?? 2));
    this.#executor = new Executor({
      maxQueue: wholeOption(read.maxQueue, "maxQueue", 0, 1e9, DEFAULT_MAX_QUEUE),
      maxRunning: wholeOption(read.maxRunning, "maxRunning", 1, 4096, Math.max(4, 4 * cores)),
    });
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
      const runner = Runner.#open(self, method);
      if (self.#executor.closed) {
        throw typedError("PoolClosedError",
          `runner.${method}() was called after runner.close(); make a new Runner() to go on`);
      }
      return call(runner);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Queues a job and returns its Task at once (concurrent.futures' submit): a thenable with
   * `id`, `status`, `cancel()`, `result({ timeoutMs })` and `progress`. Options: `signal`,
   * `timeoutMs` (run time from start), `deadlineMs` (from submit, queueing included),
   * `priority` (higher first; default 0), `onProgress`, `mode`. Its value is the RunReport.
   * A full queue, a closed runner or bad input reject the Task; submit itself never throws.
   */
  submit(name, params, options) {
    return this.#submit("submit", name, params, options, true);
  }

  #submit(method, name, params, options, limited) {
    let read;
    try {
      const runner = Runner.#open(this, method);
      read = submitOptions(options);
      // Bad input fails now, before it waits in the queue.
      if (!this.#executor.closed) runner.validate(name, params);
    } catch (error) {
      return this.#executor.rejected(error);
    }
    const { mode, ...scheduling } = read;
    return this.#executor.enqueue((signal, onProgress, timeoutMs) => {
      const runner = Runner.#open(this, method);
      return runner.run(name, params, { mode, signal, timeoutMs, onProgress });
    }, { ...scheduling, limited });
  }

  /**
   * Runs workload `name` on every input of `inputs` (an iterable or async iterable of params
   * or `{ input }` objects) and yields the results lazily (executor.map): the real output of
   * an input, the checksum of generated params. `chunkSize` inputs go to the pool per hop
   * (default 1; raise it for tiny tasks), `concurrency` chunks at once (default maxRunning),
   * at most `buffer` inputs and results held (default 2 x concurrency x chunkSize).
   * `ordered: false` yields in completion order. Breaking out of the loop, or aborting
   * `signal`, stops the rest; an input's failure is thrown where its result would be.
   */
  map(name, inputs, options) {
    const read = readOptions(options,
      ["ordered", "chunkSize", "concurrency", "buffer", "signal", "mode"], "map's options");
    const runner = Runner.#open(this, "map");
    const chunkSize = wholeOption(read.chunkSize, "chunkSize", 1, 1 << 20, 1);
    const concurrency = wholeOption(read.concurrency, "concurrency", 1, 4096, this.#executor.maxRunning);
    const buffer = wholeOption(read.buffer, "buffer", 1, 1e9, 2 * concurrency * chunkSize);
    signalOption(read.signal);
    iterableOption(inputs, "inputs", "map's inputs");
    const executor = this.#executor;
    const send = (items, signal) => Runner.#open(this, "map").runBatch(name, items, { mode: read.mode, signal });
    return mapChunks({
      executor, send, inputs, chunkSize, concurrency, buffer,
      ordered: read.ordered ?? true, signal: read.signal,
    });
  }

  /**
   * Calls the app's async `fn(item, { signal, attempt, index })` for every item on the I/O
   * scheduler (p-map + p-limit + p-retry in one) and yields the values lazily: in input order
   * (default) or, with `ordered: false`, as they come. Options: `concurrency` (default 100),
   * `ratePerSec`, `retries` and `retryBaseMs` (exponential backoff; an AbortError is not
   * retried), `timeoutMs` per attempt (its signal aborts), `buffer` (most values held for
   * the loop, default 1000), `signal`. A call that fails for good throws CallFailedError
   * (`cause`: what `fn` threw; `index`, `attempts`) where its value would be, and stops the
   * rest; breaking out of the loop stops them too.
   */
  mapAsync(items, fn, options) {
    const read = readOptions(options, ["concurrency", "ratePerSec", "retries", "retryBaseMs",
      "timeoutMs", "ordered", "buffer", "signal", "chunkSize"], "mapAsync's options");
    Runner.#open(this, "mapAsync");
    if (typeof fn !== "function") {
      throw invalid(`mapAsync needs an async function of (item, { signal, attempt, index }), got ${typeof fn}`, "fn");
    }
    iterableOption(items, "items", "mapAsync's items");
    signalOption(read.signal);
    const buffer = wholeOption(read.buffer, "buffer", 1, 1e9, 1000);
    const timeoutMs = read.timeoutMs;
    if (timeoutMs !== undefined && !(typeof timeoutMs === "number" && timeoutMs >= 1 && timeoutMs <= 3_600_000)) {
      throw invalid(`option "timeoutMs" must be a number of milliseconds in 1..=3600000, got ${String(timeoutMs)}`, "timeoutMs");
    }
    const spec = {
      concurrency: read.concurrency, ratePerSec: read.ratePerSec, retries: read.retries,
      retryBaseMs: read.retryBaseMs, chunkSize: read.chunkSize,
    };
    for (const key of Object.keys(spec)) if (spec[key] === undefined) delete spec[key];
    const io = (full, options) => Runner.#open(this, "mapAsync").io(full, options);
    return mapAsyncValues({ io, items, fn, spec, buffer, timeoutMs, ordered: read.ordered ?? true, signal: read.signal });
  }

  /**
   * A TaskGroup (asyncio.TaskGroup): `group.submit(...)` like runner.submit; the first
   * failure cancels the others (unless `cancelOnFailure: false`, gather's way); `await
   * group.join()` (or `await using`) rejects with an AggregateError of the failures;
   * `group.settled()` gives allSettled results instead.
   */
  group(options) {
    Runner.#open(this, "group");
    const read = readOptions(options, ["cancelOnFailure"], "group's options");
    return new TaskGroup((name, params, opts) => this.#submit("group", name, params, opts, true), read);
  }

  /** Resolves once a submit would be queued rather than refused with QueueFullError. */
  capacity(options) {
    return Runner.#promise(this, "capacity", () => this.#executor.capacity(options));
  }

  /**
   * Refuses new work from now on (PoolClosedError); with `cancelPending`, cancels the queued
   * tasks. Resolves once every task has settled.
   */
  close(options) {
    try {
      Runner.#open(this, "close");
      const read = readOptions(options, ["cancelPending"], "close's options");
      return this.#executor.close({ cancelPending: Boolean(read.cancelPending) });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * What the runner has done: tasks queued, running, completed, failed and cancelled; run
   * and queue-wait time percentiles (ms, last 4096 tasks); wasm memory in use.
   */
  stats() {
    Runner.#open(this, "stats");
    return { ...this.#executor.stats(), memory: core.memoryUsage() };
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

  /** `await using runner = new Runner()`: closes (waiting for every task), then frees. */
  async [Symbol.asyncDispose ?? Symbol.for("Symbol.asyncDispose")]() {
    if (Runner.#isRunner(this) && this.#core !== undefined) await this.close();
    this.free();
  }
}

/**
 * The loop behind Runner.mapAsync: the I/O scheduler calls `fn` through the function source;
 * values come back in batches and wait in `ready` until the loop takes them. A call starts
 * only while fewer than `buffer` values wait, so a slow loop slows the calls, not memory.
 */
async function* mapAsyncValues({ io, items, fn, spec, buffer, timeoutMs, ordered, signal }) {
  const list = [];
  if (typeof items[Symbol.asyncIterator] === "function") for await (const item of items) list.push(item);
  else for (const item of items) list.push(item);
  if (list.length === 0) return;
  const controller = new AbortController();
  const stop = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
  const ready = new Map(); // index -> result (ordered), or arrival order (unordered)
  const arrived = [];
  let waiting = 0; // values delivered and not yet taken by the loop
  const roomWaiters = [];
  let wake = null;
  let ended = false;
  let endError = null;
  const call = (index, context) => {
    // The common case costs one call: room in the buffer, no timeout of our own.
    if (waiting < buffer && timeoutMs === undefined) return fn(list[index], context);
    return callLater(index, context);
  };
  const callLater = async (index, { signal: callSignal, attempt }) => {
    while (waiting >= buffer) await new Promise((resolve) => roomWaiters.push(resolve));
    if (callSignal.aborted) throw callSignal.reason ?? typedError("AbortError", "mapAsync was stopped");
    if (timeoutMs === undefined) return fn(list[index], { signal: callSignal, attempt, index });
    // The attempt's time counts from here, not from the wait for room.
    const attemptController = new AbortController();
    const attemptSignal = AbortSignal.any([callSignal, attemptController.signal]);
    let timer;
    const timedOut = new Promise((_, reject) => {
      timer = setTimeout(() => {
        const error = typedError("TimeoutError", `item ${index} took longer than ${timeoutMs} ms`);
        attemptController.abort(error);
        reject(error);
      }, timeoutMs);
    });
    try {
      return await Promise.race([fn(list[index], { signal: attemptSignal, attempt, index }), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  };
  const job = io({ ...spec, source: "function", calls: list.length, call, batchSize: Math.min(100, buffer) },
    {
      signal: stop,
      onBatch: (results) => {
        for (const result of results) {
          waiting += 1;
          if (ordered) ready.set(result.index, result);
          else arrived.push(result);
        }
        wake?.();
        wake = null;
      },
    });
  job.then(() => { ended = true; }, (err) => { ended = true; endError = err; })
    .finally(() => { wake?.(); wake = null; });
  const take = (result) => {
    waiting -= 1;
    if (waiting < buffer) for (const resume of roomWaiters.splice(0)) resume();
    if (!result.ok) {
      const error = typedError("CallFailedError",
        `item ${result.index} failed after ${result.attempts} attempt${result.attempts > 1 ? "s" : ""}: ${result.error}; err.cause is what fn threw`,
        result.cause);
      error.index = result.index;
      error.attempts = result.attempts;
      throw error;
    }
    return result.value;
  };
  try {
    for (let next = 0; next < list.length;) {
      let result;
      while ((result = ordered ? ready.get(next) : arrived.shift()) === undefined) {
        if (ended) {
          throw endError ?? typedError("AbortError", "mapAsync stopped before every item was called");
        }
        await new Promise((resolve) => { wake = resolve; });
      }
      if (ordered) ready.delete(next);
      next += 1;
      yield take(result);
    }
  } finally {
    controller.abort(typedError("AbortError", "mapAsync was stopped before its items ran out"));
    for (const resume of roomWaiters.splice(0)) resume();
    await job.catch(() => {});
  }
}

/** The loop behind Runner.map: chunks of inputs in flight, results yielded as they come. */
async function* mapChunks({ executor, send, inputs, chunkSize, concurrency, buffer, ordered, signal }) {
  const controller = new AbortController();
  const stop = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
  const isAsync = typeof inputs[Symbol.asyncIterator] === "function";
  const iterator = isAsync ? inputs[Symbol.asyncIterator]() : inputs[Symbol.iterator]();
  let exhausted = false;
  let held = 0;
  const inflight = [];
  try {
    for (;;) {
      while (!exhausted && inflight.length < concurrency && (held === 0 || held + chunkSize <= buffer)) {
        const items = [];
        while (items.length < chunkSize) {
          const next = isAsync ? await iterator.next() : iterator.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          items.push(next.value);
        }
        if (items.length === 0) break;
        held += items.length;
        const task = executor.enqueue((taskSignal) => send(items, taskSignal),
          { signal: stop, limited: false });
        inflight.push(task);
      }
      if (inflight.length === 0) return;
      let task;
      if (ordered) {
        task = inflight.shift();
        await task.then(() => {}, () => {});
      } else {
        // Wrapped: a Task is a thenable, which a Promise would unwrap into its value.
        [task] = await Promise.race(inflight.map((t) => t.then(() => [t], () => [t])));
        inflight.splice(inflight.indexOf(task), 1);
      }
      if (task.status !== "fulfilled") throw task.error;
      const results = task.value;
      for (let i = 0; i < results.length; i++) {
        const result = results[i];
        if (result instanceof Error) throw result;
        held -= 1;
        yield result;
      }
    }
  } finally {
    controller.abort(typedError("AbortError", "map was stopped before its inputs ran out"));
    for (const task of inflight) task.cancel();
    if (!exhausted) await iterator.return?.();
  }
}
