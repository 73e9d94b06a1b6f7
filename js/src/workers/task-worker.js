// The worker side of createWorkerPool's protocol: `listen(load)` loads the task functions when
// the pool says start, then runs one task at a time. The package's own task worker
// (webpar-task.js) and `serve` of "webpar/task" use it; it is not part of the API.
import { speak } from "./isolated.js";

// Shared through the worker's global object, so that two copies of this module (a bundler
// may make them) still agree on the task that runs.
/** The id of the task running in this worker, for `progress`. */
export const CURRENT = Symbol.for("webpar.task.current");
/** Marks a task's return value made by `transfer`. */
export const TRANSFER = Symbol.for("webpar.task.transfer");

/**
 * The worker's protocol (isolated.js's `speak`): `load(startMessage)` resolves with the
 * object of task functions once MESSAGE.start arrives; then one task at a time.
 */
export function listen(load) {
  const answer = (result) => result !== null && typeof result === "object" && result[TRANSFER] === true
    ? { result: result.value, transfer: result.list ?? [] }
    : { result };
  let tasks = null;
  speak({
    start: async (data) => {
      tasks = await load(data);
    },
    run: ({ id, fn, args }) => {
      globalThis[CURRENT] = id;
      let settling = false;
      try {
        const task = tasks?.[fn];
        if (typeof task !== "function") {
          const names = Object.keys(tasks ?? {}).filter((key) => typeof tasks[key] === "function");
          const error = new TypeError(`the task module has no function ${JSON.stringify(fn)}; its functions: ${names.join(", ") || "none"}`);
          error.name = "UnknownTaskError";
          throw error;
        }
        const result = task(...args);
        // A task that returns a value answers at once; an async one when it settles.
        if (typeof result?.then !== "function") return answer(result);
        settling = true;
        return Promise.resolve(result).then(answer).finally(() => {
          globalThis[CURRENT] = null;
        });
      } finally {
        if (!settling) globalThis[CURRENT] = null;
      }
    },
  });
}
