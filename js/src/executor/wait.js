// Functions over many tasks: asCompleted (concurrent.futures.as_completed) and wait
// (concurrent.futures.wait).
import { invalid, typedError } from "../errors.js";
import { iterableOption, readOptions, signalOption, timeOption } from "../options.js";
import { timeoutError } from "./reasons.js";

/**
 * Yields the tasks (or any promises) as they settle, first settled first
 * (concurrent.futures.as_completed). With `timeoutMs`, throws TimeoutError if the next one
 * does not settle in time.
 */
export function asCompleted(tasks, options) {
  const { timeoutMs } = readOptions(options, ["timeoutMs"], "asCompleted's options");
  timeOption(timeoutMs, "timeoutMs");
  const pending = new Set(listOf(tasks, "asCompleted"));
  const settled = [];
  let wake = null;
  for (const task of pending) {
    Promise.resolve(task).then(() => {}, () => {}).then(() => {
      settled.push(task);
      wake?.();
      wake = null;
    });
  }
  const start = performance.now();
  // An iterator, not an async generator: a generator's `yield` would await the task and
  // yield its value, while this yields the task itself.
  return {
    async next() {
      if (pending.size === 0) return { value: undefined, done: true };
      if (settled.length === 0) {
        let timer;
        await new Promise((resolve, reject) => {
          wake = resolve;
          if (timeoutMs !== undefined) {
            const left = Math.max(0, start + timeoutMs - performance.now());
            timer = setTimeout(() => reject(timeoutError(
              `${pending.size} of the tasks did not finish within ${timeoutMs} ms`)), left);
          }
        }).finally(() => clearTimeout(timer));
      }
      const task = settled.shift();
      pending.delete(task);
      return { value: task, done: false };
    },
    async return() {
      pending.clear();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Waits for the tasks (concurrent.futures.wait) until `returnWhen` ("all-completed" by
 * default, "first-completed" or "first-exception") or `timeoutMs`; resolves with
 * `{ done, notDone }` (Sets). Never rejects for the tasks' own failures.
 */
export async function wait(tasks, options) {
  const { returnWhen = "all-completed", timeoutMs, signal } =
    readOptions(options, ["returnWhen", "timeoutMs", "signal"], "wait's options");
  signalOption(signal);
  const all = listOf(tasks, "wait");
  if (!["all-completed", "first-completed", "first-exception"].includes(returnWhen)) {
    throw invalid(`option "returnWhen" must be "all-completed", "first-completed" or "first-exception", got ${String(returnWhen)}`, "returnWhen");
  }
  timeOption(timeoutMs, "timeoutMs");
  const done = new Set();
  await new Promise((resolve) => {
    let timer;
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", finish);
      resolve();
    };
    if (timeoutMs !== undefined) timer = setTimeout(finish, timeoutMs);
    signal?.addEventListener("abort", finish, { once: true });
    if (all.length === 0 || signal?.aborted) return finish();
    for (const task of all) {
      Promise.resolve(task).then(
        () => {
          done.add(task);
          if (returnWhen === "first-completed" || done.size === all.length) finish();
        },
        () => {
          done.add(task);
          if (returnWhen !== "all-completed" || done.size === all.length) finish();
        },
      );
    }
  });
  return { done, notDone: new Set(all.filter((task) => !done.has(task))) };
}

/**
 * The tasks of `tasks` (an iterable) as an array. Not an iterable: InvalidParamsError; an
 * iterator of the app's that throws: CallbackError with what it threw as `cause`.
 */
function listOf(tasks, method) {
  iterableOption(tasks, "tasks", `${method}'s tasks`);
  if (typeof tasks[Symbol.iterator] !== "function") {
    throw invalid(`${method}'s tasks must be an iterable of tasks or promises (an array, a Set...), not an async iterable`, "tasks");
  }
  try {
    return Array.from(tasks);
  } catch (error) {
    throw typedError("CallbackError", `${method}'s tasks threw while they were iterated; err.cause is what they threw`, error);
  }
}
