// createWorkerPool: the app's own JS functions on isolated workers (Python's
// ProcessPoolExecutor for JS), with the executor's vocabulary: submit → Task, map, group,
// asCompleted/wait, close, `await using`. A task past its time, or cancelled while it runs,
// has its worker terminated and replaced; a worker that crashes takes only its task down.
import { IsolatedWorkers } from "../workers/isolated.js";
import { describeThrown, invalid, typedError } from "../errors.js";
import { DEFAULT_MAX_QUEUE, Executor } from "../executor/executor.js";
import { TaskGroup } from "../executor/group.js";
import { mapChunks } from "../executor/map.js";
import { iterableOption, readOptions, signalOption, submitOptions, wholeOption } from "../options.js";
import { MESSAGE } from "../protocol.js";
import { cores as runtimeCores, host } from "../runtimes/host.js";
import { itemsTimeline } from "../timeline/timeline.js";
import { copiedBytes } from "../backends/processes.js";

/** Tasks a worker pool's timeline keeps: the latest ones. */
const TIMELINE_TASKS = 10_000;

/** A worker made from a task module's URL (task.js's protocol). */
function createTaskWorker() {
  if (host.createWorker !== null) return host.createWorker("webpar-task.js", { name: "webpar-task" });
  return new Worker(new URL("../webpar-task.js", import.meta.url), { type: "module", name: "webpar-task" });
}

/**
 * A pool of isolated workers running the app's task functions. `source` is the URL of an ES
 * module whose exported functions are the tasks (`new URL("../tasks.js", import.meta.url)`),
 * or, in a bundled app, a function returning a new module Worker whose script calls
 * `serve({ ...tasks })` from "webpar/task". Options: `size` (default
 * navigator.hardwareConcurrency), `maxQueue` (default 10000), `idleTimeoutMs` (default
 * 30000: an idle worker is let go after it), `minSize` (workers kept, default 0).
 */
export function createWorkerPool(source, options) {
  const read = readOptions(options, ["size", "maxQueue", "idleTimeoutMs", "minSize"], "createWorkerPool's options");
  const size = wholeOption(read.size, "size", 1, 256, runtimeCores());
  const settings = {
    size,
    maxQueue: wholeOption(read.maxQueue, "maxQueue", 0, 1e9, DEFAULT_MAX_QUEUE),
    idleTimeoutMs: wholeOption(read.idleTimeoutMs, "idleTimeoutMs", 0, 86_400_000, 30_000),
    minSize: wholeOption(read.minSize, "minSize", 0, size, 0),
  };
  let spawn;
  let start;
  if (typeof source === "function") {
    spawn = () => {
      const worker = source();
      if (typeof Worker === "undefined" || !(worker instanceof Worker)) {
        throw invalid("createWorkerPool's function must return a new Worker", "source");
      }
      return worker;
    };
    start = {};
  } else if (source instanceof URL || typeof source === "string") {
    let url;
    try {
      url = new URL(source, globalThis.location?.href).href;
    } catch (error) {
      throw invalid(`createWorkerPool's source ${JSON.stringify(String(source))} is not a URL`, "source", error);
    }
    spawn = createTaskWorker;
    start = { url };
  } else {
    throw invalid("createWorkerPool needs the URL of a task module, or a function returning a new module Worker", "source");
  }
  return new WorkerPool(spawn, start, settings);
}

export class WorkerPool {
  #workers;
  #executor;
  /** Tasks submitted with `timeline: true`: `{ index, fn, at }` (`at`: onTimes' times). */
  #recorded = [];
  #recordedCount = 0;

  /** Use createWorkerPool. */
  constructor(spawn, start, { size, maxQueue, idleTimeoutMs, minSize }) {
    this.#workers = new IsolatedWorkers({
      size, minSize, idleTimeoutMs, what: "worker pool", spawn,
      startMessage: () => ({ message: { type: MESSAGE.start, ...start } }),
    });
    this.#executor = new Executor({ maxQueue, maxRunning: size });
  }

  /** Workers at most. */
  get size() {
    return this.#workers.size;
  }

  /**
   * Calls the task function `fn` with `args` on a worker and returns its Task at once.
   * Options: `transfer` (buffers the caller gives up), `signal`, `timeoutMs` (from start; the
   * worker is terminated and replaced), `deadlineMs`, `priority`, `onProgress(value)` (what
   * the task sends with progress(value)). The task's error comes back with its name, message
   * and stack; a crash of its worker rejects with EngineCrashedError.
   */
  submit(fn, args, options) {
    return this.#submit(fn, args, options, true);
  }

  #submit(fn, args, options, limited) {
    let read;
    try {
      read = submitOptions(options, ["transfer", "timeline"]);
      if (read.timeline !== undefined && typeof read.timeline !== "boolean") {
        throw invalid(`option "timeline" must be true or false, got ${typeof read.timeline}`, "timeline");
      }
      if (typeof fn !== "string") throw invalid(`the task's name must be a string, got ${typeof fn}`, "fn");
      args = args === undefined ? [] : args;
      if (!Array.isArray(args)) throw invalid("the task's arguments must be an array", "args");
      if (read.transfer !== undefined && !Array.isArray(read.transfer)) {
        throw invalid("option \"transfer\" must be an array of transferables (ArrayBuffer, MessagePort, ...)", "transfer");
      }
    } catch (error) {
      return this.#executor.rejected(error);
    }
    const { transfer = [], onProgress, timeline, ...scheduling } = read;
    // On the pool's timeline: when the task was posted, ran and was answered, and where.
    const payload = timeline ? { fn, args, timeline: true } : { fn, args };
    const onTimes = timeline ? (at) => this.#record(fn, at) : undefined;
    if (onProgress === undefined) {
      // The executor's control object gets the task's abort (cancel, deadline).
      return this.#executor.enqueue((control, timeoutMs) => this.#workers.run(payload, { transfer, control, timeoutMs, onTimes }),
        { ...scheduling, limited, direct: true });
    }
    return this.#executor.enqueue((signal, _fraction, timeoutMs) => {
      // As on Runner: a progress callback that throws stops the task (its worker is replaced)
      // and the Task rejects with CallbackError, err.cause being what it threw.
      const stopped = new AbortController();
      const onEvent = (value) => {
        if (stopped.signal.aborted) return;
        try {
          onProgress(value);
        } catch (thrown) {
          stopped.abort(typedError("CallbackError",
            `onProgress threw (${describeThrown(thrown)}); the task was stopped; err.cause is what it threw`, thrown));
        }
      };
      return this.#workers.run(payload, {
        transfer, signal: AbortSignal.any([signal, stopped.signal]), timeoutMs, onEvent, onTimes,
      });
    }, { ...scheduling, limited });
  }

  /**
   * Calls `fn(item)` for every item of `items` (an iterable or async iterable) on the workers
   * and yields the values lazily: in order, or as they finish with `ordered: false`.
   * `concurrency` (default: the pool's size) tasks at once, at most `buffer` held; breaking
   * out of the loop, or aborting `signal`, stops the rest; a failure is thrown where its
   * value would be. `timeline: true` records each task on the pool's timeline().
   */
  map(fn, items, options) {
    const read = readOptions(options, ["ordered", "concurrency", "buffer", "signal", "timeline"], "map's options");
    if (typeof fn !== "string") throw invalid(`the task's name must be a string, got ${typeof fn}`, "fn");
    iterableOption(items, "items", "map's items");
    signalOption(read.signal);
    if (read.timeline !== undefined && typeof read.timeline !== "boolean") {
      throw invalid(`option "timeline" must be true or false, got ${typeof read.timeline}`, "timeline");
    }
    const concurrency = wholeOption(read.concurrency, "concurrency", 1, 4096, this.size);
    const buffer = wholeOption(read.buffer, "buffer", 1, 1e9, 2 * concurrency);
    const onTimes = read.timeline ? (at) => this.#record(fn, at) : undefined;
    const send = (chunk, signal) => Promise.all(chunk.map((item) =>
      this.#workers.run(read.timeline ? { fn, args: [item], timeline: true } : { fn, args: [item] }, { signal, onTimes }).catch((error) => {
        if (error?.name === "PoolBrokenError" || error?.name === "PoolClosedError") throw error;
        return error instanceof Error ? error : typedError("Error", String(error));
      })));
    return mapChunks({
      executor: this.#executor, send, inputs: items, chunkSize: 1, concurrency, buffer,
      ordered: read.ordered ?? true, signal: read.signal,
    });
  }

  /** A TaskGroup: `group.submit(fn, args, options)`; see Runner.group. */
  group(options) {
    const read = readOptions(options, ["cancelOnFailure"], "group's options");
    return new TaskGroup((fn, args, opts) => this.#submit(fn, args, opts, true), read, ["transfer"]);
  }

  /** Resolves once a submit would be queued rather than refused with QueueFullError. */
  capacity(options) {
    return this.#executor.capacity(options);
  }

  /**
   * Starts every worker now, and resolves once they are ready (otherwise they start on
   * demand); rejects with PoolNotReadyError if one fails to start.
   */
  warm() {
    return this.#workers.warm();
  }

  /**
   * Refuses new tasks (PoolClosedError); with `cancelPending`, cancels the queued ones.
   * Resolves once every task has settled, then terminates the workers.
   */
  async close(options) {
    const read = readOptions(options, ["cancelPending"], "close's options");
    await this.#executor.close({ cancelPending: Boolean(read.cancelPending) });
    this.#workers.close();
  }

  /** fn and argument bytes -> a probe's times (work, send, answer in ms). */
  #probes = new Map();

  /**
   * Predicts, before you run many of them, what running `tasks` (default: the pool's size)
   * calls of `fn` with arguments like `args` on the pool gives against running them one
   * after another where the data is, without copies: `{ mode: "pool" | "page", speedup,
   * interval, predictedMs, sequentialMs, bytes, threads, probed, reasons }`. A task of `fn`
   * with arguments of this size never seen is run once, with `args`, to measure it (its
   * work, and the copies and messages each way); `signal` and `timeoutMs` control that run.
   */
  async advise(fn, args, options) {
    const read = readOptions(options, ["tasks", "signal", "timeoutMs"], "advise's options");
    if (typeof fn !== "string") throw invalid(`the task's name must be a string, got ${typeof fn}`, "fn");
    if (args !== undefined && !Array.isArray(args)) throw invalid("the task's arguments must be an array", "args");
    const tasks = wholeOption(read.tasks, "tasks", 1, 1e9, this.size);
    const bytes = copiedBytes(args ?? []);
    const key = `${fn}:${bytes}`;
    let probed = false;
    if (!this.#probes.has(key)) {
      let at;
      await this.#workers.run({ fn, args: args ?? [], timeline: true }, {
        signal: read.signal, timeoutMs: read.timeoutMs, onTimes: (times) => { at = times; },
      });
      if (at === undefined) throw typedError("PoolNotReadyError", "the probe's task answered without its times");
      this.#probes.set(key, { work: at.replied - at.received, send: at.received - at.posted, answer: at.answered - at.replied });
      probed = true;
    }
    const { work, send, answer } = this.#probes.get(key);
    const workers = Math.min(this.size, tasks);
    const sequentialMs = tasks * work;
    // Each worker takes its share of the tasks; each task pays its copies and messages.
    const predictedMs = Math.ceil(tasks / workers) * (send + work + answer);
    const speedup = sequentialMs / Math.max(1e-6, predictedMs);
    const mode = speedup >= 1.1 ? "pool" : "page";
    const fmt = (ms) => (ms >= 10 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(1) : ms.toFixed(2));
    const reasons = [`A task of ${fn} with ${(bytes / (1 << 20)).toFixed(1)} MB of arguments took ~${fmt(work)} ms of work on a worker, ` +
      `~${fmt(send)} ms to get there and ~${fmt(answer)} ms to come back.`];
    if (send + answer > work) {
      reasons.push(`The copies and messages (~${fmt(send + answer)} ms) cost more than the work (~${fmt(work)} ms)` +
        (mode === "page" ? ": run it on the page, or move its buffers with transfer instead of copying them." : "."));
    }
    reasons.push(`Predicted: ${tasks} task${tasks === 1 ? "" : "s"} in ~${fmt(predictedMs)} ms on ${workers} worker${workers === 1 ? "" : "s"}, ` +
      `${speedup.toFixed(2)}× as fast as one after another without copies: ${mode === "pool" ? "run them on the pool" : "the pool does not pay here"}.`);
    return {
      task: fn, backend: "pool", mode, threads: workers, speedup, interval: [speedup * 0.8, speedup * 1.15],
      predictedMs, sequentialMs, bytes, probed, reasons,
    };
  }

  #record(fn, at) {
    this.#recorded.push({ index: this.#recordedCount++, fn, at });
    if (this.#recorded.length > TIMELINE_TASKS) this.#recorded.shift();
  }

  /**
   * The timeline of the tasks submitted with `timeline: true` (the latest 10,000), in the
   * shape of a run's: one lane per worker that ran one, each task a chunk (`index`: the order
   * the tasks were recorded in, `task`: its function's name) from when its worker took it to
   * when it answered, and per task the phases "send" (its arguments copied and posted) and
   * "answer" (its value copied and posted back), on the page's clock. `clear: true` forgets
   * them afterwards.
   */
  timeline(options) {
    const read = readOptions(options, ["clear"], "timeline's options");
    const timeline = itemsTimeline(this.#recorded.map(({ index, fn, at }) => ({ index, at, task: fn })));
    if (read.clear) this.#recorded = [];
    return timeline;
  }

  /** The queue's counts and times, and `workers`: each worker's state, tasks and age. */
  stats() {
    const pool = this.#workers.stats();
    return { ...this.#executor.stats(), pool };
  }

  async [Symbol.asyncDispose ?? Symbol.for("Symbol.asyncDispose")]() {
    await this.close();
  }
}
