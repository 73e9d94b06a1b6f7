// Tasks that stand or fall together (asyncio.TaskGroup, or asyncio.gather).
import { invalid } from "../errors.js";
import { submitOptions } from "../options.js";
import { abortError, anySignal } from "./reasons.js";

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
