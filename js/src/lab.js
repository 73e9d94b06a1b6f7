// The "webpar/lab" entry point: Python's concurrency lessons, measured in the browser. `labs`
// lists the experiments (name, title, what each shows, where it runs, params); `lab` runs one
// and resolves with its report: `{ experiment, params, columns, rows, chart }`. The threads
// experiments (race, locks, queue) run in Rust on the pool; the others on the public JS API
// (experiments.js).
import { typedError } from "./errors.js";
import { readOptions, signalOption, timeOption } from "./options.js";
import { callThreads } from "./backends/engine.js";
import { onRunner, runnerInternals } from "./runner/runner.js";
import { labParams, runLab } from "./lab/experiments.js";

/**
 * The lab's experiments: name, title, what each shows, where it runs ("threads" or "js"),
 * params. Throws PoolNotReadyError before `init` has resolved.
 */
export function labs(runner) {
  return runnerInternals(runner, "labs").open("labs").labExperiments();
}

/**
 * Runs lab experiment `name` on `runner` with `params` (missing ones take their defaults)
 * and resolves with its report. Options: `signal`, `timeoutMs`. The threads experiments
 * (race, locks, queue) need a cross-origin isolated page and run one at a time; the others
 * run on any backend. Never throws: every failure rejects.
 */
export function lab(runner, name, params, options) {
  return onRunner(runner, "lab", async (internals) => {
    const read = readOptions(options, ["signal", "timeoutMs"], "lab's options");
    signalOption(read.signal);
    timeOption(read.timeoutMs, "timeoutMs");
    const experiments = internals.open("lab").labExperiments();
    const experiment = experiments.find((e) => e.name === name);
    if (experiment === undefined) {
      throw typedError("UnknownWorkloadError",
        `no lab experiment ${JSON.stringify(String(name))}; the experiments are ${experiments.map((e) => e.name).join(", ")}`);
    }
    const checked = labParams(experiment, params);
    const timeout = read.timeoutMs === undefined ? undefined : AbortSignal.timeout(read.timeoutMs);
    const signal = timeout === undefined ? read.signal : AbortSignal.any([read.signal, timeout].filter(Boolean));
    try {
      return await runLab(runner, experiment, checked, {
        signal,
        onThreads: (given, { signal: stop }) => callThreads(() => internals.open("lab"), "labRun", [name, given], { signal: stop }),
      });
    } catch (error) {
      if (timeout?.aborted && !read.signal?.aborted) {
        throw typedError("TimeoutError", `the lab experiment "${name}" took longer than ${read.timeoutMs} ms and was stopped`, error);
      }
      throw error;
    }
  });
}
