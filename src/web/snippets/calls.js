// The JS half of an I/O job's hot path. The scheduler (concurrency, rate, retries, timeouts)
// stays in wasm; what would otherwise cross between wasm and JS several times per call is
// done here: calling the app's function and waiting for its Promise (the settled calls are
// reported back in one call per microtask turn), keeping values, bodies and errors until
// their batch is delivered, and building the result objects of a batch.

/**
 * What one I/O job keeps on the JS side. `fn(index, { signal, attempt, index })` is the
 * function source's function (undefined for the other sources); `name` the key a kept value
 * goes under in its result (`"value"` or `"body"`). The receiver set with `listen` gets a
 * Float64Array of [index, attempt, ok (1 or 0)] triples of the calls that settled.
 */
export class Calls {
  #fn;
  #name;
  #onSettled;
  /** index -> the attempt whose outcome counts (others settling late are ignored). */
  #current = new Map();
  /** index -> what the call resolved with, or what its last failed attempt threw. */
  #kept = new Map();
  #settled = [];
  #flushing = false;

  constructor(fn, name) {
    this.#fn = fn;
    this.#name = name;
  }

  /**
   * Starts attempt `attempt` of call `index`: 0 when it returned a Promise (or thenable) that
   * is pending, 1 when it returned a plain value, 2 when it threw (what it threw is kept).
   */
  start(index, attempt, signal) {
    let value;
    try {
      value = this.#fn(index, { signal, attempt, index });
    } catch (thrown) {
      this.#kept.set(index, thrown);
      return 2;
    }
    if (value === null || (typeof value !== "object" && typeof value !== "function")) {
      this.#kept.set(index, value);
      return 1;
    }
    let promise;
    try {
      // Adopts a thenable (a `then` getter that throws rejects it); throws only for a
      // Promise whose `constructor` getter throws.
      promise = Promise.resolve(value);
    } catch (thrown) {
      this.#kept.set(index, thrown);
      return 2;
    }
    this.#current.set(index, attempt);
    promise.then(
      (resolved) => this.#settle(index, attempt, resolved, 1),
      (thrown) => this.#settle(index, attempt, thrown, 0),
    );
    return 0;
  }

  #settle(index, attempt, value, ok) {
    if (this.#current.get(index) !== attempt) return;
    this.#current.delete(index);
    this.#kept.set(index, value);
    this.#settled.push(index, attempt, ok);
    if (!this.#flushing) {
      this.#flushing = true;
      queueMicrotask(() => this.#flush());
    }
  }

  #flush() {
    this.#flushing = false;
    const settled = Float64Array.from(this.#settled);
    this.#settled = [];
    this.#onSettled?.(settled);
  }

  /** Sets (or, with undefined, removes) the receiver of settled calls. */
  listen(onSettled) {
    this.#onSettled = onSettled;
  }

  /** The driver gave up on a pending attempt (a timeout, the job stopping). */
  abandon(index) {
    this.#current.delete(index);
    this.#kept.delete(index);
  }

  /** What call `index`'s last attempt threw (kept for the result's `cause`). */
  thrown(index) {
    return this.#kept.get(index);
  }

  /** Keeps `value` (a fetch's body) for call `index` until its batch is delivered. */
  keep(index, value) {
    this.#kept.set(index, value);
  }

  /** Forgets what was kept for the calls of a batch nobody receives. */
  forget(indices) {
    for (const index of indices) this.#kept.delete(index);
  }

  /**
   * The result objects of a batch, with what was kept for each attached (`value` or `body`
   * of a call that succeeded, `cause` of one that failed) and then forgotten. `numbers`
   * holds [index, ok, attempts, latencyMs, bytes, status or -1] per result; `errors`
   * [position, message] of each result that failed.
   */
  results(numbers, errors) {
    const results = new Array(numbers.length / 6);
    for (let i = 0, at = 0; i < results.length; i++, at += 6) {
      const index = numbers[at];
      const ok = numbers[at + 1] === 1;
      const status = numbers[at + 5];
      const result = {
        index, ok, attempts: numbers[at + 2], latencyMs: numbers[at + 3], bytes: numbers[at + 4],
        status: status < 0 ? null : status, error: null,
      };
      if (this.#kept.has(index)) {
        const kept = this.#kept.get(index);
        this.#kept.delete(index);
        if (ok && this.#name !== undefined) result[this.#name] = kept;
        else if (!ok && this.#fn !== undefined) result.cause = kept;
      }
      results[i] = result;
    }
    for (let i = 0; i < errors.length; i += 2) results[errors[i]].error = errors[i + 1];
    return results;
  }
}
