// A task (concurrent.futures' Future, the way JS expects it): a thenable with an id, a status,
// cancel(), result({ timeoutMs }) and its progress as an async iterator.
import { readOptions, timeOption } from "../options.js";
import { timeoutError } from "./reasons.js";

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
  result(options) {
    let timeoutMs;
    try {
      ({ timeoutMs } = readOptions(options, ["timeoutMs"], "result's options"));
      timeOption(timeoutMs, "timeoutMs");
    } catch (error) {
      return Promise.reject(error);
    }
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
