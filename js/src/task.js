// The worker side of createWorkerPool (`import { serve, progress, transfer } from
// "webpar/task"`). A task module either just exports its functions (and the pool is made
// with its URL), or, in a bundled app, is itself the worker script and calls `serve({ ... })`
// (and the pool is made with `() => new Worker(new URL("./tasks.js", import.meta.url),
// { type: "module" })`, the form every bundler follows).
import { speak } from "./workers/isolated.js";
import { MESSAGE } from "./protocol.js";

// Shared through the worker's global object, so that two copies of this module (a bundler
// may make them) still agree on the task that runs.
const CURRENT = Symbol.for("webpar.task.current");
const TRANSFER = Symbol.for("webpar.task.transfer");

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

/**
 * The worker's protocol (isolated.js's `speak`): `load(startMessage)` resolves with the
 * object of task functions once MESSAGE.start arrives; then one task at a time.
 */
export function listen(load) {
  let tasks = null;
  speak({
    start: async (data) => {
      tasks = await load(data);
    },
    run: async ({ id, fn, args }) => {
      globalThis[CURRENT] = id;
      try {
        const task = tasks?.[fn];
        if (typeof task !== "function") {
          const names = Object.keys(tasks ?? {}).filter((key) => typeof tasks[key] === "function");
          const error = new TypeError(`the task module has no function ${JSON.stringify(fn)}; its functions: ${names.join(", ") || "none"}`);
          error.name = "UnknownTaskError";
          throw error;
        }
        const result = await task(...args);
        if (result !== null && typeof result === "object" && result[TRANSFER] === true) {
          return { result: result.value, transfer: result.list ?? [] };
        }
        return { result };
      } finally {
        globalThis[CURRENT] = null;
      }
    },
  });
}
