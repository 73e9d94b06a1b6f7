// Every workload's comparison (sequential, threads, isolated workers) until its speedups'
// intervals are narrow: the browser half of the bench runs it in a page, bench/node.mjs in
// Node.js.
import { median, medianInterval, ratioInterval, relativeHalfWidth } from "./interval.mjs";

/** Most time spent repeating one workload's comparison before it stops at the time cap. */
const COMPARE_CAP_MS = 45_000;
/** Most repeats of each mode for one workload. */
const MAX_REPEATS = 40;
/** The interval each speedup is repeated until: ±3%. */
const TARGET_HALF_WIDTH = 0.03;

/**
 * compare (webpar/bench) of every workload's defaults, threads and isolated workers beside the
 * sequential run, the modes taking turns: batches of `repeats` are added until the 95%
 * interval of each speedup is within ±3% (then the row says "converged") or the time cap is
 * reached ("time cap"). Each row keeps its timings and the interval of its median.
 * `evaluate(fn, arg)` runs `fn(arg)` where webpar is (a page's evaluate; a plain call in
 * Node.js), `pkg` is the URL of the package's webpar.js there, `where` names the rows' place
 * ("wasm": a browser). With `extension` (the package of a crate that adds workloads), only
 * the crate's own workloads.
 */
export async function compareAll(evaluate, repeats, { pkg = "/pkg/webpar.js", extension = false, where = "wasm" } = {}) {
  const workloads = await evaluate(async ([pkg, extension]) => {
    const { Runner } = await import(pkg);
    globalThis.benchRunner = new Runner();
    globalThis.benchCompare = (await import(pkg.replace(/webpar\.js$/, "bench.js"))).compare;
    return globalThis.benchRunner.workloads().filter((w) => w.name !== "empty" && (!extension || w.registered))
      .map((w) => ({ name: w.name, params: Object.fromEntries(w.params.map((p) => [p.name, p.default])) }));
  }, [pkg, extension]);
  const modes = ["sequential", "parallel", "processes"];
  const rows = [];
  for (const { name, params } of workloads) {
    const times = Object.fromEntries(modes.map((mode) => [mode, []]));
    const started = performance.now();
    let last;
    let stopped;
    for (;;) {
      last = await evaluate(([n, p, r, m]) => globalThis.benchCompare(globalThis.benchRunner, n, p, { repeats: r, modes: m }),
        [name, params, repeats, modes]);
      for (const run of last.runs) times[run.mode].push(...run.timesMs);
      const widths = ["parallel", "processes"].map((mode) => {
        const speedup = median(times.sequential) / median(times[mode]);
        return relativeHalfWidth(ratioInterval(times.sequential, times[mode]), speedup);
      });
      if (Math.max(...widths) <= TARGET_HALF_WIDTH) { stopped = "converged"; break; }
      if (performance.now() - started > COMPARE_CAP_MS || times.sequential.length >= MAX_REPEATS) {
        stopped = "time cap";
        break;
      }
    }
    for (const run of last.runs) {
      const runTimes = times[run.mode];
      const [low, high] = medianInterval(runTimes);
      rows.push({
        kind: "run", workload: run.workload, mode: run.mode, where, threads: run.threads,
        threads_used: run.threadsUsed, median_ms: median(runTimes), ci_low_ms: low, ci_high_ms: high,
        min_ms: Math.min(...runTimes), max_ms: Math.max(...runTimes), times_ms: runTimes,
        checksum: run.checksum, repeats: runTimes.length, stopped, params: run.params,
        ...(run.mode === "processes" ? { parts: run.parts, messages: run.messages, bytes_copied: run.bytesCopied } : {}),
      });
    }
    const speedup = (mode) => {
      const value = median(times.sequential) / median(times[mode]);
      const [low, high] = ratioInterval(times.sequential, times[mode]);
      return `${value.toFixed(2)}x [${low.toFixed(2)}, ${high.toFixed(2)}]`;
    };
    console.log(`${where} ${name}: ${median(times.sequential).toFixed(1)} ms -> threads ${median(times.parallel).toFixed(1)} ms ` +
      `(${speedup("parallel")}), processes ${median(times.processes).toFixed(1)} ms (${speedup("processes")}); ` +
      `${times.sequential.length} repeats, ${stopped}`);
  }
  return rows;
}
