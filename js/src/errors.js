// Every error webpar rejects or throws with, declared once. Each is a class, exported by the
// package, so `err instanceof TimeoutError` works as well as `err.name === "TimeoutError"`;
// the `name` of each is stable (apps branch on it) and matches the Rust side's
// `ErrorKind::js_name`. Errors made by the wasm module or sent by a worker arrive as plain
// `Error`s carrying one of these names: `adopt` gives them their class, whichever backend or
// engine generation made them, keeping message, stack, `cause` and extra properties.

/** The base class of every webpar error. */
export class WebparError extends Error {}

/** A parameter, option or argument is wrong; `err.param` names it. */
export class InvalidParamsError extends WebparError {}
/** No workload, lab experiment or task of that name. */
export class UnknownWorkloadError extends WebparError {}
/** A worker-pool task module has no function of the name asked for. */
export class UnknownTaskError extends WebparError {}
/** The job would need more memory than the engine's budget allows. */
export class OverBudgetError extends WebparError {}
/** The job or wait was cancelled: its signal aborted, or `task.cancel()` was called. */
export class AbortError extends WebparError {}
/** The call took longer than its `timeoutMs` (or `deadlineMs`, or `attemptTimeoutMs`). */
export class TimeoutError extends WebparError {}
/** The backend could not start, or a job needs one that is not running. */
export class PoolNotReadyError extends WebparError {}
/** The pool was closed (`close()`) before the job could run. */
export class PoolClosedError extends WebparError {}
/** Workers of a worker pool keep crashing at start; the pool gave up. */
export class PoolBrokenError extends WebparError {}
/** The threads engine crashed (a panic or a trap); webpar restarts it by itself. */
export class EngineCrashedError extends WebparError {}
/** A callback of the app's (onProgress, an iterator, a getter) threw; `err.cause` is what. */
export class CallbackError extends WebparError {}
/** One call of `mapAsync` failed for good; `err.cause`, `err.index`, `err.attempts`. */
export class CallFailedError extends WebparError {}
/** A value cannot be sent to an isolated worker (structured clone refused it). */
export class DataCloneError extends WebparError {}
/** A method of a Runner was called after `runner.free()`. */
export class RunnerFreedError extends WebparError {}
/** `submit` found the executor's queue full (`maxQueue`). */
export class QueueFullError extends WebparError {}
/** `Queue.tryGet()` found the queue empty. */
export class QueueEmptyError extends WebparError {}
/** The Queue was closed: nothing more can be put. */
export class QueueClosedError extends WebparError {}
/** A Barrier was aborted or reset while a party waited. */
export class BrokenBarrierError extends WebparError {}

/**
 * Every error class, by its stable name. The names are written out: a minifier renames
 * classes, so `type.name` would not survive an app's production build.
 */
const CLASSES = new Map([
  ["InvalidParamsError", InvalidParamsError], ["UnknownWorkloadError", UnknownWorkloadError],
  ["UnknownTaskError", UnknownTaskError], ["OverBudgetError", OverBudgetError],
  ["AbortError", AbortError], ["TimeoutError", TimeoutError],
  ["PoolNotReadyError", PoolNotReadyError], ["PoolClosedError", PoolClosedError],
  ["PoolBrokenError", PoolBrokenError], ["EngineCrashedError", EngineCrashedError],
  ["CallbackError", CallbackError], ["CallFailedError", CallFailedError],
  ["DataCloneError", DataCloneError], ["RunnerFreedError", RunnerFreedError],
  ["QueueFullError", QueueFullError], ["QueueEmptyError", QueueEmptyError],
  ["QueueClosedError", QueueClosedError], ["BrokenBarrierError", BrokenBarrierError],
]);

// `name` sits on each prototype (as on the DOM's errors).
for (const [name, type] of CLASSES) {
  Object.defineProperty(type.prototype, "name", { value: name, writable: true, configurable: true });
}
Object.defineProperty(WebparError.prototype, "name", { value: "WebparError", writable: true, configurable: true });

/** The stable names of every error webpar makes. */
export const ERROR_NAMES = Object.freeze([...CLASSES.keys()]);

/**
 * An error of the class named `name` (a plain `Error` with that name if webpar has no such
 * class), with `message` and, when given, `cause`.
 */
export function typedError(name, message, cause) {
  const type = CLASSES.get(name);
  const options = cause === undefined ? undefined : { cause };
  if (type !== undefined) return new type(message, options);
  const error = new Error(message, options);
  error.name = name;
  return error;
}

/** An InvalidParamsError whose `param` names the parameter or option. */
export function invalid(message, param, cause) {
  const error = new InvalidParamsError(message, cause === undefined ? undefined : { cause });
  error.param = param;
  return error;
}

/**
 * Gives a plain `Error` that carries one of webpar's names (made by the wasm module) its
 * class, in place; returns any other value as it is.
 */
export function adopt(error) {
  // Only plain Errors: a DOMException named AbortError or TimeoutError (a signal's reason)
  // belongs to the app and keeps its class.
  if (error === null || typeof error !== "object" || Object.getPrototypeOf(error) !== Error.prototype) return error;
  const type = CLASSES.get(error.name);
  if (type === undefined) return error;
  const name = Object.getOwnPropertyDescriptor(error, "name");
  Object.setPrototypeOf(error, type.prototype);
  // The module sets `name` as an own property; the prototype's says the same.
  if (name?.configurable) delete error.name;
  return error;
}

/** What a thrown value says, whatever it is (a Symbol, a Proxy, an object without toString). */
export function describeThrown(value) {
  try {
    if (value instanceof Error) return value.message;
    if (value !== null && typeof value === "object") return JSON.stringify(value) ?? Object.prototype.toString.call(value);
    return String(value);
  } catch {
    // A Proxy may throw from every trap, Symbol.toStringTag's included.
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return "a value that cannot be described (its every property throws)";
    }
  }
}
