// The "webpar/bench" entry point: the demo page's measurements, for any app that wants them.
// `compare` runs a workload sequentially and in parallel (and on isolated workers) and puts
// the medians side by side with checksums that prove every mode computed the same; `sweep`
// runs it on 1..k workers and fits Amdahl's law; `pipeline` runs the fetch-then-compute demo.
// Each takes the Runner to measure on as its first argument.
import * as core from "./webpar_core.js";
import { invalid, typedError } from "./errors.js";
import { readOptions, signalOption, wholeOption } from "./options.js";
import { current, processPool } from "./backends/backend.js";
import { timings } from "./backends/processes.js";
import { callThreads, splitsOf } from "./backends/engine.js";
import { onRunner } from "./runner/runner.js";
import { learn } from "./runner/advise.js";
import { cores as runtimeCores } from "./runtimes/host.js";

/**
 * Runs workload `name` in each mode, `repeats` times (default 5, alternating after one
 * warm-up each), and compares medians: sequential against the backend's parallel mode
 * (threads, or processes on the processes backend). `modes: ["sequential", "parallel",
 * "processes"]` adds isolated workers beside threads; `speedups` then has one ratio per mode.
 * Options: `modes`, `repeats`, `signal`, `timeoutMs`, `onProgress`, `timeline` (each run
 * carries the timeline of its last repeat). Never throws: every failure rejects.
 */
export function compare(runner, name, params, options) {
  return onRunner(runner, "compare", async (internals) => {
    let modes;
    let rest = options;
    try {
      if (options !== null && typeof options === "object" && Object.hasOwn(options, "modes")) {
        ({ modes, ...rest } = options);
      }
    } catch (error) {
      throw invalid(`compare's options threw while they were read (${error?.message}); err.cause is what they threw`, "options", error);
    }
    const backend = current()?.backend;
    const onPool = backend === "processes" || backend === "sequential";
    if (modes === undefined) modes = onPool ? ["sequential", "processes"] : ["sequential", "parallel"];
    if (!Array.isArray(modes) || modes.length < 2 || modes[0] !== "sequential" ||
      !modes.slice(1).every((m) => ["parallel", "processes", "sequential"].includes(m))) {
      throw invalid(`option "modes" must list "sequential" first, then "parallel" and/or "processes", got ${String(modes)}`, "modes");
    }
    const open = () => internals.open("compare");
    const compared = !onPool && modes.length === 2 && modes[1] === "parallel"
      ? await callThreads(open, "compare", [name, params], rest)
      : await compareOnPool(open, name, params, rest, modes, onPool);
    // What the runs' timelines tell of this job, for runner.advise.
    for (const run of compared.runs) learn(name, params, run);
    return compared;
  });
}

/**
 * Runs the job on exactly k workers for each k of `threads` and fits Amdahl's law: rows of
 * `{ threads, medianMs, speedup, efficiency }` and the fitted serial fraction. On the
 * processes backend k is the process workers taking the job's parts at once; on sequential
 * there is one. Options: `threads`, `repeats`, `signal`, `timeoutMs`, `onProgress`.
 */
export function sweep(runner, name, params, options) {
  return onRunner(runner, "sweep", (internals, generated) => {
    const backend = current()?.backend;
    if (backend === "processes" || backend === "sequential") return sweepOnPool(generated, name, params, options);
    return callThreads(() => internals.open("sweep"), "sweep", [name, params], options);
  });
}

/**
 * The fetch-then-compute pipeline: fetches documents at a bounded concurrency while the
 * pool hashes and counts the ones already fetched, and compares that overlap with running
 * the two stages one after the other. Options: `signal`, `onProgress`.
 */
export function pipeline(runner, spec, options) {
  return onRunner(runner, "pipeline", (internals) => callThreads(() => internals.open("pipeline"), "pipeline", [spec], options));
}

/**
 * compare with isolated workers among the modes: every mode's run alternates with the
 * others' after one warm-up each; the report has the shape of the bindings' Comparison, with
 * `speedups` per mode beside `speedup` (of the last mode).
 */
async function compareOnPool(open, name, params, options, modes, onPool) {
  const read = readOptions(options, ["repeats", "signal", "timeoutMs", "onProgress", "timeline"], "compare's options");
  const repeats = wholeOption(read.repeats, "repeats", 1, 1000, 5);
  if (read.timeline !== undefined && typeof read.timeline !== "boolean") {
    throw invalid(`option "timeline" must be true or false, got ${typeof read.timeline}`, "timeline");
  }
  signalOption(read.signal);
  open().validate(name, params);
  const pool = (onPool || modes.includes("processes")) ? await processPool(splitsOf) : null;
  const once = (mode, repeatsNow) => {
    const common = { signal: read.signal, timeoutMs: read.timeoutMs, timeline: read.timeline };
    if ((mode === "parallel" || mode === "sequential") && !onPool) {
      return callThreads(open, "run", [name, params], { ...common, mode, repeats: repeatsNow });
    }
    return pool.run(name, params, { ...common, mode: mode === "parallel" ? "processes" : mode, repeats: repeatsNow });
  };
  for (const mode of modes) await once(mode, 1);
  const reports = modes.map(() => []);
  for (let r = 0; r < repeats; r++) {
    for (let m = 0; m < modes.length; m++) {
      reports[m].push(await once(modes[m], 1));
      try {
        read.onProgress?.((r * modes.length + m + 1) / (repeats * modes.length));
      } catch (error) {
        throw typedError("CallbackError", `onProgress threw (${error?.message}); err.cause is what it threw`, error);
      }
    }
  }
  const runs = reports.map((list) => {
    const last = list[list.length - 1];
    return {
      ...last, ...timings(list.map((report) => report.medianMs)),
      deterministic: list.every((report) => report.checksum === last.checksum && report.deterministic),
    };
  });
  const speedups = {};
  for (const run of runs.slice(1)) speedups[run.mode] = runs[0].medianMs / run.medianMs;
  const top = runs[runs.length - 1];
  return {
    workload: name,
    params: runs[0].params,
    repeats,
    runs,
    checksumsMatch: runs.every((run) => run.checksum === runs[0].checksum),
    threads: top.threads,
    speedup: runs[0].medianMs / top.medianMs,
    efficiency: runs[0].medianMs / top.medianMs / Math.max(1, top.threads),
    speedups,
  };
}

/**
 * Runner.sweep on the process pool: for each k, the job's parts taken by at most k workers at
 * once, the counts taking turns; the bindings make the rows and the Amdahl fit.
 */
async function sweepOnPool(runner, name, params, options) {
  const read = readOptions(options, ["threads", "repeats", "signal", "timeoutMs", "onProgress"], "sweep's options");
  const repeats = wholeOption(read.repeats, "repeats", 1, 100, 3);
  signalOption(read.signal);
  runner.validate(name, params);
  const pool = await processPool(splitsOf);
  const counts = Array.from(core.sweepCounts(read.threads, pool.size));
  const times = counts.map(() => []);
  const last = counts.map(() => null);
  const common = { signal: read.signal, timeoutMs: read.timeoutMs, mode: "processes" };
  await pool.run(name, params, { ...common, lanes: counts[counts.length - 1] });
  for (let r = 0; r < repeats; r++) {
    for (let i = 0; i < counts.length; i++) {
      const report = await pool.run(name, params, { ...common, lanes: counts[i] });
      times[i].push(report.medianMs);
      last[i] = report;
      try {
        read.onProgress?.((r * counts.length + i + 1) / (repeats * counts.length));
      } catch (error) {
        throw typedError("CallbackError", `onProgress threw (${error?.message}); err.cause is what it threw`, error);
      }
    }
  }
  const runs = counts.map((k, i) => ({
    threads: k, threadsUsed: Math.min(k, last[i].threadsUsed), checksum: last[i].checksum, timesMs: times[i],
  }));
  return core.sweepOfRuns(name, params, runs, repeats, runtimeCores());
}
