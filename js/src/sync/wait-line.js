// The line every wait of the async primitives stands in: first come, first served; a waiter
// whose signal aborts leaves it at once (AbortError), so nothing is left queued and no
// permit, item or slot is lost. And the checks of the primitives' arguments.
import { invalid, typedError } from "../errors.js";
import { readOptions, signalOption, wholeOption } from "../options.js";

export function abortError(what, signal) {
  return typedError("AbortError", `${what} was aborted before it was served`, signal?.reason);
}
/**
 * The `signal` of a wait's options (`{ signal }`), read by the package's one options reader:
 * anything but an options object, an unknown key or a signal that is not an AbortSignal is an
 * InvalidParamsError naming it.
 */
export function signalOf(options, what) {
  return signalOption(readOptions(options, ["signal"], `${what}'s options`).signal);
}
/** A whole number in `min..=max` (the package's one reader), named `name` in its error. */
export function wholeNumber(value, name, min, max) {
  if (value === undefined) throw invalid(`${name} is missing: give a whole number in ${min}..=${max}`, name);
  return wholeOption(value, name, min, max);
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
