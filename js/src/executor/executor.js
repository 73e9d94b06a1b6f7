// The queue in front of the pool, Python's concurrent.futures executor the way JS expects it:
// at most `maxRunning` tasks run at once, at most `maxQueue` wait, highest priority first,
// first come, first served within one; cancel, deadlines and close() settle every task.
//
// The engine does the work; this module only schedules it. Every Promise made here settles:
// on success, failure, cancel, deadline, close or crash.
import { typedError } from "../errors.js";
import { signalOption } from "../options.js";
import { abortError, timeoutError } from "./reasons.js";
import { Samples } from "./samples.js";
import { Task } from "./task.js";
import { WaitingLine } from "./waiting-line.js";
import { host } from "../runtimes/host.js";

/** Tasks waiting in the queue before `submit` rejects with QueueFullError (`maxQueue`). */
export const DEFAULT_MAX_QUEUE = 10_000;
/**
 * The queue in front of the pool, and what it counts. `start(task)` hands a task to the
 * engine; at most `running` tasks run at once.
 */
export class Executor {
  #queue = new WaitingLine();
  #running = 0;
  #closed = false;
  #roomWaiters = [];
  /** Room promised to woken `capacity()` waiters, until they submit or a macrotask passes. */
  #reserved = 0;
  #releasing = false;
  #idleWaiters = [];
  #counts = { completed: 0, failed: 0, cancelled: 0 };
  #runTimes = new Samples();
  /** Lets the runtime go once no task is queued or running (host.hold: Node.js). */
  #release = null;
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
  enqueue(work, { signal, timeoutMs, deadlineMs, priority = 0, onProgress, limited = true, direct = false }) {
    if (this.#closed) {
      return this.rejected(typedError("PoolClosedError",
        "the runner is closed: runner.close() was called; make a new Runner() for more work"));
    }
    if (limited && this.#queue.length >= this.maxQueue && this.#running >= this.maxRunning) {
      return this.rejected(typedError("QueueFullError",
        `${this.#queue.length} tasks are queued, the most this runner takes (maxQueue); ` +
        "await runner.capacity() before submitting, or raise maxQueue"));
    }
    if (limited && this.#reserved > 0) this.#reserved -= 1;
    // `direct` work is `work(control, timeoutMs)`: it starts in the submit's own turn, sets
    // `control.abort(reason)` to stop it while it runs, and its Promise settles the task with
    // no Promise in between (the worker pool's tasks: a round trip is a few µs shorter per
    // Promise hop). Other work gets an AbortSignal, made when it starts.
    const entry = { work, direct, controller: undefined, abort: undefined, submitted: performance.now(), started: 0, timers: [] };
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
    this.#release ??= host.hold();
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
    let promise;
    if (entry.direct) {
      try {
        promise = entry.work(entry, timeoutMs);
      } catch (error) {
        promise = Promise.reject(error);
      }
    } else {
      entry.controller = new AbortController();
      const onProgress = (fraction, calls) => {
        task._progress(fraction);
        entry.onProgress?.(fraction, calls);
      };
      // The work is handed over in a microtask: a `progress` iterator made right after submit
      // is known by then, and progress is only polled when someone listens (polling costs a
      // timer per job, which tiny tasks would feel).
      promise = new Promise((resolve) => queueMicrotask(resolve)).then(() => {
        const listening = entry.onProgress !== undefined || task._listening();
        return entry.work(entry.controller.signal, listening ? onProgress : undefined, timeoutMs);
      });
    }
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
      entry.controller?.abort(reason);
      entry.abort?.(reason);
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
      this.#release?.();
      this.#release = null;
      for (const wake of this.#idleWaiters.splice(0)) wake();
    }
  }

  /**
   * Wakes the `capacity()` waiters there is room for, first come first served, each with the
   * room promised until it submits (or a macrotask has passed): a waiter that wakes finds
   * its room, and none is woken only to find the queue full again.
   */
  #wakeRoom() {
    while (this.#roomWaiters.length > 0 && (this.#closed || this.#hasRoom())) {
      if (!this.#closed) this.#reserve();
      this.#roomWaiters.shift()();
    }
  }

  /**
   * Whether one more submit would be taken: a place to run or to wait (while tasks wait,
   * every place to run is taken), the places kept for woken capacity() callers counted.
   */
  #hasRoom() {
    return this.#queue.length + this.#running + this.#reserved < this.maxQueue + this.maxRunning;
  }

  /** Keeps a place for a caller of capacity() until it submits, or a macrotask has passed. */
  #reserve() {
    this.#reserved += 1;
    if (this.#releasing) return;
    this.#releasing = true;
    setTimeout(() => {
      this.#releasing = false;
      this.#reserved = 0;
      this.#wakeRoom();
    }, 0);
  }

  /** Resolves once a submit would be queued rather than refused (rejects once closed). */
  capacity({ signal } = {}) {
    signalOption(signal);
    if (this.#closed) {
      return Promise.reject(typedError("PoolClosedError", "the runner is closed"));
    }
    // Room now, and nobody waiting for it before this caller: its place is kept too.
    if (this.#roomWaiters.length === 0 && this.#hasRoom()) {
      this.#reserve();
      return Promise.resolve();
    }
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
