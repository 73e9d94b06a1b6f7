// Every message type that crosses between the page and webpar's workers, declared once.
// Each is prefixed with "webpar:" so that a worker that also runs an app's own code (a task
// module, a bundle that merged webpar with other libraries) can tell webpar's messages from
// the app's. src/web/snippets/workers.js (imported by Rust, so it cannot import this file)
// repeats the pool-thread types; js/test/protocol.test.js checks that the two agree.

/** The message types, by what each says. */
export const MESSAGE = Object.freeze({
  // Isolated workers (processes backend, createWorkerPool): page -> worker.
  /** Start: `{ module }` (processes) or `{ url }` (a task module). */
  start: "webpar:start",
  /** Run one job or task: `{ id, ... }`. */
  run: "webpar:run",
  // Isolated workers: worker -> page.
  /** The worker started and waits for runs. */
  ready: "webpar:ready",
  /** The worker could not start: `{ message }`. */
  startFailed: "webpar:start-failed",
  /** A run ended: `{ id, result }`. */
  done: "webpar:done",
  /** A run failed: `{ id, error }` (a flattened Error). */
  failed: "webpar:failed",
  /** The worker's instance trapped: `{ message, stack }`; the page replaces it. */
  crashed: "webpar:crashed",
  /** A run's progress: `{ id, value }`. */
  progress: "webpar:progress",
  // The thread pool's workers (threads backend).
  /** page -> worker: `{ module, memory, mainJS }`. */
  startPoolThread: "webpar:start-pool-thread",
  /** worker -> page: the script loaded and listens. */
  poolThreadLoaded: "webpar:pool-thread-loaded",
  /** worker -> page: instantiated on the shared memory; runs its thread. */
  poolThreadReady: "webpar:pool-thread-ready",
  /** worker -> page: could not instantiate: `{ message }`. */
  poolThreadFailed: "webpar:pool-thread-failed",
  /** worker -> page: its thread trapped: `{ message }`; the engine restarts. */
  poolThreadCrashed: "webpar:pool-thread-crashed",
  // The threads frame (frame backend: frame/page.js and frame/frame.js).
  /** frame -> page (window message): the frame's script runs: `{ isolated }`. */
  frameLoaded: "webpar:frame-loaded",
  /** frame -> page (window message, from webpar-frame.html): its script failed: `{ message }`. */
  frameFailed: "webpar:frame-failed",
  /** page -> frame (window message, with a port): start the threads: `{ threads }`. */
  frameConnect: "webpar:frame-connect",
  /** frame -> page (port): the threads run: `{ threads }`, or could not: `{ error }`. */
  frameReady: "webpar:frame-ready",
  /** page -> frame: call a method of the engine: `{ id, method, args, options, progress }`. */
  frameCall: "webpar:frame-call",
  /** page -> frame: stop call `id`: `{ id, reason }` (a flattened Error). */
  frameCancel: "webpar:frame-cancel",
});
