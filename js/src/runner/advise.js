// What webpar predicts of a job before running it in parallel (Runner.advise, and mode
// "auto"): the speedup with an interval, the mode and backend it would pick, and why, each
// reason one sentence.
//
// The prediction replays the job's own chunks. A job is probed once (a sequential run with
// its timeline, kept per workload and params; a later sequential run of it refreshes it): its
// chunks' times, pass by pass, are dealt to the threads as the engine deals them (each free
// thread takes the next chunk; a pass ends when its last chunk does), or to isolated workers as
// parts (contiguous runs of chunks, the last part first), and to that are added what this
// machine was measured to pay per job: the hop to the pool and back, per part the message to an
// isolated worker, and the copy of an input. A parallel run of the same job seen before tells
// how much slower each chunk ran beside the others (memory shared, a busy core); without one,
// the interval is wider.

import { current } from "../backends/backend.js";

/** Sequential probes kept: the most recent jobs' (workload and params). */
const MAX_PROBES = 64;
/** Empty jobs timed for the hop to the pool. */
const HOP_SAMPLES = 15;
/** Parts per isolated worker (as the processes backend splits a job). */
const PARTS_PER_WORKER = 4;

/** key -> { sequentialMs, timeline, slowdown?: number } */
const probes = new Map();
/** backend -> milliseconds of an empty job's round trip */
const hops = new Map();

const keyOf = (name, params) => {
  try {
    return `${name}:${JSON.stringify(params, (k, v) => (ArrayBuffer.isView(v) ? `[${v.constructor.name} ${v.length}]` : v))}`;
  } catch {
    return undefined;
  }
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
};

/** Input bytes a job carries (`{ input }` typed arrays), which isolated workers get copied. */
function inputBytes(params) {
  const input = params?.input;
  if (ArrayBuffer.isView(input)) return input.byteLength;
  if (input && typeof input === "object") {
    return Object.values(input).reduce((sum, v) => sum + (ArrayBuffer.isView(v) ? v.byteLength : 0), 0);
  }
  return 0;
}

/** The median round trip of an empty job in `mode`, measured once per backend and mode. */
async function hopMs(runner, mode) {
  const key = `${current()?.backend}:${mode}`;
  if (!hops.has(key)) {
    const times = [];
    for (let i = 0; i < HOP_SAMPLES; i++) {
      const started = performance.now();
      await runner.run("empty", {}, { mode });
      times.push(performance.now() - started);
    }
    hops.set(key, median(times.slice(3)));
  }
  return hops.get(key);
}

/** Milliseconds per byte of a structured clone (what posting data to an isolated worker copies). */
let cloneMsPerByte;
function cloneRate() {
  if (cloneMsPerByte === undefined) {
    const data = new Uint8Array(8 << 20);
    const started = performance.now();
    structuredClone(data);
    cloneMsPerByte = Math.max(1e-7, (performance.now() - started) / data.byteLength);
  }
  return cloneMsPerByte;
}

/**
 * Keeps what a run of `name` with `params` tells about its chunks: a sequential run's timeline
 * is the probe; a parallel run's (with the probe known) gives the chunks' slowdown beside each
 * other. Called with every report that has a timeline.
 */
export function learn(name, params, report) {
  const key = keyOf(name, params);
  if (key === undefined || !report?.timeline) return;
  if (report.mode === "sequential") {
    probes.delete(key);
    probes.set(key, { sequentialMs: report.timesMs.at(-1), timeline: report.timeline, slowdown: probes.get(key)?.slowdown });
    while (probes.size > MAX_PROBES) probes.delete(probes.keys().next().value);
    return;
  }
  const probe = probes.get(key);
  if (probe && report.threads > 1) {
    const ratio = chunkRatio(probe.timeline, report.timeline);
    if (ratio !== undefined) probe.slowdown = ratio;
  }
}

/** Median of each chunk's time in `parallel` over its time in `sequential`. */
export function chunkRatio(sequential, parallel) {
  const alone = new Map();
  for (const chunk of sequential.lanes.flatMap((lane) => lane.chunks)) alone.set(`${chunk.pass}:${chunk.index}`, chunk.end - chunk.start);
  const ratios = [];
  for (const chunk of parallel.lanes.flatMap((lane) => lane.chunks)) {
    const base = alone.get(`${chunk.pass}:${chunk.index}`);
    if (base !== undefined && base > 0.02) ratios.push((chunk.end - chunk.start) / base);
  }
  return ratios.length >= 4 ? median(ratios) : undefined;
}

/** The chunks' durations of each pass, in index order. */
function passDurations(timeline) {
  const passes = timeline.passes.map((count) => new Array(count).fill(0));
  for (const chunk of timeline.lanes.flatMap((lane) => lane.chunks)) {
    if (passes[chunk.pass]) passes[chunk.pass][chunk.index] = chunk.end - chunk.start;
  }
  return passes;
}

/** When the last of `durations` ends, dealt in order to `lanes` lanes each taking the next when free. */
function makespan(durations, lanes) {
  const free = new Array(Math.max(1, lanes)).fill(0);
  for (const duration of durations) {
    let earliest = 0;
    for (let i = 1; i < free.length; i++) if (free[i] < free[earliest]) earliest = i;
    free[earliest] += duration;
  }
  return Math.max(...free);
}

/** The range of chunk indices of part `index` of `of` (as the engine's Mode::Part shares them). */
const share = (chunks, index, of) => [Math.floor(chunks * index / of), Math.floor(chunks * (index + 1) / of)];

/**
 * The prediction for a probed job on `lanes` threads or workers: `{ ms, aloneMs }` where
 * `aloneMs` is how long the last lane ran on its own at the end of the longest pass.
 */
function replay(probe, { lanes, processes, splits, hop, partHop, copyMs }) {
  const passes = passDurations(probe.timeline);
  const chunkMs = passes.flat().reduce((a, b) => a + b, 0);
  const slowdown = probe.slowdown ?? 1;
  // What the run spent outside its chunks (setup, allocation): it stays serial.
  const serial = Math.max(0, probe.sequentialMs - chunkMs);
  if (processes) {
    if (!splits) {
      // Whole on one worker: the job, its input's copy there and back, one message each way.
      return { ms: probe.sequentialMs + copyMs + partHop, parts: 1 };
    }
    // The longest pass is shared out between the parts; a part runs the others whole (the
    // data it makes for its share).
    const totals = passes.map((durations) => durations.reduce((a, b) => a + b, 0));
    const shared = totals.indexOf(Math.max(...totals));
    const chunks = passes[shared];
    const whole = totals.reduce((a, b) => a + b, 0) - totals[shared];
    const of = Math.min(4096, lanes * PARTS_PER_WORKER);
    const parts = [];
    for (let index = of - 1; index >= 0; index--) {
      const [from, to] = share(chunks.length, index, of);
      parts.push(chunks.slice(from, to).reduce((a, b) => a + b, 0) * slowdown + partHop + serial + whole);
    }
    return { ms: makespan(parts, lanes) + copyMs, parts: of };
  }
  let ms = serial + hop;
  for (const durations of passes) ms += makespan(durations.map((d) => d * slowdown), lanes);
  return { ms, parts: 0 };
}

const fmt = (ms) => (ms >= 10 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(1) : ms.toFixed(2));

/**
 * Runner.advise: probes the job if it was never run sequentially with a timeline here (under
 * the job controls given: `signal`, `timeoutMs`, `onProgress`), then predicts.
 */
export async function advise(runner, name, params, { signal, timeoutMs, onProgress } = {}) {
  const key = keyOf(name, params);
  if (key === undefined) throw new TypeError("advise: params must be a plain object (JSON-like, or { input })");
  const backend = current()?.backend ?? runner.backend;
  const onThreads = backend === "threads" || backend === "frame";
  const lanes = onThreads ? runner.threads ?? 1 : current()?.pool?.size ?? 1;
  let probed;
  if (!probes.has(key)) {
    probed = await runner.run(name, params, { mode: "sequential", timeline: true, signal, timeoutMs, onProgress });
    learn(name, params, probed);
  }
  const probe = probes.get(key);
  const workload = runner.workloads().find((w) => w.name === name);
  const splits = workload?.splits ?? false;
  const bytes = inputBytes(params);
  const hop = onThreads ? await hopMs(runner, "parallel") : 0;
  const partHop = onThreads ? 0 : await hopMs(runner, "parallel");
  // On isolated workers an input is copied to them and the output back.
  const copyMs = onThreads ? 0 : 2 * bytes * cloneRate();
  const predicted = replay(probe, { lanes, processes: !onThreads, splits, hop, partHop, copyMs });
  const sequentialMs = probe.sequentialMs;
  const speedup = sequentialMs / predicted.ms;
  // Without a parallel run seen, each chunk's slowdown beside the others is unknown (1 on
  // compute, up to ~1.7 where the threads share memory bandwidth, as sum's do): the interval
  // says so. Isolated workers add what a part costs beyond its chunks (its own instance's
  // memory, its data made again), which a sequential run does not show.
  const spread = probe.slowdown !== undefined ? [0.9, 1.1] : onThreads ? [0.6, 1.05] : [0.55, 1.2];
  const interval = [speedup * spread[0], Math.min(lanes, speedup * spread[1])];
  const mode = speedup >= 1.1 ? "parallel" : "sequential";
  const passes = passDurations(probe.timeline);
  const chunks = passes.reduce((sum, pass) => sum + pass.length, 0);
  const reasons = [];
  const unit = onThreads ? "threads" : "isolated workers";
  reasons.push(`${probed !== undefined ? "A sequential run just now" : "A sequential run seen before"} took ${fmt(sequentialMs)} ms in ${chunks} chunk${chunks === 1 ? "" : "s"}` +
    (passes.length > 1 ? ` over ${passes.length} passes` : "") + ".");
  if (chunks < lanes * 2 && !( !onThreads && splits)) {
    reasons.push(`With ${chunks} chunk${chunks === 1 ? "" : "s"} for ${lanes} ${unit}, some ${unit} have nothing to do.`);
  }
  if (onThreads && hop > 0.25 * sequentialMs) {
    reasons.push(`The hop to the pool and back (~${fmt(hop)} ms) is a large part of ${fmt(sequentialMs)} ms of work: run it sequentially, or many such jobs at once with map's chunkSize.`);
  }
  if (!onThreads && !splits) {
    reasons.push(`${name} does not split into parts: on isolated workers it runs whole on one of them.`);
  }
  if (!onThreads && copyMs > 0.1 * sequentialMs) {
    reasons.push(`The copy of ${(bytes / (1 << 20)).toFixed(1)} MB to isolated workers and back costs ~${fmt(copyMs)} ms against ~${fmt(sequentialMs)} ms of work` +
      (mode === "sequential" ? ": run it sequentially here." : "."));
  }
  if (probe.slowdown !== undefined && probe.slowdown > 1.1) {
    reasons.push(`Each chunk ran ${probe.slowdown.toFixed(2)}× as long beside the others as alone (memory or cores shared), in a parallel run seen before.`);
  }
  if (probe.slowdown === undefined) {
    reasons.push("No parallel run of this job was seen yet: the interval allows for chunks that run slower side by side.");
  }
  reasons.push(`Predicted: ${fmt(predicted.ms)} ms on ${lanes} ${unit}, ${speedup.toFixed(2)}× as fast: ${mode === "parallel" ? "run it in parallel" : "parallelism does not pay here: run it sequentially"}.`);
  // Jobs this short are worth batching: enough of them per hop that the hop is under 10%.
  const chunkSize = Math.max(1, Math.min(1 << 20, Math.ceil((onThreads ? hop : partHop) * 10 / Math.max(1e-3, sequentialMs))));
  return {
    workload: name, backend, mode, threads: lanes, speedup, interval, predictedMs: predicted.ms, sequentialMs,
    chunkSize, probed: probed !== undefined, reasons, probe: probed,
  };
}

/** Forgets every probe and measurement (tests; a page whose machine changed). */
export function forgetAdvice() {
  probes.clear();
  hops.clear();
  cloneMsPerByte = undefined;
}
