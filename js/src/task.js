// The worker side of createWorkerPool (`import { serve, progress, transfer } from
// "webpar/task"`). A task module either just exports its functions (and the pool is made
// with its URL), or, in a bundled app, is itself the worker script and calls `serve({ ... })`
// (and the pool is made with `() => new Worker(new URL("./tasks.js", import.meta.url),
// { type: "module" })`, the form every bundler follows).
import { MESSAGE } from "./protocol.js";
import { CURRENT, TRANSFER, listen } from "./workers/task-worker.js";

/** Sends `value` (anything structured clone takes) to the running task's `onProgress`. */
export function progress(value) {
  const id = globalThis[CURRENT];
  if (id === undefined || id === null) return;
  postMessage({ type: MESSAGE.progress, id, value });
}

/** A task's return value whose `list` of buffers moves back to the page instead of being copied. */
export function transfer(value, list) {
  return { [TRANSFER]: true, value, list };
}

/** Serves `tasks` (an object of functions) to the pool that started this worker. */
export function serve(tasks) {
  listen(async () => tasks);
}
