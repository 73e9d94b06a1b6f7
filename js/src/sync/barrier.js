// Barrier (threading.Barrier, for async tasks): parties meet before any goes on.
import { typedError } from "../errors.js";
import { WaitLine, signalOf, wholeNumber } from "./wait-line.js";

/**
 * `parties` waiters meet before any goes on (threading.Barrier, for async tasks). `wait()`
 * resolves with the arrival index (0..parties-1) of the phase. If a waiter aborts, the barrier
 * breaks: every waiter rejects with BrokenBarrierError until `reset()`.
 */
export class Barrier {
  #parties;
  #line = new WaitLine();
  #broken = false;

  constructor(parties) {
    this.#parties = wholeNumber(parties, "parties", 1, 2 ** 31);
  }

  get parties() { return this.#parties; }
  /** Waiters of the current phase. */
  get waiting() { return this.#line.length; }
  get broken() { return this.#broken; }

  async wait(options) {
    signalOf(options, "Barrier.wait()");
    if (this.#broken) throw this.#brokenError();
    const index = this.#line.length;
    if (index + 1 === this.#parties) {
      this.#line.serveAll((i) => i);
      return index;
    }
    try {
      return await this.#line.wait("Barrier.wait()", options);
    } catch (error) {
      if (error.name === "AbortError" && !this.#broken) {
        this.#broken = true;
        this.#line.failAll(() => this.#brokenError());
      }
      throw error;
    }
  }

  /** Mends a broken barrier; its waiters (if any) reject with BrokenBarrierError. */
  reset() {
    this.#line.failAll(() => this.#brokenError());
    this.#broken = false;
  }

  #brokenError() {
    return typedError("BrokenBarrierError", "the barrier is broken (a waiter aborted); reset() it to use it again");
  }
}
