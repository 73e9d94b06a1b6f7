// The lab's experiments that run on the public JS API (the threads ones run in Rust, on the
// pool: src/lab/). Each takes its params (checked against the catalogue) and resolves with a
// report: `{ experiment, params, columns, rows, chart: { x, y } }`, the rows keyed by column.
// Everything stops when `signal` aborts.
import { Semaphore } from "../sync/semaphore.js";
import { every } from "../sync/every.js";
import { describeThrown, invalid, typedError } from "../errors.js";
import { createWorkerPool } from "../worker-pool/worker-pool.js";
import { compare } from "../bench.js";

/** CPython's countdown on 2 cores, the seeds' measurement: reference data, not measured here. */
const CPYTHON = [
  { mode: "sequential", workers: 1, ms: 1880 },
  { mode: "2 threads", workers: 2, ms: 2050 },
  { mode: "2 processes", workers: 2, ms: 1070 },
];

/** Which column each experiment's chart plots, against which labels. */
const CHARTS = {
  gil: { x: "mode", y: "ms" },
  race: { x: "variant", y: "ms" },
  locks: { x: "setting", y: "usPerUse" },
  queue: { x: "capacity", y: "itemsPerSecond" },
  pickling: { x: "case", y: "ms" },
  asyncio: { x: "case", y: "ms" },
  exceptions: { x: "pool", y: "ms" },
};

/** Checks `params` against the experiment's specs; missing ones take their defaults. */
export function labParams(experiment, params) {
  if (params !== undefined && (params === null || typeof params !== "object")) {
    throw invalid(`${experiment.name}: params must be an object, got ${params === null ? "null" : typeof params}`, "params");
  }
  let given;
  try {
    // Copied once (getters run here), so a params object that throws is refused as bad input.
    given = { ...params };
  } catch (thrown) {
    throw invalid(`${experiment.name}: params threw while they were read (${describeThrown(thrown)}); err.cause is what it threw`, "params", thrown);
  }
  for (const key of Object.keys(given)) {
    if (!experiment.params.some((p) => p.name === key)) {
      throw invalid(`${experiment.name}: unknown param ${JSON.stringify(key)}; its params are ${experiment.params.map((p) => p.name).join(", ")}`, key);
    }
  }
  const read = {};
  for (const spec of experiment.params) {
    const value = given[spec.name] ?? spec.default;
    if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
      throw invalid(`${experiment.name}: param ${JSON.stringify(spec.name)} must be a whole number in ${spec.min}..=${spec.max}, got ${String(value)}`, spec.name);
    }
    read[spec.name] = value;
  }
  return read;
}

/**
 * Runs experiment `experiment` (a catalogue entry) with checked `params`. `runner` is the
 * package's Runner; `onThreads(params, options)` runs a threads experiment on the pool.
 */
export async function runLab(runner, experiment, params, { signal, onThreads }) {
  signal?.throwIfAborted();
  let report;
  if (experiment.runs === "threads") {
    if (runner.backend !== "threads") {
      throw typedError("PoolNotReadyError",
        `the lab's "${experiment.name}" needs threads sharing memory, which need a cross-origin isolated page ` +
        `(this page runs on ${runner.backend ?? "no backend yet"}): serve it with Cross-Origin-Opener-Policy: same-origin ` +
        "and Cross-Origin-Embedder-Policy: require-corp");
    }
    report = await onPool(() => onThreads(params, { signal }), signal);
  } else {
    const run = { gil, pickling, asyncio, exceptions }[experiment.name];
    report = { experiment: experiment.name, params, ...await run(runner, params, signal) };
  }
  return { ...report, chart: CHARTS[experiment.name] };
}

/**
 * Runs a threads experiment, waiting while an earlier one still winds down on the pool (one
 * runs at a time there; one stopped by its signal may take a moment to notice).
 */
async function onPool(start, signal) {
  for (let waited = 0; ; waited += 25) {
    try {
      return await start();
    } catch (error) {
      if (!String(error?.message).startsWith("another lab experiment is running") || waited >= 30_000) throw error;
    }
    await sleep(25, signal);
  }
}

/** Threads against processes on countdown, beside CPython's reference numbers. */
async function gil(runner, { n }, signal) {
  const modes = runner.backend === "threads" ? ["sequential", "parallel", "processes"] : ["sequential", "processes"];
  const comparison = await compare(runner, "countdown", { n }, { modes, repeats: 3, signal });
  const base = comparison.runs[0].medianMs;
  const label = (run) => run.mode === "sequential" ? "sequential"
    : run.backend === "processes" ? `${run.threads} processes` : `${run.threads} threads`;
  const rows = comparison.runs.map((run) => ({
    source: "measured here (wasm)", mode: label(run), workers: run.threads, ms: run.medianMs,
    speedup: base / run.medianMs, checksum: run.checksum,
  }));
  for (const row of CPYTHON) {
    rows.push({
      source: "CPython 3.12, 2 cores (reference data, not measured here)", mode: row.mode,
      workers: row.workers, ms: row.ms, speedup: CPYTHON[0].ms / row.ms, checksum: "",
    });
  }
  return {
    columns: ["source", "mode", "workers", "ms", "speedup"],
    rows, checksumsMatch: comparison.checksumsMatch,
  };
}

/** One array summed shared and copied; tiny tasks through map at growing chunk sizes. */
async function pickling(runner, { n, tasks }, signal) {
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) values[i] = (i % 2001) - 1000;
  const rows = [];
  const modes = runner.backend === "threads" ? ["sequential", "parallel", "processes"] : ["sequential", "processes"];
  const sums = new Set();
  for (const mode of modes) {
    const times = [];
    let report;
    for (let repeat = 0; repeat < 3; repeat++) {
      const started = performance.now();
      report = await runner.run("sum", { input: values }, { mode, signal });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const onWorkers = report.backend === "processes";
    sums.add(String(report.output.sum));
    rows.push({
      case: `sum of ${n.toLocaleString("en")} Int32, ${mode === "sequential" ? "sequential" : onWorkers ? `${report.parts} processes` : `${report.threads} threads`}`,
      ms: times[1], bytesCopied: (onWorkers ? report.bytesCopied : 0) + (report.copy?.inBytes ?? 0),
      messages: onWorkers ? report.messages : 0, perSecond: n / (times[1] / 1000),
    });
  }
  // The same work in one job, then as `tasks` tiny tasks through map, chunk by chunk.
  const whole = performance.now();
  await runner.run("countdown", { n: tasks }, { mode: "sequential", signal });
  const wholeMs = performance.now() - whole;
  rows.push({ case: `countdown of ${tasks.toLocaleString("en")} in one job`, ms: wholeMs, bytesCopied: 0, messages: 0, perSecond: tasks / (wholeMs / 1000) });
  const items = Array.from({ length: tasks }, () => ({ n: 1 }));
  for (const chunkSize of [1, 10, 100, 1000, 10000].filter((size) => size <= tasks)) {
    const started = performance.now();
    let count = 0;
    for await (const _ of runner.map("countdown", items, { chunkSize, signal })) count += 1;
    const ms = performance.now() - started;
    rows.push({
      case: `${count.toLocaleString("en")} tiny tasks through map, chunkSize ${chunkSize}`, ms,
      bytesCopied: 0, messages: 0, perSecond: count / (ms / 1000),
    });
  }
  return { columns: ["case", "ms", "perSecond", "bytesCopied", "messages"], rows, sumsMatch: sums.size === 1 };
}

/** A promise that resolves after `ms`, or rejects with the signal's reason. */
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal?.addEventListener("abort", stop, { once: true });
  });
}

/** Calls one at a time, all at once, and under a limit; completion order; gather and TaskGroup; every(). */
async function asyncio(runner, { calls, latency, limit, ticks }, signal) {
  const rows = [];
  const time = async (what, expectedMs, body) => {
    const started = performance.now();
    const observed = await body();
    rows.push({ case: what, ms: performance.now() - started, expectedMs, observed });
  };
  await time(`${calls} calls one at a time`, calls * latency, async () => {
    for (let i = 0; i < calls; i++) await sleep(latency, signal);
    return `${calls} done in turn`;
  });
  await time(`${calls} calls at once (gather)`, latency, async () => {
    await Promise.all(Array.from({ length: calls }, () => sleep(latency, signal)));
    return `${calls} done together`;
  });
  await time(`${calls} calls, at most ${limit} at once (Semaphore)`, Math.ceil(calls / limit) * latency, async () => {
    const semaphore = new Semaphore(limit);
    let inside = 0;
    let most = 0;
    await Promise.all(Array.from({ length: calls }, async () => {
      const permit = await semaphore.acquire({ signal });
      inside += 1;
      most = Math.max(most, inside);
      try {
        await sleep(latency, signal);
      } finally {
        inside -= 1;
        permit.release();
      }
    }));
    return `at most ${most} at once`;
  });
  await time(`${calls} calls through mapAsync, concurrency ${limit}`, Math.ceil(calls / limit) * latency, async () => {
    let count = 0;
    for await (const _ of runner.mapAsync(Array.from({ length: calls }, (_, i) => i),
      (_, { signal: callSignal }) => sleep(latency, callSignal), { concurrency: limit, signal })) count += 1;
    return `${count} values`;
  });
  // as_completed: latencies that fall with the index, so completion order reverses submission.
  const latencies = Array.from({ length: Math.min(calls, 10) }, (_, i) => latency * (1 + (Math.min(calls, 10) - i) / 2));
  await time(`as_completed over ${latencies.length} calls of falling latency`, Math.max(...latencies), async () => {
    const order = [];
    for await (const index of runner.mapAsync(latencies.map((_, i) => i),
      (i, { signal: callSignal }) => sleep(latencies[i], callSignal).then(() => i), { ordered: false, signal })) order.push(index);
    const reversed = order.every((index, k) => k === 0 || index < order[k - 1]);
    return `completion order ${order.join(",")}${reversed ? ": the reverse of submission" : ""}`;
  });
  // gather (return_exceptions) against TaskGroup when one of four tasks fails.
  for (const cancelOnFailure of [false, true]) {
    await time(cancelOnFailure ? "TaskGroup, one task fails" : "gather, one task fails", undefined, async () => {
      const group = runner.group({ cancelOnFailure });
      for (let i = 0; i < 3; i++) group.submit("countdown", { n: 300_000_000 + i }, { signal });
      // Fails `latency` ms after submit, queued or running, while the others still run.
      group.submit("primes", { below: 1_000_000_000 }, { deadlineMs: latency, signal });
      const settled = await group.settled();
      const statuses = group.tasks.map((task) => task.status);
      const errors = settled.filter((s) => s.status === "rejected").map((s) => s.reason.name);
      const count = (status) => statuses.filter((s) => s === status).length;
      return `${count("fulfilled")} fulfilled, ${count("cancelled")} cancelled, ${count("rejected")} failed; errors: ${errors.join(", ")}`;
    });
  }
  // A periodic task, stopped cleanly after `ticks` ticks.
  await time(`every(${latency} ms), stopped after ${ticks} ticks`, ticks * latency, async () => {
    const controller = new AbortController();
    const stop = () => controller.abort(typedError("AbortError", "the lab stopped the periodic task"));
    signal?.addEventListener("abort", stop, { once: true });
    let ran = 0;
    const { maxLateMs } = await every(latency, () => {
      ran += 1;
      if (ran >= ticks) controller.abort(typedError("AbortError", "enough ticks"));
    }, { signal: controller.signal });
    signal?.removeEventListener("abort", stop);
    signal?.throwIfAborted();
    return `${ran} ticks, then stopped; latest tick ${maxLateMs.toFixed(1)} ms late`;
  });
  return { columns: ["case", "ms", "expectedMs", "observed"], rows };
}

/** A failure in each pool, and how it reaches the caller. */
async function exceptions(runner, { timeoutMs }, signal) {
  const rows = [];
  // The pool CPU jobs run on here: threads, or isolated workers on a page without isolation.
  const cpu = runner.backend === "threads" ? "threads" : runner.backend;
  // `body()` resolves with how the outcome arrived, or rejects with the error (an await).
  const caught = async (pool, how, body) => {
    const started = performance.now();
    let outcome;
    try {
      outcome = await body();
    } catch (thrown) {
      outcome = { error: thrown, via: "the awaited Promise rejected" };
    }
    signal?.throwIfAborted();
    const { error, via } = outcome;
    const text = (value) => String(value).length > 140 ? `${String(value).slice(0, 140)}…` : String(value);
    rows.push({
      pool, how, via, ms: performance.now() - started,
      error: error ? text(`${error.name}: ${error.message}`) : "none",
      cause: error?.cause ? text(`${error.cause.name ?? "value"}: ${error.cause.message ?? error.cause}`) : "",
    });
  };
  await caught(cpu, "a job too big for the memory budget, with then(done, failed) callbacks", () => new Promise((resolve) => {
    runner.submit("sum", { n: 2 ** 36 }, { signal }).then(
      () => resolve({ via: "the done callback" }),
      (error) => resolve({ error, via: "the error callback (then's second function)" }));
  }));
  let waited;
  await caught(cpu, `result({ timeoutMs: ${timeoutMs} }) on a long job`, async () => {
    waited = runner.submit("primes", { below: 1_000_000_000 }, { signal });
    await waited.result({ timeoutMs });
    return { via: "resolved" };
  });
  // The wait gave up, not the task: it runs until cancelled.
  rows.push({ pool: cpu, how: "that job, after the wait timed out", via: `its status: ${waited.status}`, ms: 0, error: "none", cause: "" });
  waited.cancel();
  const source = URL.createObjectURL(new Blob([
    "export function fail(x) { const e = new RangeError(`no square root of ${x} here`); e.input = x; throw e; }",
  ], { type: "text/javascript" }));
  const pool = createWorkerPool(source, { size: 1 });
  try {
    await caught("processes", "a task function throws in its worker", async () => {
      await pool.submit("fail", [-1], { signal });
      return { via: "resolved" };
    });
  } finally {
    await pool.close();
    URL.revokeObjectURL(source);
  }
  await caught("I/O", "an async call throws inside mapAsync", async () => {
    for await (const _ of runner.mapAsync([1, 2, 3], async (x) => {
      if (x === 2) throw new TypeError("the reply was not JSON");
      return x;
    }, { signal })) {
      // The first value arrives; the failure is thrown where the second would be.
    }
    return { via: "finished" };
  });
  return { columns: ["pool", "how", "error", "cause", "via", "ms"], rows };
}
