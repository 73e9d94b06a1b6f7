// Runner: the jobs of the CPU backends and the I/O scheduler, behind the executor (submit,
// map, group, close, stats). A guard around the generated class: the generated methods throw
// a plain "null pointer passed to rust" synchronously when called on a freed runner or with
// another `this`; here every Promise-returning method rejects instead, with a typed error that
// says what to do, and `free()` may be called twice. A Runner made before `init` starts webpar
// itself, as `init()` would.
import * as core from "../webpar_core.js";
import { adopt, invalid, typedError } from "../errors.js";
import { DEFAULT_MAX_QUEUE, Executor } from "../executor/executor.js";
import { TaskGroup } from "../executor/group.js";
import { mapChunks } from "../executor/map.js";
import { iterableOption, readOptions, signalOption, submitOptions, timeOption, wholeOption } from "../options.js";
import { capabilities, current, processPool } from "../backends/backend.js";
import { callThreads, engine, isInstantiated, splitsOf } from "../backends/engine.js";
import { intoTarget } from "../backends/processes.js";
import { batchesTimeline, itemsTimeline, withCallerPhases } from "../timeline/timeline.js";
import { advise, learn } from "./advise.js";
import { init } from "./start.js";
import { cores as runtimeCores } from "../runtimes/host.js";

/**
 * Where a job of `options.mode` goes: "processes" when it asks for processes, or when the
 * backend is processes or sequential; else the thread pool. Reads `mode` once; a throwing
 * getter is left for the options' own check to report.
 */
function routeOf(options) {
  let mode;
  try {
    mode = options?.mode;
  } catch {
    return { pool: false };
  }
  const backend = current()?.backend;
  if (mode === "processes") return { pool: true, mode: "processes" };
  if (backend === "processes" || backend === "sequential") {
    // The sequential backend's pool is the page itself: "processes" there means slices.
    if (mode === undefined || mode === "parallel") return { pool: true, mode: "processes" };
    if (mode === "sequential") return { pool: true, mode: "sequential" };
  }
  return { pool: false };
}

/** The test-only `crashForTests` of a job on the thread pool, read once; undefined if absent. */
function crashOption(options) {
  let kind;
  try {
    kind = options?.crashForTests;
  } catch {
    return undefined;
  }
  if (kind !== undefined && !["panic", "unreachable", "oom"].includes(kind)) {
    throw invalid("option \"crashForTests\" (tests of crash recovery only) must be \"panic\", \"unreachable\" or \"oom\"", "crashForTests");
  }
  return kind;
}

/** Reads the options of a job on the process pool (those of Runner.run, and `transfer`). */
function processOptions(options, mode) {
  const read = readOptions(options,
    ["mode", "repeats", "signal", "timeoutMs", "onProgress", "transfer", "crashForTests", "timeline"], "run's options");
  if (read.onProgress !== undefined && typeof read.onProgress !== "function") {
    throw invalid("option \"onProgress\" must be a function", "onProgress");
  }
  timeOption(read.timeoutMs, "timeoutMs");
  if (read.transfer !== undefined && !Array.isArray(read.transfer)) {
    throw invalid("option \"transfer\" must be an array of ArrayBuffers the caller gives up", "transfer");
  }
  crashOption(read);
  if (read.timeline !== undefined && typeof read.timeline !== "boolean") {
    throw invalid(`option "timeline" must be true or false, got ${typeof read.timeline}`, "timeline");
  }
  return {
    mode,
    timeline: read.timeline,
    repeats: wholeOption(read.repeats, "repeats", 1, 1000, 1),
    signal: signalOption(read.signal),
    timeoutMs: read.timeoutMs,
    onProgress: read.onProgress,
    transfer: read.transfer ?? [],
    crashForTests: read.crashForTests,
  };
}

/** The options of submit beyond the executor's own (signal, timeoutMs, deadlineMs, priority, onProgress). */
const SUBMIT_OPTIONS = ["mode", "timeline"];
/** run's: submit's, and what a run on isolated workers takes. */
const RUN_OPTIONS = ["mode", "repeats", "transfer", "crashForTests", "timeline"];

/** Splits read options into the executor's (scheduling) and the job's own. */
function splitOptions(read, extra) {
  const { signal, timeoutMs, deadlineMs, priority, onProgress } = read;
  return {
    scheduling: { signal, timeoutMs, deadlineMs, priority, onProgress },
    own: Object.fromEntries(extra.map((key) => [key, read[key]])),
  };
}

/** `options` without its undefined entries: the engine refuses keys it does not know. */
function defined(options) {
  for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];
  return options;
}

/** Set by Runner's static block: see runnerInternals. */
let internals;

/**
 * What the package's other entry points (webpar/bench, webpar/lab) need of a Runner: its
 * generated runner (`open(method)`) and its way of calling a Promise-returning method
 * (`promise(method, call)`: nothing throws, a Runner made before init waits for the start).
 * Not exported by any entry point. A value that is not a Runner is refused with
 * InvalidParamsError naming `param`.
 */
export function runnerInternals(runner, method, param = "runner") {
  if (!internals.isRunner(runner)) {
    throw invalid(`${method} needs a Runner as its first argument (new Runner()), got ${runner === null ? "null" : typeof runner}`, param);
  }
  return internals(runner);
}

/**
 * Calls `call(internals, generated)` as the Promise-returning method `method` of `runner`
 * (see runnerInternals): a value that is not a Runner rejects, and nothing throws.
 */
export function onRunner(runner, method, call) {
  let internals;
  try {
    internals = runnerInternals(runner, method);
  } catch (error) {
    return Promise.reject(error);
  }
  return internals.promise(method, (generated) => call(internals, generated));
}

/** Marks a Runner made before webpar started: its generated runner comes once init resolves. */
const STARTING = Symbol("starting");

export class Runner {
  /** The generated runner; STARTING until webpar started; undefined once freed. */
  #core;
  /** Resolves once the generated runner is made (a Runner made before init); else null. */
  #starting = null;
  /** The engine generation #core belongs to: after a restart a new one is made. */
  #generation = engine.generation;
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
    const cores = runtimeCores();
    this.#executor = new Executor({
      maxQueue: wholeOption(read.maxQueue, "maxQueue", 0, 1e9, DEFAULT_MAX_QUEUE),
      maxRunning: wholeOption(read.maxRunning, "maxRunning", 1, 4096, Math.max(4, 4 * cores)),
    });
    if (isInstantiated()) {
      this.#core = new core.Runner();
      return;
    }
    // Made before init: start webpar as `init()` would, and make the generated runner once it
    // has started. Jobs submitted meanwhile wait; a failed start rejects them.
    this.#core = STARTING;
    this.#starting = init().then(() => {
      this.#starting = null;
      if (this.#core === STARTING) {
        this.#core = new core.Runner();
        this.#generation = engine.generation;
      }
    });
    // Whoever awaits it sees the failure; the Runner itself must not leave an unhandled one.
    this.#starting.catch(() => {});
  }

  /** Resolves once the Runner can work: at once, or when the start it made has finished. */
  static #ready(self) {
    return self.#starting ?? Promise.resolve();
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
    if (self.#core === STARTING) {
      throw typedError("PoolNotReadyError",
        `runner.${method}() needs webpar started, and it is still starting: await init() before calling it`);
    }
    if (self.#generation !== engine.generation) {
      self.#core = new core.Runner();
      self.#generation = engine.generation;
    }
    return self.#core;
  }

  static {
    internals = (runner) => ({
      open: (method) => Runner.#open(runner, method),
      promise: (method, call) => Runner.#promise(runner, method, call),
    });
    internals.isRunner = (value) => Runner.#isRunner(value);
  }

  static #isRunner(self) {
    return self !== null && (typeof self === "object" || typeof self === "function") &&
      #core in self;
  }

  /** Calls a Promise-returning method: whatever goes wrong rejects, nothing throws. */
  static #promise(self, method, call) {
    if (Runner.#isRunner(self) && self.#core === STARTING) {
      return Runner.#ready(self).then(() => Runner.#promise(self, method, call));
    }
    try {
      const runner = Runner.#open(self, method);
      if (self.#executor.closed) {
        throw typedError("PoolClosedError",
          `runner.${method}() was called after runner.close(); make a new Runner() to go on`);
      }
      return call(runner);
    } catch (error) {
      return Promise.reject(adopt(error));
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

  #submit(method, name, params, options, limited, extra = SUBMIT_OPTIONS) {
    if (Runner.#isRunner(this) && this.#core === STARTING) {
      return this.#submitStarting(method, name, params, options, limited, extra);
    }
    let read;
    try {
      const runner = Runner.#open(this, method);
      read = submitOptions(options, extra, `${method}'s options`);
      // Bad input fails now, before it waits in the queue (a run waits for its result anyway,
      // and checks it where it runs: no second read of a large input).
      if (!this.#executor.closed && method !== "run") runner.validate(name, params);
    } catch (error) {
      return this.#executor.rejected(adopt(error));
    }
    const { scheduling, own } = splitOptions(read, extra);
    return this.#executor.enqueue((signal, onProgress, timeoutMs) => {
      Runner.#open(this, method);
      return Runner.#route(() => Runner.#open(this, method), name, params, defined({ ...own, signal, timeoutMs, onProgress }));
    }, { ...scheduling, limited });
  }

  /** #submit of a Runner made before init: the input is checked once webpar has started. */
  #submitStarting(method, name, params, options, limited, extra) {
    let read;
    try {
      read = submitOptions(options, extra, `${method}'s options`);
    } catch (error) {
      return this.#executor.rejected(adopt(error));
    }
    const { scheduling, own } = splitOptions(read, extra);
    return this.#executor.enqueue(async (signal, onProgress, timeoutMs) => {
      await Runner.#ready(this);
      try {
        Runner.#open(this, method).validate(name, params);
      } catch (error) {
        throw adopt(error);
      }
      return Runner.#route(() => Runner.#open(this, method), name, params, defined({ ...own, signal, timeoutMs, onProgress }));
    }, { ...scheduling, limited });
  }

  /** Like #open, for methods that may be called while the Runner's own start is under way. */
  static #check(self, method) {
    if (Runner.#isRunner(self) && self.#core === STARTING) return;
    Runner.#open(self, method);
  }

  /**
   * Runs workload `name` on every input of `inputs` (an iterable or async iterable of params
   * or `{ input }` objects) and yields the results lazily (executor.map): the real output of
   * an input, the checksum of generated params. `chunkSize` inputs go to the pool per hop
   * (default 1; raise it for tiny tasks), `concurrency` chunks at once (default maxRunning),
   * at most `buffer` inputs and results held (default 2 x concurrency x chunkSize).
   * `ordered: false` yields in completion order. Breaking out of the loop, or aborting
   * `signal`, stops the rest; an input's failure is thrown where its result would be.
   * `timeline: true` gives the iterable a `timeline()`: what ran so far, one lane per thread
   * (each chunk of inputs a pass, its runs of items the chunks) or per isolated worker.
   */
  map(name, inputs, options) {
    const read = readOptions(options,
      ["ordered", "chunkSize", "concurrency", "buffer", "signal", "mode", "timeline"], "map's options");
    Runner.#check(this, "map");
    if (read.timeline !== undefined && typeof read.timeline !== "boolean") {
      throw invalid(`option "timeline" must be true or false, got ${typeof read.timeline}`, "timeline");
    }
    // With timeline: true, each batch's timeline (threads) or each item's times (isolated workers).
    const batches = [];
    const items = [];
    const chunkSize = wholeOption(read.chunkSize, "chunkSize", 1, 1 << 20, 1);
    const concurrency = wholeOption(read.concurrency, "concurrency", 1, 4096, this.#executor.maxRunning);
    const buffer = wholeOption(read.buffer, "buffer", 1, 1e9, 2 * concurrency * chunkSize);
    signalOption(read.signal);
    iterableOption(inputs, "inputs", "map's inputs");
    const executor = this.#executor;
    // Where the chunks go is known once webpar has started (a Runner made before init).
    let route = this.#starting === null ? routeOf({ mode: read.mode }) : null;
    const send = (chunk, signal) => {
      if (route === null) {
        return Runner.#ready(this).then(() => {
          route = routeOf({ mode: read.mode });
          return send(chunk, signal);
        });
      }
      if (route.pool) {
        Runner.#open(this, "map");
        const onTimes = read.timeline ? (at) => items.push({ index: items.length, at }) : undefined;
        return processPool(splitsOf).then((pool) => pool.runBatch(name, chunk, { signal, onTimes }));
      }
      return callThreads(() => Runner.#open(this, "map"), "runBatch", [name, chunk], { mode: read.mode, signal, timeline: read.timeline })
        .then((results) => {
          if (results?.timeline) batches.push(results.timeline);
          return results;
        });
    };
    const mapped = mapChunks({
      executor, send, inputs, chunkSize, concurrency, buffer,
      ordered: read.ordered ?? true, signal: read.signal,
    });
    if (read.timeline) {
      // What ran so far: one lane per thread (each batch a pass) or per isolated worker.
      mapped.timeline = () => (route?.pool ? itemsTimeline(items) : batchesTimeline(batches));
    }
    return mapped;
  }

  /**
   * Calls the app's async `fn(item, { signal, attempt, index })` for every item on the I/O
   * scheduler (p-map + p-limit + p-retry in one) and yields the values lazily: in input order
   * (default) or, with `ordered: false`, as they come. Options: `concurrency` (default 100),
   * `ratePerSec`, `retries` and `retryBaseMs` (exponential backoff; an AbortError is not
   * retried), `attemptTimeoutMs` (one attempt's limit: its signal aborts), `timeoutMs` (the
   * whole call's: the loop throws TimeoutError and the calls stop), `buffer` (most values
   * held for the loop, default 1000), `signal`. A call that fails for good throws CallFailedError
   * (`cause`: what `fn` threw; `index`, `attempts`) where its value would be, and stops the
   * rest; breaking out of the loop stops them too.
   */
  mapAsync(items, fn, options) {
    const read = readOptions(options, ["concurrency", "ratePerSec", "retries", "retryBaseMs",
      "attemptTimeoutMs", "timeoutMs", "ordered", "buffer", "signal", "admitChunk"], "mapAsync's options");
    Runner.#check(this, "mapAsync");
    if (typeof fn !== "function") {
      throw invalid(`mapAsync needs an async function of (item, { signal, attempt, index }), got ${typeof fn}`, "fn");
    }
    iterableOption(items, "items", "mapAsync's items");
    signalOption(read.signal);
    const buffer = wholeOption(read.buffer, "buffer", 1, 1e9, 1000);
    const timeoutMs = timeOption(read.attemptTimeoutMs, "attemptTimeoutMs");
    const callTimeoutMs = timeOption(read.timeoutMs, "timeoutMs");
    const spec = {
      concurrency: read.concurrency, ratePerSec: read.ratePerSec, retries: read.retries,
      retryBaseMs: read.retryBaseMs, admitChunk: read.admitChunk,
    };
    for (const key of Object.keys(spec)) if (spec[key] === undefined) delete spec[key];
    const io = (full, options) => Runner.#ready(this)
      .then(() => engine.call(() => Runner.#open(this, "mapAsync").io(full, options)));
    return mapAsyncValues({ io, items, fn, spec, buffer, timeoutMs, callTimeoutMs, ordered: read.ordered ?? true, signal: read.signal });
  }

  /**
   * A TaskGroup (asyncio.TaskGroup): `group.submit(...)` like runner.submit; the first
   * failure cancels the others (unless `cancelOnFailure: false`, gather's way); `await
   * group.join()` (or `await using`) rejects with an AggregateError of the failures;
   * `group.settled()` gives allSettled results instead.
   */
  group(options) {
    Runner.#check(this, "group");
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
      Runner.#check(this, "close");
      const read = readOptions(options, ["cancelPending"], "close's options");
      return this.#executor.close({ cancelPending: Boolean(read.cancelPending) });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * What the runner has done: tasks queued, running, completed, failed and cancelled; run
   * and queue-wait time percentiles (ms, last 4096 tasks); wasm memory in use; `engine`: the
   * threads engine's restarts after crashes (count, last restart's ms and cause, broken).
   */
  stats() {
    Runner.#open(this, "stats");
    const pool = current()?.pool;
    return {
      ...this.#executor.stats(), memory: core.memoryUsage(), engine: engine.stats(),
      ...(pool ? { processes: pool.stats() } : {}),
    };
  }

  /** The thread pool's size, or `undefined` while it is not running. */
  get threads() {
    const generated = Runner.#open(this, "threads");
    return current()?.frame ? current().threads : generated.threads;
  }

  /**
   * The backend CPU jobs run on: "threads", "frame", "processes" or "sequential" as init({ backend })
   * picked, "threads" once initThreadPool resolved without it, else undefined.
   */
  get backend() {
    Runner.#open(this, "backend");
    return current()?.backend ?? (this.threads !== undefined ? "threads" : undefined);
  }

  /** What this page can run, and for every check that failed, why (see capabilities()). */
  get capabilities() {
    Runner.#open(this, "capabilities");
    return current()?.capabilities ?? capabilities();
  }

  workloads() { return Runner.#open(this, "workloads").workloads(); }

  validate(name, params) {
    try {
      return Runner.#open(this, "validate").validate(name, params);
    } catch (error) {
      throw adopt(error);
    }
  }

  /**
   * Runs workload `name` (see the bindings' Runner.run). `mode` "processes" runs it on
   * isolated workers, on any backend; on the processes backend "parallel" means that too.
   * A run on processes also reports `parts`, `messages`, `bytesCopied` and
   * `bytesTransferred`, and takes `transfer` (buffers of the input the caller gives up).
   */
  run(name, params, options) {
    let auto;
    try {
      auto = options !== null && typeof options === "object" && options.mode === "auto";
    } catch (error) {
      return Promise.reject(invalid(`run's options threw while they were read (${error?.message}); err.cause is what they threw`, "options", error));
    }
    if (auto) return this.#runAuto(name, params, options);
    // Through the executor, as every job: limits, priority, stats and close apply to it.
    return Runner.#promise(this, "run", () => Promise.resolve(this.#submit("run", name, params, options, true, RUN_OPTIONS))
      .then((report) => {
        learn(name, params, report);
        return report;
      }));
  }

  /**
   * mode "auto": follows runner.advise. A job not seen before is first run sequentially (that
   * run measures it); when the advice is sequential, that run is the result. The run records
   * its timeline, which the next advice for the job learns from.
   */
  #runAuto(name, params, options) {
    return Runner.#promise(this, "run", async () => {
      let controls;
      try {
        controls = { signal: options.signal, timeoutMs: options.timeoutMs, onProgress: options.onProgress };
      } catch (error) {
        throw invalid(`run's options threw while they were read (${error?.message}); err.cause is what they threw`, "options", error);
      }
      const advice = await this.advise(name, params, controls);
      const { probe, ...told } = advice;
      if (probe !== undefined && advice.mode === "sequential" && (options.repeats ?? 1) === 1) {
        return { ...probe, advice: told };
      }
      // With its timeline: the next advice learns how its chunks ran side by side.
      const report = await this.run(name, params, { ...options, mode: advice.mode, timeline: true });
      return { ...report, advice: told };
    });
  }

  /**
   * Predicts what running workload `name` with `params` in parallel here gives, before it
   * runs: `{ mode, backend, threads, speedup, interval, predictedMs, sequentialMs, chunkSize,
   * probed, reasons }`. A job never seen here is first run once sequentially with its timeline
   * (`probed: true`; options `signal`, `timeoutMs` and `onProgress` control that run); the
   * prediction replays its chunks on the pool's threads (or isolated workers) with what this
   * page measured of the hop to the pool and of copies. Rejects as `run` does on bad input.
   */
  advise(name, params, options) {
    return Runner.#promise(this, "advise", async () => {
      const read = readOptions(options, ["signal", "timeoutMs", "onProgress"], "advise's options");
      signalOption(read.signal);
      timeOption(read.timeoutMs, "timeoutMs");
      if (read.onProgress !== undefined && typeof read.onProgress !== "function") {
        throw invalid("option \"onProgress\" must be a function", "onProgress");
      }
      this.validate(name, params);
      const { probe, ...advice } = await advise(this, name, params, read);
      return probe === undefined ? advice : Object.defineProperty(advice, "probe", { value: probe, enumerable: false });
    });
  }

  /**
   * Runs a job where its mode and the backend say: the thread pool, or the process pool.
   * `open()` gives the current generated runner (a new one after the engine restarted).
   */
  static #route(open, name, params, options) {
    const route = routeOf(options);
    if (!route.pool) {
      const crash = crashOption(options);
      // The frame backend: the job crosses to the engine in the threads frame.
      if (current()?.frame) {
        // Checked here, as the page's own engine would read it: a hostile input never crosses.
        try {
          open().validate(name, params);
        } catch (error) {
          return Promise.reject(adopt(error));
        }
        const called = performance.now();
        return callThreads(open, "run", [name, params], options)
          .then((report) => withCallerPhases(report, called, performance.now()))
          .then((report) => (report?.output === undefined ? report : { ...report, output: intoTarget(params, report.output) }));
      }
      let rest = options;
      if (crash !== undefined) {
        rest = { ...options };
        delete rest.crashForTests;
      }
      const called = performance.now();
      return engine.call(() => {
        const job = open().run(name, params, rest);
        if (crash !== undefined) core.crashPoolForTests(crash);
        return job;
      }).then((report) => withCallerPhases(report, called, performance.now()));
    }
    let read;
    try {
      read = processOptions(options, route.mode);
      open().validate(name, params);
    } catch (error) {
      throw adopt(error);
    }
    return processPool(splitsOf).then((pool) => pool.run(name, params, read));
  }

  /**
   * Runs an I/O job (see IoSpec) on the I/O scheduler, through the executor as every job.
   * Options: `signal`, `timeoutMs` (the whole job), `onProgress`, `onBatch`, `priority`,
   * `deadlineMs`.
   */
  io(spec, options) {
    return Runner.#promise(this, "io", () => {
      const read = submitOptions(options, ["onBatch"], "io's options");
      const { scheduling, own } = splitOptions(read, ["onBatch"]);
      return Promise.resolve(this.#executor.enqueue((signal, onProgress, timeoutMs) => engine.call(() =>
        Runner.#open(this, "io").io(spec, defined({ ...own, signal, timeoutMs, onProgress }))), { ...scheduling, limited: true }));
    });
  }
  /**
   * Frees the runner's wasm memory; later calls reject with RunnerFreedError, and a second
   * free() does nothing. Jobs already started go on and settle.
   */
  free() {
    const runner = Runner.#isRunner(this) ? this.#core : Runner.#open(this, "free");
    this.#core = undefined;
    // A runner of an engine since restarted is gone with that engine.
    if (runner !== STARTING && this.#generation === engine.generation) runner?.free();
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
async function* mapAsyncValues({ io, items, fn, spec, buffer, timeoutMs, callTimeoutMs, ordered, signal }) {
  const list = [];
  try {
    if (typeof items[Symbol.asyncIterator] === "function") for await (const item of items) list.push(item);
    else for (const item of items) list.push(item);
  } catch (error) {
    // What the app's iterator throws comes back as a CallbackError, as a throwing callback does.
    throw typedError("CallbackError", "mapAsync's items threw while they were iterated; err.cause is what they threw", error);
  }
  if (list.length === 0) return;
  const controller = new AbortController();
  const stop = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
  // The whole call's limit (timeoutMs): the calls stop, and the loop throws this.
  let timedOut = null;
  const callTimer = callTimeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = typedError("TimeoutError", `mapAsync took longer than its timeoutMs of ${callTimeoutMs} ms and was stopped`);
    controller.abort(timedOut);
  }, callTimeoutMs);
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
          throw timedOut ?? endError ?? typedError("AbortError", "mapAsync stopped before every item was called");
        }
        await new Promise((resolve) => { wake = resolve; });
      }
      if (ordered) ready.delete(next);
      next += 1;
      yield take(result);
    }
  } finally {
    clearTimeout(callTimer);
    controller.abort(typedError("AbortError", "mapAsync was stopped before its items ran out"));
    for (const resume of roomWaiters.splice(0)) resume();
    await job.catch(() => {});
  }
}
