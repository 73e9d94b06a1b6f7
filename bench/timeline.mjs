// What recording a timeline costs: every workload's defaults on the pool's threads, with
// `{ timeline: true }` and without, taking turns, until the interval of the ratio of their
// medians is within ±1% or the time cap.
import { median, ratioInterval, relativeHalfWidth } from "./interval.mjs";

/** Most time spent on one workload. */
const CAP_MS = 20_000;
/** The interval each ratio is repeated until: ±1%. */
const TARGET_HALF_WIDTH = 0.01;

/**
 * One row per workload: `on_off` (median with the timeline over median without; 1.02 is 2%
 * more), its 95% interval and the chunks the timeline recorded. `evaluate(fn, arg)` runs
 * `fn(arg)` where webpar is; `only` lists the workloads to measure (default: every one).
 */
export async function timelineOverhead(evaluate, { pkg = "/pkg/webpar.js", where = "wasm", only } = {}) {
  const workloads = await evaluate(async ([pkg, only]) => {
    const { Runner } = await import(pkg);
    globalThis.timelineRunner = new Runner();
    return globalThis.timelineRunner.workloads().filter((w) => w.name !== "empty" && !w.registered && (!only || only.includes(w.name)))
      .map((w) => ({ name: w.name, params: Object.fromEntries(w.params.map((p) => [p.name, p.default])) }));
  }, [pkg, only]);
  const rows = [];
  for (const { name, params } of workloads) {
    const times = { off: [], on: [] };
    let chunks = 0;
    const started = performance.now();
    let stopped;
    for (;;) {
      // A batch of 3 pairs, the order flipping each batch.
      const batch = await evaluate(async ([n, p, flip]) => {
        const out = { off: [], on: [], chunks: 0 };
        for (let i = 0; i < 3; i++) {
          for (const on of (i + flip) % 2 ? [true, false] : [false, true]) {
            const report = await globalThis.timelineRunner.run(n, p, on ? { timeline: true } : {});
            out[on ? "on" : "off"].push(report.timesMs[0]);
            if (on) out.chunks = report.timeline.lanes.reduce((sum, lane) => sum + lane.chunks.length, 0);
          }
        }
        return out;
      }, [name, params, times.on.length / 3 % 2]);
      times.off.push(...batch.off);
      times.on.push(...batch.on);
      chunks = batch.chunks;
      const ratio = median(times.on) / median(times.off);
      if (times.on.length >= 9 && relativeHalfWidth(ratioInterval(times.on, times.off), ratio) <= TARGET_HALF_WIDTH) {
        stopped = "converged";
        break;
      }
      if (performance.now() - started > CAP_MS) {
        stopped = "time cap";
        break;
      }
    }
    const onOff = median(times.on) / median(times.off);
    const [low, high] = ratioInterval(times.on, times.off);
    console.log(`${where} timeline ${name}: ${median(times.off).toFixed(1)} ms off, ${median(times.on).toFixed(1)} ms on ` +
      `(${onOff.toFixed(3)} [${low.toFixed(3)}, ${high.toFixed(3)}], ${chunks} chunks; ${times.on.length} pairs, ${stopped})`);
    rows.push({
      kind: "timeline_overhead", workload: name, where, on_off: onOff, ci_low: low, ci_high: high,
      off_median_ms: median(times.off), on_median_ms: median(times.on), chunks, repeats: times.on.length, stopped,
    });
  }
  return rows;
}
