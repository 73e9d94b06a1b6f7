// every(ms, fn): a periodic task that never overlaps itself and stops with its signal.
import { invalid, typedError } from "../errors.js";
import { signalOf, wholeNumber } from "./wait-line.js";

/**
 * Calls `fn(tick)` every `ms` milliseconds (tick = 0, 1, 2...), on a schedule kept against
 * the start so that slow ticks do not add up (drift), and never two at once (a tick that runs
 * long delays the next). Resolves with `{ ticks, maxLateMs }` when `signal` aborts; rejects
 * with CallbackError (cause: what it threw) if `fn` throws or rejects.
 */
export function every(ms, fn, options) {
  return new Promise((resolve, reject) => {
    wholeNumber(ms, "ms", 1, 2 ** 31 - 1);
    if (typeof fn !== "function") throw invalid(`every() needs a function to call, got ${typeof fn}`, "fn");
    const signal = signalOf(options, "every()");
    const start = performance.now();
    let ticks = 0;
    let maxLateMs = 0;
    let timer;
    const stop = () => {
      clearTimeout(timer);
      resolve({ ticks, maxLateMs });
    };
    if (signal?.aborted) return stop();
    signal?.addEventListener("abort", stop, { once: true });
    const schedule = () => {
      const due = start + (ticks + 1) * ms;
      timer = setTimeout(async () => {
        if (signal?.aborted) return;
        maxLateMs = Math.max(maxLateMs, performance.now() - due);
        try {
          await fn(ticks);
        } catch (error) {
          signal?.removeEventListener("abort", stop);
          reject(typedError("CallbackError", `every(): the function threw at tick ${ticks}`, error));
          return;
        }
        ticks += 1;
        if (!signal?.aborted) schedule();
      }, Math.max(0, due - performance.now()));
    };
    schedule();
  });
}
