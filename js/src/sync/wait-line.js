// The line every wait of the async primitives stands in: first come, first served; a waiter
// whose signal aborts leaves it at once (AbortError), so nothing is left queued and no
// permit, item or slot is lost. And the checks of the primitives' arguments.
import { typedError } from "../errors.js";

export function abortError(what, signal) {
  return typedError("AbortError", `${what} was aborted before it was served`, signal?.reason);
}
/** Checks a `{ signal }` option; returns the signal or undefined. */
export function signalOf(options, what) {
  const signal = options?.signal;
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) {
    throw typedError("InvalidParamsError", `${what}: option "signal" must be an AbortSignal`);
  }
  return signal;
}
export function wholeNumber(value, name, min, max) {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw typedError("InvalidParamsError", `${name} must be a whole number in ${min}..=${max}, got ${String(value)}`);
  }
  return value;
}
/**
 * A first-come, first-served line of waiters. A waiter that aborts leaves the line at once.
 */
export class WaitLine {
  #waiters = new Set();

  get length() { return this.#waiters.size; }

  /**
   * Waits in line until served; `what` names the wait in errors, `payload` travels with the
   * waiter (a putter's item).
   */
  wait(what, options, payload) {
    let signal;
    try {
      signal = signalOf(options, what);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(abortError(what, signal));
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject, payload, leave: () => {} };
      if (signal) {
        const onAbort = () => {
          this.#waiters.delete(waiter);
          reject(abortError(what, signal));
        };
        signal.addEventListener("abort", onAbort, { once: true });
        waiter.leave = () => signal.removeEventListener("abort", onAbort);
      }
      this.#waiters.add(waiter);
    });
  }

  /** Takes the first waiter out of line (to resolve it), or undefined if nobody waits. */
  takeFirst() {
    for (const waiter of this.#waiters) {
      this.#waiters.delete(waiter);
      waiter.leave();
      return waiter;
    }
    return undefined;
  }

  /** Serves the first waiter with `value`; false if nobody waits. */
  serveOne(value) {
    const waiter = this.takeFirst();
    waiter?.resolve(value);
    return waiter !== undefined;
  }

  /** Rejects every waiter with `error()`. */
  failAll(error) {
    for (const waiter of this.#waiters) {
      waiter.leave();
      waiter.reject(error());
    }
    this.#waiters.clear();
  }

  /** Serves every waiter with `value(i)`. */
  serveAll(value) {
    let i = 0;
    for (const waiter of this.#waiters) {
      waiter.leave();
      waiter.resolve(value(i++));
    }
    this.#waiters.clear();
  }
}
