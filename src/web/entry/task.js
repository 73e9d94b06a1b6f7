// The worker side of createWorkerPool (`import { serve, progress, transfer } from
// "webpar/task"`). A task module either just exports its functions (and the pool is made
// with its URL), or, in a bundled app, is itself the worker script and calls `serve({ ... })`
// (and the pool is made with `() => new Worker(new URL("./tasks.js", import.meta.url),
// { type: "module" })`, the form every bundler follows).
import { flatten } from "./isolated.js";
import { describeThrown } from "./sync.js";

// Shared through the worker's global object, so that two copies of this module (a bundler
// may make them) still agree on the task that runs.
const CURRENT = Symbol.for("webpar.task.current");
const TRANSFER = Symbol.for("webpar.task.transfer");

/** Sends `value` (anything structured clone takes) to the running task's `onProgress`. */
export function progress(value) {
  const id = globalThis[CURRENT];
  if (id === undefined || id === null) return;
  postMessage({ type: "webpar:progress", id, value });
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
 * The worker's protocol (see isolated.js): `load(startMessage)` resolves with the object of
 * task functions once "webpar:start" arrives; then one "webpar:run" at a time.
 */
export function listen(load) {
  let tasks = null;
  // An error outside any task (a timer's callback that throws, say) is this worker's crash.
  self.addEventListener("error", (event) => {
    event.preventDefault();
    postMessage({ type: "webpar:crashed", message: event.message, stack: event.error?.stack });
  });
  self.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    const reason = event.reason;
    postMessage({
      type: "webpar:crashed",
      message: `unhandled rejection: ${reason instanceof Error ? reason.name : "Error"}: ${describeThrown(reason)}`,
      stack: reason?.stack,
    });
  });
  self.addEventListener("message", async ({ data }) => {
    if (data?.type === "webpar:start") {
      try {
        tasks = await load(data);
      } catch (error) {
        postMessage({ type: "webpar:start-failed", message: `${error?.name}: ${error?.message}` });
        return;
      }
      postMessage({ type: "webpar:ready" });
      return;
    }
    if (data?.type !== "webpar:run") return;
    const { id, fn, args } = data;
    globalThis[CURRENT] = id;
    try {
      const task = tasks?.[fn];
      if (typeof task !== "function") {
        const names = Object.keys(tasks ?? {}).filter((key) => typeof tasks[key] === "function");
        const error = new TypeError(`the task module has no function ${JSON.stringify(fn)}; its functions: ${names.join(", ") || "none"}`);
        error.name = "UnknownTaskError";
        throw error;
      }
      let result = await task(...args);
      let list = [];
      if (result !== null && typeof result === "object" && result[TRANSFER] === true) {
        list = result.list ?? [];
        result = result.value;
      }
      try {
        postMessage({ type: "webpar:done", id, result }, list);
      } catch (error) {
        const failed = new Error(`the task's value cannot be sent back to the page (${error?.message}); return plain data, typed arrays or buffers`);
        failed.name = "DataCloneError";
        throw failed;
      }
    } catch (error) {
      postMessage({ type: "webpar:failed", id, error: flatten(error) });
    } finally {
      globalThis[CURRENT] = null;
    }
  });
}
