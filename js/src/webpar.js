// The package's entry module ("webpar"): the public API, and only that. An explicit export
// list: the generated bindings (webpar_core.js) and the modules behind the API stay inside the
// package.
// Starting webpar, and the heap it uses.
export { init as default, memoryUsage } from "./runner/start.js";
// CPU jobs and I/O jobs, through one executor.
export { Runner } from "./runner/runner.js";
// Every error class: `err instanceof TimeoutError`, and the stable `err.name`.
export {
  WebparError, InvalidParamsError, UnknownWorkloadError, UnknownTaskError, OverBudgetError, AbortError, TimeoutError, PoolNotReadyError, PoolClosedError, PoolBrokenError, EngineCrashedError, CallbackError, CallFailedError, DataCloneError, RunnerFreedError, QueueFullError, QueueEmptyError, QueueClosedError, BrokenBarrierError,
} from "./errors.js";
// What the page can run: threads, processes, sequential, and why not.
export { capabilities } from "./backends/backend.js";
// The app's own JS functions on isolated workers.
export { createWorkerPool } from "./worker-pool/worker-pool.js";
// Async coordination for the caller's own tasks: Semaphore, Mutex, Flag, Barrier, Queue, every.
export { Mutex, Semaphore } from "./sync/semaphore.js";
export { Flag } from "./sync/flag.js";
export { Barrier } from "./sync/barrier.js";
export { Queue } from "./sync/queue.js";
export { every } from "./sync/every.js";
// The executor vocabulary: functions over many tasks.
export { asCompleted, wait } from "./executor/wait.js";
