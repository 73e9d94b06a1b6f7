// Semaphore (asyncio.Semaphore) and Mutex (asyncio.Lock; not `Lock`, which is Web Locks').
import { invalid } from "../errors.js";
import { WaitLine, signalOf, wholeNumber } from "./wait-line.js";

/** A held permit of a Semaphore or Mutex: release it once (or with `using`). */
class Permit {
  #release;
  constructor(release) { this.#release = release; }
  /** Gives the permit back; a second call does nothing. */
  release() {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
  [Symbol.dispose ?? Symbol.for("Symbol.dispose")]() { this.release(); }
}

/** At most `permits` holders at once (asyncio.Semaphore); waiters are served in order. */
export class Semaphore {
  #available;
  #line = new WaitLine();

  constructor(permits = 1) {
    this.#available = wholeNumber(permits, "permits", 0, 2 ** 31);
  }

  /** Permits free now. */
  get available() { return this.#available; }
  /** Acquirers waiting in line. */
  get waiting() { return this.#line.length; }

  /** Resolves with a Permit once one is free (first come, first served). */
  async acquire(options) {
    // Options are checked even when a permit is free at once.
    signalOf(options, "Semaphore.acquire()");
    if (this.#available > 0 && this.#line.length === 0) {
      this.#available -= 1;
    } else {
      await this.#line.wait("Semaphore.acquire()", options);
    }
    return new Permit(() => this.release());
  }

  /** A permit if one is free now, else null. Never jumps the line. */
  tryAcquire() {
    if (this.#available === 0 || this.#line.length > 0) return null;
    this.#available -= 1;
    return new Permit(() => this.release());
  }

  /** Gives a permit back: to the first waiter, or to the pool of free permits. */
  release() {
    if (!this.#line.serveOne()) this.#available += 1;
  }

  /** Runs `fn()` holding a permit, and releases it however `fn` ends. */
  async run(fn, options) {
    if (typeof fn !== "function") throw invalid(`Semaphore.run needs a function to call, got ${typeof fn}`, "fn");
    const permit = await this.acquire(options);
    try {
      return await fn();
    } finally {
      permit.release();
    }
  }
}

/** One holder at a time (asyncio.Lock). */
export class Mutex extends Semaphore {
  constructor() { super(1); }
  /** Whether someone holds it. */
  get locked() { return this.available === 0; }
}
