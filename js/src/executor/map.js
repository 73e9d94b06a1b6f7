// The lazy map of Runner and WorkerPool: inputs go through the executor in chunks, with
// backpressure, and come back in order or as they finish.
import { describeThrown, typedError } from "../errors.js";

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
  let iterator;
  // What the app's iterator throws comes back as a CallbackError, as a throwing callback does.
  const appThrew = (error) => typedError("CallbackError",
    `map's inputs threw while they were iterated (${describeThrown(error)}); err.cause is what they threw`, error);
  try {
    iterator = isAsync ? inputs[Symbol.asyncIterator]() : inputs[Symbol.iterator]();
  } catch (error) {
    throw appThrew(error);
  }
  let exhausted = false;
  let held = 0;
  const inflight = [];
  try {
    for (;;) {
      while (!exhausted && inflight.length < concurrency && (held === 0 || held + chunkSize <= buffer)) {
        const items = [];
        while (items.length < chunkSize) {
          let next;
          try {
            next = isAsync ? await iterator.next() : iterator.next();
          } catch (error) {
            exhausted = true;
            throw appThrew(error);
          }
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
