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
      read = submitOptions(options, ["transfer"]);
      if (typeof fn !== "string") throw invalid(`the task's name must be a string, got ${typeof fn}`, "fn");
      args = args === undefined ? [] : args;
      if (!Array.isArray(args)) throw invalid("the task's arguments must be an array", "args");
      if (read.transfer !== undefined && !Array.isArray(read.transfer)) {
        throw invalid("option \"transfer\" must be an array of transferables (ArrayBuffer, MessagePort, ...)", "transfer");
      }
    } catch (error) {
      return this.#executor.rejected(error);
    }
    const { transfer = [], onProgress, ...scheduling } = read;
    if (onProgress === undefined) {
      // The executor's control object gets the task's abort (cancel, deadline).
      return this.#executor.enqueue((control, timeoutMs) => this.#workers.run({ fn, args }, { transfer, control, timeoutMs }),
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
      return this.#workers.run({ fn, args }, {
        transfer, signal: AbortSignal.any([signal, stopped.signal]), timeoutMs, onEvent,
      });
    }, { ...scheduling, limited });
  }

  /**
   * Calls `fn(item)` for every item of `items` (an iterable or async iterable) on the workers
   * and yields the values lazily: in order, or as they finish with `ordered: false`.
   * `concurrency` (default: the pool's size) tasks at once, at most `buffer` held; breaking
   * out of the loop, or aborting `signal`, stops the rest; a failure is thrown where its
   * value would be.
   */
  map(fn, items, options) {
    const read = readOptions(options, ["ordered", "concurrency", "buffer", "signal"], "map's options");
    if (typeof fn !== "string") throw invalid(`the task's name must be a string, got ${typeof fn}`, "fn");
    iterableOption(items, "items", "map's items");
    signalOption(read.signal);
    const concurrency = wholeOption(read.concurrency, "concurrency", 1, 4096, this.size);
    const buffer = wholeOption(read.buffer, "buffer", 1, 1e9, 2 * concurrency);
    const send = (chunk, signal) => Promise.all(chunk.map((item) =>
      this.#workers.run({ fn, args: [item] }, { signal }).catch((error) => {
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

  /** The queue's counts and times, and `workers`: each worker's state, tasks and age. */
  stats() {
    const pool = this.#workers.stats();
    return { ...this.#executor.stats(), pool };
  }

  async [Symbol.asyncDispose ?? Symbol.for("Symbol.asyncDispose")]() {
    await this.close();
  }
}
