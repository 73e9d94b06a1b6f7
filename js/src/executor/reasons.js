// Why the executor stops a task (typed errors), and a signal that aborts with any of several.
import { typedError } from "../errors.js";

export const abortError = (message) => typedError("AbortError", message);
export const timeoutError = (message) => typedError("TimeoutError", message);

/** An AbortSignal that aborts when any of `signals` (undefined ones skipped) aborts. */
export function anySignal(signals) {
  const present = signals.filter(Boolean);
  if (present.length === 1) return present[0];
  return AbortSignal.any(present);
}
