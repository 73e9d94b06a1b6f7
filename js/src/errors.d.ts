// The error classes of webpar (errors.js): one per stable `name`, all WebparErrors.

/** The base class of every webpar error. */
export class WebparError extends Error {
  /** The parameter or option an error is about, where there is one. */
  param?: string;
}
/** A parameter, option or argument is wrong; `err.param` names it. */
export class InvalidParamsError extends WebparError {
  name: "InvalidParamsError";
}
/** No workload, lab experiment or task of that name. */
export class UnknownWorkloadError extends WebparError {
  name: "UnknownWorkloadError";
}
/** A worker-pool task module has no function of the name asked for. */
export class UnknownTaskError extends WebparError {
  name: "UnknownTaskError";
}
/** The job would need more memory than the engine's budget allows. */
export class OverBudgetError extends WebparError {
  name: "OverBudgetError";
}
/** The job or wait was cancelled: its signal aborted, or `task.cancel()` was called. */
export class AbortError extends WebparError {
  name: "AbortError";
}
/** The call took longer than its `timeoutMs` (or `deadlineMs`, or `attemptTimeoutMs`). */
export class TimeoutError extends WebparError {
  name: "TimeoutError";
}
/** The backend could not start, or a job needs one that is not running. */
export class PoolNotReadyError extends WebparError {
  name: "PoolNotReadyError";
}
/** The pool was closed (`close()`) before the job could run. */
export class PoolClosedError extends WebparError {
  name: "PoolClosedError";
}
/** Workers of a worker pool keep crashing at start; the pool gave up. */
export class PoolBrokenError extends WebparError {
  name: "PoolBrokenError";
}
/** The threads engine crashed (a panic or a trap); webpar restarts it by itself. */
export class EngineCrashedError extends WebparError {
  name: "EngineCrashedError";
}
/** A callback of the app's (onProgress, an iterator, a getter) threw; `err.cause` is what. */
export class CallbackError extends WebparError {
  name: "CallbackError";
}
/** One call of `mapAsync` failed for good; `err.cause`, `err.index`, `err.attempts`. */
export class CallFailedError extends WebparError {
  name: "CallFailedError";
  /** The item's index in the input. */
  index: number;
  /** Attempts made. */
  attempts: number;
}
/** A value cannot be sent to an isolated worker (structured clone refused it). */
export class DataCloneError extends WebparError {
  name: "DataCloneError";
}
/** A method of a Runner was called after `runner.free()`. */
export class RunnerFreedError extends WebparError {
  name: "RunnerFreedError";
}
/** `submit` found the executor's queue full (`maxQueue`). */
export class QueueFullError extends WebparError {
  name: "QueueFullError";
}
/** `Queue.getNowait()` found the queue empty. */
export class QueueEmptyError extends WebparError {
  name: "QueueEmptyError";
}
/** The Queue was closed: nothing more can be put. */
export class QueueClosedError extends WebparError {
  name: "QueueClosedError";
}
/** A Barrier was aborted or reset while a party waited. */
export class BrokenBarrierError extends WebparError {
  name: "BrokenBarrierError";
}
/** Every error webpar rejects or throws with: narrow it with `instanceof` or `name`. */
export type AnyWebparError =
  | InvalidParamsError
  | UnknownWorkloadError
  | UnknownTaskError
  | OverBudgetError
  | AbortError
  | TimeoutError
  | PoolNotReadyError
  | PoolClosedError
  | PoolBrokenError
  | EngineCrashedError
  | CallbackError
  | CallFailedError
  | DataCloneError
  | RunnerFreedError
  | QueueFullError
  | QueueEmptyError
  | QueueClosedError
  | BrokenBarrierError;
/** The stable names of webpar's errors. */
export type WebparErrorName = AnyWebparError["name"];
