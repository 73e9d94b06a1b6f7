// The executor vocabulary of Python's concurrent.futures and asyncio, the way JS expects it:
// tasks are thenables with an id, a status and cancel(); map is a lazy async iterable with
// backpressure; asCompleted, wait and TaskGroup coordinate tasks; a queue in front of the pool
// bounds what waits, and close() settles everything that is outstanding.
//
// The engine (`runOne`, `runBatch`) does the work; this module only schedules it. Every
// Promise made here settles: on success, failure, cancel, deadline, close or crash.
import { invalid, typedError } from "../errors.js";
import { signalOption, submitOptions, timeOption } from "../options.js";

/** Tasks waiting in the queue before `submit` rejects with QueueFullError (`maxQueue`). */
export const DEFAULT_MAX_QUEUE = 10_000;
/** Run and wait times kept for the percentiles of `stats()`. */
const SAMPLES = 4096;

const abortError = (message) => typedError("AbortError", message);
const timeoutError = (message) => typedError("TimeoutError", message);

/** An AbortSignal that aborts when any of `signals` (undefined ones skipped) aborts. */
function anySignal(signals) {
  const present = signals.filter(Boolean);
  if (present.length === 1) return present[0];
  return AbortSignal.any(present);
}

/**
 * A job handed to the runner: a thenable (await it, or call `result()`), with an `id`, a
 * `status` ("queued" | "running" | "fulfilled" | "rejected" | "cancelled"), `cancel()`, and
 * its progress as an async iterator.
 */
export class Task {
  static #next = 1;
  /** Unique id, in submit order. */
  id = Task.#next++;
  /** Where the task is: "queued", "running", "fulfilled", "rejected" or "cancelled". */
  status = "queued";
  #promise;
  #resolve;
  #reject;
  #cancel;
  #fraction = 0;
  #listeners = new Set();
  #value;
  #error;

  /** @param {(task: Task) => boolean} cancel removes the task (true) or stops it. */
  constructor(cancel) {
    this.#cancel = cancel;
    this.#promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A task nobody awaits must not report an unhandled rejection: the caller may only look
    // at `status`, or learn of the failure from a group, wait() or asCompleted().
    this.#promise.catch(() => {});
  }

  /** Whether the task has settled (fulfilled, rejected or cancelled). */
  get done() {
    return this.status !== "queued" && this.status !== "running";
  }

  /** The finished fraction in [0, 1] reported so far. */
  get fraction() {
    return this.#fraction;
  }

  /** The error of a rejected or cancelled task, else undefined. */
  get error() {
    return this.#error;
  }

  /** The value of a fulfilled task, else undefined. */
  get value() {
    return this.#value;
  }

  then(onFulfilled, onRejected) {
    return this.#promise.then(onFulfilled, onRejected);
  }

  catch(onRejected) {
    return this.#promise.catch(onRejected);
  }

  finally(onFinally) {
    return this.#promise.finally(onFinally);
  }

  /**
   * Cancels the task: true if it was still queued (it never runs and rejects with
   * AbortError); a running task is asked to stop at its next chunk (it rejects with
   * AbortError unless it finishes first), and false is returned; false too once settled.
   */
  cancel() {
    if (this.done) return false;
    return this.#cancel(this);
  }

  /**
   * The task's value, waiting at most `timeoutMs` (then rejects with TimeoutError; the task
   * goes on, as concurrent.futures' result(timeout) does).
   */
  result({ timeoutMs } = {}) {
    timeOption(timeoutMs, "timeoutMs");
    if (timeoutMs === undefined || this.done) return this.#promise;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(timeoutError(
        `task ${this.id} did not finish within ${timeoutMs} ms (it goes on; cancel() stops it)`)), timeoutMs);
      this.#promise.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }

  /** The progress fractions as they come, ending when the task settles. */
  get progress() {
    const task = this;
    return {
      [Symbol.asyncIterator]() {
        let wake = null;
        let last = -1;
        const listener = () => { wake?.(); wake = null; };
        task.#listeners.add(listener);
        return {
          async next() {
            for (;;) {
              if (task.#fraction !== last) {
                last = task.#fraction;
                return { value: last, done: false };
              }
              if (task.done) {
                task.#listeners.delete(listener);
                return { value: undefined, done: true };
              }
              await new Promise((resolve) => { wake = resolve; });
            }
          },
          async return() {
            task.#listeners.delete(listener);
            return { value: undefined, done: true };
          },
          [Symbol.asyncIterator]() { return this; },
        };
      },
    };
  }

  /** @internal Whether a `progress` iterator is open. */
  _listening() {
    return this.#listeners.size > 0;
  }

  /** @internal */
  _progress(fraction) {
    if (fraction > this.#fraction) this.#fraction = fraction;
    for (const listener of this.#listeners) listener();
  }

  /** @internal */
  _settle(status, value) {
    if (this.done) return;
    this.status = status;
    if (status === "fulfilled") {
      this.#fraction = 1;
      this.#value = value;
      this.#resolve(value);
    } else {
      this.#error = value;
      this.#reject(value);
    }
    for (const listener of this.#listeners) listener();
  }
}

/**
 * Tasks waiting to start: highest priority first, first come, first served within one. Every
 * operation is O(1) amortized (a FIFO per priority with a moving head), except adding a
 * priority never seen before; a cancelled entry is dropped where it is.
 */
class WaitingLine {
  #lines = new Map(); // priority -> { items, head }
  #priorities = []; // descending
  length = 0;

  push(priority, entry) {
    let line = this.#lines.get(priority);
    if (line === undefined) {
      line = { items: [], head: 0 };
      this.#lines.set(priority, line);
      let at = 0;
      while (at < this.#priorities.length && this.#priorities[at] > priority) at++;
      this.#priorities.splice(at, 0, priority);
    }
    line.items.push(entry);
    entry.line = line;
    this.length += 1;
  }

  /** The next entry, or undefined. */
  shift() {
    for (const priority of this.#priorities) {
      const line = this.#lines.get(priority);
      while (line.head < line.items.length) {
        const entry = line.items[line.head];
        line.items[line.head++] = undefined;
        if (line.head > 1024 && line.head * 2 > line.items.length) {
          line.items = line.items.slice(line.head);
          line.head = 0;
        }
        if (entry.line === line) {
          entry.line = undefined;
          this.length -= 1;
          return entry;
        }
      }
    }
    return undefined;
  }

  /** Takes `entry` out of the line: true if it was waiting. */
  remove(entry) {
    if (entry.line === undefined) return false;
    entry.line = undefined; // skipped when its turn comes
    this.length -= 1;
    return true;
  }

  /** Every waiting entry, in order, leaving the line empty. */
  drain() {
    const out = [];
    for (let entry = this.shift(); entry !== undefined; entry = this.shift()) out.push(entry);
    return out;
  }
}

/** Keeps the last SAMPLES values and answers percentiles. */
class Samples {
  #values = [];
  #next = 0;

  add(value) {
    if (this.#values.length < SAMPLES) this.#values.push(value);
    else this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % SAMPLES;
  }

  percentiles() {
    if (this.#values.length === 0) return { p50: null, p95: null, p99: null };
    const sorted = [...this.#values].sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
  }
}

/**
 * The queue in front of the pool, and what it counts. `start(task)` hands a task to the
 * engine; at most `running` tasks run at once.
 */
export class Executor {
  #queue = new WaitingLine();
  #running = 0;
  #closed = false;
  #roomWaiters = [];
  #idleWaiters = [];
  #counts = { completed: 0, failed: 0, cancelled: 0 };
  #runTimes = new Samples();
  #waitTimes = new Samples();
  maxQueue;
  maxRunning;

  constructor({ maxQueue = DEFAULT_MAX_QUEUE, maxRunning }) {
    this.maxQueue = maxQueue;
    this.maxRunning = maxRunning;
  }

  get closed() {
    return this.#closed;
  }

  get queued() {
    return this.#queue.length;
  }

  get running() {
    return this.#running;
  }

  /**
   * Queues `work(signal, onProgress) -> Promise` as a task. `limited` tasks count against
   * maxQueue (submit); map's chunks do not (map has its own backpressure).
   */
  enqueue(work, { signal, timeoutMs, deadlineMs, priority = 0, onProgress, limited = true }) {
    if (this.#closed) {
      return this.rejected(typedError("PoolClosedError",
        "the runner is closed: runner.close() was called; make a new Runner() for more work"));
    }
    if (limited && this.#queue.length >= this.maxQueue && this.#running >= this.maxRunning) {
      return this.rejected(typedError("QueueFullError",
        `${this.#queue.length} tasks are queued, the most this runner takes (maxQueue); ` +
        "await runner.capacity() before submitting, or raise maxQueue"));
    }
    const controller = new AbortController();
    const entry = { work, controller, submitted: performance.now(), started: 0, timers: [] };
    const task = new Task((t) => this.#cancel(t, entry, abortError(`task ${t.id} was cancelled`)));
    entry.task = task;
    entry.onProgress = onProgress;
    entry.timeoutMs = timeoutMs;
    if (signal) {
      if (signal.aborted) {
        this.#finish(entry, "cancelled", abortError(`task ${task.id} was cancelled: its signal was aborted before submit`));
        return task;
      }
      const onAbort = () => this.#cancel(task, entry, abortError(`task ${task.id} was cancelled: its signal was aborted`));
      signal.addEventListener("abort", onAbort, { once: true });
      entry.unlisten = () => signal.removeEventListener("abort", onAbort);
    }
    if (deadlineMs !== undefined) {
      entry.deadline = entry.submitted + deadlineMs;
      entry.timers.push(setTimeout(() => this.#cancel(task, entry, timeoutError(
        `task ${task.id} missed its deadline of ${deadlineMs} ms from submit (queueing included)`)), deadlineMs));
    }
    // Highest priority first; first come, first served within a priority.
    this.#queue.push(priority, entry);
    this.#pump();
    return task;
  }

  /** A task that failed before it could be queued (bad input or options): settled now. */
  rejected(error) {
    const task = new Task(() => false);
    this.#counts.failed += 1;
    task._settle("rejected", error);
    return task;
  }

  #pump() {
    while (this.#running < this.maxRunning && this.#queue.length > 0) {
      const entry = this.#queue.shift();
      this.#start(entry.task, entry);
    }
    this.#wakeRoom();
  }

  #start(task, entry) {
    this.#running += 1;
    entry.started = performance.now();
    this.#waitTimes.add(entry.started - entry.submitted);
    task.status = "running";
    let timeoutMs = entry.timeoutMs;
    if (entry.deadline !== undefined) {
      // Whole milliseconds, at least 1: what the engine's timeoutMs takes.
      const left = Math.max(1, Math.ceil(entry.deadline - entry.started));
      timeoutMs = timeoutMs === undefined ? left : Math.min(timeoutMs, left);
    }
    const onProgress = (fraction, calls) => {
      task._progress(fraction);
      entry.onProgress?.(fraction, calls);
    };
    // The work is handed over in a microtask: a `progress` iterator made right after submit
    // is known by then, and progress is only polled when someone listens (polling costs a
    // timer per job, which tiny tasks would feel).
    const promise = new Promise((resolve) => queueMicrotask(resolve)).then(() => {
      const listening = entry.onProgress !== undefined || task._listening();
      return entry.work(entry.controller.signal, listening ? onProgress : undefined, timeoutMs);
    });
    promise.then(
      (value) => this.#finish(entry, "fulfilled", value),
      (err) => {
        // A deadline that stopped the running work: the task failed with it, not cancelled.
        if (entry.timedOut !== undefined && err?.name === "AbortError") {
          this.#finish(entry, "rejected", entry.timedOut);
          return;
        }
        this.#finish(entry, err?.name === "AbortError" ? "cancelled" : "rejected", entry.cancelledBy ?? err);
      },
    );
  }

  /** Cancels a queued task (true) or asks a running one to stop (false). */
  #cancel(task, entry, reason) {
    if (task.done) return false;
    if (this.#queue.remove(entry)) {
      this.#finish(entry, reason.name === "TimeoutError" ? "rejected" : "cancelled", reason, false);
      this.#wakeRoom();
      return true;
    }
    if (task.status === "running") {
      if (reason.name === "TimeoutError") entry.timedOut ??= reason;
      entry.cancelledBy ??= reason.name === "TimeoutError" ? undefined : reason;
      entry.controller.abort(reason);
    }
    return false;
  }

  #finish(entry, status, value, ran = true) {
    const { task } = entry;
    if (task.done) return;
    for (const timer of entry.timers) clearTimeout(timer);
    entry.unlisten?.();
    if (ran && entry.started) {
      this.#running -= 1;
      this.#runTimes.add(performance.now() - entry.started);
    }
    if (status === "fulfilled") this.#counts.completed += 1;
    else if (status === "cancelled") this.#counts.cancelled += 1;
    else this.#counts.failed += 1;
    task._settle(status, value);
    if (ran) this.#pump();
    if (this.#running === 0 && this.#queue.length === 0) {
      for (const wake of this.#idleWaiters.splice(0)) wake();
    }
  }

  #wakeRoom() {
    while (this.#roomWaiters.length > 0 && (this.#queue.length < this.maxQueue || this.#closed)) {
      this.#roomWaiters.shift()();
    }
  }

  /** Resolves once a submit would be queued rather than refused (rejects once closed). */
  capacity({ signal } = {}) {
    signalOption(signal);
    if (this.#closed) {
      return Promise.reject(typedError("PoolClosedError", "the runner is closed"));
    }
    if (this.#queue.length < this.maxQueue || this.#running < this.maxRunning) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        if (this.#closed) reject(typedError("PoolClosedError", "the runner was closed while waiting for room"));
        else resolve();
      };
      const onAbort = () => {
        const at = this.#roomWaiters.indexOf(wake);
        if (at >= 0) this.#roomWaiters.splice(at, 1);
        reject(abortError("the wait for room in the queue was aborted"));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#roomWaiters.push(wake);
    });
  }

  /**
   * Refuses new tasks; with `cancelPending`, cancels the queued ones. Resolves once every
   * task has settled.
   */
  close({ cancelPending = false } = {}) {
    this.#closed = true;
    this.#wakeRoom();
    if (cancelPending) {
      for (const entry of this.#queue.drain()) {
        this.#finish(entry, "cancelled", abortError(`task ${entry.task.id} was cancelled by runner.close({ cancelPending: true })`), false);
      }
    }
    if (this.#running === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Counts and percentiles. */
  stats() {
    return {
      queued: this.#queue.length,
      running: this.#running,
      ...this.#counts,
      runMs: this.#runTimes.percentiles(),
      waitMs: this.#waitTimes.percentiles(),
      maxQueue: this.maxQueue,
      maxRunning: this.maxRunning,
      closed: this.#closed,
    };
  }
}

/**
 * Yields the tasks (or any promises) as they settle, first settled first
 * (concurrent.futures.as_completed). With `timeoutMs`, throws TimeoutError if the next one
 * does not settle in time.
 */
export function asCompleted(tasks, { timeoutMs } = {}) {
  timeOption(timeoutMs, "timeoutMs");
  const pending = new Set(Array.from(tasks));
  const settled = [];
  let wake = null;
  for (const task of pending) {
    Promise.resolve(task).then(() => {}, () => {}).then(() => {
      settled.push(task);
      wake?.();
      wake = null;
    });
  }
  const start = performance.now();
  // An iterator, not an async generator: a generator's `yield` would await the task and
  // yield its value, while this yields the task itself.
  return {
    async next() {
      if (pending.size === 0) return { value: undefined, done: true };
      if (settled.length === 0) {
        let timer;
        await new Promise((resolve, reject) => {
          wake = resolve;
          if (timeoutMs !== undefined) {
            const left = Math.max(0, start + timeoutMs - performance.now());
            timer = setTimeout(() => reject(timeoutError(
              `${pending.size} of the tasks did not finish within ${timeoutMs} ms`)), left);
          }
        }).finally(() => clearTimeout(timer));
      }
      const task = settled.shift();
      pending.delete(task);
      return { value: task, done: false };
    },
    async return() {
      pending.clear();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Waits for the tasks (concurrent.futures.wait) until `returnWhen` ("all-completed" by
 * default, "first-completed" or "first-exception") or `timeoutMs`; resolves with
 * `{ done, notDone }` (Sets). Never rejects for the tasks' own failures.
 */
export async function wait(tasks, { returnWhen = "all-completed", timeoutMs, signal } = {}) {
  const all = Array.from(tasks);
  if (!["all-completed", "first-completed", "first-exception"].includes(returnWhen)) {
    throw invalid(`option "returnWhen" must be "all-completed", "first-completed" or "first-exception", got ${String(returnWhen)}`, "returnWhen");
  }
  timeOption(timeoutMs, "timeoutMs");
  const done = new Set();
  await new Promise((resolve) => {
    let timer;
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", finish);
      resolve();
    };
    if (timeoutMs !== undefined) timer = setTimeout(finish, timeoutMs);
    signal?.addEventListener("abort", finish, { once: true });
    if (all.length === 0 || signal?.aborted) return finish();
    for (const task of all) {
      Promise.resolve(task).then(
        () => {
          done.add(task);
          if (returnWhen === "first-completed" || done.size === all.length) finish();
        },
        () => {
          done.add(task);
          if (returnWhen !== "all-completed" || done.size === all.length) finish();
        },
      );
    }
  });
  return { done, notDone: new Set(all.filter((task) => !done.has(task))) };
}

/**
 * A set of tasks that stand or fall together (asyncio.TaskGroup): the first failure cancels
 * the others, and `join()` (or `await using`) rejects with an AggregateError of every
 * failure; cancellations caused by the group are not failures. `settled()` instead waits for
 * every task and resolves with Promise.allSettled-style results, never rejecting; with
 * `cancelOnFailure: false` no task is cancelled for another's failure (asyncio.gather with
 * return_exceptions).
 */
export class TaskGroup {
  #submit;
  #tasks = [];
  #controller = new AbortController();
  #errors = [];
  #finished = false;
  #cancelOnFailure;
  #extraOptions;

  /**
   * `cancelOnFailure` (default true): the first failure cancels the others (asyncio.TaskGroup);
   * false lets every task run to its end (asyncio.gather(return_exceptions=True)).
   */
  constructor(submit, { cancelOnFailure = true } = {}, extraOptions = ["mode"]) {
    this.#submit = submit;
    this.#extraOptions = extraOptions;
    this.#cancelOnFailure = Boolean(cancelOnFailure);
  }

  /** Aborted when the group gives up (a failure, or abort()). */
  get signal() {
    return this.#controller.signal;
  }

  /** The group's tasks so far. */
  get tasks() {
    return [...this.#tasks];
  }

  /**
   * Submits a task into the group; its signal is the group's (and the caller's, if given).
   * Tasks may join while `join()` waits, as in asyncio; not once the group has finished.
   */
  submit(name, params, options = {}) {
    if (this.#finished) {
      throw invalid("the group has finished: make a new runner.group()", "group");
    }
    const read = submitOptions(options, this.#extraOptions);
    const task = this.#submit(name, params, {
      ...read, signal: anySignal([read.signal, this.#controller.signal]),
    });
    this.#tasks.push(task);
    task.then(() => {}, (err) => {
      if (this.#controller.signal.aborted && err?.name === "AbortError") return;
      this.#errors.push(err);
      if (this.#cancelOnFailure) this.#controller.abort(err);
    });
    return task;
  }

  /** Cancels every task of the group. */
  abort(reason) {
    this.#controller.abort(reason ?? abortError("the group was aborted"));
  }

  /** Waits for every task; rejects with an AggregateError of the failures. */
  async join() {
    await this.#allSettled();
    if (this.#errors.length > 0) {
      throw new AggregateError(this.#errors,
        `${this.#errors.length} of ${this.#tasks.length} tasks of the group failed; err.errors holds each`);
    }
    return this.#tasks.map((task) => task.value);
  }

  /** Waits for every task, Promise.allSettled-style. */
  async settled() {
    await this.#allSettled();
    return Promise.allSettled(this.#tasks);
  }

  /** Waits until every task, including those submitted meanwhile, has settled. */
  async #allSettled() {
    let seen = -1;
    while (seen !== this.#tasks.length) {
      seen = this.#tasks.length;
      await Promise.allSettled(this.#tasks);
      // Let the failure handlers of submit() run first.
      await Promise.resolve();
    }
    this.#finished = true;
  }

  [Symbol.asyncDispose ?? Symbol.for("Symbol.asyncDispose")]() {
    return this.join().then(() => undefined);
  }
}

/**
 * The loop behind the map of Runner and WorkerPool: `send(items, signal)` runs a chunk of
 * inputs and resolves with one result (or Error) per item; chunks go through `executor`,
 * `concurrency` at once, at most `buffer` inputs and results held; results are yielded in
 * order, or as chunks finish with `ordered: false`. An async iterator over the results, which
 * hands out a finished chunk's results without an async generator's per-item overhead.
 */
export function mapChunks(options) {
  return new Flattened(finishedChunks(options));
}

/**
 * The results of finished chunks, a chunk at a time; a chunk holding an Error yields the
 * results before it, then throws it. Its inputs and results count as held until the next
 * chunk is asked for (the caller has then handed them all out).
 */
async function* finishedChunks({ executor, send, inputs, chunkSize, concurrency, buffer, ordered, signal }) {
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
      const failed = results.findIndex((result) => result instanceof Error);
      if (failed >= 0) {
        if (failed > 0) yield results.slice(0, failed);
        throw results[failed];
      }
      held -= results.length;
      yield results;
    }
  } finally {
    controller.abort(typedError("AbortError", "map was stopped before its inputs ran out"));
    for (const task of inflight) task.cancel();
    if (!exhausted) await iterator.return?.();
  }
}

/**
 * An async iterator over the items of the arrays that `chunks` (an async generator) yields:
 * an item already at hand is handed out with one resolved Promise. Calls of `next()` made
 * before the previous one settled are answered in order. `return()` (a loop's `break`)
 * stops `chunks`, running its clean-up.
 */
class Flattened {
  #chunks;
  #items = [];
  #index = 0;
  /** The last pull from `chunks` asked for; a `next()` waits for it. */
  #tail = Promise.resolve();
  #pulling = 0;

  constructor(chunks) {
    this.#chunks = chunks;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  next() {
    if (this.#pulling === 0 && this.#index < this.#items.length) {
      return Promise.resolve({ done: false, value: this.#items[this.#index++] });
    }
    this.#pulling++;
    const pull = () => this.#pull().finally(() => { this.#pulling--; });
    const next = this.#tail.then(pull, pull);
    this.#tail = next;
    return next;
  }

  async #pull() {
    while (this.#index >= this.#items.length) {
      const step = await this.#chunks.next();
      if (step.done) return { done: true, value: undefined };
      this.#items = step.value;
      this.#index = 0;
    }
    return { done: false, value: this.#items[this.#index++] };
  }

  return(value) {
    this.#items = [];
    this.#index = 0;
    const stop = () => this.#chunks.return(value).then(() => ({ done: true, value }));
    const stopped = this.#tail.then(stop, stop);
    this.#tail = stopped;
    return stopped;
  }

  throw(error) {
    this.#items = [];
    this.#index = 0;
    return this.#chunks.throw(error);
  }

  [Symbol.asyncDispose ?? Symbol.for("Symbol.asyncDispose")]() {
    return this.return(undefined).then(() => undefined);
  }
}
